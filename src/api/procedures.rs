//! Procedure guides (thủ tục hành chính) over HTTP, editorial side: the routes of the
//! editorial machine typed for guides, and the writes. The public side is in
//! `public_procedures.rs`.

use actix_web::{delete, get, patch, post};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::domain::text::{nfc, no_nul};
use crate::error::ApiResult;
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;
use crate::services::procedures::{Channel, Paper, Procedure, ProcedureFields, Step};

impl Resource for Procedure {
    type Response = ProcedureResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_procedure_working_copies)
        .service(get_procedure_working_copy)
        .service(create_procedure)
        .service(update_procedure)
        .service(delete_procedure)
        .service(submit_procedure)
        .service(approve_procedure)
        .service(request_changes_procedure)
        .service(reject_procedure)
        .service(publish_procedure)
        .service(unpublish_procedure)
        .service(archive_procedure)
        .service(list_procedure_revisions)
        .service(get_procedure_revision)
        .service(diff_procedure_revisions)
        .service(restore_procedure_revision)
        .service(procedure_history);
}

/// A guide's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: ProcedureFields,
}

impl From<Working<ProcedureFields>> for ProcedureResponse {
    fn from(item: Working<ProcedureFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        ProcedureResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A new procedure guide (a draft). Steps, papers and ways to submit are kept in the order
    /// sent; publishing needs at least one step and one way to submit.
    pub struct CreateProcedureRequest {
        /// The procedure's name (tên thủ tục).
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 500), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 500, example = "Chuyển trường đối với học sinh tiểu học")]
        pub title: String,
        /// Its code in the national database of administrative procedures (`1.004493`).
        #[serde(default, deserialize_with = "nfc::option")]
        #[schema(example = "1.004493")]
        pub code: Option<String>,
        /// Lĩnh vực.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 200, example = "Giáo dục tiểu học")]
        pub field: String,
        /// Đối tượng thực hiện.
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 2000), custom(function = "no_nul"))]
        #[schema(max_length = 2000)]
        pub applicants: String,
        #[serde(default)]
        #[validate(length(max = 50), nested)]
        #[schema(max_items = 50)]
        pub steps: Vec<Step>,
        #[serde(default)]
        #[validate(length(max = 50), nested)]
        #[schema(max_items = 50)]
        pub papers: Vec<Paper>,
        /// Thời hạn giải quyết in working days; 0 for the same day.
        #[validate(range(min = 0, max = 365))]
        #[schema(minimum = 0, maximum = 365)]
        pub processing_days: i32,
        /// Lệ phí in đồng; 0 (the default) when free.
        #[serde(default)]
        #[validate(range(min = 0, max = 1_000_000_000))]
        #[schema(minimum = 0, maximum = 1_000_000_000)]
        pub fee_vnd: i64,
        #[serde(default)]
        #[validate(length(max = 5), nested)]
        #[schema(max_items = 5)]
        pub submission: Vec<Channel>,
        /// Cơ quan thực hiện.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 300)]
        pub unit: String,
        /// Kết quả thực hiện.
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 1000), custom(function = "no_nul"))]
        #[schema(max_length = 1000)]
        pub result: String,
        /// Căn cứ pháp lý: ids of documents in the registry.
        #[serde(default)]
        #[validate(length(max = 30))]
        #[schema(max_items = 30)]
        pub legal_basis: Vec<String>,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay. Lists (`steps`, `papers`, `submission`,
    /// `legal_basis`) are replaced whole.
    pub struct UpdateProcedureRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 500), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 500)]
        pub title: Option<String>,
        /// `null` clears it.
        #[serde(default, deserialize_with = "nfc::nullable")]
        #[schema(value_type = Option<String>)]
        pub code: Option<Option<String>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 200)]
        pub field: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 2000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 2000)]
        pub applicants: Option<String>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 50), nested)]
        #[schema(nullable = false, max_items = 50)]
        pub steps: Option<Vec<Step>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 50), nested)]
        #[schema(nullable = false, max_items = 50)]
        pub papers: Option<Vec<Paper>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(range(min = 0, max = 365))]
        #[schema(nullable = false, minimum = 0, maximum = 365)]
        pub processing_days: Option<i32>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(range(min = 0, max = 1_000_000_000))]
        #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000)]
        pub fee_vnd: Option<i64>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 5), nested)]
        #[schema(nullable = false, max_items = 5)]
        pub submission: Option<Vec<Channel>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 300)]
        pub unit: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 1000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 1000)]
        pub result: Option<String>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 30))]
        #[schema(nullable = false, max_items = 30)]
        pub legal_basis: Option<Vec<String>>,
    }
}

/// The texts inside the lists, named as the field errors name them (`steps[1].title`).
fn nested_texts<'a>(
    mut check: encoding::Fields<'a>,
    steps: Option<&'a [Step]>,
    papers: Option<&'a [Paper]>,
    submission: Option<&'a [Channel]>,
) -> encoding::Fields<'a> {
    for (i, s) in steps.unwrap_or_default().iter().enumerate() {
        check = check
            .named(format!("steps[{i}].title"), &s.title)
            .named(format!("steps[{i}].text"), &s.text);
    }
    for (i, p) in papers.unwrap_or_default().iter().enumerate() {
        check = check.named(format!("papers[{i}].name"), &p.name);
    }
    for (i, c) in submission.unwrap_or_default().iter().enumerate() {
        check = check.named(format!("submission[{i}].place"), &c.place);
    }
    check
}

