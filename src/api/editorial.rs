//! The editorial machine over HTTP, the same for every kind: the staff list, working-copy
//! reads, workflow steps, revisions, diffs, restore and history. A kind's module declares its
//! routes (typed, with their OpenAPI description) with `editorial_endpoint!` and its request
//! types with `editorial_request!` (`editorial_endpoint.rs`), which call these; what differs
//! is its request and response types, named by [`Resource`].

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::body::OptionalJsonBody;
use super::{IfMatch, page_request, utc};
use crate::auth::Actor;
use crate::config::Settings;
use crate::db::content::ContentTransition;
use crate::domain::category::RetentionClass;
use crate::domain::text::{nfc, no_nul};
use crate::domain::workflow::{Status, Transition};
use crate::error::{ApiError, ApiResult};
use crate::services::editorial::{self, Draft, Kind, Revision, StaffFilter, Working};
use crate::services::{AuditContext, Lookup, content, encoding};
use crate::state::AppState;

/// A kind as a REST resource.
pub trait Resource: Kind {
    /// The working copy as editors see it.
    type Response: Serialize + From<Working<Self::Fields>>;
}

/// What every working copy shows, whatever its kind; a kind's response adds its fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingCopy {
    pub id: String,
    pub slug: String,
    /// The working copy's place in the workflow.
    pub status: Status,
    /// Whether a published revision is on the public site (it may be older than this one).
    pub live: bool,
    /// The title (a document's trích yếu).
    pub title: String,
    pub category_id: String,
    pub author_id: String,
    /// Number of the latest revision.
    pub revision: i32,
    /// The revision the public sees, if any.
    pub published_revision: Option<i32>,
    /// When a scheduled item goes live.
    pub publish_at: Option<DateTime<Utc>>,
    pub first_published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Its category's retention class (Điều 10.3): `permanent` items are never deleted,
    /// `limited` ones are kept `retention_years`.
    pub retention_class: RetentionClass,
    /// For `limited`: how many years it is kept.
    pub retention_years: Option<i32>,
}

impl WorkingCopy {
    /// The common part of a working copy, and the kind's fields.
    pub fn of<F: Clone>(item: Working<F>) -> (Self, F) {
        let status = item.status();
        let (r, fields, retention) = (item.row, item.fields, item.retention);
        let common = WorkingCopy {
            retention_class: retention.class(),
            retention_years: retention.years(),
            status,
            live: r.published_revision.is_some(),
            id: r.id,
            slug: r.slug,
            title: r.title,
            category_id: r.category_id,
            author_id: r.author_id,
            revision: r.revision,
            published_revision: r.published_revision,
            publish_at: r.publish_at.map(utc),
            first_published_at: r.first_published_at.map(utc),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        };
        (common, fields)
    }
}

/// What every saved revision shows, whatever its kind, but its number: a kind's revision
/// adds the number (named so as not to clash with its fields) and its fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedRevision {
    pub slug: String,
    pub title: String,
    pub category_id: String,
    /// Who saved it.
    pub editor_id: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl SavedRevision {
    /// The revision's number, its common part, and the kind's fields.
    pub fn of<F>(revision: Revision<F>) -> (i32, Self, F) {
        let (r, fields) = (revision.row, revision.fields);
        let common = SavedRevision {
            slug: r.slug,
            title: r.title,
            category_id: r.category_id,
            editor_id: r.editor_id,
            note: r.note,
            created_at: utc(r.created_at),
        };
        (r.number, common, fields)
    }
}

/// A working copy's response, with its version as the `ETag`.
pub fn with_etag<K: Resource>(status: StatusCode, item: Working<K::Fields>) -> HttpResponse {
    super::versioned(status, item.row.version, &K::Response::from(item))
}

/// A new working copy: 201 at its editorial URL.
pub fn created<K: Resource>(item: Working<K::Fields>) -> ApiResult<HttpResponse> {
    let location = format!("/api/v1/editorial/{}/{}", K::KIND.path(), item.row.id);
    let mut res = with_etag::<K>(StatusCode::CREATED, item);
    res.headers_mut().insert(
        header::LOCATION,
        header::HeaderValue::from_str(&location).map_err(ApiError::internal)?,
    );
    Ok(res)
}

/// What every kind's request carries besides its own fields: the category, the slug and the
/// revision note. `editorial_request!` adds these fields to a kind's request struct and takes
/// them out for the machine; `C` is `String` on create and `Option<String>` (absent: kept) on
/// update.
pub struct Envelope<C> {
    pub category_id: C,
    pub slug: Option<String>,
    pub note: String,
}

