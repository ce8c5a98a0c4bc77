//! Teaching resources over HTTP, editorial side: the routes of the editorial machine typed
//! for resources, and the writes. The public library is in `public_resources.rs`.

use actix_web::{delete, get, patch, post};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::config::Settings;
use crate::domain::resources::{AwardLevel, ResourceType};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, Text};
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;
use crate::services::resources::{Author, ResourceFields, TeachingResource};

impl Resource for TeachingResource {
    type Response = ResourceResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_resource_working_copies)
        .service(get_resource_working_copy)
        .service(create_resource)
        .service(update_resource)
        .service(delete_resource)
        .service(submit_resource)
        .service(approve_resource)
        .service(request_changes_resource)
        .service(reject_resource)
        .service(publish_resource)
        .service(unpublish_resource)
        .service(archive_resource)
        .service(list_resource_revisions)
        .service(get_resource_revision)
        .service(diff_resource_revisions)
        .service(restore_resource_revision)
        .service(resource_history);
}

/// A resource's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: ResourceFields,
}

impl From<Working<ResourceFields>> for ResourceResponse {
    fn from(item: Working<ResourceFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        ResourceResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A new teaching resource (a draft); publishing needs at least one file.
    pub struct CreateResourceRequest {
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 500), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 500, example = "Sáng kiến dạy phép chia cho học sinh lớp 3")]
        pub title: String,
        pub resource_type: ResourceType,
        /// Staff accounts (`{"user_id": …}`) and names (`{"name": …}`), in order.
        #[serde(default)]
        #[validate(length(max = 20))]
        #[schema(max_items = 20)]
        pub authors: Vec<Author>,
        /// `2025-2026`.
        #[serde(deserialize_with = "nfc::string")]
        #[schema(example = "2025-2026")]
        pub school_year: String,
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 100), custom(function = "no_nul"))]
        #[schema(max_length = 100, example = "Toán")]
        pub subject: String,
        /// One of the grades the school teaches (`TTDT_GRADES`, 1–5 by default); absent or
        /// `null` for several.
        #[serde(default)]
        pub grade: Option<i32>,
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 5000), custom(function = "no_nul"))]
        #[schema(max_length = 5000)]
        pub summary: String,
        #[serde(default)]
        #[validate(length(max = 20))]
        #[schema(max_items = 20)]
        pub file_ids: Vec<String>,
        #[serde(default)]
        pub award: Option<AwardLevel>,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay; lists are replaced whole; `null` clears `grade`
    /// and `award`.
    pub struct UpdateResourceRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 500), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 500)]
        pub title: Option<String>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[schema(nullable = false)]
        pub resource_type: Option<ResourceType>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 20))]
        #[schema(nullable = false, max_items = 20)]
        pub authors: Option<Vec<Author>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[schema(nullable = false)]
        pub school_year: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 100), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 100)]
        pub subject: Option<String>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<i32>)]
        pub grade: Option<Option<i32>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 5000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 5000)]
        pub summary: Option<String>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 20))]
        #[schema(nullable = false, max_items = 20)]
        pub file_ids: Option<Vec<String>>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<AwardLevel>)]
        pub award: Option<Option<AwardLevel>>,
    }
}

/// A grade the school does not teach: 422 on `grade`.
fn grade_allowed(grade: Option<i32>, settings: &Settings) -> ApiResult<()> {
    let (low, high) = settings.grades;
    match grade {
        Some(g) if !(low..=high).contains(&g) => Err(ApiError::field(
            "grade",
            "grade_not_taught",
            Text::new(
                format!("Trường dạy từ lớp {low} đến lớp {high}."),
                format!("The school teaches grades {low} to {high}."),
            ),
        )),
        _ => Ok(()),
    }
}

fn author_names<'a>(
    mut check: encoding::Fields<'a>,
    authors: &'a [Author],
) -> encoding::Fields<'a> {
    for (i, a) in authors.iter().enumerate() {
        if let Some(name) = &a.name {
            check = check.named(format!("authors[{i}].name"), name);
        }
    }
    check
}

impl editorial::CreateRequest for CreateResourceRequest {
    type Kind = TeachingResource;

