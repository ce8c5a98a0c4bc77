//! The leadership and staff directory over HTTP, editorial side (`/leadership`): the routes of
//! the editorial machine typed for people, and the writes. The public directory is in
//! `public_people.rs`.

use actix_web::{delete, get, patch, post};
use chrono::NaiveDate;
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
use crate::services::people::{Contact, Person, PersonFields};

impl Resource for Person {
    type Response = PersonResponse;
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_person_working_copies)
        .service(get_person_working_copy)
        .service(create_person)
        .service(update_person)
        .service(delete_person)
        .service(submit_person)
        .service(approve_person)
        .service(request_changes_person)
        .service(reject_person)
        .service(publish_person)
        .service(unpublish_person)
        .service(archive_person)
        .service(list_person_revisions)
        .service(get_person_revision)
        .service(diff_person_revisions)
        .service(restore_person_revision)
        .service(person_history);
}

/// A directory entry's working copy, as editors see it: every contact field, public or not.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResponse {
    #[serde(flatten)]
    pub item: WorkingCopy,
    #[serde(flatten)]
    pub fields: PersonFields,
}

impl From<Working<PersonFields>> for PersonResponse {
    fn from(item: Working<PersonFields>) -> Self {
        let (item, fields) = WorkingCopy::of(item);
        PersonResponse { item, fields }
    }
}

editorial_request! {
    create
    /// A person in the directory (a draft). The title is their name.
    pub struct CreatePersonRequest {
        /// Họ và tên.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 200, example = "Lò Văn Thành")]
        pub title: String,
        /// Chức vụ.
        #[serde(deserialize_with = "nfc::string")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(min_length = 1, max_length = 200, example = "Hiệu trưởng")]
        pub position: String,
        /// Đơn vị.
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 200), custom(function = "no_nul"))]
        #[schema(max_length = 200, example = "Ban giám hiệu")]
        pub unit: String,
        /// A portrait from the media library.
        #[serde(default)]
        pub photo_media_id: Option<String>,
        /// Each flagged `public` or not (default not).
        #[serde(default)]
        #[validate(length(max = 20), nested)]
        #[schema(max_items = 20)]
        pub contacts: Vec<Contact>,
        /// Place in the directory, smallest first (default 0; ties by name).
        #[serde(default)]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(minimum = -10000, maximum = 10000)]
        pub order: i32,
        #[serde(default)]
        pub term_start: Option<NaiveDate>,
        /// The first day out of office.
        #[serde(default)]
        pub term_end: Option<NaiveDate>,
        #[serde(default, deserialize_with = "nfc::string")]
        #[validate(length(max = 5000), custom(function = "no_nul"))]
        #[schema(max_length = 5000)]
        pub bio: String,
    }
}

editorial_request! {
    update
    /// Fields to change; absent ones stay; `contacts` is replaced whole; `null` clears
    /// `photo_media_id`, `term_start` and `term_end`.
    pub struct UpdatePersonRequest {
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 200)]
        pub title: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
        #[schema(nullable = false, min_length = 1, max_length = 200)]
        pub position: Option<String>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 200), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 200)]
        pub unit: Option<String>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<String>)]
        pub photo_media_id: Option<Option<String>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(length(max = 20), nested)]
        #[schema(nullable = false, max_items = 20)]
        pub contacts: Option<Vec<Contact>>,
        #[serde(default, deserialize_with = "super::body::present")]
        #[validate(range(min = -10000, max = 10000))]
        #[schema(nullable = false, minimum = -10000, maximum = 10000)]
        pub order: Option<i32>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<NaiveDate>)]
        pub term_start: Option<Option<NaiveDate>>,
        #[serde(default, deserialize_with = "super::body::nullable")]
        #[schema(value_type = Option<NaiveDate>)]
        pub term_end: Option<Option<NaiveDate>>,
        #[serde(default, deserialize_with = "nfc::present")]
        #[validate(length(max = 5000), custom(function = "no_nul"))]
        #[schema(nullable = false, max_length = 5000)]
        pub bio: Option<String>,
    }
}

/// The contacts' texts, named as their field errors are.
fn contact_texts<'a>(
    mut check: encoding::Fields<'a>,
    contacts: &'a [Contact],
) -> encoding::Fields<'a> {
    for (i, c) in contacts.iter().enumerate() {
        check = check.named(format!("contacts[{i}].value"), &c.value);
    }
    check
}

impl editorial::CreateRequest for CreatePersonRequest {
    type Kind = Person;

    fn into_new(self, check: encoding::Fields<'_>) -> ApiResult<(String, PersonFields)> {
        let check = check
            .text("title", &self.title)
            .text("position", &self.position)
            .text("unit", &self.unit)
            .text("bio", &self.bio);
        contact_texts(check, &self.contacts).check()?;
        let fields = PersonFields {
            position: self.position,
            unit: self.unit,
            photo_media_id: self.photo_media_id,
            contacts: self.contacts,
            order: self.order,
            term_start: self.term_start,
            term_end: self.term_end,
            bio: self.bio,
        };
        Ok((self.title, fields))
    }
}

impl editorial::UpdateRequest for UpdatePersonRequest {
    type Kind = Person;

