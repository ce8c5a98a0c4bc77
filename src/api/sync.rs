//! `/sync/changes`: what the district portal and apps follow to hold an exact copy of the
//! public content. Each entry carries the item as its public endpoint shows it *now* (or a
//! tombstone), so replaying the feed in order from any cursor ends at exactly what is public.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PublicArticleResponse;
use super::public_links::PublicLink;
use super::public_questions::PublicFaqEntry;
use super::{encode_cursor, utc};
use crate::auth::extractor::SyncClient;
use crate::db::DbConnection;
use crate::db::content::{FeedEntry, PublicItem};
use crate::db::schema::public_faqs;
use crate::domain::category::ContentKind;
use crate::domain::documents::vietnam_day;
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::sync::{self, MEDIA, QUESTION};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sync_changes);
}

const DEFAULT_LIMIT: usize = 500;
const MAX_LIMIT: usize = 1000;

/// What a client does with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncOp {
    /// Store `item` under (`kind`, `id`), replacing what was there.
    Upsert,
    /// Remove (`kind`, `id`) if held: it is not public (any more).
    Delete,
}

/// One entry of the feed or of a snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncChange {
    /// The feed position (absent in a snapshot).
    pub seq: Option<i64>,
    /// `article`, `document`, `procedure`, `page`, `person`, `resource`, `link`, `question`
    /// (a published answer, as a guide's `faq` shows it, with its `procedure_id`) or `media`.
    #[schema(example = "article")]
    pub kind: String,
    pub id: String,
    pub op: SyncOp,
    /// What was recorded: `published`, `updated`, `unpublished`, `archived`, `deleted`, or
    /// `snapshot`. `op` is what holds now: an entry read after a later change of the same
    /// item already shows that change's outcome (the later entry follows).
    #[schema(example = "published")]
    pub change: String,
    /// When the change was recorded (absent in a snapshot).
    pub at: Option<DateTime<Utc>>,
    /// The public revision: of `item` for an upsert, the one withdrawn for a delete (media:
    /// the metadata's version).
    pub revision: Option<i32>,
    /// For an upsert: exactly what the kind's public endpoint answers for this id
    /// (`GET /api/v1/articles/{id}` …, `GET /api/v1/media/{id}`); absent for a delete.
    #[schema(value_type = Option<Object>)]
    pub item: Option<Box<RawValue>>,
}

/// One page of changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncPage {
    pub changes: Vec<SyncChange>,
    /// Send it as `since` for the next page. Always present, also when nothing changed.
    pub next_cursor: String,
    /// More entries are waiting: ask again at once. `false`: caught up; poll later.
    pub more: bool,
    /// This page is part of a first full copy (`since` absent): every public item once, then
    /// the feed from the position the copy started at.
    pub snapshot: bool,
    /// The school this instance serves (`TTDT_SCHOOL_NAME`): how a mirror names its source.
    #[schema(example = "Trường PTDTBT Tiểu học Mường Mươn")]
    pub school: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The `next_cursor` of the previous page. Absent: a first sync, starting with a snapshot
    /// of everything public now.
    pub since: Option<String>,
    /// Entries per page, 1–1000 (default 500).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
    /// Comma-separated kinds to follow (default all): `article,document,procedure,page,person,
    /// resource,link,question,media`. Keep the same list for one sync.
    pub kinds: Option<String>,
}

/// Where a sync stands.
#[derive(Debug, Clone, PartialEq)]
enum Cursor {
    /// Copying what is public, kind by kind in id order; then the feed after `head`.
    Snapshot {
        head: i64,
        kind: usize,
        after: String,
    },
    Feed(i64),
}

impl Cursor {
    fn encode(&self) -> String {
        encode_cursor(&match self {
            Cursor::Snapshot { head, kind, after } => format!("s{head}|{kind}|{after}"),
            Cursor::Feed(seq) => format!("f{seq}"),
        })
    }

    fn decode(cursor: &str) -> ApiResult<Self> {
        let key = super::decode_cursor(cursor).ok_or_else(super::invalid_cursor)?;
        let parsed = if let Some(seq) = key.strip_prefix('f') {
            seq.parse().ok().map(Cursor::Feed)
        } else if let Some(rest) = key.strip_prefix('s') {
            let mut parts = rest.splitn(3, '|');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(head), Some(kind), Some(after)) => match (head.parse(), kind.parse()) {
                    (Ok(head), Ok(kind)) => Some(Cursor::Snapshot {
                        head,
                        kind,
                        after: after.to_owned(),
                    }),
                    _ => None,
                },
                _ => None,
            }
        } else {
            None
        };
        parsed.ok_or_else(super::invalid_cursor)
    }
}

