//! The procedure-guide kind (thủ tục hành chính, Điều 7.3, 10.2d; kept permanently): what a
//! citizen needs to apply: who may, the steps, the papers (with their forms from the media
//! library), the time in working days, the fee, where and how to hand it in, the unit that
//! handles it and the documents it rests on. The editorial machine does the lifecycle; a
//! guide keeps only its field and its legal basis in tables of its own, for the public list's
//! filter and for the documents that show the guides based on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::documents;
use super::editorial::Kind;
use super::{Page, page_key};
use crate::db::DbConnection;
use crate::db::content::PublicCard;
use crate::db::schema::{public_items, public_procedure_bases, public_procedures};
use crate::domain::category::ContentKind;
use crate::domain::procedures::{self, PaperCopy, SubmitMethod};
use crate::domain::search::Part;
use crate::domain::text::{nfc, no_nul, slugify, web_url};
use crate::error::{ApiError, ApiResult, FieldError, Text};

pub struct Procedure;

/// One step of the procedure (trình tự thực hiện), in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProcedureStep)]
pub struct Step {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 300, example = "Nộp hồ sơ")]
    pub title: String,
    /// Plain text; line breaks are kept.
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 5000), custom(function = "no_nul"))]
    #[schema(max_length = 5000)]
    pub text: String,
}

/// A paper the application must include (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProcedurePaper)]
pub struct Paper {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 500), custom(function = "no_nul"))]
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "Đơn đề nghị chuyển trường"
    )]
    pub name: String,
    /// Original, copy or certified copy.
    pub copy: PaperCopy,
    /// How many copies (số lượng), 1 when left out.
    #[serde(default = "one")]
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20, default = 1)]
    pub copies: i32,
    /// The blank form (mẫu đơn, tờ khai) in the media library, when there is one: a PDF,
    /// DOC, DOCX or ODT file.
    #[serde(default)]
    pub form_media_id: Option<String>,
}

fn one() -> i32 {
    1
}

/// A way to hand the application in (cách thức thực hiện).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ProcedureChannel)]
pub struct Channel {
    pub method: SubmitMethod,
    /// Where: the office and its hours in person, the postal address by post; required for
    /// both.
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub place: String,
    /// The online service's address (`http`/`https`); required online, refused otherwise.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(max = 2000), custom(function = "web_url"))]
    #[schema(max_length = 2000, example = "https://dichvucong.gov.vn")]
    pub url: Option<String>,
}

/// A guide's own fields, as stored, in revisions and in the working copy; the item's title
/// is the procedure's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcedureFields {
    /// Its code in the national database of administrative procedures (`1.004493`).
    pub code: Option<String>,
    /// Lĩnh vực (`Giáo dục tiểu học`): the public list filters on it.
    pub field: String,
    /// Đối tượng thực hiện: who may apply.
    pub applicants: String,
    pub steps: Vec<Step>,
    pub papers: Vec<Paper>,
    /// Thời hạn giải quyết, in working days; 0 means the same day.
    pub processing_days: i32,
    /// Lệ phí in đồng; 0 means free.
    pub fee_vnd: i64,
    pub submission: Vec<Channel>,
    /// Cơ quan thực hiện: the unit that handles it.
    pub unit: String,
    /// Kết quả: what the applicant receives.
    pub result: String,
    /// Căn cứ pháp lý: ids of documents in the registry; the public sees the published ones,
    /// and each of them lists this guide.
    pub legal_basis: Vec<String>,
}

fn field_error(field: String, code: &str, vi: String, en: String) -> FieldError {
    FieldError::new(field, code, Text::new(vi, en))
}

