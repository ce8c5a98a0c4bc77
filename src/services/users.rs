//! Staff accounts and their place on the board.

use diesel::prelude::*;
use serde_json::json;

use super::{AuditContext, Page, audit};
use crate::auth::roles::{self, Role};
use crate::db::models::{User, UserCategory, UserChangeset};
use crate::db::schema::{categories, departments, refresh_tokens, user_categories, users};
use crate::db::{DbConnection, new_id, now};
use crate::error::{ApiError, ApiResult, Text, unique_as};

/// A user with the categories they review.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: User,
    pub category_ids: Vec<String>,
}

impl UserView {
    pub fn role(&self) -> Role {
        self.user.role.parse().unwrap_or(Role::Contributor)
    }
}

pub struct NewUserInput {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub category_ids: Vec<String>,
}

#[derive(Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub department_id: Option<Option<String>>,
    pub category_ids: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

#[derive(Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

pub fn normalize_email(email: &str) -> String {
    crate::domain::text::clean(email).to_lowercase()
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> ApiResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(normalize_email(email)))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<UserView> {
    let user = users::table
        .find(id)
        .select(User::as_select())
        .first(conn)?;
    let category_ids = category_ids(conn, id)?;
    Ok(UserView { user, category_ids })
}

pub fn category_ids(conn: &mut DbConnection, user_id: &str) -> ApiResult<Vec<String>> {
    Ok(user_categories::table
        .filter(user_categories::user_id.eq(user_id))
        .select(user_categories::category_id)
        .order(user_categories::category_id)
        .load(conn)?)
}

