//! The teaching-resource kind (tài nguyên dạy học, Điều 7.5): research, initiatives,
//! e-lessons, slides, home-made teaching aids and tests, with their authors (staff accounts or
//! names), school year, subject, grade, files and award. The lifecycle is the editorial
//! machine's; the resource keeps what its public list filters on in a table of its own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::editorial::Kind;
use super::{Page, page_key};
use crate::db::DbConnection;
use crate::db::content::PublicCard;
use crate::db::schema::{media as media_table, public_items, public_resources, users};
use crate::domain::category::ContentKind;
use crate::domain::resources::{self, AwardLevel, ResourceType};
use crate::domain::search::Part;
use crate::domain::text::{nfc, slugify};
use crate::error::{ApiError, ApiResult, FieldError, Text};

pub struct TeachingResource;

/// An author: a staff account, or a name (someone outside the system: a teacher who left,
/// a co-author from another school). Exactly one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ResourceAuthor)]
pub struct Author {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "nfc::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

/// A resource's own fields, as stored, in revisions and in the working copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceFields {
    pub resource_type: ResourceType,
    pub authors: Vec<Author>,
    /// `2025-2026`.
    pub school_year: String,
    /// Môn học (`Toán`, `Tiếng Việt`); the public list filters on it, folded.
    pub subject: String,
    /// Khối lớp, among the grades the school teaches; `null` for several.
    pub grade: Option<i32>,
    pub summary: String,
    /// Media ids of its files, in order.
    pub file_ids: Vec<String>,
    /// Giải: the level at which it won recognition, if it did.
    pub award: Option<AwardLevel>,
}

fn error(field: String, code: &str, vi: String, en: String) -> FieldError {
    FieldError::new(field, code, Text::new(vi, en))
}

fn check_form(fields: &ResourceFields) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !resources::valid_school_year(&fields.school_year) {
        errors.push(error(
            "school_year".into(),
            "malformed_school_year",
            format!(
                "Năm học {} phải viết là hai năm liền nhau, ví dụ 2025-2026.",
                fields.school_year
            ),
            format!(
                "The school year {} must be two consecutive years, such as 2025-2026.",
                fields.school_year
            ),
        ));
    }
    for (i, a) in fields.authors.iter().enumerate() {
        let name = a.name.as_deref().map(str::trim);
        let problem = match (&a.user_id, name) {
            (Some(_), Some(_)) | (None, None) | (None, Some("")) => true,
            (None, Some(n)) => n.chars().count() > 200 || n.contains('\0'),
            _ => false,
        };
        if problem {
            errors.push(error(
                format!("authors[{i}]"),
                "author_needs_one_of",
                "Mỗi tác giả là một tài khoản (user_id) hoặc một họ tên (name, 1–200 ký tự), không cả hai.".into(),
                "Each author is an account (user_id) or a name (name, 1–200 characters), not both.".into(),
            ));
        }
    }
    errors
}

