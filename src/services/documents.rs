//! The document kind: the registry of legal and administrative documents (văn bản, Điều
//! 7.1–7.2, 10.2c). The editorial machine (`services::editorial`) does the lifecycle; a
//! document adds its số ký hiệu (unique per issuer and year), form, issuer, signer, dates,
//! attached files and relations to other documents, and the public indexes that filter on
//! them. The rules themselves are in `domain::documents`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::editorial::Kind;
use super::{Page, page_key};
use crate::db::DbConnection;
use crate::db::schema::{
    content_items, document_numbers, document_relations, media as media_table,
    public_document_relations, public_documents,
};
use crate::domain::category::ContentKind;
use crate::domain::documents::{
    self, DocumentForm, DocumentNumber, RelationKind, Validity, ValidityDates,
};
use crate::domain::formats::MediaKind;
use crate::domain::search::Part;
use crate::error::{ApiError, ApiResult, Text, unique_as};

pub struct Document;

/// A relation a document states to another: this document `kind` the other (`replaces`, …);
/// the inverse shows on the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DocumentRelation)]
pub struct Relation {
    pub kind: RelationKind,
    pub document_id: String,
}

/// A document's own fields, as stored, in revisions and in the working copy; the title of
/// the item is its trích yếu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentFields {
    /// Số ký hiệu, in its usual form (`38/QĐ-THS1MM`).
    pub number: String,
    pub form: DocumentForm,
    /// Cơ quan ban hành.
    pub issuer: String,
    /// Người ký.
    pub signer: String,
    /// The signer's chức vụ.
    pub signer_title: String,
    /// Ngày ban hành.
    pub signed_on: NaiveDate,
    /// The first day in force; the signing day when `null`.
    pub effective_on: Option<NaiveDate>,
    /// The first day no longer in force; `null` while open-ended.
    pub expires_on: Option<NaiveDate>,
    /// Media ids of the attached files (PDF, DOC, DOCX, ODT).
    pub file_ids: Vec<String>,
    pub relations: Vec<Relation>,
}

/// The file types a document's attachments may have: PDF, DOC/DOCX, ODT.
pub const FILE_TYPES: [&str; 4] = [
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
];

/// Parses a số ký hiệu as the API receives it: 422 on `number` when malformed.
pub fn parse_number(written: &str) -> ApiResult<DocumentNumber> {
    let latest = Utc::now().year() + 1;
    DocumentNumber::parse(written, latest).map_err(|e| {
        ApiError::field(
            "number",
            e.code,
            Text::new(
                e.message,
                "Write the number as 38/QĐ-THS1MM, 28/2020/TT-BGDĐT or 1234/UBND-VX.",
            ),
        )
    })
}

fn number_taken() -> ApiError {
    ApiError::conflict(
        "document_number_taken",
        Text::new(
            "Đã có văn bản với số ký hiệu này của cùng cơ quan trong cùng năm.",
            "A document with this number from the same issuer and year exists.",
        ),
    )
}

/// Those of `ids` that are not a PDF, DOC, DOCX or ODT file of the media library (what a
/// document attaches and a procedure guide offers as a form).
pub fn not_document_files<'a>(conn: &mut DbConnection, ids: &[&'a str]) -> ApiResult<Vec<&'a str>> {
    let known: Vec<(String, String)> = media_table::table
        .filter(media_table::id.eq_any(ids))
        .filter(media_table::kind.eq(MediaKind::Document.as_str()))
        .select((media_table::id, media_table::content_type))
        .load(conn)?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| {
            !known
                .iter()
                .any(|(k, t)| k == id && FILE_TYPES.contains(&t.as_str()))
        })
        .collect())
}

/// Those of `ids` that are not documents of the registry (published or not).
pub fn not_documents<'a>(conn: &mut DbConnection, ids: &[&'a str]) -> ApiResult<Vec<&'a str>> {
    let known: Vec<String> = content_items::table
        .filter(content_items::id.eq_any(ids))
        .filter(content_items::kind.eq(Document::KIND.as_str()))
        .select(content_items::id)
        .load(conn)?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !known.iter().any(|k| k == id))
        .collect())
}

fn check_files(conn: &mut DbConnection, ids: &[String]) -> ApiResult<()> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let bad = not_document_files(conn, &ids)?;
    if bad.is_empty() {
        return Ok(());
    }
    let list = bad.join(", ");
    Err(ApiError::field(
        "file_ids",
        "unknown_document_file",
        Text::new(
            format!("Không có tệp PDF, DOC, DOCX hoặc ODT nào với mã: {list}."),
            format!("No PDF, DOC, DOCX or ODT file in the media library with id: {list}."),
        ),
    ))
}