/// The rules between fields, which the request's own checks cannot see.
fn check_form(fields: &ProcedureFields) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(code) = &fields.code
        && !procedures::valid_code(code)
    {
        errors.push(field_error(
            "code".into(),
            "malformed_procedure_code",
            format!(
                "Mã thủ tục {code} không đúng dạng của Cơ sở dữ liệu quốc gia (ví dụ 1.004493)."
            ),
            format!("The code {code} is not in the national database's form (such as 1.004493)."),
        ));
    }
    for (i, c) in fields.submission.iter().enumerate() {
        match (c.method, &c.url) {
            (SubmitMethod::Online, None) => errors.push(field_error(
                format!("submission[{i}].url"),
                "url_required",
                "Nộp trực tuyến cần địa chỉ của dịch vụ công trực tuyến.".into(),
                "Online submission needs the online service's address.".into(),
            )),
            (SubmitMethod::InPerson | SubmitMethod::Post, Some(_)) => errors.push(field_error(
                format!("submission[{i}].url"),
                "url_only_online",
                "Chỉ cách nộp trực tuyến mới có địa chỉ web.".into(),
                "Only online submission has a web address.".into(),
            )),
            _ => {}
        }
        if c.method != SubmitMethod::Online && c.place.trim().is_empty() {
            errors.push(field_error(
                format!("submission[{i}].place"),
                "place_required",
                "Hãy ghi nơi nộp (địa chỉ, giờ làm việc).".into(),
                "Name where to hand it in (address, office hours).".into(),
            ));
        }
    }
    let mut seen = Vec::new();
    for (i, id) in fields.legal_basis.iter().enumerate() {
        if seen.contains(&id) {
            errors.push(field_error(
                format!("legal_basis[{i}]"),
                "duplicate_legal_basis",
                format!("Văn bản {id} đã có trong căn cứ pháp lý."),
                format!("Document {id} is already in the legal basis."),
            ));
        }
        seen.push(id);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The forms named by the papers must be document files of the media library.
fn check_forms(conn: &mut DbConnection, papers: &[Paper]) -> ApiResult<()> {
    let ids: Vec<&str> = papers
        .iter()
        .filter_map(|p| p.form_media_id.as_deref())
        .collect();
    let bad = documents::not_document_files(conn, &ids)?;
    let errors: Vec<FieldError> = papers
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let id = p.form_media_id.as_deref().filter(|id| bad.contains(id))?;
            Some(field_error(
                format!("papers[{i}].form_media_id"),
                "unknown_form_file",
                format!("Không có tệp PDF, DOC, DOCX hoặc ODT nào với mã {id}."),
                format!("No PDF, DOC, DOCX or ODT file in the media library with id {id}."),
            ))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The legal basis must name documents of the registry (published or not yet).
fn check_basis(conn: &mut DbConnection, ids: &[String]) -> ApiResult<()> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let bad = documents::not_documents(conn, &ids)?;
    let errors: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| bad.contains(id))
        .map(|(i, id)| {
            field_error(
                format!("legal_basis[{i}]"),
                "unknown_document",
                format!("Không có văn bản {id}."),
                format!("No document {id}."),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

impl Kind for Procedure {
    const KIND: ContentKind = ContentKind::Procedure;
    const FALLBACK_SLUG: &'static str = "thu-tuc";
    const LISTED: &'static [&'static str] =
        &["code", "field", "unit", "processing_days", "fee_vnd"];
    type Fields = ProcedureFields;

    fn check(
        conn: &mut DbConnection,
        new: &ProcedureFields,
        old: Option<&ProcedureFields>,
    ) -> ApiResult<()> {
        check_form(new)?;
        if old.is_none_or(|o| o.papers != new.papers) {
            check_forms(conn, &new.papers)?;
        }
        if old.is_none_or(|o| o.legal_basis != new.legal_basis) {
            check_basis(conn, &new.legal_basis)?;
        }
        Ok(())
    }

    /// A published guide says at least what to do and where to hand it in.
    fn ready(_conn: &mut DbConnection, fields: &ProcedureFields) -> ApiResult<()> {
        let mut errors = Vec::new();
        if fields.steps.is_empty() {
            errors.push(field_error(
                "steps".into(),
                "steps_required",
                "Hướng dẫn cần ít nhất một bước thực hiện trước khi xuất bản.".into(),
                "A guide needs at least one step before it is published.".into(),
            ));
        }
        if fields.submission.is_empty() {
            errors.push(field_error(
                "submission".into(),
                "submission_required",
                "Hướng dẫn cần ít nhất một cách nộp hồ sơ trước khi xuất bản.".into(),
                "A guide needs at least one way to hand the application in before it is published."
                    .into(),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(errors))
        }
    }

    fn media(fields: &ProcedureFields) -> Vec<String> {
        fields
            .papers
            .iter()
            .filter_map(|p| p.form_media_id.clone())
            .collect()
    }

    fn summary(fields: &ProcedureFields) -> &str {
        &fields.field
    }

    /// The search finds a guide by its name (the title), its code, field and unit, and by
    /// the papers it asks for.
    fn search_parts(fields: &ProcedureFields) -> Vec<Part<'_>> {
        let mut parts = vec![
            Part::Text(fields.code.as_deref().unwrap_or("")),
            Part::Text(&fields.field),
            Part::Text(&fields.unit),
            Part::Text(&fields.applicants),
        ];
        parts.extend(fields.papers.iter().map(|p| Part::Text(&p.name)));
        parts
    }

    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&ProcedureFields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        diesel::delete(
            public_procedure_bases::table.filter(public_procedure_bases::procedure_id.eq(item_id)),
        )
        .execute(conn)?;
        diesel::delete(public_procedures::table.find(item_id)).execute(conn)?;
        let Some((fields, published_at)) = public else {
            return Ok(());
        };
        diesel::insert_into(public_procedures::table)
            .values((
                public_procedures::item_id.eq(item_id),
                public_procedures::field.eq(&fields.field),
                public_procedures::field_key.eq(slugify(&fields.field)),
                public_procedures::published_at.eq(published_at),
            ))
            .execute(conn)?;
        for document_id in &fields.legal_basis {
            diesel::insert_into(public_procedure_bases::table)
                .values((
                    public_procedure_bases::procedure_id.eq(item_id),
                    public_procedure_bases::document_id.eq(document_id),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// Published guides, newest first; of one field (its name folded, `giao-duc-tieu-hoc` or
/// `Giáo dục tiểu học`) or category when asked.
pub fn list_public(
    conn: &mut DbConnection,
    field: Option<&str>,
    category_id: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<PublicCard>> {
    use public_procedures::dsl as p;
    let mut q = public_items::table
        .inner_join(public_procedures::table)
        .select(PublicCard::as_select())
        .into_boxed();
    if let Some(field) = field {
        q = q.filter(p::field_key.eq(slugify(field)));
    }
    if let Some(c) = category_id {
        q = q.filter(public_items::category_id.eq(c.to_owned()));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            p::published_at
                .lt(t)
                .or(p::published_at.eq(t).and(p::item_id.lt(id))),
        );
    }
    let rows = q
        .order((p::published_at.desc(), p::item_id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c: &PublicCard| {
        page_key(c.published_at, &c.item_id)
    }))
}

/// A field of published guides, for the list's filter.
#[derive(Debug, Clone)]
pub struct FieldCount {
    pub field: String,
    pub key: String,
    pub count: i64,
}

/// The fields of published guides, by name, with how many guides each has.
pub fn fields(conn: &mut DbConnection) -> ApiResult<Vec<FieldCount>> {
    use diesel::dsl::{count_star, min};
    let rows: Vec<(String, Option<String>, i64)> = public_procedures::table
        .group_by(public_procedures::field_key)
        .select((
            public_procedures::field_key,
            min(public_procedures::field),
            count_star(),
        ))
        .load(conn)?;
    let mut out: Vec<FieldCount> = rows
        .into_iter()
        .map(|(key, field, count)| FieldCount {
            field: field.unwrap_or_default(),
            key,
            count,
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// A published guide, as a document based on it links it.
#[derive(Debug, Clone)]
pub struct Based {
    pub id: String,
    pub slug: String,
    pub title: String,
}

/// The published guides whose published revision names `document_id` as legal basis.
pub fn based_on(conn: &mut DbConnection, document_id: &str) -> ApiResult<Vec<Based>> {
    let rows: Vec<(String, String, String)> = public_procedure_bases::table
        .inner_join(
            public_items::table.on(public_items::item_id.eq(public_procedure_bases::procedure_id)),
        )
        .filter(public_procedure_bases::document_id.eq(document_id))
        .select((
            public_items::item_id,
            public_items::slug,
            public_items::title,
        ))
        .order(public_items::title)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title)| Based { id, slug, title })
        .collect())
}
