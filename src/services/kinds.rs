//! Every content kind the machine runs, for what runs over all of them: the scheduler, the
//! site-wide search's snippets and the search index rebuild. A new kind adds one line here.

use super::articles::Article;
use super::documents::Document;
use super::editorial::{self, Kind};
use super::links::Link;
use super::pages::Page;
use super::people::Person;
use super::procedures::Procedure;
use super::projection;
use super::resources::TeachingResource;
use crate::db::DbConnection;
use crate::db::content::PublicItem;
use crate::domain::category::ContentKind;
use crate::error::ApiResult;

/// A kind's entry points, as plain functions.
#[derive(Clone, Copy)]
pub struct Registered {
    pub kind: ContentKind,
    pub publish_due: fn(&mut DbConnection) -> ApiResult<usize>,
    /// The passage of a public item (title, card, detail) that matched the search terms.
    pub snippet: fn(&str, &str, &str, &[String]) -> ApiResult<String>,
    pub reindex: fn(&mut DbConnection, &PublicItem) -> ApiResult<()>,
}

fn entry<K: Kind>() -> Registered {
    Registered {
        kind: K::KIND,
        publish_due: editorial::publish_due::<K>,
        snippet: projection::snippet::<K>,
        reindex: projection::reindex::<K>,
    }
}

pub fn all() -> [Registered; 7] {
    [
        entry::<Article>(),
        entry::<Document>(),
        entry::<Procedure>(),
        entry::<Page>(),
        entry::<Person>(),
        entry::<TeachingResource>(),
        entry::<Link>(),
    ]
}

/// The kind whose rows are named `name`.
pub fn of(name: &str) -> Option<Registered> {
    all().into_iter().find(|k| k.kind.as_str() == name)
}

/// Publishes every scheduled item of every kind whose time has come; returns how many.
pub fn publish_due(conn: &mut DbConnection) -> ApiResult<usize> {
    let mut published = 0;
    for kind in all() {
        published += (kind.publish_due)(conn)?;
    }
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_content_kind_is_registered_once() {
        let names: Vec<&str> = all().iter().map(|k| k.kind.as_str()).collect();
        let expected: Vec<&str> = ContentKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, expected);
    }
}
