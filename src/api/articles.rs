//! Editorial side of articles: working copies, writes, workflow transitions, revisions.
//! Reads of working copies live under `/editorial/articles`; public reads are in
//! `public_articles.rs`. The routes are the article's; what they do is the editorial
//! machine's (`api::editorial`).

use actix_web::{delete, get, patch, post};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::ValidationError;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::domain::text::{nfc, no_nul};
use crate::error::ApiResult;
use crate::services::articles::{self, Article, ArticleFields};
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;

impl Resource for Article {
    type Response = ArticleResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_article_working_copies)
        .service(get_article_working_copy)
        .service(create_article)
        .service(update_article)
        .service(delete_article)
        .service(submit_article)
        .service(approve_article)
        .service(request_changes_article)
        .service(reject_article)
        .service(publish_article)
        .service(unpublish_article)
        .service(archive_article)
        .service(list_article_revisions)
        .service(get_article_revision)
        .service(diff_article_revisions)
        .service(restore_article_revision)
        .service(article_history);
}

/// An article's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: ArticleFields,
}

impl From<Working<ArticleFields>> for ArticleResponse {
    fn from(item: Working<ArticleFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        ArticleResponse { item, fields }
    }
}

editorial_endpoint!(
    delete Article,
    "articles",
    delete_article,
    "/articles/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleResponse>,
    pub next_cursor: Option<String>,
}

fn valid_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.len() > 20 {
        return Err(ValidationError::new("too_many_tags"));
    }
    if tags
        .iter()
        .any(|t| t.is_empty() || t.chars().count() > 60 || t.contains('\0'))
    {
        return Err(ValidationError::new("tag"));
    }
    Ok(())
}

fn nfc_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<String>::deserialize(d)?
        .iter()
        .map(|t| crate::domain::text::clean(t))
        .collect())
}

fn nfc_tags_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    nfc_tags(d).map(Some)
}

editorial_request! {
    create
    /// A new article. Status, author, revision and publication are the server's: sending them
    /// is refused.
    pub struct CreateArticleRequest {
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(example = "Hoạt động ngoại khoá tuần 12", min_length = 1, max_length = 300)]
        pub title: String,
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 2000), custom(function = "no_nul"))]
        #[schema(max_length = 2000)]
        pub summary: String,
        /// HTML; sanitised with an allow-list (see docs/articles.md).
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 500000), custom(function = "no_nul"))]
        #[schema(max_length = 500000)]
        pub body: String,
        #[serde(default, deserialize_with = "nfc_tags")]
        #[validate(custom(function = "valid_tags"))]
        #[schema(max_items = 20)]
        pub tags: Vec<String>,
        pub cover_media_id: Option<String>,
        pub event_date: Option<NaiveDate>,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay. Saved as a new revision.
    pub struct UpdateArticleRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 300)]
        pub title: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 2000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 2000)]
        pub summary: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 500000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 500000)]
        pub body: Option<String>,
        #[serde(default, deserialize_with = "nfc_tags_opt")]
        #[validate(custom(function = "valid_tags"))]
        #[schema(nullable = false, max_items = 20)]
        pub tags: Option<Vec<String>>,
        /// `null` removes the cover.
        #[serde(default, deserialize_with = "nfc::nullable")]
        #[schema(value_type = Option<String>)]
        pub cover_media_id: Option<Option<String>>,
        /// `null` removes the date.
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<NaiveDate>)]
        pub event_date: Option<Option<NaiveDate>>,
    }
}