impl Kind for TeachingResource {
    const KIND: ContentKind = ContentKind::Resource;
    const FALLBACK_SLUG: &'static str = "tai-nguyen";
    const LISTED: &'static [&'static str] = &[
        "resource_type",
        "authors",
        "school_year",
        "subject",
        "grade",
        "summary",
        "award",
    ];
    type Fields = ResourceFields;

    fn check(
        conn: &mut DbConnection,
        new: &ResourceFields,
        old: Option<&ResourceFields>,
    ) -> ApiResult<()> {
        let mut errors = check_form(new);
        if old.is_none_or(|o| o.authors != new.authors) {
            let ids: Vec<&String> = new
                .authors
                .iter()
                .filter_map(|a| a.user_id.as_ref())
                .collect();
            let known: Vec<String> = users::table
                .filter(users::id.eq_any(&ids))
                .select(users::id)
                .load(conn)?;
            for (i, a) in new.authors.iter().enumerate() {
                if let Some(id) = &a.user_id
                    && !known.contains(id)
                {
                    errors.push(error(
                        format!("authors[{i}].user_id"),
                        "unknown_user",
                        format!("Không có tài khoản {id}."),
                        format!("No account {id}."),
                    ));
                }
            }
        }
        if old.is_none_or(|o| o.file_ids != new.file_ids) {
            let known: Vec<String> = media_table::table
                .filter(media_table::id.eq_any(&new.file_ids))
                .select(media_table::id)
                .load(conn)?;
            for (i, id) in new.file_ids.iter().enumerate() {
                if !known.contains(id) {
                    errors.push(error(
                        format!("file_ids[{i}]"),
                        "unknown_media",
                        format!("Không có tệp {id} trong thư viện."),
                        format!("No file {id} in the media library."),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(errors))
        }
    }

    /// A published resource has at least one file.
    fn ready(conn: &mut DbConnection, fields: &ResourceFields) -> ApiResult<()> {
        if fields.file_ids.is_empty() {
            return Err(ApiError::field(
                "file_ids",
                "file_required",
                Text::new(
                    "Tài nguyên cần ít nhất một tệp trước khi xuất bản.",
                    "A resource needs at least one file before it is published.",
                ),
            ));
        }
        super::media::require_alt_text(conn, &fields.file_ids)
    }

    fn media(fields: &ResourceFields) -> Vec<String> {
        fields.file_ids.clone()
    }

    fn summary(fields: &ResourceFields) -> &str {
        &fields.summary
    }

    fn search_parts(fields: &ResourceFields) -> Vec<Part<'_>> {
        let mut parts = vec![
            Part::Text(fields.resource_type.name()),
            Part::Text(&fields.subject),
            Part::Text(&fields.summary),
            Part::Text(&fields.school_year),
        ];
        parts.extend(
            fields
                .authors
                .iter()
                .filter_map(|a| a.name.as_deref())
                .map(Part::Text),
        );
        parts
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&ResourceFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(public_resources::table.find(item_id)).execute(conn)?;
        if let Some((fields, published_at)) = public {
            diesel::insert_into(public_resources::table)
                .values((
                    public_resources::item_id.eq(item_id),
                    public_resources::resource_type.eq(fields.resource_type.as_str()),
                    public_resources::subject_key.eq(slugify(&fields.subject)),
                    public_resources::grade.eq(fields.grade),
                    public_resources::school_year.eq(&fields.school_year),
                    public_resources::published_at.eq(published_at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// Filters of the public list.
#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    pub resource_type: Option<ResourceType>,
    /// As written or folded.
    pub subject: Option<String>,
    pub grade: Option<i32>,
    pub school_year: Option<String>,
    pub category_id: Option<String>,
}

/// Published resources, newest first, filtered.
pub fn list_public(
    conn: &mut DbConnection,
    filter: &PublicFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<PublicCard>> {
    use public_resources::dsl as r;
    let mut q = public_items::table
        .inner_join(public_resources::table)
        .select(PublicCard::as_select())
        .into_boxed();
    if let Some(t) = filter.resource_type {
        q = q.filter(r::resource_type.eq(t.as_str()));
    }
    if let Some(subject) = &filter.subject {
        q = q.filter(r::subject_key.eq(slugify(subject)));
    }
    if let Some(grade) = filter.grade {
        q = q.filter(r::grade.eq(grade));
    }
    if let Some(year) = &filter.school_year {
        q = q.filter(r::school_year.eq(year.clone()));
    }
    if let Some(c) = &filter.category_id {
        q = q.filter(public_items::category_id.eq(c.clone()));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            r::published_at
                .lt(t)
                .or(r::published_at.eq(t).and(r::item_id.lt(id))),
        );
    }
    let rows = q
        .order((r::published_at.desc(), r::item_id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c: &PublicCard| {
        page_key(c.published_at, &c.item_id)
    }))
}

/// The display names of staff accounts, for the authors the public sees.
pub fn staff_names(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<(String, String)>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?)
}
