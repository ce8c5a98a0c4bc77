//! The mail outbox: mail is written here in the transaction that decides to send it, and the
//! delivery worker (`crate::mail`) sends it after commit. A row is claimed for a while before
//! it is sent, so two instances never send it at once; it is marked sent only after the
//! server accepted it, and retried with a growing wait while the server is away.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::questions::OutboxMail;
use crate::db::schema::mail_outbox;
use crate::db::{DbConnection, new_id, stored};
use crate::error::ApiResult;

/// The approved answer, to the asker: its delivery makes the question `sent`.
pub const REPLY: &str = "reply";
/// A notice to the department a question was routed to.
pub const ROUTED: &str = "routed";

/// A message to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Plain text, UTF-8.
    pub body: String,
}

/// How long a claimed row stays with the worker that claimed it: past this, a worker that
/// died mid-send loses it to the next.
pub const LEASE: std::time::Duration = std::time::Duration::from_secs(120);

pub fn enqueue(
    conn: &mut DbConnection,
    question_id: Option<&str>,
    purpose: &str,
    mail: Mail,
    now: DateTime<Utc>,
) -> ApiResult<String> {
    let id = new_id();
    diesel::insert_into(mail_outbox::table)
        .values(OutboxMail {
            id: id.clone(),
            question_id: question_id.map(str::to_owned),
            purpose: purpose.to_owned(),
            recipient: mail.to,
            subject: mail.subject,
            body: mail.body,
            created_at: stored(now),
            attempts: 0,
            next_attempt_at: stored(now),
            locked_until: None,
            last_error: None,
            sent_at: None,
            failed_at: None,
        })
        .execute(conn)?;
    Ok(id)
}

/// Claims up to `limit` rows that are due and not held by another worker. Each claim is a
/// compare-and-set on the lease it saw, so of two workers only one gets a row.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> ApiResult<Vec<OutboxMail>> {
    let now = stored(now);
    let free = mail_outbox::locked_until
        .is_null()
        .or(mail_outbox::locked_until.lt(now));
    let candidates: Vec<OutboxMail> = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .filter(mail_outbox::next_attempt_at.le(now))
        .filter(free)
        .order(mail_outbox::next_attempt_at)
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)?;
    let lease = now + Duration::from_std(LEASE).expect("a short lease");
    let mut claimed = Vec::with_capacity(candidates.len());
    for mut mail in candidates {
        let n = diesel::update(
            mail_outbox::table
                .find(&mail.id)
                .filter(mail_outbox::sent_at.is_null())
                .filter(mail_outbox::attempts.eq(mail.attempts)),
        )
        .set((
            mail_outbox::locked_until.eq(lease),
            mail_outbox::attempts.eq(mail.attempts + 1),
        ))
        .execute(conn)?;
        if n == 1 {
            mail.attempts += 1;
            claimed.push(mail);
        }
    }
    Ok(claimed)
}

/// The server accepted the message. Returns the question it answers, if it is a reply.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<String>> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::sent_at.eq(stored(now)),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    reply_to(conn, id)
}

/// The send failed for now: try again at `next`.
pub fn retry_at(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    next: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::next_attempt_at.eq(stored(next)),
            mail_outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// The server refused the message for good. Returns the question it answers, if a reply.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<String>> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::failed_at.eq(stored(now)),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    reply_to(conn, id)
}

/// The question a message answers, when it is a reply.
fn reply_to(conn: &mut DbConnection, id: &str) -> ApiResult<Option<String>> {
    Ok(mail_outbox::table
        .find(id)
        .filter(mail_outbox::purpose.eq(REPLY))
        .select(mail_outbox::question_id)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The newest reply to a question, if any.
pub fn latest_for(conn: &mut DbConnection, question_id: &str) -> ApiResult<Option<OutboxMail>> {
    Ok(mail_outbox::table
        .filter(mail_outbox::question_id.eq(question_id))
        .filter(mail_outbox::purpose.eq(REPLY))
        .order(mail_outbox::created_at.desc())
        .select(OutboxMail::as_select())
        .first(conn)
        .optional()?)
}

/// The wait before attempt `attempts + 1`: `base`, doubled each time, at most an hour, with a
/// tenth either way so that many retries do not arrive together.
pub fn backoff(base: std::time::Duration, attempts: i32) -> std::time::Duration {
    let doubled = base.saturating_mul(1 << attempts.clamp(1, 16).saturating_sub(1) as u32);
    let capped = doubled.min(std::time::Duration::from_secs(3600));
    let jitter = rand::random_range(0.9..1.1);
    capped.mul_f64(jitter)
}
