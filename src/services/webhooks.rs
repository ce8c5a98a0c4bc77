//! Webhooks: subscriptions to public changes, each change queued for every matching
//! subscription in the change's own transaction (an outbox) and sent after it commits by the
//! worker in `crate::webhooks`, each subscription's messages in feed order, retried with
//! backoff, the subscription disabled after a run of failures (with a notice to whoever made
//! it). Every attempt is logged; a delivery can be replayed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use serde_json::json;

use super::content::PublicChange;
use super::{AuditContext, Page, audit, outbox};
use crate::db::models::{Webhook, WebhookAttempt, WebhookDelivery};
use crate::db::schema::{users, webhook_attempts, webhook_deliveries, webhooks};
use crate::db::{DbConnection, new_id, now, stored};
use crate::domain::category::ContentKind;
use crate::error::{ApiError, ApiResult, Text};

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";

/// How long a worker holds a delivery it is sending (a crashed worker's comes back after it).
const LEASE: chrono::Duration = chrono::Duration::seconds(120);

/// The changes a subscription can name after the kind: `article.published`, …
const CHANGES: [PublicChange; 5] = [
    PublicChange::Published,
    PublicChange::Updated,
    PublicChange::Unpublished,
    PublicChange::Archived,
    PublicChange::Deleted,
];

/// A subscription being made.
pub struct NewWebhook {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
}

/// What a change to a subscription sets.
#[derive(Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// The event a public change makes: `article.published`, `media.unpublished`, …
pub fn event_name(kind: &str, change: &str) -> String {
    format!("{kind}.{change}")
}

/// Whether a subscription's patterns take `event`: `*`, `article.*`, or the exact name.
fn subscribed(patterns: &str, event: &str) -> bool {
    patterns.split(' ').any(|p| {
        p == "*"
            || p == event
            || p.strip_suffix(".*")
                .is_some_and(|kind| event.split('.').next() == Some(kind))
    })
}

/// Checks the patterns a subscription asks for: `*`, `<kind>.*` or `<kind>.<change>`.
fn check_events(events: &[String]) -> ApiResult<String> {
    let kinds = super::sync::kind_names();
    let known = |e: &str| {
        e == "*"
            || match e.split_once('.') {
                Some((kind, rest)) => {
                    kinds.contains(&kind)
                        && (rest == "*" || CHANGES.iter().any(|c| c.as_str() == rest))
                }
                None => false,
            }
    };
    if events.is_empty() {
        return Ok("*".to_owned());
    }
    if let Some(bad) = events.iter().find(|e| !known(e)) {
        return Err(ApiError::field(
            "events",
            "unknown_event",
            Text::new(
                format!(
                    "Không có sự kiện `{bad}`: dùng `*`, `<loại>.*` hoặc `<loại>.<thay đổi>` (ví dụ `article.published`)."
                ),
                format!(
                    "No event `{bad}`: use `*`, `<kind>.*` or `<kind>.<change>` (for example `article.published`)."
                ),
            ),
        ));
    }
    Ok(events.join(" "))
}

/// A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    created_by: &str,
    new: NewWebhook,
) -> ApiResult<Webhook> {
    let events = check_events(&new.events)?;
    let at = now();
    let hook = Webhook {
        id: new_id(),
        url: new.url,
        description: new.description,
        events,
        secret: new_secret(),
        enabled: true,
        failures: 0,
        disabled_at: None,
        disabled_reason: None,
        created_by: created_by.to_owned(),
        created_at: at,
        updated_at: at,
    };
    crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(webhooks::table)
            .values(&hook)
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            "webhook.create",
            "webhook",
            &hook.id,
            json!({ "url": hook.url, "events": hook.events }),
        )
    })?;
    Ok(hook)
}

pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: usize,
) -> ApiResult<Page<Webhook>> {
    let mut query = webhooks::table.select(Webhook::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_owned()));
    }
    let rows = query
        .order(webhooks::id)
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |w| w.id.clone()))
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<Webhook> {
    Ok(webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)?)
}