/// A request holding the machine's fields (written by `editorial_request!`).
pub trait HasEnvelope {
    type Category;
    fn take_envelope(&mut self) -> Envelope<Self::Category>;
}

/// A kind's create request: its checks before the database (encoding, parsing) and the
/// title and fields it asks to write. `check` already holds the note; the kind adds its texts.
pub trait CreateRequest: Validate + HasEnvelope<Category = String> {
    type Kind: Resource;
    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, Fields<Self::Kind>)>;

    /// What the school's settings allow (the grades it teaches); nothing to check by default.
    fn allowed(&self, settings: &Settings) -> ApiResult<()> {
        let _ = settings;
        Ok(())
    }
}

/// A kind's update request: its checks before the database, and the edit it makes of the
/// current draft's title and fields (absent ones stay).
pub trait UpdateRequest: Validate + HasEnvelope<Category = Option<String>> {
    type Kind: Resource;
    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<Edit<Fields<Self::Kind>>>;

    /// What the school's settings allow of the values sent; nothing to check by default.
    fn allowed(&self, settings: &Settings) -> ApiResult<()> {
        let _ = settings;
        Ok(())
    }
}

/// The fields of a kind.
pub type Fields<K> = <K as Kind>::Fields;

/// An edit of a draft, made in the write transaction.
pub type Edit<F> = Box<dyn FnOnce(Draft<F>) -> Draft<F> + Send>;

/// Validates a request and takes the machine's fields out of it.
fn open<R: Validate + HasEnvelope>(body: &mut R) -> ApiResult<Envelope<R::Category>> {
    body.validate()?;
    Ok(body.take_envelope())
}

/// Writes a new working copy (a draft, revision 1): 201 at its editorial URL.
pub async fn create<K: Resource, R: CreateRequest<Kind = K>>(
    actor: Actor,
    state: web::Data<AppState>,
    mut body: R,
) -> ApiResult<HttpResponse> {
    let envelope = open(&mut body)?;
    body.allowed(&state.settings)?;
    let (title, fields) =
        body.into_new(encoding::Fields::default().text("note", &envelope.note))?;
    let draft = Draft {
        title,
        category_id: envelope.category_id,
        slug: String::new(),
        fields,
    };
    let (slug, note) = (envelope.slug, envelope.note);
    let ctx = AuditContext::from(&actor);
    let item = state
        .db(move |conn| editorial::create::<K>(conn, &ctx, &actor.caller(), draft, slug, &note))
        .await?;
    created::<K>(item)
}

/// Saves the request's edit of the working copy at version `if_match` as a new revision.
pub async fn update<K: Resource, R: UpdateRequest<Kind = K>>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    if_match: IfMatch,
    mut body: R,
) -> ApiResult<HttpResponse> {
    let Envelope {
        category_id,
        slug,
        note,
    } = open(&mut body)?;
    body.allowed(&state.settings)?;
    let kind_edit = body.into_edit(encoding::Fields::default().text("note", &note))?;
    let edit: Edit<K::Fields> = Box::new(move |draft| {
        let mut draft = kind_edit(draft);
        draft.category_id = category_id.unwrap_or(draft.category_id);
        draft.slug = slug.unwrap_or(draft.slug);
        draft
    });
    let ctx = AuditContext::from(&actor);
    let item = state
        .db(move |conn| {
            editorial::update::<K>(conn, &ctx, &actor.caller(), &id, if_match.0, &note, edit)
        })
        .await?;
    Ok(with_etag::<K>(StatusCode::OK, item))
}

/// Deletes an item that never went public, filed where retention is limited: 204.
pub async fn delete<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| editorial::delete::<K>(conn, &ctx, &actor.caller(), &id, if_match.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingCopyQuery {
    pub status: Option<Status>,
    /// Category id or slug (a former slug too), as in the public list.
    pub category: Option<String>,
    /// Only the caller's own items.
    #[serde(default)]
    pub mine: bool,
    /// Only submitted items the caller may decide on.
    #[serde(default)]
    pub awaiting_review: bool,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// The staff list: working copies the caller may see, most recently changed first.
pub async fn list_working_copies<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    query: WorkingCopyQuery,
) -> ApiResult<(Vec<K::Response>, Option<String>)> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let after = super::time_cursor(after)?;
    let page = state
        .db(move |conn| {
            let category_id = match &query.category {
                None => None,
                // A category nobody has is one with no items.
                Some(c) => {
                    Some(crate::services::categories::resolve_id(conn, c)?.unwrap_or_default())
                }
            };
            let filter = StaffFilter {
                status: query.status,
                category_id,
                mine: query.mine,
                awaiting_my_review: query.awaiting_review,
            };
            editorial::list_staff::<K>(conn, &actor.caller(), &filter, after, limit)
        })
        .await?;
    Ok(super::list_body(page))
}