/// Whether an access token with version `ver`, issued for the login `session`, still speaks
/// for an active account and a login that has not ended.
pub fn token_is_current(
    conn: &mut DbConnection,
    user_id: &str,
    ver: i32,
    session: Option<&str>,
) -> ApiResult<bool> {
    let row: Option<(bool, i32)> = users::table
        .find(user_id)
        .select((users::disabled, users::token_version))
        .first(conn)
        .optional()?;
    if !matches!(row, Some((false, v)) if v == ver) {
        return Ok(false);
    }
    match session {
        Some(session) => super::sessions::is_live(conn, session),
        None => Ok(true),
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    after: Option<&str>,
    limit: usize,
) -> ApiResult<Page<UserView>> {
    let mut query = users::table.select(User::as_select()).into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(disabled) = filter.disabled {
        query = query.filter(users::disabled.eq(disabled));
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    let rows: Vec<User> = query.order(users::id).limit(limit as i64 + 1).load(conn)?;
    let page = Page::from_rows(rows, limit, |u| u.id.clone());
    let ids: Vec<&String> = page.items.iter().map(|u| &u.id).collect();
    let links: Vec<UserCategory> = user_categories::table
        .filter(user_categories::user_id.eq_any(ids))
        .order(user_categories::category_id)
        .select(UserCategory::as_select())
        .load(conn)?;
    Ok(page.map(|user| {
        let category_ids = links
            .iter()
            .filter(|l| l.user_id == user.id)
            .map(|l| l.category_id.clone())
            .collect();
        UserView { user, category_ids }
    }))
}

pub fn count(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Creates an account. `actor` is `None` for the command line and first-start bootstrap.
pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    actor: Option<Role>,
    input: NewUserInput,
) -> ApiResult<UserView> {
    if let Some(actor) = actor
        && !roles::can_manage_user(actor, input.role)
    {
        return Err(ApiError::forbidden());
    }
    crate::db::write_transaction(conn, |conn| {
        let email = normalize_email(&input.email);
        let taken: i64 = users::table
            .filter(users::email.eq(&email))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(email_taken());
        }
        check_role_fields(
            conn,
            input.role,
            input.department_id.as_deref(),
            &input.category_ids,
        )?;
        let at = now();
        let user = User {
            id: new_id(),
            email,
            display_name: input.display_name,
            password_hash: input.password_hash,
            role: input.role.as_str().to_owned(),
            department_id: input.department_id,
            publish_delegation: false,
            disabled: false,
            token_version: 0,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)
            .map_err(|e| unique_as(e, email_taken))?;
        set_categories(conn, &user.id, &input.category_ids)?;
        audit::record(
            conn,
            ctx,
            "user.create",
            "user",
            &user.id,
            json!({ "email": user.email, "role": user.role }),
        )?;
        get(conn, &user.id)
    })
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    actor: Option<Role>,
    id: &str,
    change: UserUpdate,
) -> ApiResult<UserView> {
    crate::db::write_transaction(conn, |conn| {
        // Whether another principal stays active is read, then written on: one at a time.
        crate::db::lock_invariant(conn, "principals")?;
        let current = get(conn, id)?;
        let old_role = current.role();
        let new_role = change.role.unwrap_or(old_role);
        if let Some(actor) = actor
            && (!roles::can_manage_user(actor, old_role)
                || !roles::can_manage_user(actor, new_role))
        {
            return Err(ApiError::forbidden());
        }
        let department = change
            .department_id
            .clone()
            .unwrap_or_else(|| current.user.department_id.clone());
        // Leaving the board member role drops the review assignments with it.
        let categories = match (&change.category_ids, new_role) {
            (Some(c), _) => c.clone(),
            (None, Role::BoardMember) => current.category_ids.clone(),
            (None, _) => Vec::new(),
        };
        check_role_fields(conn, new_role, department.as_deref(), &categories)?;

        let disabling = change.disabled == Some(true) && !current.user.disabled;
        let role_changed = new_role != old_role;
        if old_role == Role::Principal && (disabling || role_changed) {
            ensure_another_principal(conn, id)?;
        }
        let claims_changed = role_changed
            || department != current.user.department_id
            || categories != current.category_ids
            || change.disabled.is_some_and(|d| d != current.user.disabled);
        let changeset = UserChangeset {
            display_name: change.display_name.clone(),
            password_hash: None,
            role: role_changed.then(|| new_role.as_str().to_owned()),
            department_id: change.department_id.clone(),
            // A deputy's delegation does not survive a change of role.
            publish_delegation: role_changed.then_some(false),
            disabled: change.disabled,
            token_version: claims_changed.then_some(current.user.token_version + 1),
            updated_at: Some(now()),
        };
        diesel::update(users::table.find(id))
            .set(&changeset)
            .execute(conn)?;
        if categories != current.category_ids {
            set_categories(conn, id, &categories)?;
        }
        if role_changed || disabling {
            revoke_all_sessions(conn, id)?;
        }
        audit::record(
            conn,
            ctx,
            "user.update",
            "user",
            id,
            json!({
                "display_name": change.display_name,
                "role": change.role.map(Role::as_str),
                "department_id": change.department_id,
                "category_ids": change.category_ids,
                "disabled": change.disabled,
            }),
        )?;
        get(conn, id)
    })
}

/// Sets a new password for an account the actor manages (`None`: the command line), ending
/// every session of the account. Never the actor's own account: that takes the current
/// password (`change_own_password`), or a stolen access token would become a permanent
/// takeover that also locks the owner out.
pub fn set_password(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    actor: Option<Role>,
    id: &str,
    password_hash: String,
) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        if let Some(actor) = actor {
            if ctx.actor_id.as_deref() == Some(id) {
                return Err(own_password());
            }
            if !roles::can_manage_user(actor, current.role()) {
                return Err(ApiError::forbidden());
            }
        }
        write_password(conn, ctx, &current, password_hash)
    })
}

/// Sets the caller's own password, once the handler has checked the current one.
pub fn change_own_password(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    password_hash: String,
) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        write_password(conn, ctx, &current, password_hash)
    })
}

