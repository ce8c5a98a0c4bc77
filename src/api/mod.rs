//! HTTP handlers, one file per resource. A handler extracts, validates, checks the permission
//! (a pure function in `auth::roles`), makes one blocking database call into a service, and
//! converts the result into a response type.

pub mod api_keys;
pub mod articles;
pub mod auth;
pub mod body;
pub mod categories;
pub mod departments;
pub mod documents;
pub mod editorial;
mod editorial_endpoint;
pub mod feedback;
pub mod feeds;
pub mod health;
pub mod links;
pub mod media;
pub mod middleware;
pub mod mirror;
pub mod pages;
pub mod people;
pub mod procedures;
pub mod public;
pub mod public_articles;
pub mod public_documents;
pub mod public_links;
pub mod public_pages;
pub mod public_people;
pub mod public_procedures;
pub mod public_questions;
pub mod public_resources;
pub mod questions;
pub mod resources;
pub mod search;
pub mod sync;
pub mod text;
pub mod users;
pub mod webhooks;

use actix_web::HttpResponse;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Actor;
use crate::error::{ApiError, ApiResult, Text};
use crate::services::{AuditContext, Page};

pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;

/// Mounts every `/api/v1` resource.
///
/// actix tries routes in this order, matching each dynamic pattern with a regex, so the public
/// reads, the hottest paths by far, come first.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(public_articles::configure)
        .configure(search::configure)
        .configure(auth::configure)
        .configure(users::configure)
        .configure(categories::configure)
        .configure(departments::configure)
        .configure(text::configure)
        .configure(articles::configure)
        .configure(public_documents::configure)
        .configure(documents::configure)
        .configure(public_procedures::configure)
        .configure(procedures::configure)
        .configure(public_pages::configure)
        .configure(pages::configure)
        .configure(public_people::configure)
        .configure(people::configure)
        .configure(public_resources::configure)
        .configure(resources::configure)
        .configure(public_links::configure)
        .configure(links::configure)
        .configure(public_questions::configure)
        .configure(questions::configure)
        .configure(feedback::configure)
        .configure(media::configure)
        .configure(sync::configure)
        .configure(mirror::configure)
        .configure(api_keys::configure)
        .configure(webhooks::configure)
        .configure(feeds::configure);
}

/// Reads `?cursor=…&limit=…` into the sort key to start after and a page size.
pub fn page_request(
    cursor: Option<&str>,
    limit: Option<usize>,
) -> ApiResult<(Option<String>, usize)> {
    let limit = page_size(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(decode_cursor(c).ok_or_else(invalid_cursor)?),
    };
    Ok((after, limit))
}

/// A page's `limit`: `default` when absent, else 1 ..= `max` or 400 `invalid_limit`.
pub fn page_size(limit: Option<usize>, default: usize, max: usize) -> ApiResult<usize> {
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            Text::new(
                format!("`limit` phải từ 1 đến {max}."),
                format!("`limit` must be between 1 and {max}."),
            ),
        ));
    }
    Ok(limit)
}

pub fn invalid_cursor() -> ApiError {
    ApiError::bad_request(
        "invalid_cursor",
        Text::new(
            "`cursor` không hợp lệ; hãy dùng đúng giá trị `next_cursor` đã nhận.",
            "`cursor` is invalid; pass back a `next_cursor` value unchanged.",
        ),
    )
}

/// A text query parameter (`q`, `category`, `tag`): at most 200 characters and no NUL, else
/// 400 `invalid_query` naming it.
pub fn check_query_text(name: &str, value: &str) -> ApiResult<()> {
    if value.contains('\0') || value.chars().count() > 200 {
        return Err(invalid_query(name));
    }
    Ok(())
}

pub fn invalid_query(name: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_query",
        Text::new(
            format!("Tham số `{name}` không hợp lệ."),
            format!("Query parameter `{name}` is invalid."),
        ),
    )
}

/// Where a page of ranked search results starts (`page_request`'s `after`): an offset into
/// the ranking, checked.
pub fn search_offset(after: Option<&str>) -> ApiResult<i64> {
    match after {
        None => Ok(0),
        Some(o) => o
            .parse::<i64>()
            .ok()
            .filter(|o| (0..10_000).contains(o))
            .ok_or_else(invalid_cursor),
    }
}

/// The key of a time-ordered page (`page_request`'s `after`), checked.
pub fn time_cursor(after: Option<String>) -> ApiResult<Option<(NaiveDateTime, String)>> {
    after
        .map(|key| crate::services::parse_page_key(&key).ok_or_else(invalid_cursor))
        .transpose()
}

const CURSOR_PREFIX: &str = "v1:";

pub fn encode_cursor(after: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{after}"))
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let key = text.strip_prefix(CURSOR_PREFIX)?;
    (!key.is_empty() && !key.contains('\0')).then(|| key.to_owned())
}

/// The `{ "items": […], "next_cursor": … }` envelope of every list.
pub fn list_body<T, U: From<T>>(page: Page<T>) -> (Vec<U>, Option<String>) {
    let next = page.next_after.as_deref().map(encode_cursor);
    (page.items.into_iter().map(U::from).collect(), next)
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// A versioned resource: its body, with its version as the `ETag` for `If-Match`.
pub fn versioned<T: Serialize>(
    status: actix_web::http::StatusCode,
    version: i32,
    body: &T,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, crate::services::content::etag(version)))
        .json(body)
}

pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// The version named by a write's `If-Match` header: required (428 without), and one of our
/// ETags (412 otherwise, as it cannot match).
pub struct IfMatch(pub i32);

impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<ApiResult<Self>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let result = match req.headers().get(header::IF_MATCH) {
            None => Err(ApiError::precondition_required()),
            Some(v) => v
                .to_str()
                .ok()
                .and_then(crate::services::content::parse_etag)
                .map(IfMatch)
                .ok_or_else(ApiError::precondition_failed),
        };
        std::future::ready(result)
    }
}

impl Actor {
    /// The caller as the permission rules see it.
    pub fn caller(&self) -> crate::auth::roles::Caller<'_> {
        crate::auth::roles::Caller {
            id: &self.user_id,
            role: self.role,
            categories: &self.categories,
            publish: self.publish,
        }
    }
}

impl From<&Actor> for AuditContext {
    fn from(actor: &Actor) -> Self {
        AuditContext {
            actor_id: Some(actor.user_id.clone()),
            actor_role: Some(actor.role.as_str().to_owned()),
            client_addr: Some(actor.client_addr.clone()),
        }
    }
}
