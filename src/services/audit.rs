//! The audit log (Quy chế Điều 11): every write records who, in what role, from where, and what.

use diesel::prelude::*;

use super::AuditContext;
use crate::db::models::AuditEntry;
use crate::db::schema::audit_log;
use crate::db::{DbConnection, new_id, now};
use crate::error::ApiResult;

pub fn record(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    action: &str,
    target_type: &str,
    target_id: &str,
    detail: serde_json::Value,
) -> ApiResult<()> {
    diesel::insert_into(audit_log::table)
        .values(AuditEntry {
            id: new_id(),
            at: now(),
            actor_id: ctx.actor_id.clone(),
            actor_role: ctx.actor_role.clone(),
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id: target_id.to_owned(),
            detail: detail.to_string(),
            client_addr: ctx.client_addr.clone(),
        })
        .execute(conn)?;
    Ok(())
}
