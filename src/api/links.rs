//! Links to other sites over HTTP, editorial side: the routes of the editorial machine typed
//! for links, without the review steps (links are kept by the editor-in-chief and the
//! technical team and published without review). The public list is in `public_links.rs`.

use actix_web::{delete, get, patch, post};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::editorial::{
    self, FieldChange, Resource, SavedRevision, WorkingCopy, editorial_endpoint, editorial_request,
};
use crate::domain::links::LinkGroup;
use crate::domain::text::{nfc, no_nul, web_url};
use crate::error::ApiResult;
use crate::services::editorial::{Draft, Revision, Working};
use crate::services::encoding;
use crate::services::links::{Link, LinkFields};

impl Resource for Link {
    type Response = LinkResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_link_working_copies)
        .service(get_link_working_copy)
        .service(create_link)
        .service(update_link)
        .service(delete_link)
        .service(publish_link)
        .service(unpublish_link)
        .service(archive_link)
        .service(list_link_revisions)
        .service(get_link_revision)
        .service(diff_link_revisions)
        .service(restore_link_revision)
        .service(link_history);
}

/// A link's working copy, as its keepers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: LinkFields,
}

impl From<Working<LinkFields>> for LinkResponse {
    fn from(item: Working<LinkFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        LinkResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A new link (a draft), published without review.
    pub struct CreateLinkRequest {
        /// The text the link shows.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 300, example = "Bộ Giáo dục và Đào tạo")]
        pub title: String,
        /// An `http://` or `https://` address.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(max = 2000), custom(function = "web_url"))]
        #[schema(max_length = 2000, example = "https://moet.gov.vn")]
        pub url: String,
        pub group: LinkGroup,
        /// Its place in its group, smallest first (default 0; ties by title).
        #[serde(default)]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(minimum = -10000, maximum = 10000)]
        pub order: i32,
        #[serde(default)]
        pub logo_media_id: Option<String>,
        /// A line about the site.
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 500), custom(function = "no_nul"))]
        #[schema(max_length = 500)]
        pub description: String,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay; `null` clears `logo_media_id`.
    pub struct UpdateLinkRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 300)]
        pub title: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 2000), custom(function = "web_url"))]
        #[schema(nullable = false, max_length = 2000)]
        pub url: Option<String>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[schema(nullable = false)]
        pub group: Option<LinkGroup>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(nullable = false, minimum = -10000, maximum = 10000)]
        pub order: Option<i32>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<String>)]
        pub logo_media_id: Option<Option<String>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 500), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 500)]
        pub description: Option<String>,
    }
}

impl editorial::CreateRequest for CreateLinkRequest {
    type Kind = Link;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, LinkFields)> {
        check
            .text("title", &self.title)
            .text("description", &self.description)
            .check()?;
        let fields = LinkFields {
            url: self.url,
            group: self.group,
            order: self.order,
            logo_media_id: self.logo_media_id,
            description: self.description,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdateLinkRequest {
    type Kind = Link;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<LinkFields>> {
        check
            .sent("title", &self.title)
            .sent("description", &self.description)
            .check()?;
        Ok(Box::new(move |mut draft: Draft<LinkFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.url = self.url.unwrap_or(std::mem::take(&mut f.url));
            f.group = self.group.unwrap_or(f.group);
            f.order = self.order.unwrap_or(f.order);
            f.logo_media_id = self.logo_media_id.unwrap_or(f.logo_media_id.take());
            f.description = self
                .description
                .unwrap_or(std::mem::take(&mut f.description));
            draft
        }))
    }
}

editorial_endpoint!(
    create Link,
    "links",
    CreateLinkRequest,
    LinkResponse,
    create_link,
    "/links",
    "`slug_taken`",
    "Invalid fields: `web_url`, `unknown_image`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Add a link (a draft): the editor-in-chief and the technical team keep links and publish them without review."
);
editorial_endpoint!(
    update Link,
    "links",
    UpdateLinkRequest,
    LinkResponse,
    update_link,
    "/links/{id}",
    "`slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing a scheduled or published link sends it back to `draft`; the public keeps the published revision until it is published again."
);

editorial_endpoint!(
    delete Link,
    "links",
    delete_link,
    "/links/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkList {
    pub items: Vec<LinkResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list Link,
    "links",
    LinkList,
    list_link_working_copies,
    "/editorial/links",
    "Editorial list: the link working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Link,
    "links",
    LinkResponse,
    get_link_working_copy,
    "/editorial/links/{id}",
    "Read a link's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step Link,
    "links",
    LinkResponse,
    publish_link,
    "/links/{id}/publish",
    Publish,
    "Publish a link now or at `publish_at`, straight from its draft: links are not reviewed (Điều 7.6)."
);
editorial_endpoint!(
    step Link,
    "links",
    LinkResponse,
    unpublish_link,
    "/links/{id}/unpublish",
    Unpublish,
    "Take a link off the public site (back to draft), or cancel its scheduled publication."
);
editorial_endpoint!(
    step Link,
    "links",
    LinkResponse,
    archive_link,
    "/links/{id}/archive",
    Archive,
    "Archive a link: it leaves the public site and is kept."
);

editorial_endpoint!(
    revisions Link,
    "links",
    list_link_revisions,
    "/links/{id}/revisions"
);

/// A saved revision of a link, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: LinkFields,
}

impl From<Revision<LinkFields>> for LinkRevisionResponse {
    fn from(r: Revision<LinkFields>) -> Self {
        let (number, saved, fields) = SavedRevision::of(r);
        LinkRevisionResponse {
            number,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision Link,
    "links",
    LinkRevisionResponse,
    get_link_revision,
    "/links/{id}/revisions/{number}"
);

/// What changed between two revisions of a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `url`, `group`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for LinkRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        LinkRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff Link,
    "links",
    LinkRevisionDiff,
    diff_link_revisions,
    "/links/{id}/diff",
    &[]
);
editorial_endpoint!(
    restore Link,
    "links",
    LinkResponse,
    restore_link_revision,
    "/links/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Link,
    "links",
    link_history,
    "/links/{id}/history"
);
