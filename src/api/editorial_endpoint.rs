//! The routes of the editorial machine, declared per kind: one `editorial_endpoint!` arm per
//! operation, each expanding to one typed handler with its OpenAPI description that calls the
//! shared code in `editorial.rs`.

/// One editorial route of a kind, written once here for every kind: the first word names
/// the operation (`create`, `update`, `list`, `get`, `step`, `revisions`, `revision`, `diff`, `restore`,
/// `history`); then come the kind, its OpenAPI tag, the route's response type, the handler's
/// name (the operation id, kind-qualified) and its path. The call site names every type the
/// route answers with that holds the kind's fields, so the spec stays typed per kind. Call
/// sites import `get`, `post` and `patch` (utoipa finds the route by those names).
macro_rules! editorial_endpoint {
    (create $kind:ident, $tag:literal, $request:ident, $response:ident, $name:ident, $path:literal, $conflict:literal, $invalid:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            request_body = $request,
            responses(
                (status = 201, description = "The draft, revision 1", body = $response, headers(("ETag" = String, description = "Send back in If-Match"), ("Location" = String, description = "The working copy's URL"))),
                (status = 400, description = "Unreadable body, or a server-owned field was sent", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 403, description = "The role does not write", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            body: $crate::api::body::JsonBody<$request>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::editorial::create::<$kind, _>(actor, state, body.into_inner()).await
        }
    };
    (update $kind:ident, $tag:literal, $request:ident, $response:ident, $name:ident, $path:literal, $conflict:literal, $invalid:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Item id"),
                ("If-Match" = String, Header, description = "The ETag of the version being changed"),
            ),
            request_body = $request,
            responses(
                (status = 200, description = "The working copy", body = $response, headers(("ETag" = String, description = "The new version"))),
                (status = 400, description = "Unreadable body, or a server-owned field was sent", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 403, description = "The caller may not edit this item", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 412, description = "Changed since loaded (`precondition_failed`)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 428, description = "No `If-Match` (`precondition_required`)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[patch($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            if_match: $crate::api::IfMatch,
            body: $crate::api::body::JsonBody<$request>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::editorial::update::<$kind, _>(actor, state, id.into_inner(), if_match, body.into_inner()).await
        }
    };
    (list $kind:ident, $tag:literal, $list:ident, $name:ident, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params($crate::api::editorial::WorkingCopyQuery),
            responses(
                (status = 200, description = "One page of working copies", body = $list),
                (status = 400, description = "Bad cursor, limit or filter", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 403, description = "The role has no editorial view", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            query: actix_web::web::Query<$crate::api::editorial::WorkingCopyQuery>,
        ) -> $crate::error::ApiResult<actix_web::web::Json<$list>> {
            let (items, next_cursor) =
                $crate::api::editorial::list_working_copies::<$kind>(actor, state, query.into_inner())
                    .await?;
            Ok(actix_web::web::Json($list { items, next_cursor }))
        }
    };
    (get $kind:ident, $tag:literal, $response:ident, $name:ident, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Item id or slug")),
            responses(
                (status = 200, description = "The working copy", body = $response, headers(("ETag" = String, description = "Send back in If-Match"))),
                (status = 301, description = "An old slug: `Location` names the current one"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::editorial::get_working_copy::<$kind>(actor, state, id.into_inner()).await
        }
    };
    (step $kind:ident, $tag:literal, $response:ident, $name:ident, $path:literal, $t:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Item id"),
                ("If-Match" = String, Header, description = "The ETag of the version acted on"),
            ),
            request_body(content = Option<$crate::api::editorial::TransitionRequest>, description = "Optional: a comment (and `publish_at` for publish)"),
            responses(
                (status = 200, description = "The working copy after the step", body = $response, headers(("ETag" = String, description = "The new version"))),
                (status = 403, description = "The role may not take this step on this item", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = "Not possible from the current status (`invalid_transition`)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 412, description = "Changed since loaded", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 422, description = "`validation_failed`: a review decision without a `comment` (field code `required`), `publish_at` on another step (`only_for_publish`); or, on publish, what the kind requires (`alt_text_required` naming images in `media_ids`; a document's `file_required`)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 428, description = "No `If-Match`", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            if_match: $crate::api::IfMatch,
            body: $crate::api::body::OptionalJsonBody<$crate::api::editorial::TransitionRequest>,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::editorial::step::<$kind>(actor, state, id.into_inner(), if_match, body, $crate::domain::workflow::Transition::$t).await
        }
    };
    (delete $kind:ident, $tag:literal, $name:ident, $path:literal) => {
        /// Delete a draft written by mistake: only an item that was never public, filed where
        /// retention is limited. What has been public is kept (archive it); items of permanent
        /// categories are never deleted (Điều 10.3). The editor-in-chief, or the author while
        /// it is their draft.
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Item id"),
                ("If-Match" = String, Header, description = "The ETag of the version deleted"),
            ),
            responses(
                (status = 204, description = "Deleted; the audit log keeps the record"),
                (status = 403, description = "The caller may not delete it", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = "`permanent_item` (filed where retention is permanent: archive it), `published_item` (it has been public: archive it), `in_use` (another item refers to it)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 412, description = "Changed since loaded", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 428, description = "No `If-Match`", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[delete($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            if_match: $crate::api::IfMatch,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            $crate::api::editorial::delete::<$kind>(actor, state, id.into_inner(), if_match).await
        }
    };
    (revisions $kind:ident, $tag:literal, $name:ident, $path:literal) => {
        /// The item's saved revisions, newest first, a page at a time (without their content).
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Item id"), $crate::api::editorial::PageQuery),
            responses(
                (status = 200, description = "One page of revisions", body = $crate::api::editorial::RevisionPage),
                (status = 400, description = "Bad cursor or limit", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            query: actix_web::web::Query<$crate::api::editorial::PageQuery>,
        ) -> $crate::error::ApiResult<actix_web::web::Json<$crate::api::editorial::RevisionPage>> {
            $crate::api::editorial::revisions::<$kind>(actor, state, id.into_inner(), query.into_inner())
                .await
                .map(actix_web::web::Json)
        }
    };
    (revision $kind:ident, $tag:literal, $response:ident, $name:ident, $path:literal) => {
        /// One revision, with its content.
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Item id"), ("number" = i32, Path, description = "Revision number")),
            responses(
                (status = 200, description = "The revision", body = $response),
                (status = 404, description = "No such item or revision", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            path: actix_web::web::Path<(String, i32)>,
        ) -> $crate::error::ApiResult<actix_web::web::Json<$response>> {
            let (id, number) = path.into_inner();
            let revision = $crate::api::editorial::revision::<$kind>(actor, state, id, number).await?;
            Ok(actix_web::web::Json(revision.into()))
        }
    };
    (diff $kind:ident, $tag:literal, $response:ident, $name:ident, $path:literal, $long_texts:expr) => {
        /// What changed between two revisions.
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Item id"), $crate::api::editorial::DiffQuery),
            responses(
                (status = 200, description = "The differences", body = $response),
                (status = 400, description = "`from` or `to` missing or not a number", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item or revision", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            query: actix_web::web::Query<$crate::api::editorial::DiffQuery>,
        ) -> $crate::error::ApiResult<actix_web::web::Json<$response>> {
            let diff = $crate::api::editorial::diff::<$kind>(
                actor,
                state,
                id.into_inner(),
                query.into_inner(),
                $long_texts,
            )
            .await?;
            Ok(actix_web::web::Json(diff.into()))
        }
    };
    (restore $kind:ident, $tag:literal, $response:ident, $name:ident, $path:literal) => {
        /// Make an old revision's content current again, as a new revision (requires `If-Match`).
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "Item id"),
                ("number" = i32, Path, description = "Revision to restore"),
                ("If-Match" = String, Header, description = "The ETag of the current version"),
            ),
            responses(
                (status = 200, description = "The working copy with a new revision", body = $response, headers(("ETag" = String, description = "The new version"))),
                (status = 403, description = "The caller may not edit this item", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item or revision", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 409, description = "What the restored content refers to is taken or gone (`slug_taken`, `document_number_taken`, …)", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 412, description = "Changed since loaded", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 422, description = "The restored content no longer passes the kind's checks", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 428, description = "No `If-Match`", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            path: actix_web::web::Path<(String, i32)>,
            if_match: $crate::api::IfMatch,
        ) -> $crate::error::ApiResult<actix_web::HttpResponse> {
            let (id, number) = path.into_inner();
            $crate::api::editorial::restore::<$kind>(actor, state, id, number, if_match).await
        }
    };
    (history $kind:ident, $tag:literal, $name:ident, $path:literal) => {
        /// The workflow history: every step, who took it, when, and why (review comments
        /// included), oldest first, a page at a time.
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(("id" = String, Path, description = "Item id"), $crate::api::editorial::PageQuery),
            responses(
                (status = 200, description = "One page of steps", body = $crate::api::editorial::HistoryPage),
                (status = 400, description = "Bad cursor or limit", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = $crate::error::ProblemDetails, content_type = "application/problem+json"),
            )
        )]
        #[get($path)]
        pub async fn $name(
            actor: $crate::auth::Actor,
            state: actix_web::web::Data<$crate::state::AppState>,
            id: actix_web::web::Path<String>,
            query: actix_web::web::Query<$crate::api::editorial::PageQuery>,
        ) -> $crate::error::ApiResult<actix_web::web::Json<$crate::api::editorial::HistoryPage>> {
            $crate::api::editorial::history::<$kind>(actor, state, id.into_inner(), query.into_inner())
                .await
                .map(actix_web::web::Json)
        }
    };
}
pub(crate) use editorial_endpoint;

/// A kind's create or update request: the struct as the kind writes it (its title and own
/// fields, each ending in a comma), with the machine's fields added at the end: `category_id`,
/// `slug` and the revision `note`, validated and described the same for every kind, and
/// handed to the machine by `HasEnvelope`. `create` makes `category_id` required and `slug`
/// optional; `update` makes every added field optional (absent: kept).
macro_rules! editorial_request {
    (create $(#[$attr:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::api::editorial_endpoint::editorial_request!(@request $(#[$attr])* $name { $($fields)* }
            /// The category it is filed under: one of this kind's.
            category_id: String = std::mem::take,
            /// Defaults to the title folded to ASCII, numbered if taken.
            #[serde(default, deserialize_with = "crate::domain::text::nfc::option")]
            #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        );
    };
    (update $(#[$attr:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $crate::api::editorial_endpoint::editorial_request!(@request $(#[$attr])* $name { $($fields)* }
            /// Moves the item to another category of this kind.
            #[serde(default, deserialize_with = "crate::api::body::present")]
            #[schema(nullable = false)]
            category_id: Option<String> = Option::take,
            /// A new slug; the old one answers 301 from then on.
            #[serde(default, deserialize_with = "crate::domain::text::nfc::present")]
            #[schema(nullable = false, min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
        );
    };
    (@request $(#[$attr:meta])* $name:ident { $($fields:tt)* }
        $(#[$category_attr:meta])* category_id: $category:ty = $take:path,
        $(#[$slug_attr:meta])*
    ) => {
        // The derive calls `validate()` on nested fields (`#[validate(nested)]`), which needs
        // the trait in scope where the struct is written.
        #[allow(unused_imports)]
        use validator::Validate as _;

        $(#[$attr])*
        #[derive(Debug, serde::Deserialize, validator::Validate, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($fields)*
            $(#[$category_attr])*
            pub category_id: $category,
            $(#[$slug_attr])*
            #[validate(length(min = 1, max = 120), custom(function = "crate::domain::text::valid_slug"))]
            pub slug: Option<String>,
            /// A note for the revision history.
            #[serde(default, deserialize_with = "crate::domain::text::nfc::string")]
            #[validate(length(max = 500), custom(function = "crate::domain::text::no_nul"))]
            #[schema(max_length = 500)]
            pub note: String,
        }

        impl $crate::api::editorial::HasEnvelope for $name {
            type Category = $category;
            fn take_envelope(&mut self) -> $crate::api::editorial::Envelope<$category> {
                $crate::api::editorial::Envelope {
                    category_id: $take(&mut self.category_id),
                    slug: self.slug.take(),
                    note: std::mem::take(&mut self.note),
                }
            }
        }
    };
}
pub(crate) use editorial_request;
