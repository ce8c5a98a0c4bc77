//! Editorial side of articles: working copies, writes, workflow transitions, revisions.
//! Reads of working copies live under `/editorial/articles`; public reads are in
//! `public_articles.rs`. The routes are the article's; what they do is the editorial
//! machine's (`api::editorial`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationError};

use super::body::JsonBody;
use super::editorial::{
    self, DiffQuery, FieldChange, PageQuery, Resource, RevisionSummary, TransitionResponse,
    WorkingCopyQuery, transition_endpoint, with_etag,
};
use super::{IfMatch, utc};
use crate::auth::Actor;
use crate::domain::text::{nfc, no_nul, valid_slug};
use crate::domain::workflow::{Status, Transition};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::AuditContext;
use crate::services::articles::{self, Article, ArticleFields};
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;
use crate::state::AppState;

impl Resource for Article {
    type Response = ArticleResponse;
    const PATH: &'static str = "articles";
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_article_working_copies)
        .service(get_article_working_copy)
        .service(create_article)
        .service(update_article)
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
    pub id: String,
    pub slug: String,
    /// The working copy's place in the workflow.
    pub status: Status,
    /// Whether a published revision is on the public site (it may be older than this one).
    pub live: bool,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML.
    pub body: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    /// The day of the event reported (news).
    pub event_date: Option<NaiveDate>,
    pub author_id: String,
    /// Number of the latest revision.
    pub revision: i32,
    /// The revision the public sees, if any.
    pub published_revision: Option<i32>,
    /// When a scheduled article goes live.
    pub publish_at: Option<DateTime<Utc>>,
    pub first_published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Working<ArticleFields>> for ArticleResponse {
    fn from(item: Working<ArticleFields>) -> Self {
        let status = item.status();
        let (a, f) = (item.row, item.fields);
        ArticleResponse {
            status,
            live: a.published_revision.is_some(),
            id: a.id,
            slug: a.slug,
            title: a.title,
            summary: f.summary,
            body: f.body,
            category_id: a.category_id,
            tags: f.tags,
            cover_media_id: f.cover_media_id,
            event_date: f.event_date,
            author_id: a.author_id,
            revision: a.revision,
            published_revision: a.published_revision,
            publish_at: a.publish_at.map(utc),
            first_published_at: a.first_published_at.map(utc),
            created_at: utc(a.created_at),
            updated_at: utc(a.updated_at),
        }
    }
}

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