fn write_password(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    current: &UserView,
    password_hash: String,
) -> ApiResult<()> {
    let id = &current.user.id;
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::token_version.eq(current.user.token_version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    revoke_all_sessions(conn, id)?;
    audit::record(conn, ctx, "user.password", "user", id, json!({}))?;
    Ok(())
}

pub fn own_password() -> ApiError {
    ApiError::forbidden_because(
        "own_account",
        Text::new(
            "Mật khẩu của chính mình chỉ đổi được ở PUT /api/v1/me/password, với mật khẩu hiện tại.",
            "Your own password is changed at PUT /api/v1/me/password, with the current password.",
        ),
    )
}

/// Grants or revokes the deputy's standing publishing delegation (Điều 5.2).
pub fn set_publishing_delegation(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    delegated: bool,
) -> ApiResult<UserView> {
    crate::db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        if current.role() != Role::DeputyEditor {
            return Err(ApiError::conflict(
                "not_a_deputy",
                Text::new(
                    "Chỉ Phó trưởng ban mới được ủy quyền xuất bản.",
                    "Only a deputy editor can hold the publishing delegation.",
                ),
            ));
        }
        if current.user.publish_delegation != delegated {
            diesel::update(users::table.find(id))
                .set((
                    users::publish_delegation.eq(delegated),
                    users::token_version.eq(current.user.token_version + 1),
                    users::updated_at.eq(now()),
                ))
                .execute(conn)?;
            let action = if delegated {
                "user.delegation.grant"
            } else {
                "user.delegation.revoke"
            };
            audit::record(conn, ctx, action, "user", id, json!({}))?;
        }
        get(conn, id)
    })
}

fn revoke_all_sessions(conn: &mut DbConnection, user_id: &str) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

fn ensure_another_principal(conn: &mut DbConnection, id: &str) -> ApiResult<()> {
    let others: i64 = users::table
        .filter(users::role.eq(Role::Principal.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_principal",
            Text::new(
                "Không thể đổi vai trò hoặc khóa Hiệu trưởng cuối cùng đang hoạt động.",
                "The last active principal cannot be demoted or disabled.",
            ),
        ));
    }
    Ok(())
}

/// Department staff need a department; only board members review categories; both must exist.
fn check_role_fields(
    conn: &mut DbConnection,
    role: Role,
    department_id: Option<&str>,
    category_ids: &[String],
) -> ApiResult<()> {
    if role == Role::DepartmentStaff && department_id.is_none() {
        return Err(ApiError::field(
            "department_id",
            "required",
            Text::new(
                "Nhân viên bộ phận phải thuộc một bộ phận.",
                "Department staff must belong to a department.",
            ),
        ));
    }
    if let Some(dept) = department_id {
        let found: i64 = departments::table
            .filter(departments::id.eq(dept))
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(ApiError::field(
                "department_id",
                "unknown_department",
                Text::new("Không có bộ phận này.", "No such department."),
            ));
        }
    }
    if !category_ids.is_empty() {
        if role != Role::BoardMember {
            return Err(ApiError::field(
                "category_ids",
                "not_a_board_member",
                Text::new(
                    "Chỉ thành viên Ban biên tập được giao lĩnh vực phụ trách.",
                    "Only board members are assigned categories to review.",
                ),
            ));
        }
        let found: i64 = categories::table
            .filter(categories::id.eq_any(category_ids))
            .count()
            .get_result(conn)?;
        let mut unique = category_ids.to_vec();
        unique.sort();
        unique.dedup();
        if found as usize != unique.len() {
            return Err(ApiError::field(
                "category_ids",
                "unknown_category",
                Text::new(
                    "Có chuyên mục không tồn tại.",
                    "One or more categories do not exist.",
                ),
            ));
        }
    }
    Ok(())
}

fn set_categories(conn: &mut DbConnection, user_id: &str, ids: &[String]) -> ApiResult<()> {
    diesel::delete(user_categories::table.filter(user_categories::user_id.eq(user_id)))
        .execute(conn)?;
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    // One row at a time: multi-row inserts are not available on the two-backend connection.
    for category_id in unique {
        diesel::insert_into(user_categories::table)
            .values(UserCategory {
                user_id: user_id.to_owned(),
                category_id,
            })
            .execute(conn)?;
    }
    Ok(())
}

fn email_taken() -> ApiError {
    ApiError::conflict(
        "email_taken",
        Text::new(
            "Địa chỉ e-mail này đã có tài khoản.",
            "An account with this e-mail address already exists.",
        ),
    )
}
