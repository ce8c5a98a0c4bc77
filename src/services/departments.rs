//! Departments (bộ phận) that citizens' questions are routed to.

use diesel::prelude::*;
use serde_json::json;

use super::{AuditContext, Page, audit};
use crate::db::models::{Department, DepartmentChangeset};
use crate::db::schema::{departments, users};
use crate::db::{DbConnection, new_id, now};
use crate::error::{ApiError, ApiResult, Text, unique_as};

pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: usize,
) -> ApiResult<Page<Department>> {
    let mut query = departments::table
        .select(Department::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(departments::id.gt(after.to_owned()));
    }
    let rows = query
        .order(departments::id)
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |d| d.id.clone()))
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<Department> {
    Ok(departments::table
        .find(id)
        .select(Department::as_select())
        .first(conn)?)
}

fn ensure_name_free(conn: &mut DbConnection, name: &str, except: Option<&str>) -> ApiResult<()> {
    let mut query = departments::table
        .filter(departments::name.eq(name))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(departments::id.ne(id.to_owned()));
    }
    let n: i64 = query.count().get_result(conn)?;
    if n > 0 {
        return Err(name_taken());
    }
    Ok(())
}

fn name_taken() -> ApiError {
    ApiError::conflict(
        "name_taken",
        Text::new(
            "Đã có bộ phận mang tên này.",
            "A department with this name exists.",
        ),
    )
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    name: String,
    email: Option<String>,
) -> ApiResult<Department> {
    crate::db::write_transaction(conn, |conn| {
        ensure_name_free(conn, &name, None)?;
        let at = now();
        let dept = Department {
            id: new_id(),
            name,
            email,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(departments::table)
            .values(&dept)
            .execute(conn)
            .map_err(|e| unique_as(e, name_taken))?;
        audit::record(
            conn,
            ctx,
            "department.create",
            "department",
            &dept.id,
            json!({ "name": dept.name }),
        )?;
        Ok(dept)
    })
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    name: Option<String>,
    email: Option<Option<String>>,
) -> ApiResult<Department> {
    crate::db::write_transaction(conn, |conn| {
        get(conn, id)?;
        if let Some(name) = &name {
            ensure_name_free(conn, name, Some(id))?;
        }
        diesel::update(departments::table.find(id))
            .set(&DepartmentChangeset {
                name: name.clone(),
                email: email.clone(),
                updated_at: Some(now()),
            })
            .execute(conn)
            .map_err(|e| unique_as(e, name_taken))?;
        audit::record(
            conn,
            ctx,
            "department.update",
            "department",
            id,
            json!({ "name": name, "email": email }),
        )?;
        get(conn, id)
    })
}

pub fn delete(conn: &mut DbConnection, ctx: &AuditContext, id: &str) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let dept = get(conn, id)?;
        let staff: i64 = users::table
            .filter(users::department_id.eq(id))
            .count()
            .get_result(conn)?;
        if staff > 0 {
            return Err(ApiError::conflict(
                "department_in_use",
                Text::new(
                    "Bộ phận vẫn còn nhân viên; hãy chuyển họ sang bộ phận khác trước.",
                    "The department still has staff; move them to another department first.",
                ),
            ));
        }
        diesel::delete(departments::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            "department.delete",
            "department",
            id,
            json!({ "name": dept.name }),
        )?;
        Ok(())
    })
}
