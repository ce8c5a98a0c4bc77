//! API keys for machine clients (the district portal, an app backend): made by the
//! editor-in-chief or the technical team, shown once, kept as a SHA-256, scoped, revocable at
//! once (every request looks its key up), each with its own rate limit and last-used time.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::{AuditContext, Page, audit};
use crate::db::models::ApiKey;
use crate::db::schema::api_keys;
use crate::db::{DbConnection, new_id, now};
use crate::domain::secrets::{random_code, sha256_hex};
use crate::error::{ApiError, ApiResult, Text};

/// What every key starts with: tells a key from a staff token at a glance (and to secret
/// scanners).
pub const KEY_PREFIX: &str = "ttdt_";

/// The one scope so far: read public content and the changes feed.
pub const SYNC_READ: &str = "sync:read";
pub const SCOPES: &[&str] = &[SYNC_READ];

/// How stale `last_used_at` may get: writing it on every request would make each read a write.
const LAST_USED_PRECISION: Duration = Duration::seconds(60);

/// A key being made.
pub struct NewKey {
    pub name: String,
    pub scopes: Vec<String>,
    pub rate_per_minute: i32,
}

/// Makes a key; returns it with the one copy of its secret that will ever exist.
pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    created_by: &str,
    new: NewKey,
) -> ApiResult<(ApiKey, String)> {
    if let Some(unknown) = new.scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(ApiError::field(
            "scopes",
            "unknown_scope",
            Text::new(
                format!(
                    "Không có phạm vi `{unknown}`; các phạm vi: {}.",
                    SCOPES.join(", ")
                ),
                format!(
                    "No scope `{unknown}`; the scopes are: {}.",
                    SCOPES.join(", ")
                ),
            ),
        ));
    }
    let secret = format!("{KEY_PREFIX}{}", random_code(20));
    let key = ApiKey {
        id: new_id(),
        name: new.name,
        prefix: secret[..KEY_PREFIX.len() + 6].to_owned(),
        key_hash: sha256_hex(&secret),
        scopes: if new.scopes.is_empty() {
            SYNC_READ.to_owned()
        } else {
            new.scopes.join(" ")
        },
        rate_per_minute: new.rate_per_minute,
        created_by: created_by.to_owned(),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
    };
    crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(api_keys::table)
            .values(&key)
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            "api_key.create",
            "api_key",
            &key.id,
            json!({ "name": key.name, "scopes": key.scopes, "rate_per_minute": key.rate_per_minute }),
        )
    })?;
    Ok((key, secret))
}

pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: usize) -> ApiResult<Page<ApiKey>> {
    let mut query = api_keys::table.select(ApiKey::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(api_keys::id.gt(after.to_owned()));
    }
    let rows = query
        .order(api_keys::id)
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |k| k.id.clone()))
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<ApiKey> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKey::as_select())
        .first(conn)?)
}

/// Revokes a key: the next request with it is refused. Revoking a revoked key changes nothing.
pub fn revoke(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    by: &str,
) -> ApiResult<ApiKey> {
    crate::db::write_transaction(conn, |conn| {
        let revoked = diesel::update(
            api_keys::table
                .find(id)
                .filter(api_keys::revoked_at.is_null()),
        )
        .set((api_keys::revoked_at.eq(now()), api_keys::revoked_by.eq(by)))
        .execute(conn)?;
        let key = get(conn, id)?;
        if revoked > 0 {
            audit::record(
                conn,
                ctx,
                "api_key.revoke",
                "api_key",
                id,
                json!({ "name": key.name }),
            )?;
        }
        Ok(key)
    })
}

/// The live key `secret` is, if any, noting its use (to the minute).
pub fn authenticate(conn: &mut DbConnection, secret: &str) -> ApiResult<Option<ApiKey>> {
    let found: Option<ApiKey> = api_keys::table
        .filter(api_keys::key_hash.eq(sha256_hex(secret)))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?;
    let Some(mut key) = found else {
        return Ok(None);
    };
    let at = now();
    if key
        .last_used_at
        .is_none_or(|t: NaiveDateTime| at - t >= LAST_USED_PRECISION)
    {
        diesel::update(api_keys::table.find(&key.id))
            .set(api_keys::last_used_at.eq(at))
            .execute(conn)?;
        key.last_used_at = Some(at);
    }
    Ok(Some(key))
}

impl ApiKey {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split(' ').any(|s| s == scope)
    }
}
