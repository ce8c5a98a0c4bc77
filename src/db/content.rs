//! Rows of the content tables: working copies, revisions, slugs and the public projection of
//! every kind, workflow steps and the change feed. A kind's own fields are one JSON object
//! (`fields`; `card` and `detail` in the projection), read and written by the editorial
//! machine (`services::editorial`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    change_feed, content_items, content_revisions, content_slugs, content_transitions,
    public_article_tags, public_items,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = content_items)]
pub struct ContentItem {
    pub id: String,
    pub kind: String,
    pub slug: String,
    pub status: String,
    pub category_id: String,
    pub author_id: String,
    pub title: String,
    pub revision: i32,
    pub version: i32,
    pub publish_at: Option<NaiveDateTime>,
    pub first_published_at: Option<NaiveDateTime>,
    pub published_revision: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The kind's own fields, a JSON object.
    pub fields: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = content_revisions)]
pub struct ContentRevision {
    pub id: String,
    pub item_id: String,
    pub number: i32,
    pub slug: String,
    pub category_id: String,
    pub title: String,
    pub editor_id: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub fields: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = content_slugs)]
pub struct ContentSlug {
    pub kind: String,
    pub slug: String,
    pub item_id: String,
    pub created_at: NaiveDateTime,
    /// The public has seen it (a revision carrying it was published): only then does it
    /// redirect publicly.
    pub public: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = public_items)]
pub struct PublicItem {
    pub item_id: String,
    pub kind: String,
    pub slug: String,
    pub category_id: String,
    /// First publication.
    pub published_at: NaiveDateTime,
    /// When this revision went live.
    pub updated_at: NaiveDateTime,
    pub revision: i32,
    pub author_name: String,
    pub title: String,
    pub summary: String,
    /// The title's words, for ranking.
    pub search_title: String,
    /// The `domain::search::INDEX_VERSION` it was indexed with.
    pub search_version: i32,
    /// The kind's fields shown in lists (JSON object).
    pub card: String,
    /// The kind's other fields (JSON object).
    pub detail: String,
    /// The words search finds it by (`domain::search::index_text`).
    pub search_text: String,
}

/// A list entry of the projection: everything but the detail and the index text.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = public_items)]
pub struct PublicCard {
    pub item_id: String,
    pub kind: String,
    pub slug: String,
    pub category_id: String,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub author_name: String,
    pub title: String,
    pub summary: String,
    pub card: String,
}

impl PublicItem {
    /// What a list shows of it.
    pub fn into_card(self) -> PublicCard {
        PublicCard {
            item_id: self.item_id,
            kind: self.kind,
            slug: self.slug,
            category_id: self.category_id,
            published_at: self.published_at,
            updated_at: self.updated_at,
            author_name: self.author_name,
            title: self.title,
            summary: self.summary,
            card: self.card,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = public_article_tags)]
pub struct PublicArticleTag {
    pub article_id: String,
    pub tag: String,
    pub published_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = content_transitions)]
pub struct ContentTransition {
    pub id: String,
    pub content_type: String,
    pub content_id: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub revision: i32,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub comment: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = change_feed)]
pub struct NewChange {
    /// The feed position, from `change_clock` (commit order).
    pub seq: i64,
    pub content_type: String,
    pub content_id: String,
    /// `published`, `updated`, `unpublished`, `archived` or `deleted`.
    pub action: String,
    pub at: NaiveDateTime,
    /// The public revision: the one published, or the one withdrawn.
    pub revision: Option<i32>,
}

/// A change-feed entry as read back.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_feed)]
pub struct FeedEntry {
    pub seq: i64,
    pub content_type: String,
    pub content_id: String,
    pub action: String,
    pub at: NaiveDateTime,
    pub revision: Option<i32>,
}
