//! Categories (lĩnh vực, chuyên mục): each has a kind and a retention class.

use diesel::prelude::*;
use serde_json::json;

use super::{AuditContext, Lookup, Page, audit};
use crate::db::models::{Category, CategoryChangeset};
use crate::db::schema::{categories, category_slugs, content_items, user_categories};
use crate::db::{DbConnection, new_id, now};
use crate::domain::category::{CategoryKind, ContentKind, Retention};
use crate::error::{ApiError, ApiResult, Text, unique_as};

pub struct NewCategoryInput {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub kind: CategoryKind,
    pub retention: Retention,
}

#[derive(Default)]
pub struct CategoryUpdate {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub kind: Option<CategoryKind>,
    pub retention: Option<Retention>,
}

pub fn list(
    conn: &mut DbConnection,
    kind: Option<CategoryKind>,
    after: Option<&str>,
    limit: usize,
) -> ApiResult<Page<Category>> {
    let mut query = categories::table.select(Category::as_select()).into_boxed();
    if let Some(kind) = kind {
        query = query.filter(categories::kind.eq(kind.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(categories::id.gt(after.to_owned()));
    }
    let rows = query
        .order(categories::id)
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c| c.id.clone()))
}

/// Finds a category by id or by slug.
pub fn get(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Category> {
    Ok(categories::table
        .filter(
            categories::id
                .eq(id_or_slug)
                .or(categories::slug.eq(id_or_slug)),
        )
        .select(Category::as_select())
        .first(conn)?)
}

/// Finds a category by id, slug, or a slug it had before (which answers where it moved).
pub fn find(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Lookup<Category>> {
    match get(conn, id_or_slug) {
        Ok(c) => Ok(Lookup::Found(c)),
        Err(e) if e.code() == "not_found" => {
            let moved: Option<String> = category_slugs::table
                .inner_join(categories::table)
                .filter(category_slugs::slug.eq(id_or_slug))
                .select(categories::slug)
                .first(conn)
                .optional()?;
            moved.map(Lookup::Moved).ok_or_else(ApiError::not_found)
        }
        Err(e) => Err(e),
    }
}

/// The id of the category a filter names by id, slug or former slug; `None` if none does.
pub fn resolve_id(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Option<String>> {
    let current: Option<String> = categories::table
        .filter(
            categories::id
                .eq(id_or_slug)
                .or(categories::slug.eq(id_or_slug)),
        )
        .select(categories::id)
        .first(conn)
        .optional()?;
    if current.is_some() {
        return Ok(current);
    }
    Ok(category_slugs::table
        .find(id_or_slug)
        .select(category_slugs::category_id)
        .first(conn)
        .optional()?)
}

/// A slug now in use is nobody's former slug any more (it leads to its new owner).
fn claim_slug(conn: &mut DbConnection, slug: &str) -> ApiResult<()> {
    diesel::delete(category_slugs::table.find(slug)).execute(conn)?;
    Ok(())
}

fn slug_taken() -> ApiError {
    ApiError::conflict(
        "slug_taken",
        Text::new(
            "Đã có chuyên mục dùng đường dẫn (slug) này.",
            "Another category already uses this slug.",
        ),
    )
}

fn ensure_slug_free(conn: &mut DbConnection, slug: &str, except: Option<&str>) -> ApiResult<()> {
    let mut query = categories::table
        .filter(categories::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(categories::id.ne(id.to_owned()));
    }
    let n: i64 = query.count().get_result(conn)?;
    if n > 0 { Err(slug_taken()) } else { Ok(()) }
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    input: NewCategoryInput,
) -> ApiResult<Category> {
    crate::db::write_transaction(conn, |conn| {
        ensure_slug_free(conn, &input.slug, None)?;
        claim_slug(conn, &input.slug)?;
        let at = now();
        let category = Category {
            id: new_id(),
            slug: input.slug,
            name: input.name,
            description: input.description,
            kind: input.kind.as_str().to_owned(),
            retention_class: input.retention.class().as_str().to_owned(),
            retention_years: input.retention.years(),
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(categories::table)
            .values(&category)
            .execute(conn)
            .map_err(|e| unique_as(e, slug_taken))?;
        audit::record(
            conn,
            ctx,
            "category.create",
            "category",
            &category.id,
            json!({ "slug": category.slug, "kind": category.kind }),
        )?;
        Ok(category)
    })
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    change: CategoryUpdate,
) -> ApiResult<Category> {
    crate::db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        if let Some(kind) = change.kind.filter(|k| k.as_str() != current.kind) {
            ensure_items_fit(conn, &current.id, kind)?;
        }
        if let Some(slug) = change.slug.as_ref().filter(|s| **s != current.slug) {
            ensure_slug_free(conn, slug, Some(&current.id))?;
            claim_slug(conn, slug)?;
            diesel::insert_into(category_slugs::table)
                .values((
                    category_slugs::slug.eq(&current.slug),
                    category_slugs::category_id.eq(&current.id),
                    category_slugs::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        let changeset = CategoryChangeset {
            slug: change.slug.clone(),
            name: change.name.clone(),
            description: change.description.clone(),
            kind: change.kind.map(|k| k.as_str().to_owned()),
            retention_class: change.retention.map(|r| r.class().as_str().to_owned()),
            retention_years: change.retention.map(|r| r.years()),
            updated_at: Some(now()),
        };
        diesel::update(categories::table.find(&current.id))
            .set(&changeset)
            .execute(conn)
            .map_err(|e| unique_as(e, slug_taken))?;
        audit::record(
            conn,
            ctx,
            "category.update",
            "category",
            &current.id,
            json!({
                "name": change.name,
                "slug": change.slug,
                "kind": change.kind.map(CategoryKind::as_str),
                "retention_class": change.retention.map(|r| r.class().as_str()),
                "retention_years": change.retention.and_then(Retention::years),
            }),
        )?;
        get(conn, &current.id)
    })
}

/// The lock that keeps items filed only under categories of their kind: writers filing an item
/// hold it shared, a change of the category's kind alone.
pub fn kind_lock(category_id: &str) -> String {
    format!("category-kind:{category_id}")
}

/// A category's kind may change only to one its items may be filed under (409
/// `category_in_use` otherwise): articles need an article kind, and so on for every kind.
fn ensure_items_fit(conn: &mut DbConnection, id: &str, kind: CategoryKind) -> ApiResult<()> {
    crate::db::lock_invariant(conn, &kind_lock(id))?;
    for content in ContentKind::ALL.into_iter().filter(|c| !c.accepts(kind)) {
        let held: i64 = content_items::table
            .filter(content_items::category_id.eq(id))
            .filter(content_items::kind.eq(content.as_str()))
            .count()
            .get_result(conn)?;
        if held > 0 {
            let (vi, en) = content.noun();
            return Err(ApiError::conflict(
                "category_in_use",
                Text::new(
                    format!(
                        "Chuyên mục đang có {held} {vi}; chuyên mục loại {} không nhận {vi}.",
                        kind.as_str()
                    ),
                    format!(
                        "The category holds {held} {en}; a {} category does not take {en}.",
                        kind.as_str()
                    ),
                ),
            ));
        }
    }
    Ok(())
}

/// Deletes an unused category; one that board members review (or, later, content uses) is 409.
pub fn delete(conn: &mut DbConnection, ctx: &AuditContext, id: &str) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        let reviewers: i64 = user_categories::table
            .filter(user_categories::category_id.eq(&current.id))
            .count()
            .get_result(conn)?;
        if reviewers > 0 {
            return Err(ApiError::conflict(
                "category_in_use",
                Text::new(
                    "Chuyên mục đang được giao cho thành viên Ban biên tập; hãy gỡ phân công trước.",
                    "Board members are assigned to this category; unassign them first.",
                ),
            ));
        }
        diesel::delete(categories::table.find(&current.id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            "category.delete",
            "category",
            &current.id,
            json!({ "slug": current.slug }),
        )?;
        Ok(())
    })
}
