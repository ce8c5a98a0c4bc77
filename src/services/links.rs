//! The link kind: links to central, provincial and district sites and to the district's other
//! schools (Điều 7.6). Links are kept by the editor-in-chief and the technical team and go
//! live without review (`Workflow::Managed`); everything else is the editorial machine's.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::editorial::Kind;
use super::media;
use crate::auth::Role;
use crate::auth::roles::Workflow;
use crate::db::DbConnection;
use crate::db::content::PublicCard;
use crate::db::schema::{public_items, public_links};
use crate::domain::category::ContentKind;
use crate::domain::links::LinkGroup;
use crate::domain::search::Part;
use crate::error::ApiResult;

pub struct Link;

/// A link's own fields, as stored, in revisions and in the working copy; the item's title is
/// the text the link shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LinkFields {
    /// An `http://` or `https://` address.
    pub url: String,
    pub group: LinkGroup,
    /// Its place in its group, smallest first.
    pub order: i32,
    /// A logo from the media library.
    pub logo_media_id: Option<String>,
    /// A line about the site, for a tooltip or under the link.
    pub description: String,
}

impl Kind for Link {
    const KIND: ContentKind = ContentKind::Link;
    const FALLBACK_SLUG: &'static str = "lien-ket";
    const LISTED: &'static [&'static str] =
        &["url", "group", "order", "logo_media_id", "description"];
    const WORKFLOW: Workflow = Workflow::Managed(&[Role::EditorInChief, Role::Technician]);
    type Fields = LinkFields;

    fn check(conn: &mut DbConnection, new: &LinkFields, old: Option<&LinkFields>) -> ApiResult<()> {
        match &new.logo_media_id {
            Some(id) if old.is_none_or(|o| o.logo_media_id != new.logo_media_id) => {
                media::ensure_image(conn, "logo_media_id", id)
            }
            _ => Ok(()),
        }
    }

    fn media(fields: &LinkFields) -> Vec<String> {
        fields.logo_media_id.iter().cloned().collect()
    }

    fn summary(fields: &LinkFields) -> &str {
        &fields.url
    }

    fn search_parts(fields: &LinkFields) -> Vec<Part<'_>> {
        vec![
            Part::Text(&fields.url),
            Part::Text(&fields.description),
            Part::Text(fields.group.name()),
        ]
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&LinkFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(public_links::table.find(item_id)).execute(conn)?;
        if let Some((fields, _)) = public {
            diesel::insert_into(public_links::table)
                .values((
                    public_links::item_id.eq(item_id),
                    public_links::link_group.eq(fields.group.as_str()),
                    public_links::rank.eq(fields.order),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// Every published link (of one group when asked), by group, then order, then title.
pub fn list_public(
    conn: &mut DbConnection,
    group: Option<LinkGroup>,
) -> ApiResult<Vec<(LinkGroup, PublicCard)>> {
    let mut q = public_items::table
        .inner_join(public_links::table)
        .select((public_links::link_group, PublicCard::as_select()))
        .into_boxed();
    if let Some(g) = group {
        q = q.filter(public_links::link_group.eq(g.as_str()));
    }
    let rows: Vec<(String, PublicCard)> = q
        .order((
            public_links::rank,
            public_items::title,
            public_items::item_id,
        ))
        .load(conn)?;
    let mut links: Vec<(LinkGroup, PublicCard)> = rows
        .into_iter()
        .filter_map(|(g, card)| Some((LinkGroup::parse(&g)?, card)))
        .collect();
    // Stable: within a group the order above stays.
    links.sort_by_key(|(g, _)| *g);
    Ok(links)
}
