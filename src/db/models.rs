//! Database rows and insert/update forms. Wire types live in `api/`, joined by `From`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    api_keys, audit_log, categories, departments, refresh_tokens, user_categories, users,
    webhook_attempts, webhook_deliveries, webhooks,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = departments)]
pub struct DepartmentChangeset {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub retention_class: String,
    pub retention_years: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChangeset {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub retention_class: Option<String>,
    pub retention_years: Option<Option<i32>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub department_id: Option<String>,
    pub publish_delegation: bool,
    pub disabled: bool,
    pub token_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChangeset {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub department_id: Option<Option<String>>,
    pub publish_delegation: Option<bool>,
    pub disabled: Option<bool>,
    pub token_version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = user_categories)]
pub struct UserCategory {
    pub user_id: String,
    pub category_id: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub detail: String,
    pub client_addr: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::media)]
pub struct Media {
    pub id: String,
    pub kind: String,
    pub content_type: String,
    pub sha256: String,
    pub source_sha256: String,
    pub size: i64,
    pub original_name: String,
    pub title: String,
    pub alt_text: String,
    pub caption: String,
    pub author: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_seconds: Option<i32>,
    pub uploaded_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::media_variants)]
pub struct MediaVariant {
    pub media_id: String,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub width: i32,
    pub height: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::media_uses)]
pub struct MediaUse {
    pub media_id: String,
    pub content_type: String,
    pub content_id: String,
    pub public: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    /// Space-separated.
    pub scopes: String,
    pub rate_per_minute: i32,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Space-separated patterns.
    pub events: String,
    pub secret: String,
    pub enabled: bool,
    pub failures: i32,
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct WebhookDelivery {
    pub id: String,
    pub message_id: String,
    pub webhook_id: String,
    pub seq: i64,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct WebhookAttempt {
    pub id: String,
    pub delivery_id: String,
    pub at: NaiveDateTime,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}