/// A working copy by id or slug; an old slug answers 301 to the current one.
pub async fn get_working_copy<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
) -> ApiResult<HttpResponse> {
    let found = state
        .db(move |conn| editorial::find_visible::<K>(conn, &actor.caller(), &id))
        .await?;
    Ok(match found {
        Lookup::Found(item) => with_etag::<K>(StatusCode::OK, item),
        Lookup::Moved(slug) => HttpResponse::MovedPermanently()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/editorial/{}/{slug}", K::KIND.path()),
            ))
            .finish(),
    })
}

/// The optional body of a workflow step.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Why: required for `request-changes` and `reject`, kept for every step.
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    #[schema(max_length = 2000)]
    pub comment: String,
    /// `publish` only: a future time schedules the publication.
    pub publish_at: Option<DateTime<Utc>>,
}

/// A workflow step on a working copy.
pub async fn step<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    if_match: IfMatch,
    body: OptionalJsonBody<TransitionRequest>,
    t: Transition,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    req.validate()?;
    encoding::Fields::default()
        .text("comment", &req.comment)
        .check()?;
    if req.publish_at.is_some() && t != Transition::Publish {
        return Err(ApiError::field(
            "publish_at",
            "only_for_publish",
            crate::error::Text::new(
                "Chỉ dùng `publish_at` khi xuất bản.",
                "`publish_at` is only for publish.",
            ),
        ));
    }
    let publish_at = req.publish_at.map(crate::db::stored);
    let ctx = AuditContext::from(&actor);
    let item = state
        .db(move |conn| {
            editorial::transition::<K>(
                conn,
                &ctx,
                &actor.caller(),
                &id,
                if_match.0,
                t,
                &req.comment,
                publish_at,
            )
        })
        .await?;
    Ok(with_etag::<K>(StatusCode::OK, item))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// A revision in a list: who saved it, when and why; read the revision for its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    pub number: i32,
    pub slug: String,
    pub title: String,
    /// Who saved it.
    pub editor_id: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<editorial::RevisionSummary> for RevisionSummary {
    fn from(r: editorial::RevisionSummary) -> Self {
        RevisionSummary {
            number: r.number,
            slug: r.slug,
            title: r.title,
            editor_id: r.editor_id,
            note: r.note,
            created_at: utc(r.created_at),
        }
    }
}

/// A page of an item's revisions, the same for every kind (a summary holds no kind's fields).
/// Pass `next_cursor` as `?cursor=` for the next page; it is `null` on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionPage {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
    pub next_cursor: Option<String>,
}

/// A page of an item's workflow history, the same for every kind; `next_cursor` as above.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPage {
    /// Oldest first.
    pub items: Vec<TransitionResponse>,
    pub next_cursor: Option<String>,
}

/// A page of an item's revisions, newest first.
pub async fn revisions<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    query: PageQuery,
) -> ApiResult<RevisionPage> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let before = after
        .map(|n| n.parse::<i32>().map_err(|_| super::invalid_cursor()))
        .transpose()?;
    let page = state
        .db(move |conn| editorial::revisions::<K>(conn, &actor.caller(), &id, before, limit))
        .await?;
    let (items, next_cursor) = super::list_body(page);
    Ok(RevisionPage { items, next_cursor })
}

/// One revision.
pub async fn revision<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    number: i32,
) -> ApiResult<Revision<K::Fields>> {
    state
        .db(move |conn| editorial::revision::<K>(conn, &actor.caller(), &id, number))
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older revision number.
    pub from: i32,
    /// The newer revision number.
    pub to: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    /// The field's name, as in the revision.
    pub field: String,
    #[schema(required = true)]
    pub from: Option<FieldValue>,
    #[schema(required = true)]
    pub to: Option<FieldValue>,
}

/// A field's value in a diff: text (a title, a slug, an id, a date, a number) or a list (tags,
/// file ids; a structured entry such as a document's relation as compact JSON text); `null`
/// for a field that was empty.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    List(Vec<String>),
}

impl FieldValue {
    fn of(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::String(s) => Some(Self::Text(s.clone())),
            serde_json::Value::Array(items) => Some(Self::List(
                items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => s.clone(),
                        // A structured entry (a document's relation) as compact JSON.
                        other => other.to_string(),
                    })
                    .collect(),
            )),
            serde_json::Value::Number(n) => Some(Self::Text(n.to_string())),
            serde_json::Value::Bool(b) => Some(Self::Text(b.to_string())),
            _ => None,
        }
    }
}