    fn allowed(&self, settings: &Settings) -> ApiResult<()> {
        grade_allowed(self.grade, settings)
    }

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, ResourceFields)> {
        let check = check
            .text("title", &self.title)
            .text("subject", &self.subject)
            .text("summary", &self.summary);
        author_names(check, &self.authors).check()?;
        let fields = ResourceFields {
            resource_type: self.resource_type,
            authors: self.authors,
            school_year: self.school_year,
            subject: self.subject,
            grade: self.grade,
            summary: self.summary,
            file_ids: self.file_ids,
            award: self.award,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdateResourceRequest {
    type Kind = TeachingResource;

    fn allowed(&self, settings: &Settings) -> ApiResult<()> {
        grade_allowed(self.grade.flatten(), settings)
    }

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<ResourceFields>> {
        let check = check
            .sent("title", &self.title)
            .sent("subject", &self.subject)
            .sent("summary", &self.summary);
        author_names(check, self.authors.as_deref().unwrap_or_default()).check()?;
        Ok(Box::new(move |mut draft: Draft<ResourceFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.resource_type = self.resource_type.unwrap_or(f.resource_type);
            f.authors = self.authors.unwrap_or(std::mem::take(&mut f.authors));
            f.school_year = self
                .school_year
                .unwrap_or(std::mem::take(&mut f.school_year));
            f.subject = self.subject.unwrap_or(std::mem::take(&mut f.subject));
            f.grade = self.grade.unwrap_or(f.grade);
            f.summary = self.summary.unwrap_or(std::mem::take(&mut f.summary));
            f.file_ids = self.file_ids.unwrap_or(std::mem::take(&mut f.file_ids));
            f.award = self.award.unwrap_or(f.award);
            draft
        }))
    }
}

editorial_endpoint!(
    create TeachingResource,
    "resources",
    CreateResourceRequest,
    ResourceResponse,
    create_resource,
    "/resources",
    "`slug_taken`",
    "Invalid fields: `malformed_school_year`, `grade_not_taught`, `author_needs_one_of`, `unknown_user`, `unknown_media`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Add a teaching resource (a draft)."
);
editorial_endpoint!(
    update TeachingResource,
    "resources",
    UpdateResourceRequest,
    ResourceResponse,
    update_resource,
    "/resources/{id}",
    "`slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published resource sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    delete TeachingResource,
    "resources",
    delete_resource,
    "/resources/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceList {
    pub items: Vec<ResourceResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list TeachingResource,
    "resources",
    ResourceList,
    list_resource_working_copies,
    "/editorial/resources",
    "Editorial list: the resource working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get TeachingResource,
    "resources",
    ResourceResponse,
    get_resource_working_copy,
    "/editorial/resources/{id}",
    "Read a resource's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    submit_resource,
    "/resources/{id}/submit",
    Submit,
    "Submit a draft resource for review."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    approve_resource,
    "/resources/{id}/approve",
    Approve,
    "Approve a submitted resource (never one's own)."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    request_changes_resource,
    "/resources/{id}/request-changes",
    RequestChanges,
    "Send a submitted resource back to its author with a comment (required)."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    reject_resource,
    "/resources/{id}/reject",
    Reject,
    "Reject a submitted resource: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    publish_resource,
    "/resources/{id}/publish",
    Publish,
    "Publish an approved resource now or at `publish_at`; it needs at least one file."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    unpublish_resource,
    "/resources/{id}/unpublish",
    Unpublish,
    "Take a resource off the public site, or cancel its scheduled publication."
);
editorial_endpoint!(
    step TeachingResource,
    "resources",
    ResourceResponse,
    archive_resource,
    "/resources/{id}/archive",
    Archive,
    "Archive a resource: it leaves the public site and is kept."
);

editorial_endpoint!(
    revisions TeachingResource,
    "resources",
    list_resource_revisions,
    "/resources/{id}/revisions"
);

/// A saved revision of a resource, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: ResourceFields,
}

impl From<Revision<ResourceFields>> for ResourceRevisionResponse {
    fn from(r: Revision<ResourceFields>) -> Self {
        let (number, saved, fields) = SavedRevision::of(r);
        ResourceRevisionResponse {
            number,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision TeachingResource,
    "resources",
    ResourceRevisionResponse,
    get_resource_revision,
    "/resources/{id}/revisions/{number}"
);

/// What changed between two revisions of a resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `authors`, `file_ids`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for ResourceRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        ResourceRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff TeachingResource,
    "resources",
    ResourceRevisionDiff,
    diff_resource_revisions,
    "/resources/{id}/diff",
    &[]
);
editorial_endpoint!(
    restore TeachingResource,
    "resources",
    ResourceResponse,
    restore_resource_revision,
    "/resources/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history TeachingResource,
    "resources",
    resource_history,
    "/resources/{id}/history"
);