/// The kinds asked for, in snapshot order.
pub(super) fn kinds_asked(kinds: Option<&str>) -> ApiResult<Vec<&'static str>> {
    let all = sync::kind_names();
    let Some(list) = kinds.filter(|k| !k.trim().is_empty()) else {
        return Ok(all);
    };
    let asked: Vec<&str> = list.split(',').map(str::trim).collect();
    if let Some(unknown) = asked.iter().find(|k| !all.contains(k)) {
        return Err(ApiError::bad_request(
            "invalid_kind",
            Text::new(
                format!("Không có loại `{unknown}`; các loại: {}.", all.join(", ")),
                format!("No kind `{unknown}`; the kinds are: {}.", all.join(", ")),
            ),
        ));
    }
    Ok(all.into_iter().filter(|k| asked.contains(k)).collect())
}

/// Every change to public content, in commit order, for a client that keeps a copy (the
/// district portal, an app); API keys only. Start without `since` (a snapshot of what is
/// public, then the feed), then pass each page's `next_cursor`. The cursor never skips a
/// change, whatever order concurrent writers commit in. Compressed (gzip, br) when asked.
#[utoipa::path(
    tag = "sync",
    security(("api_key" = [])),
    params(SyncQuery),
    responses(
        (status = 200, description = "One page of changes", body = SyncPage),
        (status = 400, description = "Bad cursor, limit or kind (`invalid_cursor`, `invalid_limit`, `invalid_kind`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "No API key, or a wrong or revoked one (`api_key_required`, `invalid_api_key`); staff tokens are not keys", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks the `sync:read` scope", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Over the key's rate (`Retry-After`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/sync/changes")]
pub async fn sync_changes(
    _client: SyncClient,
    state: web::Data<AppState>,
    query: web::Query<SyncQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = super::page_size(query.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let kinds = kinds_asked(query.kinds.as_deref())?;
    let cursor = query.since.as_deref().map(Cursor::decode).transpose()?;
    let today = vietnam_day(state.settings.clock.now());
    let mut page = state
        .db(move |conn| {
            let cursor = match cursor {
                Some(c) => c,
                None => Cursor::Snapshot {
                    head: sync::head(conn)?,
                    kind: 0,
                    after: String::new(),
                },
            };
            match cursor {
                Cursor::Feed(after) => feed_page(conn, after, &kinds, limit, today),
                Cursor::Snapshot { head, kind, after } => {
                    snapshot_page(conn, head, kind, after, &kinds, limit, today)
                }
            }
        })
        .await?;
    page.school = state.settings.school_name.clone();
    Ok(HttpResponse::Ok().json(page))
}

/// The feed after `after`: each item once per page, at its last entry in the page.
fn feed_page(
    conn: &mut DbConnection,
    after: i64,
    kinds: &[&str],
    limit: usize,
    today: NaiveDate,
) -> ApiResult<SyncPage> {
    let entries = sync::changes(conn, after, kinds, limit)?;
    let more = entries.len() == limit;
    let next = entries.last().map_or(after, |e| e.seq);
    let mut latest: Vec<FeedEntry> = Vec::with_capacity(entries.len());
    for entry in entries.into_iter().rev() {
        let seen = latest
            .iter()
            .any(|e| e.content_id == entry.content_id && e.content_type == entry.content_type);
        if !seen {
            latest.push(entry);
        }
    }
    latest.reverse();
    // The content kinds' items in one query; questions and media one by one (rarer).
    let content: Vec<&str> = latest
        .iter()
        .filter(|e| ContentKind::parse(&e.content_type).is_some())
        .map(|e| e.content_id.as_str())
        .collect();
    let mut public: std::collections::HashMap<String, PublicItem> =
        sync::public_items_of(conn, &content)?
            .into_iter()
            .map(|item| (item.item_id.clone(), item))
            .collect();
    let mut changes = Vec::with_capacity(latest.len());
    for e in latest {
        let now = match ContentKind::parse(&e.content_type) {
            Some(kind) => match public.remove(&e.content_id) {
                Some(item) if item.kind == e.content_type => {
                    Some(represent_item(conn, kind, item, today)?)
                }
                _ => None,
            },
            None => represent(conn, &e.content_type, &e.content_id)?,
        };
        changes.push(SyncChange {
            seq: Some(e.seq),
            op: if now.is_some() {
                SyncOp::Upsert
            } else {
                SyncOp::Delete
            },
            revision: now.as_ref().map(|(r, _)| *r).or(e.revision),
            item: now.map(|(_, item)| item),
            kind: e.content_type,
            id: e.content_id,
            change: e.action,
            at: Some(utc(e.at)),
        });
    }
    Ok(SyncPage {
        changes,
        next_cursor: Cursor::Feed(next).encode(),
        more,
        snapshot: false,
        school: String::new(),
    })
}

/// The next `limit` public items of the snapshot that started at `head`; once they are all
/// copied, the cursor moves to the feed after `head`. Whatever changes while the copy is made
/// is in the feed after `head`, so the copy plus the feed is exact.
fn snapshot_page(
    conn: &mut DbConnection,
    head: i64,
    mut kind: usize,
    mut after: String,
    kinds: &[&str],
    limit: usize,
    today: NaiveDate,
) -> ApiResult<SyncPage> {
    let mut changes = Vec::new();
    while kind < kinds.len() && changes.len() < limit {
        let name = kinds[kind];
        let room = limit - changes.len();
        let found: Vec<(String, Option<Represented>)> = match ContentKind::parse(name) {
            Some(k) => sync::public_items_after(conn, name, &after, room)?
                .into_iter()
                .map(|item| {
                    let id = item.item_id.clone();
                    Ok((id, Some(represent_item(conn, k, item, today)?)))
                })
                .collect::<ApiResult<_>>()?,
            None => sync::public_ids(conn, name, &after, room)?
                .into_iter()
                .map(|id| {
                    let now = represent(conn, name, &id)?;
                    Ok((id, now))
                })
                .collect::<ApiResult<_>>()?,
        };
        let exhausted = found.len() < room;
        for (id, now) in found {
            after.clone_from(&id);
            // Gone since the ids were read: the feed after `head` says so.
            if let Some((revision, item)) = now {
                changes.push(SyncChange {
                    seq: None,
                    kind: name.to_owned(),
                    id,
                    op: SyncOp::Upsert,
                    change: "snapshot".to_owned(),
                    at: None,
                    revision: Some(revision),
                    item: Some(item),
                });
            }
        }
        if exhausted {
            kind += 1;
            after.clear();
        }
    }
    let next = if kind < kinds.len() {
        Cursor::Snapshot { head, kind, after }
    } else {
        Cursor::Feed(head)
    };
    Ok(SyncPage {
        changes,
        next_cursor: next.encode(),
        more: true,
        snapshot: true,
        school: String::new(),
    })
}

/// An item's public revision and its public representation, serialised.
type Represented = (i32, Box<RawValue>);

/// What the public sees now of a published question or a medium (`kind` is `question` or
/// `media`), with its public revision, or `None`. The content kinds' items are read whole,
/// a page at a time, and go to `represent_item`.
fn represent(conn: &mut DbConnection, kind: &str, id: &str) -> ApiResult<Option<Represented>> {
    use diesel::prelude::*;
    match kind {
        QUESTION => {
            let faq: Option<crate::db::questions::PublicFaq> = public_faqs::table
                .find(id)
                .select(crate::db::questions::PublicFaq::as_select())
                .first(conn)
                .optional()?;
            Ok(match faq {
                None => None,
                Some(f) => Some((
                    f.revision,
                    json(&PublicQuestion {
                        procedure_id: f.procedure_id.clone(),
                        entry: f.into(),
                    })?,
                )),
            })
        }
        MEDIA => {
            let detail = match crate::services::media::get(conn, id) {
                Ok(d) => d,
                Err(e) if e.status() == actix_web::http::StatusCode::NOT_FOUND => return Ok(None),
                Err(e) => return Err(e),
            };
            let version = detail.media.version;
            match super::media::MediaResponse::public(detail) {
                Some(m) => Ok(Some((version, json(&m)?))),
                None => Ok(None),
            }
        }
        other => Err(ApiError::internal(format!("{other} is a content kind"))),
    }
}

/// A public item of a content kind as its public endpoint shows it, with its revision.
fn represent_item(
    conn: &mut DbConnection,
    kind: ContentKind,
    item: PublicItem,
    today: NaiveDate,
) -> ApiResult<Represented> {
    let revision = item.revision;
    // A new kind adds its public builder here.
    let value = match kind {
        ContentKind::Article => json(&PublicArticleResponse::of(item)?)?,
        ContentKind::Document => json(&super::public_documents::public_document(
            conn, item, today,
        )?)?,
        ContentKind::Procedure => json(&super::public_procedures::public_procedure(conn, item)?)?,
        ContentKind::Page => json(&super::public_pages::page_of(conn, item)?)?,
        ContentKind::Person => json(&super::public_people::entry(item, today)?)?,
        ContentKind::Resource => json(&super::public_resources::public_resource(conn, item)?)?,
        ContentKind::Link => json(&PublicLink::of(item.into_card())?)?,
    };
    Ok((revision, value))
}

/// A published answer in the feed: the entry a guide's `faq` shows, and which guide.
#[derive(Debug, Serialize)]
struct PublicQuestion {
    procedure_id: String,
    #[serde(flatten)]
    entry: PublicFaqEntry,
}

/// Serialised once, here: the page then copies it as it is.
fn json<T: Serialize>(value: &T) -> ApiResult<Box<RawValue>> {
    serde_json::value::to_raw_value(value).map_err(ApiError::internal)
}