/// The targets of relations must be documents.
fn check_targets(conn: &mut DbConnection, relations: &[Relation]) -> ApiResult<()> {
    let targets: Vec<&str> = relations.iter().map(|r| r.document_id.as_str()).collect();
    if let Some(missing) = not_documents(conn, &targets)?.first() {
        return Err(ApiError::field(
            "relations",
            "unknown_document",
            Text::new(
                format!("Không có văn bản {missing}."),
                format!("No document {missing}."),
            ),
        ));
    }
    Ok(())
}

/// No relation of `own` may close a circle: checked under one lock, held until commit, so two
/// documents cannot each be told to replace the other at once.
fn check_no_cycle(conn: &mut DbConnection, own: &str, relations: &[Relation]) -> ApiResult<()> {
    crate::db::lock_invariant(conn, "document-relations")?;
    let existing: Vec<(String, String)> = document_relations::table
        .filter(document_relations::from_id.ne(own))
        .select((document_relations::from_id, document_relations::to_id))
        .load(conn)?;
    let edges: Vec<(&str, &str)> = existing
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    if relations
        .iter()
        .any(|r| documents::closes_a_cycle(&edges, own, &r.document_id))
    {
        return Err(ApiError::field(
            "relations",
            "relation_cycle",
            Text::new(
                "Quan hệ này tạo thành vòng: văn bản sẽ quay về chính nó.",
                "This relation closes a circle: the document would come back to itself.",
            ),
        ));
    }
    Ok(())
}

