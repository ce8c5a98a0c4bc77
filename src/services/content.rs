//! What every content write records, whatever the kind (articles now; documents, procedures and
//! resources later). A kind's service calls `record_write` inside the transaction that changes
//! the item and writes its revision, and `record_public_change` when the public sees something
//! change, so the item, its revision, its audit entry and its change-feed entry commit together
//! or not at all.

use diesel::prelude::*;
use serde_json::Value;

use super::{AuditContext, audit};
use crate::db::content::{ContentTransition, NewChange};
use crate::db::schema::{change_clock, change_feed, content_transitions};
use crate::db::{DbConnection, new_id, now};
use crate::domain::workflow::{Status, Transition};
use crate::error::{ApiError, ApiResult};

/// One content write, as the audit log sees it.
pub struct Write<'a> {
    pub content_type: &'a str,
    pub content_id: &'a str,
    /// `create`, `update`, `restore`, or a transition name (`submit`, `publish`, …).
    pub action: &'a str,
    /// What changed, for the audit log.
    pub detail: Value,
}

/// Records the audit entry of a content write. Every write has one; only those the public sees
/// also reach the change feed (`record_public_change`).
pub fn record_write(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    write: Write<'_>,
) -> ApiResult<()> {
    audit::record(
        conn,
        ctx,
        &format!("{}.{}", write.content_type, write.action),
        write.content_type,
        write.content_id,
        write.detail,
    )?;
    Ok(())
}

/// What the public saw change: the change feed's entries, which the district portal syncs
/// from. Drafts, reviews and staff-only edits never make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicChange {
    /// First on the public site (or again after being withdrawn).
    Published,
    /// A newer revision replaced the public one.
    Updated,
    Unpublished,
    /// Withdrawn by archiving.
    Archived,
    Deleted,
}

impl PublicChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Updated => "updated",
            Self::Unpublished => "unpublished",
            Self::Archived => "archived",
            Self::Deleted => "deleted",
        }
    }
}

/// Adds a change-feed entry: the item's kind, id, what changed and the public revision (the
/// one published, or the one withdrawn).
///
/// Its position comes from the one `change_clock` row, whose lock this transaction then holds
/// until it commits: positions become visible in commit order, so a reader that has seen
/// position n can never later find a smaller one appear (the feed's cursor skips nothing).
/// Call it last in the transaction, after every other write: holding the clock while waiting
/// for another row would queue every other publisher behind that wait (and could deadlock).
/// It also queues the change's webhook messages, in the same transaction.
pub fn record_public_change(
    conn: &mut DbConnection,
    content_type: &str,
    content_id: &str,
    change: PublicChange,
    revision: Option<i32>,
) -> ApiResult<()> {
    let seq: i64 = diesel::update(change_clock::table.find(1))
        .set(change_clock::seq.eq(change_clock::seq + 1))
        .returning(change_clock::seq)
        .get_result(conn)?;
    let at = now();
    diesel::insert_into(change_feed::table)
        .values(NewChange {
            seq,
            content_type: content_type.to_owned(),
            content_id: content_id.to_owned(),
            action: change.as_str().to_owned(),
            at,
            revision,
        })
        .execute(conn)?;
    super::webhooks::enqueue(conn, seq, content_type, content_id, change, revision, at)
}

/// Records a workflow step: who moved the item from where to where, and why.
#[allow(clippy::too_many_arguments)]
pub fn record_transition(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    content_type: &str,
    content_id: &str,
    transition: Transition,
    from: Status,
    to: Status,
    revision: i32,
    comment: &str,
) -> ApiResult<()> {
    diesel::insert_into(content_transitions::table)
        .values(ContentTransition {
            id: new_id(),
            content_type: content_type.to_owned(),
            content_id: content_id.to_owned(),
            action: transition.as_str().to_owned(),
            from_status: from.as_str().to_owned(),
            to_status: to.as_str().to_owned(),
            revision,
            actor_id: ctx.actor_id.clone(),
            actor_role: ctx.actor_role.clone(),
            comment: comment.to_owned(),
            at: now(),
        })
        .execute(conn)?;
    Ok(())
}

pub fn transitions(
    conn: &mut DbConnection,
    content_type: &str,
    content_id: &str,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<super::Page<ContentTransition>> {
    let mut q = content_transitions::table
        .filter(content_transitions::content_type.eq(content_type))
        .filter(content_transitions::content_id.eq(content_id))
        .select(ContentTransition::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            content_transitions::at.gt(at).or(content_transitions::at
                .eq(at)
                .and(content_transitions::id.gt(id))),
        );
    }
    let rows = q
        .order((content_transitions::at, content_transitions::id))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(super::Page::from_rows(rows, limit, |t| {
        super::page_key(t.at, &t.id)
    }))
}

/// The fields two snapshots of an item differ in (as JSON objects), leaving out `skip`: the
/// same for every kind, whatever its fields. In the snapshots' key order.
pub fn changed_fields(a: &Value, b: &Value, skip: &[&str]) -> Vec<(String, Value, Value)> {
    let Some(fields) = a.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(name, _)| !skip.contains(&name.as_str()))
        .filter(|(name, value)| b.get(name.as_str()) != Some(*value))
        .map(|(name, value)| {
            let other = b.get(name.as_str()).cloned().unwrap_or(Value::Null);
            (name.clone(), value.clone(), other)
        })
        .collect()
}

/// The strong ETag of a content item's working copy.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// The version an `If-Match` value names, if it is one of ours.
pub fn parse_etag(value: &str) -> Option<i32> {
    value
        .trim()
        .strip_prefix("\"v")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok())
}

/// Checks the caller edited the current version (no lost update).
pub fn require_version(current: i32, expected: i32) -> ApiResult<()> {
    if current == expected {
        Ok(())
    } else {
        Err(ApiError::precondition_failed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_compare_every_field_but_the_skipped() {
        let a = serde_json::json!({"title": "A", "tags": ["x"], "note": "n1", "event_date": null});
        let b = serde_json::json!({"title": "B", "tags": ["x"], "note": "n2", "event_date": "2026-12-01"});
        let changes = changed_fields(&a, &b, &["note"]);
        let names: Vec<&str> = changes.iter().map(|(n, ..)| n.as_str()).collect();
        assert_eq!(names, ["event_date", "title"]);
        assert_eq!(changes[1].1, "A");
        assert_eq!(changes[1].2, "B");
        assert!(changed_fields(&a, &a, &[]).is_empty());
    }

    #[test]
    fn etags_round_trip() {
        assert_eq!(parse_etag(&etag(12)), Some(12));
        assert_eq!(parse_etag("W/\"v12\""), None);
        assert_eq!(parse_etag("\"12\""), None);
    }
}
