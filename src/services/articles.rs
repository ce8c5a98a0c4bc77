//! The article kind: news and posts (Điều 7.4). Everything editorial — the working copy, its
//! revisions, the workflow, the public projection — is the editorial machine's
//! (`services::editorial`); an article adds its summary, body, tags, cover and event date, the
//! checks on them, and the public index of its tags.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::editorial::Kind;
use super::{Page, media, page_key};
use crate::db::DbConnection;
use crate::db::content::{PublicArticleTag, PublicCard};
use crate::db::schema::{public_article_tags, public_items};
use crate::domain::category::ContentKind;
use crate::domain::html;
use crate::domain::search::Part;
use crate::domain::text::tag_key;
use crate::error::ApiResult;

pub struct Article;

/// An article's own fields, already NFC-normalised, checked and sanitised: as stored, in
/// revisions and in the working copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleFields {
    pub summary: String,
    /// Sanitised HTML.
    pub body: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    /// The day of the event reported (news).
    pub event_date: Option<NaiveDate>,
}

impl Kind for Article {
    const KIND: ContentKind = ContentKind::Article;
    const FALLBACK_SLUG: &'static str = "bai-viet";
    const LISTED: &'static [&'static str] = &["summary", "tags", "cover_media_id", "event_date"];
    type Fields = ArticleFields;

    fn check(
        conn: &mut DbConnection,
        new: &ArticleFields,
        old: Option<&ArticleFields>,
    ) -> ApiResult<()> {
        match &new.cover_media_id {
            Some(id) if old.is_none_or(|o| o.cover_media_id != new.cover_media_id) => {
                media::ensure_image(conn, "cover_media_id", id)
            }
            _ => Ok(()),
        }
    }

    /// Its cover and what its body links to.
    fn media(fields: &ArticleFields) -> Vec<String> {
        let mut ids = html::ids_in_html(&fields.body);
        ids.extend(fields.cover_media_id.iter().cloned());
        ids.sort();
        ids.dedup();
        ids
    }

    fn summary(fields: &ArticleFields) -> &str {
        &fields.summary
    }

    fn search_parts(fields: &ArticleFields) -> Vec<Part<'_>> {
        vec![
            Part::Text(&fields.summary),
            Part::Html(&fields.body),
            Part::List(&fields.tags),
        ]
    }

    /// The tag index: one row per distinct tag key, in publication order.
    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&ArticleFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(
            public_article_tags::table.filter(public_article_tags::article_id.eq(item_id)),
        )
        .execute(conn)?;
        let Some((fields, published_at)) = public else {
            return Ok(());
        };
        let mut keys: Vec<String> = fields
            .tags
            .iter()
            .map(|t| tag_key(t))
            .filter(|t| !t.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        for tag in keys {
            diesel::insert_into(public_article_tags::table)
                .values(PublicArticleTag {
                    article_id: item_id.to_owned(),
                    tag,
                    published_at,
                })
                .execute(conn)?;
        }
        Ok(())
    }
}

/// Body HTML as stored: sanitised by the allow-list.
pub fn clean_body(body: &str) -> String {
    html::sanitize(body)
}

/// Published articles with a tag (its key), newest first, walking the tag's own index.
pub fn list_tagged(
    conn: &mut DbConnection,
    tag: &str,
    category_id: Option<&str>,
    published: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<PublicCard>> {
    use public_article_tags::dsl::{article_id, published_at};
    let mut q = public_article_tags::table
        .inner_join(public_items::table)
        .filter(public_article_tags::tag.eq(tag))
        .select(PublicCard::as_select())
        .into_boxed();
    if let Some(c) = category_id {
        q = q.filter(public_items::category_id.eq(c.to_owned()));
    }
    if let Some(from) = published.0 {
        q = q.filter(published_at.ge(from));
    }
    if let Some(before) = published.1 {
        q = q.filter(published_at.lt(before));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            published_at
                .lt(t)
                .or(published_at.eq(t).and(article_id.lt(id))),
        );
    }
    let rows = q
        .order((published_at.desc(), article_id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c: &PublicCard| {
        page_key(c.published_at, &c.item_id)
    }))
}
