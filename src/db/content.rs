//! Rows of the content tables (articles, revisions, public projection, transitions, feed).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    article_revisions, article_slugs, articles, change_feed, content_transitions,
    public_article_tags, public_articles,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub struct Article {
    pub id: String,
    pub slug: String,
    pub status: String,
    pub category_id: String,
    pub author_id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// JSON array of tag strings.
    pub tags: String,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub revision: i32,
    pub version: i32,
    pub publish_at: Option<NaiveDateTime>,
    pub first_published_at: Option<NaiveDateTime>,
    pub published_revision: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct ArticleRevision {
    pub id: String,
    pub article_id: String,
    pub number: i32,
    pub slug: String,
    pub category_id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: String,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub editor_id: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_slugs)]
pub struct ArticleSlug {
    pub slug: String,
    pub article_id: String,
    pub created_at: NaiveDateTime,
    /// The public has seen it (a revision carrying it was published): only then does it
    /// redirect publicly.
    pub public: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = public_articles)]
pub struct PublicArticle {
    pub article_id: String,
    pub slug: String,
    pub category_id: String,
    pub author_name: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: String,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub revision: i32,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The words search finds it by (`domain::search::index_text`).
    pub search_text: String,
    /// The title's words, for ranking.
    pub search_title: String,
    /// The `domain::search::INDEX_VERSION` it was indexed with.
    pub search_version: i32,
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
    pub content_type: String,
    pub content_id: String,
    /// `published`, `updated`, `unpublished`, `archived` or `deleted`.
    pub action: String,
    pub at: NaiveDateTime,
    /// The public revision: the one published, or the one withdrawn.
    pub revision: Option<i32>,
}