    fn into_edit(self, check: encoding::Fields<'_>) -> ApiResult<editorial::Edit<PersonFields>> {
        let check = check
            .sent("title", &self.title)
            .sent("position", &self.position)
            .sent("unit", &self.unit)
            .sent("bio", &self.bio);
        contact_texts(check, self.contacts.as_deref().unwrap_or_default()).check()?;
        Ok(Box::new(move |mut draft: Draft<PersonFields>| {
            draft.title = self.title.unwrap_or(draft.title);
            let f = &mut draft.fields;
            f.position = self.position.unwrap_or(std::mem::take(&mut f.position));
            f.unit = self.unit.unwrap_or(std::mem::take(&mut f.unit));
            f.photo_media_id = self.photo_media_id.unwrap_or(f.photo_media_id.take());
            f.contacts = self.contacts.unwrap_or(std::mem::take(&mut f.contacts));
            f.order = self.order.unwrap_or(f.order);
            f.term_start = self.term_start.unwrap_or(f.term_start);
            f.term_end = self.term_end.unwrap_or(f.term_end);
            f.bio = self.bio.unwrap_or(std::mem::take(&mut f.bio));
            draft
        }))
    }
}

editorial_endpoint!(
    create Person,
    "leadership",
    CreatePersonRequest,
    PersonResponse,
    create_person,
    "/leadership",
    "`slug_taken`",
    "Invalid fields: `invalid_phone`, `email`, `web_url`, `term_end_before_start`, `unknown_image`, `category_kind_mismatch`, `legacy_vietnamese_encoding`",
    "Add a person to the directory (a draft)."
);
editorial_endpoint!(
    update Person,
    "leadership",
    UpdatePersonRequest,
    PersonResponse,
    update_person,
    "/leadership/{id}",
    "`slug_taken`",
    "Invalid fields, as on create",
    "Save a change as a new revision (requires `If-Match`). Editing an approved, scheduled or published entry sends it back to `draft`; the public keeps the published revision."
);

editorial_endpoint!(
    delete Person,
    "leadership",
    delete_person,
    "/leadership/{id}"
);

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonResponse>,
    pub next_cursor: Option<String>,
}

editorial_endpoint!(
    list Person,
    "leadership",
    PersonList,
    list_person_working_copies,
    "/editorial/leadership",
    "Editorial list: the entry working copies the caller may see, most recently changed first."
);
editorial_endpoint!(
    get Person,
    "leadership",
    PersonResponse,
    get_person_working_copy,
    "/editorial/leadership/{id}",
    "Read an entry's working copy by id or slug. Its `ETag` is what writes send back in `If-Match`."
);

editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    submit_person,
    "/leadership/{id}/submit",
    Submit,
    "Submit a draft entry for review."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    approve_person,
    "/leadership/{id}/approve",
    Approve,
    "Approve a submitted entry (never one's own)."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    request_changes_person,
    "/leadership/{id}/request-changes",
    RequestChanges,
    "Send a submitted entry back to its author with a comment (required)."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    reject_person,
    "/leadership/{id}/reject",
    Reject,
    "Reject a submitted entry: back to draft, with a comment (required)."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    publish_person,
    "/leadership/{id}/publish",
    Publish,
    "Publish an approved entry now or at `publish_at`; contact fields not flagged public stay out of every public read."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    unpublish_person,
    "/leadership/{id}/unpublish",
    Unpublish,
    "Take a entry off the public site, or cancel its scheduled publication."
);
editorial_endpoint!(
    step Person,
    "leadership",
    PersonResponse,
    archive_person,
    "/leadership/{id}/archive",
    Archive,
    "Archive an entry: the leadership directory is permanent (Điều 10.2b), never deleted; a past holder stays on record with `term_end`."
);

editorial_endpoint!(
    revisions Person,
    "leadership",
    list_person_revisions,
    "/leadership/{id}/revisions"
);

/// A saved revision of a entry, with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRevisionResponse {
    pub number: i32,
    #[serde(flatten)]
    pub saved: SavedRevision,
    #[serde(flatten)]
    pub fields: PersonFields,
}

impl From<Revision<PersonFields>> for PersonRevisionResponse {
    fn from(r: Revision<PersonFields>) -> Self {
        let (number, saved, fields) = SavedRevision::of(r);
        PersonRevisionResponse {
            number,
            saved,
            fields,
        }
    }
}

editorial_endpoint!(
    revision Person,
    "leadership",
    PersonRevisionResponse,
    get_person_revision,
    "/leadership/{id}/revisions/{number}"
);

/// What changed between two revisions of a entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRevisionDiff {
    pub from: i32,
    pub to: i32,
    /// The fields that differ (`title`, `position`, `contacts`, …).
    pub changes: Vec<FieldChange>,
}

impl From<editorial::Diff> for PersonRevisionDiff {
    fn from(diff: editorial::Diff) -> Self {
        PersonRevisionDiff {
            from: diff.from,
            to: diff.to,
            changes: diff.changes,
        }
    }
}

editorial_endpoint!(
    diff Person,
    "leadership",
    PersonRevisionDiff,
    diff_person_revisions,
    "/leadership/{id}/diff",
    &[]
);
editorial_endpoint!(
    restore Person,
    "leadership",
    PersonResponse,
    restore_person_revision,
    "/leadership/{id}/revisions/{number}/restore"
);

editorial_endpoint!(
    history Person,
    "leadership",
    person_history,
    "/leadership/{id}/history"
);
