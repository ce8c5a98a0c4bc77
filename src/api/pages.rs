//! The school's standing pages over HTTP, editorial side: the routes of the editorial machine
//! typed for pages, and the writes. The public tree and pages are in `public_pages.rs`.

use actix_web::{delete, get, patch, post};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::domain::html;
use crate::domain::text::{nfc, no_nul};
use crate::error::ApiResult;
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;
use crate::services::pages::{Page, PageFields};

impl Resource for Page {
    type Response = PageResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_page_working_copies)
        .service(get_page_working_copy)
        .service(create_page)
        .service(update_page)
        .service(delete_page)
        .service(submit_page)
        .service(approve_page)
        .service(request_changes_page)
        .service(reject_page)
        .service(publish_page)
        .service(unpublish_page)
        .service(archive_page)
        .service(list_page_revisions)
        .service(get_page_revision)
        .service(diff_page_revisions)
        .service(restore_page_revision)
        .service(page_history);
}

/// A page's working copy, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: PageFields,
}

impl From<Working<PageFields>> for PageResponse {
    fn from(item: Working<PageFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        PageResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A new page (a draft). Its slug is its address on the site (`gioi-thieu-chung`): give it
    /// once and keep it; a later change answers 301 from the old one.
    pub struct CreatePageRequest {
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 300, example = "Giới thiệu chung")]
        pub title: String,
        /// A line for menus and search results.
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 1000), custom(function = "no_nul"))]
        #[schema(max_length = 1000)]
        pub summary: String,
        /// HTML; sanitised on write (the same allow-list as articles).
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 500000), custom(function = "no_nul"))]
        #[schema(max_length = 500000)]
        pub body: String,
        /// The page it sits under; absent or `null` at the top level.
        #[serde(default)]
        pub parent_id: Option<String>,
        /// Its place among its siblings, smallest first (default 0; ties by title).
        #[serde(default)]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(minimum = -10000, maximum = 10000)]
        pub position: i32,
        /// An image of the media library.
        #[serde(default)]
        pub cover_media_id: Option<String>,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay; `null` clears `parent_id` (to the top level) and
    /// `cover_media_id`.
    pub struct UpdatePageRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 300)]
        pub title: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 1000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 1000)]
        pub summary: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 500000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 500000)]
        pub body: Option<String>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<String>)]
        pub parent_id: Option<Option<String>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(nullable = false, minimum = -10000, maximum = 10000)]
        pub position: Option<i32>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<String>)]
        pub cover_media_id: Option<Option<String>>,
    }
}

impl editorial::CreateRequest for CreatePageRequest {
    type Kind = Page;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, PageFields)> {
        check
            .text("title", &self.title)
            .text("summary", &self.summary)
            .text("body", &self.body)
            .check()?;
        let fields = PageFields {
            summary: self.summary,
            body: html::sanitize(&self.body),
            parent_id: self.parent_id,
            position: self.position,
            cover_media_id: self.cover_media_id,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdatePageRequest {
    type Kind = Page;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<PageFields>> {
        check
            .sent("title", &self.title)
            .sent("summary", &self.summary)
            .sent("body", &self.body)
            .check()?;
        Ok(Box::new(move |mut draft: Draft<PageFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.summary = self.summary.unwrap_or(std::mem::take(&mut f.summary));
            if let Some(body) = self.body {
                f.body = html::sanitize(&body);
            }
            f.parent_id = self.parent_id.unwrap_or(f.parent_id.take());
            f.position = self.position.unwrap_or(f.position);
            f.cover_media_id = self.cover_media_id.unwrap_or(f.cover_media_id.take());
            draft
        }))
    }
}

editorial_endpoint!(
    create Page,
    "pages",
    CreatePageRequest,
    PageResponse,
    create_page,
    "/pages",
    "`slug_taken`",
    "Invalid fields: `unknown_page`, `page_cycle`, `unknown_image`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Write a new page (a draft)."
);
editorial_endpoint!(
    update Page,
    "pages",
    UpdatePageRequest,
    PageResponse,
    update_page,
    "/pages/{id}",
    "`slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published page sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    delete Page,
    "pages",
    delete_page,
    "/pages/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct PageList {
    pub items: Vec<PageResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list Page,
    "pages",
    PageList,
    list_page_working_copies,
    "/editorial/pages",
    "Editorial list: the page working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Page,
    "pages",
    PageResponse,
    get_page_working_copy,
    "/editorial/pages/{id}",
    "Read a page's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    submit_page,
    "/pages/{id}/submit",
    Submit,
    "Submit a draft page for review."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    approve_page,
    "/pages/{id}/approve",
    Approve,
    "Approve a submitted page (never one's own)."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    request_changes_page,
    "/pages/{id}/request-changes",
    RequestChanges,
    "Send a submitted page back to its author with a comment (required)."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    reject_page,
    "/pages/{id}/reject",
    Reject,
    "Reject a submitted page: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    publish_page,
    "/pages/{id}/publish",
    Publish,
    "Publish an approved page now or at `publish_at`."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    unpublish_page,
    "/pages/{id}/unpublish",
    Unpublish,
    "Take a page off the public site, or cancel its scheduled publication."
);
editorial_endpoint!(
    step Page,
    "pages",
    PageResponse,
    archive_page,
    "/pages/{id}/archive",
    Archive,
    "Archive a page: the school's pages are permanent (Điều 10.2a), never deleted."
);

editorial_endpoint!(
    revisions Page,
    "pages",
    list_page_revisions,
    "/pages/{id}/revisions"
);

/// A saved revision of a page, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: PageFields,
}

impl From<Revision<PageFields>> for PageRevisionResponse {
    fn from(r: Revision<PageFields>) -> Self {
        let (number, saved, fields) = SavedRevision::of(r);
        PageRevisionResponse {
            number,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision Page,
    "pages",
    PageRevisionResponse,
    get_page_revision,
    "/pages/{id}/revisions/{number}"
);

/// What changed between two revisions of a page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `body`, `parent_id`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for PageRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        PageRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff Page,
    "pages",
    PageRevisionDiff,
    diff_page_revisions,
    "/pages/{id}/diff",
    &["body"]
);
editorial_endpoint!(
    restore Page,
    "pages",
    PageResponse,
    restore_page_revision,
    "/pages/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Page,
    "pages",
    page_history,
    "/pages/{id}/history"
);