/// Changes a subscription. Enabling a disabled one clears its failures: its pending messages
/// go out again, in order.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    changes: WebhookChanges,
) -> ApiResult<Webhook> {
    crate::db::write_transaction(conn, |conn| {
        let mut hook = get(conn, id)?;
        if let Some(url) = changes.url {
            hook.url = url;
        }
        if let Some(description) = changes.description {
            hook.description = description;
        }
        if let Some(events) = changes.events {
            hook.events = check_events(&events)?;
        }
        match changes.enabled {
            Some(true) if !hook.enabled => {
                hook.enabled = true;
                hook.failures = 0;
                hook.disabled_at = None;
                hook.disabled_reason = None;
            }
            Some(false) if hook.enabled => {
                hook.enabled = false;
                hook.disabled_at = Some(now());
                hook.disabled_reason = Some("disabled by staff".to_owned());
            }
            _ => {}
        }
        hook.updated_at = now();
        diesel::update(webhooks::table.find(id))
            .set((
                webhooks::url.eq(&hook.url),
                webhooks::description.eq(&hook.description),
                webhooks::events.eq(&hook.events),
                webhooks::enabled.eq(hook.enabled),
                webhooks::failures.eq(hook.failures),
                webhooks::disabled_at.eq(hook.disabled_at),
                webhooks::disabled_reason.eq(&hook.disabled_reason),
                webhooks::updated_at.eq(hook.updated_at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            "webhook.update",
            "webhook",
            id,
            json!({ "url": hook.url, "events": hook.events, "enabled": hook.enabled }),
        )?;
        Ok(hook)
    })
}

/// Deletes a subscription with its queue and log.
pub fn delete(conn: &mut DbConnection, ctx: &AuditContext, id: &str) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let hook = get(conn, id)?;
        let deliveries = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(id))
            .select(webhook_deliveries::id);
        diesel::delete(
            webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
        )
        .execute(conn)?;
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
            .execute(conn)?;
        diesel::delete(webhooks::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            "webhook.delete",
            "webhook",
            id,
            json!({ "url": hook.url }),
        )
    })
}

/// Queues the message of a public change for every enabled subscription that takes it; in
/// the change's own transaction (called by `content::record_public_change`).
pub fn enqueue(
    conn: &mut DbConnection,
    seq: i64,
    kind: &str,
    id: &str,
    change: PublicChange,
    revision: Option<i32>,
    at: NaiveDateTime,
) -> ApiResult<()> {
    let hooks: Vec<(String, String)> = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .select((webhooks::id, webhooks::events))
        .load(conn)?;
    let event = event_name(kind, change.as_str());
    let takers: Vec<String> = hooks
        .into_iter()
        .filter(|(_, patterns)| subscribed(patterns, &event))
        .map(|(hook, _)| hook)
        .collect();
    if takers.is_empty() {
        return Ok(());
    }
    let url = match ContentKind::parse(kind) {
        Some(k) => Some(format!("/api/v1/{}/{id}", k.path())),
        None if kind == super::sync::MEDIA => Some(format!("/api/v1/media/{id}")),
        None => None,
    };
    let payload = json!({
        "type": event,
        "timestamp": at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {
            "kind": kind, "id": id, "change": change.as_str(), "revision": revision,
            "seq": seq, "url": url,
        },
    })
    .to_string();
    for webhook_id in takers {
        let id = new_id();
        let message_id = format!("msg_{}", id.replace('-', ""));
        let delivery = pending(id, message_id, webhook_id, seq, &event, &payload, at);
        diesel::insert_into(webhook_deliveries::table)
            .values(delivery)
            .execute(conn)?;
    }
    Ok(())
}

/// A message waiting for its first attempt.
fn pending(
    id: String,
    message_id: String,
    webhook_id: String,
    seq: i64,
    event: &str,
    payload: &str,
    at: NaiveDateTime,
) -> WebhookDelivery {
    WebhookDelivery {
        id,
        message_id,
        webhook_id,
        seq,
        event: event.to_owned(),
        payload: payload.to_owned(),
        status: PENDING.to_owned(),
        attempts: 0,
        next_attempt_at: at,
        locked_until: None,
        last_status: None,
        last_error: None,
        created_at: at,
        delivered_at: None,
    }
}

/// A subscription's messages, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook_id: &str,
    status: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<WebhookDelivery>> {
    get(conn, webhook_id)?;
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(WebhookDelivery::as_select())
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(webhook_deliveries::status.eq(status.to_owned()));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            webhook_deliveries::created_at
                .lt(t)
                .or(webhook_deliveries::created_at
                    .eq(t)
                    .and(webhook_deliveries::id.lt(id))),
        );
    }
    let rows = q
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |d| {
        super::page_key(d.created_at, &d.id)
    }))
}