/// A new article. Status, author, revision and publication are the server's: sending them is
/// refused.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArticleRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(
        example = "Hoạt động ngoại khoá tuần 12",
        min_length = 1,
        max_length = 300
    )]
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
    pub category_id: String,
    #[serde(default, deserialize_with = "nfc_tags")]
    #[validate(custom(function = "valid_tags"))]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    /// Defaults to the title folded to ASCII, numbered if taken.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    /// A note for the revision history.
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Fields to change; absent ones stay. Saved as a new revision.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
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
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub category_id: Option<String>,
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
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 120,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Editorial list: the working copies the caller may see, most recently changed first.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(WorkingCopyQuery),
    responses(
        (status = 200, description = "One page of working copies", body = ArticleList),
        (status = 403, description = "The role has no editorial view", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/editorial/articles")]
pub async fn list_article_working_copies(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<WorkingCopyQuery>,
) -> ApiResult<web::Json<ArticleList>> {
    let (items, next_cursor) =
        editorial::list_working_copies::<Article>(actor, state, query.into_inner()).await?;
    Ok(web::Json(ArticleList { items, next_cursor }))
}

/// Read a working copy by id or slug. Its `ETag` is what writes send back in `If-Match`.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id or slug")),
    responses(
        (status = 200, description = "The working copy", body = ArticleResponse, headers(("ETag" = String, description = "Send back in If-Match"))),
        (status = 301, description = "An old slug: `Location` names the current one"),
        (status = 404, description = "No such article, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/editorial/articles/{id}")]
pub async fn get_article_working_copy(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    editorial::get_working_copy::<Article>(actor, state, id.into_inner()).await
}

/// Write a new article (a draft). Writers: editor-in-chief, deputy, board members, contributors.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    request_body = CreateArticleRequest,
    responses(
        (status = 201, description = "The draft, revision 1", body = ArticleResponse, headers(("ETag" = String, description = "Send back in If-Match"))),
        (status = 400, description = "Unreadable body, or a server-owned field was sent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The role does not write", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken (`slug_taken`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `legacy_vietnamese_encoding` for TCVN3/VNI text", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/articles")]
pub async fn create_article(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateArticleRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("title", &body.title)
        .text("summary", &body.summary)
        .text("body", &body.body)
        .list("tags", &body.tags)
        .text("note", &body.note)
        .check()?;
    let draft = Draft {
        title: body.title,
        category_id: body.category_id,
        slug: String::new(),
        fields: ArticleFields {
            summary: body.summary,
            body: articles::clean_body(&body.body),
            tags: body.tags,
            cover_media_id: body.cover_media_id,
            event_date: body.event_date,
        },
    };
    let ctx = AuditContext::from(&actor);
    let (slug, note) = (body.slug, body.note);
    let article = state
        .db(move |conn| {
            crate::services::editorial::create::<Article>(
                conn,
                &ctx,
                &actor.caller(),
                draft,
                slug,
                &note,
            )
        })
        .await?;
    editorial::created::<Article>(article)
}

/// Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or
/// published article sends it back to `draft`; the public keeps the published revision.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Article id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed"),
    ),
    request_body = UpdateArticleRequest,
    responses(
        (status = 200, description = "The working copy", body = ArticleResponse, headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "The caller may not edit this article", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since loaded (`precondition_failed`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` (`precondition_required`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/articles/{id}")]
pub async fn update_article(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: JsonBody<UpdateArticleRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .sent("title", &body.title)
        .sent("summary", &body.summary)
        .sent("body", &body.body)
        .list("tags", body.tags.as_deref().unwrap_or_default())
        .text("note", &body.note)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let note = body.note.clone();
    let article = state
        .db(move |conn| {
            crate::services::editorial::update::<Article>(
                conn,
                &ctx,
                &actor.caller(),
                &id,
                if_match.0,
                &note,
                |mut draft| {
                    let f = &mut draft.fields;
                    draft.title = body.title.unwrap_or(draft.title);
                    draft.category_id = body.category_id.unwrap_or(draft.category_id);
                    draft.slug = body.slug.unwrap_or(draft.slug);
                    f.summary = body.summary.unwrap_or(std::mem::take(&mut f.summary));
                    if let Some(html) = body.body {
                        f.body = articles::clean_body(&html);
                    }
                    f.tags = body.tags.unwrap_or(std::mem::take(&mut f.tags));
                    f.cover_media_id = body.cover_media_id.unwrap_or(f.cover_media_id.take());
                    f.event_date = body.event_date.unwrap_or(f.event_date);
                    draft
                },
            )
        })
        .await?;
    Ok(with_etag::<Article>(StatusCode::OK, article))
}

transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    submit_article,
    "/articles/{id}/submit",
    Transition::Submit,
    "Submit a draft for review (author or editor)."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    approve_article,
    "/articles/{id}/approve",
    Transition::Approve,
    "Approve a submitted article (chief, deputy, or a board member reviewing its category; never one's own)."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    request_changes_article,
    "/articles/{id}/request-changes",
    Transition::RequestChanges,
    "Send a submitted article back to its author with a comment (required)."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    reject_article,
    "/articles/{id}/reject",
    Transition::Reject,
    "Reject a submitted article: back to draft, with a comment (required)."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    publish_article,
    "/articles/{id}/publish",
    Transition::Publish,
    "Publish an approved article now, or at `publish_at` (chief; deputy while delegated)."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    unpublish_article,
    "/articles/{id}/unpublish",
    Transition::Unpublish,
    "Take an article off the public site, or cancel its scheduled publication."
);
transition_endpoint!(
    Article,
    "articles",
    ArticleResponse,
    archive_article,
    "/articles/{id}/archive",
    Transition::Archive,
    "Archive an article: off the public site and frozen (never deleted)."
);

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRevisionResponse {
    pub number: i32,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    /// Who saved it.
    pub editor_id: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<Revision<ArticleFields>> for ArticleRevisionResponse {
    fn from(r: Revision<ArticleFields>) -> Self {
        let (r, f) = (r.row, r.fields);
        ArticleRevisionResponse {
            number: r.number,
            slug: r.slug,
            title: r.title,
            summary: f.summary,
            body: f.body,
            category_id: r.category_id,
            tags: f.tags,
            cover_media_id: f.cover_media_id,
            event_date: f.event_date,
            editor_id: r.editor_id,
            note: r.note,
            created_at: utc(r.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// An article's saved revisions, newest first, a page at a time (without their content).
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), PageQuery),
    responses(
        (status = 200, description = "One page of revisions", body = ArticleRevisionList),
        (status = 400, description = "Bad cursor or limit", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/revisions")]
pub async fn list_article_revisions(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ArticleRevisionList>> {
    let (items, next_cursor) =
        editorial::revisions::<Article>(actor, state, id.into_inner(), query.into_inner()).await?;
    Ok(web::Json(ArticleRevisionList { items, next_cursor }))
}

/// One revision.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("number" = i32, Path, description = "Revision number")),
    responses(
        (status = 200, description = "The revision", body = ArticleRevisionResponse),
        (status = 404, description = "No such article or revision", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/revisions/{number}")]
pub async fn get_article_revision(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
) -> ApiResult<web::Json<ArticleRevisionResponse>> {
    let (id, number) = path.into_inner();
    let revision = editorial::revision::<Article>(actor, state, id, number).await?;
    Ok(web::Json(revision.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// Fields other than the body that differ.
    pub changes: Vec<FieldChange>,
    /// The body as a unified diff (line by line), empty when equal.
    pub body_diff: String,
}

/// What changed between two revisions.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), DiffQuery),
    responses(
        (status = 200, description = "The differences", body = ArticleRevisionDiff),
        (status = 404, description = "No such article or revision", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/diff")]
pub async fn diff_article_revisions(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> ApiResult<web::Json<ArticleRevisionDiff>> {
    let (from, to) = (query.from, query.to);
    let diff =
        editorial::diff::<Article>(actor, state, id.into_inner(), query.into_inner(), &["body"])
            .await?;
    Ok(web::Json(ArticleRevisionDiff {
        from,
        to,
        changes: diff.changes,
        body_diff: diff.texts.into_iter().map(|(_, d)| d).collect(),
    }))
}

/// Make an old revision's content current again, as a new revision (requires `If-Match`).
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Article id"),
        ("number" = i32, Path, description = "Revision to restore"),
        ("If-Match" = String, Header, description = "The ETag of the current version"),
    ),
    responses(
        (status = 200, description = "The working copy with a new revision", body = ArticleResponse),
        (status = 403, description = "The caller may not edit this article", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such article or revision", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since loaded", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{id}/revisions/{number}/restore")]
pub async fn restore_article_revision(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    editorial::restore::<Article>(actor, state, id, number, if_match).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleHistory {
    /// Oldest first.
    pub items: Vec<TransitionResponse>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The workflow history: every step, who took it, when, and why (review comments included),
/// oldest first, a page at a time.
#[utoipa::path(
    tag = "articles",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), PageQuery),
    responses(
        (status = 200, description = "One page of steps", body = ArticleHistory),
        (status = 400, description = "Bad cursor or limit", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}/history")]
pub async fn article_history(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ArticleHistory>> {
    let (items, next_cursor) =
        editorial::history::<Article>(actor, state, id.into_inner(), query.into_inner()).await?;
    Ok(web::Json(ArticleHistory { items, next_cursor }))
}
