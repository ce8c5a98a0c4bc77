//! The public projection of the editorial machine: what publishing writes for the public
//! (`public_items`: the card and detail of the published revision, its search words) and what
//! withdrawing removes, the same for every kind, plus each kind's own public tables through
//! `Kind::project`. Search snippets and re-indexing read it back.

use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::content::PublicChange;
use super::editorial::{Kind, Working, name, read_fields};
use super::media;
use crate::db::DbConnection;
use crate::db::content::PublicItem;
use crate::db::schema::{content_slugs, public_items, users};
use crate::domain::search::{self, Part};
use crate::error::{ApiError, ApiResult};

/// Splits the kind's fields into what lists show (`card`) and the rest (`detail`).
fn split_fields<F: Serialize>(fields: &F, listed: &[&str]) -> ApiResult<(String, String)> {
    let Value::Object(all) = serde_json::to_value(fields).map_err(ApiError::internal)? else {
        return Err(ApiError::internal("a kind's fields are not a JSON object"));
    };
    let (card, detail): (Map<String, Value>, Map<String, Value>) = all
        .into_iter()
        .partition(|(k, _)| listed.contains(&k.as_str()));
    Ok((
        Value::Object(card).to_string(),
        Value::Object(detail).to_string(),
    ))
}

/// What search reads of a public item: its title, then what the kind says search covers.
fn search_parts_of<'a, K: Kind>(title: &'a str, fields: &'a K::Fields) -> Vec<Part<'a>> {
    let mut parts = vec![Part::Text(title)];
    parts.extend(K::search_parts(fields));
    parts
}

/// The search index text of a public item.
fn index_of<K: Kind>(category_id: &str, title: &str, fields: &K::Fields) -> String {
    search::index_text(
        K::KIND.as_str(),
        category_id,
        &search_parts_of::<K>(title, fields),
    )
}

/// The fields of a public item, from its card and detail.
pub fn public_fields<F: DeserializeOwned>(card: &str, detail: &str) -> ApiResult<F> {
    let mut all: Map<String, Value> = read_fields(card)?;
    all.extend(read_fields::<Map<String, Value>>(detail)?);
    serde_json::from_value(Value::Object(all)).map_err(ApiError::internal)
}

/// The passage of a public item that matched a search.
pub fn snippet<K: Kind>(
    title: &str,
    card: &str,
    detail: &str,
    terms: &[String],
) -> ApiResult<String> {
    let fields: K::Fields = public_fields(card, detail)?;
    let parts = search_parts_of::<K>(title, &fields);
    Ok(search::snippet(search::readable(&parts), terms))
}

/// Rebuilds the search words and the kind's own indexes of a public item (after the search
/// rules changed).
pub fn reindex<K: Kind>(conn: &mut DbConnection, item: &PublicItem) -> ApiResult<()> {
    let fields: K::Fields = public_fields(&item.card, &item.detail)?;
    K::project(conn, &item.item_id, Some((&fields, item.published_at)))?;
    diesel::update(public_items::table.find(&item.item_id))
        .set((
            public_items::search_text.eq(index_of::<K>(&item.category_id, &item.title, &fields)),
            public_items::search_title.eq(search::words_text(&item.title)),
            public_items::search_version.eq(search::INDEX_VERSION),
        ))
        .execute(conn)?;
    Ok(())
}

/// Media whose public standing a write changed, for the change feed.
pub type MediaChanges = Vec<(String, PublicChange)>;

/// Puts the item's current revision on the public site (replacing any earlier one).
pub(super) fn publish<K: Kind>(
    conn: &mut DbConnection,
    item: &Working<K::Fields>,
) -> ApiResult<MediaChanges> {
    let row = &item.row;
    let author_name: String = users::table
        .find(&row.author_id)
        .select(users::display_name)
        .first(conn)?;
    let first = row.first_published_at.unwrap_or(row.updated_at);
    remove::<K>(conn, &row.id)?;
    let fields = K::public_view(&item.fields);
    let (card, detail) = split_fields(&fields, K::LISTED)?;
    diesel::insert_into(public_items::table)
        .values(PublicItem {
            item_id: row.id.clone(),
            kind: row.kind.clone(),
            slug: row.slug.clone(),
            category_id: row.category_id.clone(),
            published_at: first,
            updated_at: row.updated_at,
            revision: row.revision,
            author_name,
            title: row.title.clone(),
            summary: K::summary(&fields).to_owned(),
            search_title: search::words_text(&row.title),
            search_version: search::INDEX_VERSION,
            card,
            detail,
            search_text: index_of::<K>(&row.category_id, &row.title, &fields),
        })
        .execute(conn)?;
    K::project(conn, &row.id, Some((&fields, first)))?;
    // From now on the public knows this slug: should it change, it redirects.
    diesel::update(content_slugs::table.find((&row.kind, &row.slug)))
        .set(content_slugs::public.eq(true))
        .execute(conn)?;
    media::record_uses(conn, &row.kind, &row.id, true, &K::media(&fields))
}

/// Takes the item off the public site.
pub(super) fn withdraw<K: Kind>(conn: &mut DbConnection, item_id: &str) -> ApiResult<MediaChanges> {
    remove::<K>(conn, item_id)?;
    media::record_uses(conn, name::<K>(), item_id, true, &[])
}

fn remove<K: Kind>(conn: &mut DbConnection, item_id: &str) -> ApiResult<()> {
    K::project(conn, item_id, None)?;
    diesel::delete(public_items::table.find(item_id)).execute(conn)?;
    Ok(())
}