/// What changed between two revisions.
pub struct Diff {
    pub from: i32,
    pub to: i32,
    /// Fields other than the long texts that differ, by field name.
    pub changes: Vec<FieldChange>,
    /// Each long text that differs, as a unified diff (line by line).
    pub texts: Vec<(String, String)>,
}

/// What changed between revisions `from` and `to`; `long_texts` are diffed line by line.
pub async fn diff<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    query: DiffQuery,
    long_texts: &'static [&'static str],
) -> ApiResult<Diff> {
    let (from, to) = (query.from, query.to);
    let (a, b) = state
        .db(move |conn| {
            let caller = actor.caller();
            Ok((
                editorial::revision::<K>(conn, &caller, &id, from)?,
                editorial::revision::<K>(conn, &caller, &id, to)?,
            ))
        })
        .await?;
    let (va, vb) = (
        editorial::snapshot(&a.draft())?,
        editorial::snapshot(&b.draft())?,
    );
    let changes = content::changed_fields(&va, &vb, long_texts)
        .into_iter()
        .map(|(field, from, to)| FieldChange {
            field,
            from: FieldValue::of(&from),
            to: FieldValue::of(&to),
        })
        .collect();
    let texts = long_texts
        .iter()
        .filter_map(|name| {
            let old = va.get(*name)?.as_str()?;
            let new = vb.get(*name)?.as_str()?;
            (old != new).then(|| {
                let diff = similar::TextDiff::from_lines(
                    &old.replace("><", ">\n<"),
                    &new.replace("><", ">\n<"),
                )
                .unified_diff()
                .header(&format!("revision {from}"), &format!("revision {to}"))
                .to_string();
                ((*name).to_owned(), diff)
            })
        })
        .collect();
    Ok(Diff {
        from,
        to,
        changes,
        texts,
    })
}

/// Makes an old revision current again, as a new revision.
pub async fn restore<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    number: i32,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let ctx = AuditContext::from(&actor);
    let item = state
        .db(move |conn| {
            editorial::restore::<K>(conn, &ctx, &actor.caller(), &id, if_match.0, number)
        })
        .await?;
    Ok(with_etag::<K>(StatusCode::OK, item))
}

/// Who took a step: a staff member in their role, or the system: the scheduler
/// (`publish_scheduled`) or the command line.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(untagged)]
pub enum StepActor {
    Staff(crate::auth::Role),
    System(SystemActor),
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemActor {
    Scheduler,
    Cli,
}

impl StepActor {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "scheduler" => StepActor::System(SystemActor::Scheduler),
            "cli" => StepActor::System(SystemActor::Cli),
            role => StepActor::Staff(role.parse().ok()?),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    /// The step. `publish_scheduled` is the scheduler publishing at `publish_at`; `reopen` an
    /// edit that sent an approved, scheduled or published item back to draft.
    pub action: Transition,
    pub from_status: Status,
    pub to_status: Status,
    /// The revision the step was taken on.
    pub revision: i32,
    /// `null` for the scheduler and the command line.
    pub actor_id: Option<String>,
    pub actor_role: Option<StepActor>,
    pub comment: String,
    pub at: DateTime<Utc>,
}

impl From<ContentTransition> for TransitionResponse {
    fn from(t: ContentTransition) -> Self {
        TransitionResponse {
            action: Transition::parse(&t.action).unwrap_or(Transition::Reopen),
            from_status: Status::parse(&t.from_status).unwrap_or(Status::Draft),
            to_status: Status::parse(&t.to_status).unwrap_or(Status::Draft),
            revision: t.revision,
            actor_id: t.actor_id,
            actor_role: t.actor_role.as_deref().and_then(StepActor::parse),
            comment: t.comment,
            at: utc(t.at),
        }
    }
}

/// The workflow history, oldest first, a page at a time.
pub async fn history<K: Resource>(
    actor: Actor,
    state: web::Data<AppState>,
    id: String,
    query: PageQuery,
) -> ApiResult<HistoryPage> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let after = super::time_cursor(after)?;
    let page = state
        .db(move |conn| editorial::history::<K>(conn, &actor.caller(), &id, after, limit))
        .await?;
    let (items, next_cursor) = super::list_body(page);
    Ok(HistoryPage { items, next_cursor })
}

pub(crate) use super::editorial_endpoint::{editorial_endpoint, editorial_request};