impl Kind for Document {
    const KIND: ContentKind = ContentKind::Document;
    const FALLBACK_SLUG: &'static str = "van-ban";
    const LISTED: &'static [&'static str] = &[
        "number",
        "form",
        "issuer",
        "signer",
        "signer_title",
        "signed_on",
        "effective_on",
        "expires_on",
    ];
    type Fields = DocumentFields;

    fn check(
        conn: &mut DbConnection,
        new: &DocumentFields,
        old: Option<&DocumentFields>,
    ) -> ApiResult<()> {
        let number = parse_number(&new.number)?;
        if !number.agrees_with(new.form) {
            return Err(ApiError::field(
                "form",
                "form_mismatch",
                Text::new(
                    format!(
                        "Số ký hiệu {} không phải của một {}.",
                        number.text,
                        new.form.name()
                    ),
                    format!(
                        "The number {} is not that of a {}.",
                        number.text,
                        new.form.name()
                    ),
                ),
            ));
        }
        let from = new.effective_on.unwrap_or(new.signed_on);
        if new.expires_on.is_some_and(|until| until <= from) {
            return Err(ApiError::field(
                "expires_on",
                "expires_before_effective",
                Text::new(
                    "Ngày hết hiệu lực phải sau ngày có hiệu lực.",
                    "The expiry day must come after the effective day.",
                ),
            ));
        }
        if old.is_none_or(|o| o.file_ids != new.file_ids) {
            check_files(conn, &new.file_ids)?;
        }
        if old.is_none_or(|o| o.relations != new.relations) {
            check_targets(conn, &new.relations)?;
        }
        Ok(())
    }

    /// The number's key (unique: 409 `document_number_taken`) and the relations it states,
    /// checked for circles with the item's own id.
    fn stored(conn: &mut DbConnection, item_id: &str, fields: &DocumentFields) -> ApiResult<()> {
        let number = parse_number(&fields.number)?;
        let key = number.unique_key(fields.signed_on.year());
        diesel::delete(document_numbers::table.find(item_id)).execute(conn)?;
        diesel::insert_into(document_numbers::table)
            .values((
                document_numbers::item_id.eq(item_id),
                document_numbers::number_key.eq(key),
            ))
            .execute(conn)
            .map_err(|e| unique_as(e, number_taken))?;
        check_no_cycle(conn, item_id, &fields.relations)?;
        diesel::delete(document_relations::table.filter(document_relations::from_id.eq(item_id)))
            .execute(conn)?;
        for r in &fields.relations {
            diesel::insert_into(document_relations::table)
                .values((
                    document_relations::from_id.eq(item_id),
                    document_relations::to_id.eq(&r.document_id),
                    document_relations::kind.eq(relation_name(r.kind)),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    fn forget(conn: &mut DbConnection, item_id: &str) -> ApiResult<()> {
        diesel::delete(document_numbers::table.find(item_id)).execute(conn)?;
        diesel::delete(document_relations::table.filter(document_relations::from_id.eq(item_id)))
            .execute(conn)?;
        Ok(())
    }

    /// A published document has at least one file.
    fn ready(_conn: &mut DbConnection, fields: &DocumentFields) -> ApiResult<()> {
        if fields.file_ids.is_empty() {
            return Err(ApiError::field(
                "file_ids",
                "file_required",
                Text::new(
                    "Văn bản cần ít nhất một tệp đính kèm trước khi xuất bản.",
                    "A document needs at least one attached file before it is published.",
                ),
            ));
        }
        Ok(())
    }

    fn media(fields: &DocumentFields) -> Vec<String> {
        fields.file_ids.clone()
    }

    fn summary(fields: &DocumentFields) -> &str {
        &fields.number
    }

    fn search_parts(fields: &DocumentFields) -> Vec<Part<'_>> {
        vec![
            Part::Text(&fields.number),
            Part::Text(fields.form.name()),
            Part::Text(&fields.issuer),
            Part::Text(&fields.signer),
        ]
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&DocumentFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(
            public_document_relations::table.filter(public_document_relations::from_id.eq(item_id)),
        )
        .execute(conn)?;
        diesel::delete(public_documents::table.find(item_id)).execute(conn)?;
        let Some((fields, published_at)) = public else {
            return Ok(());
        };
        let number = parse_number(&fields.number)?;
        diesel::insert_into(public_documents::table)
            .values((
                public_documents::item_id.eq(item_id),
                public_documents::lookup_key.eq(number.lookup_key()),
                public_documents::form.eq(form_name(fields.form)),
                public_documents::issuer_code.eq(documents::fold_code(&number.issuer)),
                public_documents::year.eq(number.year.unwrap_or(fields.signed_on.year())),
                public_documents::signed_on.eq(fields.signed_on),
                public_documents::effective_on.eq(fields.effective_on.unwrap_or(fields.signed_on)),
                public_documents::expires_on.eq(fields.expires_on),
                public_documents::published_at.eq(published_at),
            ))
            .execute(conn)?;
        for r in &fields.relations {
            diesel::insert_into(public_document_relations::table)
                .values((
                    public_document_relations::from_id.eq(item_id),
                    public_document_relations::to_id.eq(&r.document_id),
                    public_document_relations::kind.eq(relation_name(r.kind)),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// A form as stored and filtered on (its serde name, `decision`).
pub fn form_name(form: DocumentForm) -> String {
    serde_json::to_value(form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A relation kind as stored (`replaces`).
pub fn relation_name(kind: RelationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Where a published document stands on `today`: from its dates and the relations published
/// documents state to it (`incoming`, of this document or others: only its own count), and
/// whether it is amended in part.
pub fn validity_of(
    item_id: &str,
    effective: NaiveDate,
    expires: Option<NaiveDate>,
    incoming: &[Incoming],
    today: NaiveDate,
) -> (Validity, bool) {
    let dated: Vec<(RelationKind, NaiveDate)> = incoming
        .iter()
        .filter(|r| r.to_id == item_id)
        .map(|r| (r.kind, r.effective_on))
        .collect();
    let (replaced_from, amended_from) = documents::replaced_and_amended_from(&dated);
    let dates = ValidityDates {
        effective: Some(effective),
        expires,
        replaced_from,
        amended_from,
    };
    documents::validity(dates, today)
}

/// A relation a published document states to another.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub from_id: String,
    pub to_id: String,
    pub kind: RelationKind,
    pub effective_on: NaiveDate,
}

/// The relations published documents state to any of `ids`, in one query.
pub fn incoming(conn: &mut DbConnection, ids: &[&str]) -> ApiResult<Vec<Incoming>> {
    let rows: Vec<(String, String, String, NaiveDate)> = public_document_relations::table
        .inner_join(
            public_documents::table
                .on(public_documents::item_id.eq(public_document_relations::from_id)),
        )
        .filter(public_document_relations::to_id.eq_any(ids))
        .select((
            public_document_relations::from_id,
            public_document_relations::to_id,
            public_document_relations::kind,
            public_documents::effective_on,
        ))
        .order(public_document_relations::from_id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(from_id, to_id, kind, effective_on)| {
            let kind = serde_json::from_value(serde_json::Value::String(kind)).ok()?;
            Some(Incoming {
                from_id,
                to_id,
                kind,
                effective_on,
            })
        })
        .collect())
}

/// Filters of the public document list.
#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    pub form: Option<DocumentForm>,
    /// An issuer code (`THS1MM`, `BGDĐT`), any case.
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub category_id: Option<String>,
    pub validity: Option<Validity>,
    pub signed_from: Option<NaiveDate>,
    pub signed_to: Option<NaiveDate>,
}

/// Published documents, newest first, filtered; validity as of `today` (Vietnam).
pub fn list_public(
    conn: &mut DbConnection,
    filter: &PublicFilter,
    today: NaiveDate,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<crate::db::content::PublicCard>> {
    use crate::db::content::PublicCard;
    use crate::db::schema::public_items;
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Date};
    use public_documents::dsl as d;
    let mut q = public_items::table
        .inner_join(public_documents::table)
        .select(PublicCard::as_select())
        .into_boxed();
    if let Some(form) = filter.form {
        q = q.filter(d::form.eq(form_name(form)));
    }
    if let Some(issuer) = &filter.issuer {
        q = q.filter(d::issuer_code.eq(documents::fold_code(issuer)));
    }
    if let Some(year) = filter.year {
        q = q.filter(d::year.eq(year));
    }
    if let Some(c) = &filter.category_id {
        q = q.filter(public_items::category_id.eq(c.clone()));
    }
    if let Some(from) = filter.signed_from {
        q = q.filter(d::signed_on.ge(from));
    }
    if let Some(to) = filter.signed_to {
        q = q.filter(d::signed_on.le(to));
    }
    if let Some(validity) = filter.validity {
        // The same rules as `domain::documents::validity`, as SQL on today's date.
        let replaced = || {
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM public_document_relations r \
                 JOIN public_documents s ON s.item_id = r.from_id \
                 WHERE r.to_id = public_documents.item_id AND r.kind = 'replaces' \
                 AND s.effective_on <= ",
            )
            .bind::<Date, _>(today)
            .sql(")")
        };
        let not_yet = d::effective_on.gt(today);
        let expired = d::expires_on.le(today);
        q = match validity {
            Validity::NotYetInForce => q.filter(not_yet),
            Validity::Replaced => q.filter(d::effective_on.le(today)).filter(replaced()),
            Validity::Expired => q
                .filter(d::effective_on.le(today))
                .filter(diesel::dsl::not(replaced()))
                .filter(expired),
            Validity::InForce => q
                .filter(d::effective_on.le(today))
                .filter(diesel::dsl::not(replaced()))
                .filter(d::expires_on.is_null().or(d::expires_on.gt(today))),
        };
    }
    if let Some((t, id)) = after {
        q = q.filter(
            d::published_at
                .lt(t)
                .or(d::published_at.eq(t).and(d::item_id.lt(id))),
        );
    }
    let rows = q
        .order((d::published_at.desc(), d::item_id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c: &PublicCard| {
        page_key(c.published_at, &c.item_id)
    }))
}

/// The published document with a number (as written, any case or Đ); for a number without a
/// year, reused year after year, the one signed in `year`, or the latest.
pub fn by_number(
    conn: &mut DbConnection,
    written: &str,
    year: Option<i32>,
) -> ApiResult<Option<String>> {
    let number = parse_number(written)?;
    let mut q = public_documents::table
        .filter(public_documents::lookup_key.eq(number.lookup_key()))
        .select(public_documents::item_id)
        .into_boxed();
    if let Some(year) = year {
        q = q.filter(public_documents::year.eq(year));
    }
    Ok(q.order((
        public_documents::signed_on.desc(),
        public_documents::item_id.desc(),
    ))
    .first(conn)
    .optional()?)
}

/// A public document another one relates to, as its page links it.
#[derive(Debug, Clone)]
pub struct Related {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub number: String,
}

/// The published documents among `ids`, keyed by id.
pub fn related(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<Related>> {
    use crate::db::schema::public_items;
    let rows: Vec<(String, String, String, String)> = public_items::table
        .filter(public_items::item_id.eq_any(ids))
        .filter(public_items::kind.eq(Document::KIND.as_str()))
        .select((
            public_items::item_id,
            public_items::slug,
            public_items::title,
            public_items::summary,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, number)| Related {
            id,
            slug,
            title,
            number,
        })
        .collect())
}

/// A file attached to a document, as the public sees it.
#[derive(Debug, Clone)]
pub struct File {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

pub fn files(conn: &mut DbConnection, ids: &[String]) -> ApiResult<Vec<File>> {
    let rows: Vec<(String, String, String, i64)> = media_table::table
        .filter(media_table::id.eq_any(ids))
        .select((
            media_table::id,
            media_table::original_name,
            media_table::content_type,
            media_table::size,
        ))
        .load(conn)?;
    // In the order the document lists them.
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| &r.0 == id))
        .map(|(id, name, content_type, size)| File {
            id: id.clone(),
            name: name.clone(),
            content_type: content_type.clone(),
            size: *size,
        })
        .collect())
}