editorial_endpoint!(
    list Article,
    "articles",
    ArticleList,
    list_article_working_copies,
    "/editorial/articles",
    "Editorial list: the working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Article,
    "articles",
    ArticleResponse,
    get_article_working_copy,
    "/editorial/articles/{id}",
    "Read a working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

impl editorial::CreateRequest for CreateArticleRequest {
    type Kind = Article;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, ArticleFields)> {
        check
            .text("title", &self.title)
            .text("summary", &self.summary)
            .text("body", &self.body)
            .list("tags", &self.tags)
            .check()?;
        let fields = ArticleFields {
            summary: self.summary,
            body: articles::clean_body(&self.body),
            tags: self.tags,
            cover_media_id: self.cover_media_id,
            event_date: self.event_date,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdateArticleRequest {
    type Kind = Article;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<ArticleFields>> {
        check
            .sent("title", &self.title)
            .sent("summary", &self.summary)
            .sent("body", &self.body)
            .list("tags", self.tags.as_deref().unwrap_or_default())
            .check()?;
        Ok(Box::new(move |mut draft: Draft<ArticleFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.summary = self.summary.unwrap_or(std::mem::take(&mut f.summary));
            if let Some(html) = self.body {
                f.body = articles::clean_body(&html);
            }
            f.tags = self.tags.unwrap_or(std::mem::take(&mut f.tags));
            f.cover_media_id = self.cover_media_id.unwrap_or(f.cover_media_id.take());
            f.event_date = self.event_date.unwrap_or(f.event_date);
            draft
        }))
    }
}

editorial_endpoint!(
    create Article,
    "articles",
    CreateArticleRequest,
    ArticleResponse,
    create_article,
    "/articles",
    "The slug is taken (`slug_taken`)",
    "Invalid fields; `category_kind_mismatch` for a category of another kind; `legacy_vietnamese_encoding` for TCVN3/VNI text",
    "Write a new article (a draft). Writers: editor-in-chief, deputy, board members, contributors."
);
editorial_endpoint!(
    update Article,
    "articles",
    UpdateArticleRequest,
    ArticleResponse,
    update_article,
    "/articles/{id}",
    "The slug is taken (`slug_taken`)",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published article sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    submit_article,
    "/articles/{id}/submit",
    Submit,
    "Submit a draft for review (author or editor)."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    approve_article,
    "/articles/{id}/approve",
    Approve,
    "Approve a submitted article (chief, deputy, or a board member reviewing its category; never one's own)."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    request_changes_article,
    "/articles/{id}/request-changes",
    RequestChanges,
    "Send a submitted article back to its author with a comment (required)."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    reject_article,
    "/articles/{id}/reject",
    Reject,
    "Reject a submitted article: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    publish_article,
    "/articles/{id}/publish",
    Publish,
    "Publish an approved article now, or at `publish_at` (chief; deputy while delegated)."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    unpublish_article,
    "/articles/{id}/unpublish",
    Unpublish,
    "Take an article off the public site, or cancel its scheduled publication."
);
editorial_endpoint!(
    step Article,
    "articles",
    ArticleResponse,
    archive_article,
    "/articles/{id}/archive",
    Archive,
    "Archive an article: off the public site and frozen (never deleted)."
);

/// A saved revision of an article, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub revision: SavedRevision,
    #[serde(flatten)]
    pub fields: ArticleFields,
}

impl From<Revision<ArticleFields>> for ArticleRevisionResponse {
    fn from(r: Revision<ArticleFields>) -> Self {
        let (number, revision, fields) = SavedRevision::of(r);
        ArticleRevisionResponse {
            number,
            revision,
            fields,
        }
    }
}

editorial_endpoint!(
    revisions Article,
    "articles",
    list_article_revisions,
    "/articles/{id}/revisions"
);
editorial_endpoint!(
    revision Article,
    "articles",
    ArticleRevisionResponse,
    get_article_revision,
    "/articles/{id}/revisions/{number}"
);
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// Fields other than the body that differ.
    pub changes: Vec<FieldChange>,
    /// The body as a unified diff (line by line), empty when equal.
    pub body_diff: String,
}

impl From<editorial::Diff> for ArticleRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        ArticleRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
            body_diff: diff.texts.into_iter().map(|(_, d)| d).collect(),
        }
    }
}

editorial_endpoint!(
    diff Article,
    "articles",
    ArticleRevisionDiff,
    diff_article_revisions,
    "/articles/{id}/diff",
    &["body"]
);
editorial_endpoint!(
    restore Article,
    "articles",
    ArticleResponse,
    restore_article_revision,
    "/articles/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Article,
    "articles",
    article_history,
    "/articles/{id}/history"
);