impl editorial::CreateRequest for CreateProcedureRequest {
    type Kind = Procedure;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, ProcedureFields)> {
        let check = check
            .text("title", &self.title)
            .sent("code", &self.code)
            .text("field", &self.field)
            .text("applicants", &self.applicants)
            .text("unit", &self.unit)
            .text("result", &self.result);
        nested_texts(
            check,
            Some(&self.steps),
            Some(&self.papers),
            Some(&self.submission),
        )
        .check()?;
        let fields = ProcedureFields {
            code: self.code.filter(|c| !c.is_empty()),
            field: self.field,
            applicants: self.applicants,
            steps: self.steps,
            papers: self.papers,
            processing_days: self.processing_days,
            fee_vnd: self.fee_vnd,
            submission: self.submission,
            unit: self.unit,
            result: self.result,
            legal_basis: self.legal_basis,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdateProcedureRequest {
    type Kind = Procedure;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<ProcedureFields>> {
        let code = self.code.clone().flatten();
        let check = check
            .sent("title", &self.title)
            .sent("code", &code)
            .sent("field", &self.field)
            .sent("applicants", &self.applicants)
            .sent("unit", &self.unit)
            .sent("result", &self.result);
        nested_texts(
            check,
            self.steps.as_deref(),
            self.papers.as_deref(),
            self.submission.as_deref(),
        )
        .check()?;
        Ok(Box::new(move |mut draft: Draft<ProcedureFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.code = self.code.unwrap_or(f.code.take());
            f.field = self.field.unwrap_or(std::mem::take(&mut f.field));
            f.applicants = self.applicants.unwrap_or(std::mem::take(&mut f.applicants));
            f.steps = self.steps.unwrap_or(std::mem::take(&mut f.steps));
            f.papers = self.papers.unwrap_or(std::mem::take(&mut f.papers));
            f.processing_days = self.processing_days.unwrap_or(f.processing_days);
            f.fee_vnd = self.fee_vnd.unwrap_or(f.fee_vnd);
            f.submission = self.submission.unwrap_or(std::mem::take(&mut f.submission));
            f.unit = self.unit.unwrap_or(std::mem::take(&mut f.unit));
            f.result = self.result.unwrap_or(std::mem::take(&mut f.result));
            f.legal_basis = self
                .legal_basis
                .unwrap_or(std::mem::take(&mut f.legal_basis));
            draft
        }))
    }
}

editorial_endpoint!(
    create Procedure,
    "procedures",
    CreateProcedureRequest,
    ProcedureResponse,
    create_procedure,
    "/procedures",
    "`slug_taken`",
    "Invalid fields: `malformed_procedure_code`, `url_required`, `url_only_online`, `place_required`, `duplicate_legal_basis`, `unknown_form_file`, `unknown_document`, `web_url`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Write a new procedure guide (a draft)."
);
editorial_endpoint!(
    update Procedure,
    "procedures",
    UpdateProcedureRequest,
    ProcedureResponse,
    update_procedure,
    "/procedures/{id}",
    "`slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published guide sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    delete Procedure,
    "procedures",
    delete_procedure,
    "/procedures/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureList {
    pub items: Vec<ProcedureResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list Procedure,
    "procedures",
    ProcedureList,
    list_procedure_working_copies,
    "/editorial/procedures",
    "Editorial list: the guide working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Procedure,
    "procedures",
    ProcedureResponse,
    get_procedure_working_copy,
    "/editorial/procedures/{id}",
    "Read a guide's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    submit_procedure,
    "/procedures/{id}/submit",
    Submit,
    "Submit a draft guide for review."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    approve_procedure,
    "/procedures/{id}/approve",
    Approve,
    "Approve a submitted guide (never one's own)."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    request_changes_procedure,
    "/procedures/{id}/request-changes",
    RequestChanges,
    "Send a submitted guide back to its author with a comment (required)."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    reject_procedure,
    "/procedures/{id}/reject",
    Reject,
    "Reject a submitted guide: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    publish_procedure,
    "/procedures/{id}/publish",
    Publish,
    "Publish an approved guide now or at `publish_at`; it needs a step and a way to submit."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    unpublish_procedure,
    "/procedures/{id}/unpublish",
    Unpublish,
    "Take a guide off the public site, or cancel its scheduled publication."
);
editorial_endpoint!(
    step Procedure,
    "procedures",
    ProcedureResponse,
    archive_procedure,
    "/procedures/{id}/archive",
    Archive,
    "Archive a guide: procedure guides are permanent (Điều 10.2d), never deleted."
);

editorial_endpoint!(
    revisions Procedure,
    "procedures",
    list_procedure_revisions,
    "/procedures/{id}/revisions"
);

/// A saved revision of a guide, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: ProcedureFields,
}

impl From<Revision<ProcedureFields>> for ProcedureRevisionResponse {
    fn from(r: Revision<ProcedureFields>) -> Self {
        let (number, saved, fields) = SavedRevision::of(r);
        ProcedureRevisionResponse {
            number,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision Procedure,
    "procedures",
    ProcedureRevisionResponse,
    get_procedure_revision,
    "/procedures/{id}/revisions/{number}"
);

/// What changed between two revisions of a guide.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `steps`, `papers`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for ProcedureRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        ProcedureRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff Procedure,
    "procedures",
    ProcedureRevisionDiff,
    diff_procedure_revisions,
    "/procedures/{id}/diff",
    &[]
);
editorial_endpoint!(
    restore Procedure,
    "procedures",
    ProcedureResponse,
    restore_procedure_revision,
    "/procedures/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Procedure,
    "procedures",
    procedure_history,
    "/procedures/{id}/history"
);
