//! The page kind: the school's standing pages (Điều 7.1, 10.2a; kept permanently): giới
//! thiệu chung, lịch sử, cơ cấu tổ chức, liên hệ, … Each has a body, a place among its
//! siblings, and at most one parent, so that the public site reads its navigation as one tree.
//! The lifecycle is the editorial machine's; the tree's rules are `domain::pages`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::editorial::Kind;
use super::media;
use crate::db::DbConnection;
use crate::db::schema::{content_items, page_parents, public_items, public_pages};
use crate::domain::category::ContentKind;
use crate::domain::html;
use crate::domain::pages;
use crate::domain::search::Part;
use crate::error::{ApiError, ApiResult, Text};

pub struct Page;

/// A page's own fields, as stored, in revisions and in the working copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PageFields {
    /// A line for menus and search results.
    pub summary: String,
    /// Sanitised HTML.
    pub body: String,
    /// The page it sits under in the tree; `null` at the top level.
    pub parent_id: Option<String>,
    /// Its place among its siblings, smallest first.
    pub position: i32,
    pub cover_media_id: Option<String>,
}

fn bad_parent(code: &str, vi: &'static str, en: &'static str) -> ApiError {
    ApiError::field("parent_id", code, Text::new(vi, en))
}

impl Kind for Page {
    const KIND: ContentKind = ContentKind::Page;
    const FALLBACK_SLUG: &'static str = "trang";
    const LISTED: &'static [&'static str] = &["summary", "parent_id", "position", "cover_media_id"];
    type Fields = PageFields;

    fn check(conn: &mut DbConnection, new: &PageFields, old: Option<&PageFields>) -> ApiResult<()> {
        if let Some(parent) = &new.parent_id
            && old.is_none_or(|o| o.parent_id != new.parent_id)
        {
            let found: i64 = content_items::table
                .filter(content_items::id.eq(parent))
                .filter(content_items::kind.eq(Page::KIND.as_str()))
                .count()
                .get_result(conn)?;
            if found == 0 {
                return Err(bad_parent(
                    "unknown_page",
                    "Không có trang nào với mã này.",
                    "No page with this id.",
                ));
            }
        }
        match &new.cover_media_id {
            Some(id) if old.is_none_or(|o| o.cover_media_id != new.cover_media_id) => {
                media::ensure_image(conn, "cover_media_id", id)
            }
            _ => Ok(()),
        }
    }

    /// The parent it names, checked for circles under one lock held until commit, so two
    /// pages cannot each be put under the other at once.
    fn stored(conn: &mut DbConnection, item_id: &str, fields: &PageFields) -> ApiResult<()> {
        crate::db::lock_invariant(conn, "page-tree")?;
        diesel::delete(page_parents::table.find(item_id)).execute(conn)?;
        let Some(parent) = &fields.parent_id else {
            return Ok(());
        };
        let others: Vec<(String, String)> = page_parents::table
            .select((page_parents::item_id, page_parents::parent_id))
            .load(conn)?;
        let edges: Vec<(&str, &str)> = others
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        if pages::closes_a_circle(&edges, item_id, parent) {
            return Err(bad_parent(
                "page_cycle",
                "Một trang không thể nằm dưới chính nó hay một trang con của nó.",
                "A page cannot sit under itself or under a page below it.",
            ));
        }
        diesel::insert_into(page_parents::table)
            .values((
                page_parents::item_id.eq(item_id),
                page_parents::parent_id.eq(parent),
            ))
            .execute(conn)?;
        Ok(())
    }

    fn forget(conn: &mut DbConnection, item_id: &str) -> ApiResult<()> {
        diesel::delete(page_parents::table.find(item_id)).execute(conn)?;
        Ok(())
    }

    fn media(fields: &PageFields) -> Vec<String> {
        let mut ids = html::ids_in_html(&fields.body);
        ids.extend(fields.cover_media_id.iter().cloned());
        ids.sort();
        ids.dedup();
        ids
    }

    fn summary(fields: &PageFields) -> &str {
        &fields.summary
    }

    fn search_parts(fields: &PageFields) -> Vec<Part<'_>> {
        vec![Part::Text(&fields.summary), Part::Html(&fields.body)]
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&PageFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(public_pages::table.find(item_id)).execute(conn)?;
        if let Some((fields, _)) = public {
            diesel::insert_into(public_pages::table)
                .values((
                    public_pages::item_id.eq(item_id),
                    public_pages::parent_id.eq(&fields.parent_id),
                    public_pages::position.eq(fields.position),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// A published page as the tree shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub parent_id: Option<String>,
    pub position: i32,
}

/// Every published page, siblings in order (position, then title).
pub fn entries(conn: &mut DbConnection) -> ApiResult<Vec<Entry>> {
    let rows: Vec<(String, String, String, String, Option<String>, i32)> = public_items::table
        .inner_join(public_pages::table)
        .select((
            public_items::item_id,
            public_items::slug,
            public_items::title,
            public_items::summary,
            public_pages::parent_id,
            public_pages::position,
        ))
        .order((
            public_pages::position,
            public_items::title,
            public_items::item_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, summary, parent_id, position)| Entry {
            id,
            slug,
            title,
            summary,
            parent_id,
            position,
        })
        .collect())
}

/// The public tree of pages.
pub fn tree(conn: &mut DbConnection) -> ApiResult<Vec<pages::Node<Entry>>> {
    Ok(pages::tree(
        entries(conn)?,
        |e| &e.id,
        |e| e.parent_id.as_deref(),
    ))
}