/// One message with every attempt to send it, oldest first.
pub fn delivery(
    conn: &mut DbConnection,
    webhook_id: &str,
    delivery_id: &str,
) -> ApiResult<(WebhookDelivery, Vec<WebhookAttempt>)> {
    let d: WebhookDelivery = webhook_deliveries::table
        .find(delivery_id)
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(WebhookDelivery::as_select())
        .first(conn)?;
    let attempts = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq(delivery_id))
        .order((webhook_attempts::at, webhook_attempts::id))
        .select(WebhookAttempt::as_select())
        .load(conn)?;
    Ok((d, attempts))
}

/// Sends a message again (the same `webhook-id`, body and signature scheme, a new timestamp),
/// queued behind what the subscription has pending.
pub fn replay(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    webhook_id: &str,
    delivery_id: &str,
) -> ApiResult<WebhookDelivery> {
    crate::db::write_transaction(conn, |conn| {
        let (original, _) = delivery(conn, webhook_id, delivery_id)?;
        let last: Option<i64> = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .select(diesel::dsl::max(webhook_deliveries::seq))
            .first(conn)?;
        let copy = pending(
            new_id(),
            original.message_id,
            original.webhook_id,
            last.unwrap_or(original.seq).max(original.seq),
            &original.event,
            &original.payload,
            now(),
        );
        diesel::insert_into(webhook_deliveries::table)
            .values(&copy)
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            "webhook.replay",
            "webhook",
            webhook_id,
            json!({ "delivery": delivery_id, "replay": copy.id, "message_id": copy.message_id }),
        )?;
        Ok(copy)
    })
}

/// The next message of every enabled subscription whose turn it is: the oldest pending one
/// (a subscription's messages go out one at a time, in order), due and not held by another
/// worker. Each claim is a compare-and-set on the attempts seen.
pub fn claim_heads(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> ApiResult<Vec<(Webhook, WebhookDelivery)>> {
    let now = stored(now);
    let hooks: Vec<Webhook> = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .select(Webhook::as_select())
        .load(conn)?;
    let mut claimed = Vec::new();
    for hook in hooks {
        let head: Option<WebhookDelivery> = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(&hook.id))
            .filter(webhook_deliveries::status.eq(PENDING))
            .order((webhook_deliveries::seq, webhook_deliveries::id))
            .select(WebhookDelivery::as_select())
            .first(conn)
            .optional()?;
        let Some(mut head) = head else { continue };
        let free = head.locked_until.is_none_or(|t| t < now);
        if head.next_attempt_at > now || !free {
            continue;
        }
        let n = diesel::update(
            webhook_deliveries::table
                .find(&head.id)
                .filter(webhook_deliveries::status.eq(PENDING))
                .filter(webhook_deliveries::attempts.eq(head.attempts)),
        )
        .set((
            webhook_deliveries::locked_until.eq(now + LEASE),
            webhook_deliveries::attempts.eq(head.attempts + 1),
        ))
        .execute(conn)?;
        if n == 1 {
            head.attempts += 1;
            claimed.push((hook, head));
        }
    }
    Ok(claimed)
}

/// What one attempt came to.
pub struct Attempt {
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// How the worker retries and when it gives up on a subscription.
pub struct RetryPolicy {
    pub base: std::time::Duration,
    pub max_failures: i32,
}

/// Records an attempt: delivered, or due again after the backoff; a subscription that failed
/// `max_failures` times in a row is disabled, and whoever made it is told by mail.
pub fn record_attempt(
    conn: &mut DbConnection,
    hook: &Webhook,
    delivery: &WebhookDelivery,
    attempt: &Attempt,
    policy: &RetryPolicy,
    at: DateTime<Utc>,
) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let now = stored(at);
        diesel::insert_into(webhook_attempts::table)
            .values(WebhookAttempt {
                id: new_id(),
                delivery_id: delivery.id.clone(),
                at: now,
                status: attempt.status.map(i32::from),
                error: attempt.error.clone(),
                duration_ms: attempt.duration_ms,
            })
            .execute(conn)?;
        let status = attempt.status.map(i32::from);
        if attempt.succeeded() {
            diesel::update(webhook_deliveries::table.find(&delivery.id))
                .set((
                    webhook_deliveries::status.eq(DELIVERED),
                    webhook_deliveries::delivered_at.eq(now),
                    webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::last_status.eq(status),
                    webhook_deliveries::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
            diesel::update(webhooks::table.find(&hook.id))
                .set(webhooks::failures.eq(0))
                .execute(conn)?;
            return Ok(());
        }
        let wait = outbox::backoff(policy.base, delivery.attempts);
        let next = at + chrono::Duration::from_std(wait).map_err(ApiError::internal)?;
        diesel::update(webhook_deliveries::table.find(&delivery.id))
            .set((
                webhook_deliveries::next_attempt_at.eq(stored(next)),
                webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status.eq(status),
                webhook_deliveries::last_error.eq(&attempt.error),
            ))
            .execute(conn)?;
        let failures: i32 = diesel::update(webhooks::table.find(&hook.id))
            .set(webhooks::failures.eq(webhooks::failures + 1))
            .returning(webhooks::failures)
            .get_result(conn)?;
        if failures >= policy.max_failures && hook.enabled {
            disable(conn, hook, failures, attempt, at)?;
        }
        Ok(())
    })
}

