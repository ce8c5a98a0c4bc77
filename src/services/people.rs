//! The person kind: the leadership and staff directory (Điều 10.2b; kept permanently). A
//! person holds a post (chức vụ) in a unit, with a photo and contact fields each flagged public
//! or not, a place in the directory's order, and the dates of the term: a past holder stays on
//! record. Contact fields not flagged public are left out of the public projection itself
//! (`Kind::public_view`), so no public read, search or snippet can reach them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidateEmail};

use super::editorial::Kind;
use super::media;
use crate::db::DbConnection;
use crate::db::content::PublicCard;
use crate::db::schema::{public_items, public_people};
use crate::domain::category::ContentKind;
use crate::domain::people::{self, ContactKind};
use crate::domain::search::Part;
use crate::domain::text::{nfc, no_nul, slugify, web_url};
use crate::error::{ApiError, ApiResult, FieldError, Text};

pub struct Person;

/// A way to reach someone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PersonContact)]
pub struct Contact {
    pub kind: ContactKind,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 300, example = "0215 3 840 123")]
    pub value: String,
    /// Whether the public sees it; `false`, the default, keeps it for staff.
    #[serde(default)]
    pub public: bool,
}

/// A person's own fields, as stored, in revisions and in the working copy; the item's title
/// is their name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonFields {
    /// Chức vụ: `Hiệu trưởng`, `Phó Hiệu trưởng`, `Tổ trưởng tổ khối 1`.
    pub position: String,
    /// Đơn vị: `Ban giám hiệu`, `Tổ chuyên môn khối 1`, `Văn phòng`.
    pub unit: String,
    pub photo_media_id: Option<String>,
    pub contacts: Vec<Contact>,
    /// Their place in the directory, smallest first.
    pub order: i32,
    /// The first day of the term, when known.
    pub term_start: Option<NaiveDate>,
    /// The first day out of office; `null` while in office.
    pub term_end: Option<NaiveDate>,
    /// A few lines about them (plain text).
    pub bio: String,
}

fn contact_errors(contacts: &[Contact]) -> Vec<FieldError> {
    contacts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (code, vi, en) = match c.kind {
                ContactKind::Phone if !people::valid_phone(&c.value) => (
                    "invalid_phone",
                    "Số điện thoại gồm 8–15 chữ số, có thể có dấu cách, chấm, gạch nối và dấu + ở đầu.",
                    "A phone number has 8–15 digits, with spaces, dots or dashes between and an optional leading +.",
                ),
                ContactKind::Email if !c.value.validate_email() => (
                    "email",
                    "Địa chỉ e-mail không hợp lệ.",
                    "Not a valid e-mail address.",
                ),
                ContactKind::Website if web_url(&c.value).is_err() => (
                    "web_url",
                    "Phải là một địa chỉ http:// hoặc https:// đầy đủ.",
                    "Must be a full http:// or https:// address.",
                ),
                _ => return None,
            };
            Some(FieldError::new(format!("contacts[{i}].value"), code, Text::new(vi, en)))
        })
        .collect()
}

impl Kind for Person {
    const KIND: ContentKind = ContentKind::Person;
    const FALLBACK_SLUG: &'static str = "nguoi";
    const LISTED: &'static [&'static str] = &[
        "position",
        "unit",
        "photo_media_id",
        "contacts",
        "order",
        "term_start",
        "term_end",
    ];
    type Fields = PersonFields;

    fn check(
        conn: &mut DbConnection,
        new: &PersonFields,
        old: Option<&PersonFields>,
    ) -> ApiResult<()> {
        let mut errors = contact_errors(&new.contacts);
        if let (Some(start), Some(end)) = (new.term_start, new.term_end)
            && end <= start
        {
            errors.push(FieldError::new(
                "term_end",
                "term_end_before_start",
                Text::new(
                    "Ngày thôi giữ chức vụ phải sau ngày bắt đầu nhiệm kỳ.",
                    "The term must end after it starts.",
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        match &new.photo_media_id {
            Some(id) if old.is_none_or(|o| o.photo_media_id != new.photo_media_id) => {
                media::ensure_image(conn, "photo_media_id", id)
            }
            _ => Ok(()),
        }
    }

    /// Only the contact fields flagged public.
    fn public_view(fields: &PersonFields) -> PersonFields {
        let mut public = fields.clone();
        public.contacts.retain(|c| c.public);
        public
    }

    fn media(fields: &PersonFields) -> Vec<String> {
        fields.photo_media_id.iter().cloned().collect()
    }

    fn summary(fields: &PersonFields) -> &str {
        &fields.position
    }

    fn search_parts(fields: &PersonFields) -> Vec<Part<'_>> {
        let mut parts = vec![
            Part::Text(&fields.position),
            Part::Text(&fields.unit),
            Part::Text(&fields.bio),
        ];
        parts.extend(
            fields
                .contacts
                .iter()
                .filter(|c| c.public)
                .map(|c| Part::Text(&c.value)),
        );
        parts
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&PersonFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(public_people::table.find(item_id)).execute(conn)?;
        if let Some((fields, _)) = public {
            diesel::insert_into(public_people::table)
                .values((
                    public_people::item_id.eq(item_id),
                    public_people::unit_key.eq(slugify(&fields.unit)),
                    public_people::rank.eq(fields.order),
                    public_people::term_start.eq(fields.term_start),
                    public_people::term_end.eq(fields.term_end),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// Which terms a directory list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// Those in office today (the default).
    #[default]
    Current,
    /// Past holders, the latest to leave first.
    Past,
    /// Everyone on record.
    All,
}

/// The published directory: of one unit (folded, `ban-giam-hieu`) when asked, in the order
/// `term` asks for, as of `today`.
pub fn list_public(
    conn: &mut DbConnection,
    unit: Option<&str>,
    term: Term,
    today: NaiveDate,
) -> ApiResult<Vec<PublicCard>> {
    let mut q = public_items::table
        .inner_join(public_people::table)
        .select((
            PublicCard::as_select(),
            public_people::term_start,
            public_people::term_end,
        ))
        .into_boxed();
    if let Some(unit) = unit {
        q = q.filter(public_people::unit_key.eq(slugify(unit)));
    }
    let rows: Vec<(PublicCard, Option<NaiveDate>, Option<NaiveDate>)> = q
        .order((
            public_people::rank,
            public_items::title,
            public_items::item_id,
        ))
        .load(conn)?;
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter(|(_, start, end)| {
            let current = people::in_office(*start, *end, today);
            match term {
                Term::Current => current,
                Term::Past => !current && end.is_some_and(|e| e <= today),
                Term::All => true,
            }
        })
        .collect();
    if term == Term::Past {
        rows.sort_by_key(|r| std::cmp::Reverse(r.2));
    }
    Ok(rows.into_iter().map(|(card, ..)| card).collect())
}