/// Disables a subscription that keeps failing, and tells whoever made it.
fn disable(
    conn: &mut DbConnection,
    hook: &Webhook,
    failures: i32,
    attempt: &Attempt,
    at: DateTime<Utc>,
) -> ApiResult<()> {
    let last = match (attempt.status, &attempt.error) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(e)) => e.clone(),
        (None, None) => "no answer".to_owned(),
    };
    let reason = format!("{failures} failed attempts in a row; the last: {last}");
    diesel::update(
        webhooks::table
            .find(&hook.id)
            .filter(webhooks::enabled.eq(true)),
    )
    .set((
        webhooks::enabled.eq(false),
        webhooks::disabled_at.eq(stored(at)),
        webhooks::disabled_reason.eq(&reason),
    ))
    .execute(conn)?;
    let ctx = AuditContext {
        actor_id: None,
        actor_role: Some("webhook worker".into()),
        client_addr: None,
    };
    audit::record(
        conn,
        &ctx,
        "webhook.disabled",
        "webhook",
        &hook.id,
        json!({ "reason": reason, "url": hook.url }),
    )?;
    log::warn!("webhook {} to {} disabled: {reason}", hook.id, hook.url);
    let email: Option<String> = users::table
        .find(&hook.created_by)
        .select(users::email)
        .first(conn)
        .optional()?;
    if let Some(to) = email {
        let body = format!(
            "Webhook {url} đã bị tạm dừng sau {failures} lần gửi không thành công liên tiếp \
             (lần cuối: {last}). Các thông báo chưa gửi vẫn được giữ; bật lại webhook \
             (PATCH /api/v1/webhooks/{id} {{\"enabled\": true}}) để gửi tiếp theo thứ tự.\n\n\
             The webhook to {url} was disabled after {failures} failed attempts in a row \
             (the last: {last}). Its pending messages are kept; enable it again \
             (PATCH /api/v1/webhooks/{id} {{\"enabled\": true}}) to send them, in order.\n",
            url = hook.url,
            id = hook.id,
        );
        outbox::enqueue(
            conn,
            None,
            "notice",
            outbox::Mail {
                to,
                subject: "Webhook đã bị tạm dừng / Webhook disabled".to_owned(),
                body,
            },
            at,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_their_events() {
        assert!(subscribed("*", "article.published"));
        assert!(subscribed(
            "document.* article.unpublished",
            "article.unpublished"
        ));
        assert!(subscribed("document.*", "document.archived"));
        assert!(!subscribed("document.*", "article.published"));
        assert!(!subscribed("article.published", "article.updated"));
        assert!(!subscribed("art*", "article.published"));
    }

    #[test]
    fn only_known_kinds_and_changes_are_events() {
        let ok = |e: &[&str]| check_events(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(ok(&[]).unwrap(), "*");
        assert_eq!(
            ok(&["article.published", "media.*"]).unwrap(),
            "article.published media.*"
        );
        assert!(ok(&["article.drafted"]).is_err());
        assert!(ok(&["tin-tuc.*"]).is_err());
        assert!(ok(&["article"]).is_err());
    }

    #[test]
    fn secrets_are_32_random_bytes() {
        let s = new_secret();
        let bytes = STANDARD.decode(s.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(s, new_secret());
    }
}
