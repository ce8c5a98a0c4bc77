//! `/media`: uploads (streamed, identified by their bytes, images cleaned and resized), the
//! library's metadata, and the files themselves with ranges and immutable caching.

use std::sync::Arc;

use actix_files::NamedFile;
use actix_multipart::{Field, Multipart};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::{IfMatch, encode_cursor, page_request, utc};
use crate::auth::Actor;
use crate::auth::extractor::MaybeActor;
use crate::auth::roles;
use crate::config::MediaLimits;
use crate::db::models::{MediaUse, MediaVariant};
use crate::domain::formats::{self, HEAD_LEN, MediaKind, Sniff};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::media::Upload;
use crate::media::images::ImageLimits;
use crate::media::store::{BlobStore, Spooled};
use crate::services::AuditContext;
use crate::services::media::{self, MediaDetail, MediaFields, MediaFilter};
use crate::services::mirror;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_media)
        .service(list_media)
        .service(get_media)
        .service(update_media)
        .service(delete_media)
        .service(media_file)
        .service(media_variant);
}

/// A public file may be withdrawn (a parent asks for a photo to go): shared caches keep it five
/// minutes at most, then ask again (an ETag answer costs nothing).
const PUBLIC_FILE: &str = "public, max-age=300, must-revalidate";

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantResponse {
    /// `w320.jpg`, `w320.webp`, `w640.jpg`, … (width in pixels, format).
    #[schema(example = "w640.webp")]
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub width: i32,
    pub height: i32,
    /// Where to fetch it.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaUseResponse {
    #[schema(example = "article")]
    pub content_type: String,
    pub content_id: String,
    /// Used by the published revision (`true`) or by the working copy (`false`).
    pub public: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaResponse {
    pub id: String,
    pub kind: MediaKind,
    /// The type it is served with (found from the bytes, not from the upload's claims).
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Bytes stored (for images, the cleaned re-encoding).
    pub size: i64,
    /// SHA-256 of the stored bytes: the file's address and its `ETag`.
    pub sha256: String,
    /// The uploaded file's name, cleaned; only ever used in `Content-Disposition`.
    #[schema(example = "hoi-thi-ve-tranh.jpg")]
    pub original_name: String,
    pub title: String,
    /// Required (non-empty) before an article using the image can be published.
    pub alt_text: String,
    pub caption: String,
    /// Who made it (photographer, author), for credits and royalties.
    pub author: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Length of audio or video in seconds: read from the file's container when it says
    /// (MP3, M4A/AAC, OGG, MP4, WebM), otherwise as set by the uploader.
    pub duration_seconds: Option<i32>,
    /// Who uploaded it (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The file as stored.
    pub url: String,
    pub variants: Vec<VariantResponse>,
    /// Content that uses the item, on the item itself for staff (not in lists, not for the
    /// public).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_by: Option<Vec<MediaUseResponse>>,
}

fn file_url(id: &str) -> String {
    format!("/api/v1/media/{id}/file")
}

/// Who a media answer is for.
#[derive(Clone, Copy, PartialEq)]
enum Audience {
    Public,
    /// A list entry for staff: everything but what uses it.
    StaffList,
    Staff,
}

impl MediaResponse {
    /// What the public sees of an item: only of one used by published content.
    pub(super) fn public(detail: MediaDetail) -> Option<Self> {
        let public = detail.uses.iter().any(|u| u.public);
        public.then(|| Self::new(detail, Audience::Public))
    }

    fn new(detail: MediaDetail, audience: Audience) -> Self {
        let MediaDetail {
            media: m,
            variants,
            uses,
        } = detail;
        let variants = variants
            .into_iter()
            .map(|v: MediaVariant| VariantResponse {
                url: format!("/api/v1/media/{}/variants/{}", m.id, v.name),
                name: v.name,
                content_type: v.content_type,
                size: v.size,
                width: v.width,
                height: v.height,
            })
            .collect();
        let used_by = (audience == Audience::Staff).then(|| {
            uses.into_iter()
                .map(|u: MediaUse| MediaUseResponse {
                    content_type: u.content_type,
                    content_id: u.content_id,
                    public: u.public,
                })
                .collect()
        });
        MediaResponse {
            kind: MediaKind::parse(&m.kind).unwrap_or(MediaKind::Document),
            url: file_url(&m.id),
            id: m.id,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            original_name: m.original_name,
            title: m.title,
            alt_text: m.alt_text,
            caption: m.caption,
            author: m.author,
            width: m.width,
            height: m.height,
            duration_seconds: m.duration_seconds,
            uploaded_by: (audience != Audience::Public).then_some(m.uploaded_by),
            created_at: utc(m.created_at),
            updated_at: utc(m.updated_at),
            variants,
            used_by,
        }
    }
}

fn with_etag(status: actix_web::http::StatusCode, detail: MediaDetail) -> HttpResponse {
    let version = detail.media.version;
    super::versioned(
        status,
        version,
        &MediaResponse::new(detail, Audience::Staff),
    )
}

/// The multipart form of an upload (documentation only: the handler streams the parts).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its type is found from its bytes; a file name extension or a part
    /// `Content-Type` that contradicts them is refused (415 `type_mismatch`).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(max_length = 300)]
    pub title: Option<String>,
    /// Alternative text for images (what the picture shows), read by screen readers.
    #[schema(max_length = 1000)]
    pub alt_text: Option<String>,
    #[schema(max_length = 2000)]
    pub caption: Option<String>,
    #[schema(max_length = 200)]
    pub author: Option<String>,
}

const TEXT_FIELDS: [(&str, usize); 4] = [
    ("title", 300),
    ("alt_text", 1000),
    ("caption", 2000),
    ("author", 200),
];

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "malformed_multipart",
        Text::new(
            format!("Dữ liệu multipart không hợp lệ: {e}"),
            format!("Malformed multipart body: {e}"),
        ),
    )
}

fn too_large(limit: u64) -> ApiError {
    ApiError::payload_too_large(
        "file_too_large",
        Text::new(
            format!("Tệp vượt quá giới hạn {limit} byte cho loại tệp này."),
            format!("The file is over this kind's limit of {limit} bytes."),
        ),
    )
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::io("media storage", e)
}

/// Streams one part into a temporary file: never more than a chunk in memory, and never more
/// than its kind's limit on disk (the kind is told by the first bytes).
async fn receive(
    field: &mut Field,
    store: &Arc<dyn BlobStore>,
    limits: &MediaLimits,
) -> ApiResult<(Spooled, Sniff)> {
    let mut spool = store.spool().map_err(io)?;
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_LEN);
    let mut sniffed: Option<Sniff> = None;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        if sniffed.is_none() {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() == HEAD_LEN {
                let found = formats::sniff(&head);
                if let Sniff::Refused(refusal) = found {
                    return Err(refusal.into());
                }
                sniffed = Some(found);
            }
        }
        let limit = sniffed.map_or(limits.largest(), |s| limits.of(s.kind()));
        if spool.size() + chunk.len() as u64 > limit {
            return Err(too_large(limit));
        }
        spool.write(&chunk).map_err(io)?;
    }
    let found = sniffed.unwrap_or_else(|| formats::sniff(&head));
    if spool.size() > limits.of(found.kind()) {
        return Err(too_large(limits.of(found.kind())));
    }
    let file = web::block(move || spool.finish()).await?.map_err(io)?;
    Ok((file, found))
}

async fn read_text(field: &mut Field, name: &str, max: usize) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        bytes.extend_from_slice(&chunk.map_err(malformed)?);
        if bytes.len() > max * 4 {
            break;
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        ApiError::field(
            name,
            "invalid_utf8",
            Text::new("Văn bản phải là UTF-8.", "Text must be UTF-8."),
        )
    })?;
    let text = crate::domain::text::clean(&text);
    if text.chars().count() > max || no_nul(&text).is_err() {
        return Err(ApiError::field(
            name,
            "invalid",
            Text::new(
                format!("Tối đa {max} ký tự, không có ký tự NUL."),
                format!("At most {max} characters, and no NUL."),
            ),
        ));
    }
    Ok(text)
}

/// Upload a file (staff who write content, and the technical team).
///
/// `multipart/form-data` with a `file` part and optional `title`, `alt_text`, `caption` and
/// `author` parts. The file is identified by its bytes; images are decoded, turned upright,
/// stripped of all metadata (EXIF, GPS, camera serials) and given variants 320, 640 and
/// 1280 px wide in JPEG and WebP.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored; `Location` names the item", body = MediaResponse),
        (status = 400, description = "Malformed multipart body (`malformed_multipart`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to upload", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Over the size limit of the file's kind (`file_too_large`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Not on the allowed list (`unsupported_type`, `markup_not_allowed`, `executable_not_allowed`, `macros_not_allowed`), name or declared type contradicting the content (`type_mismatch`), or not multipart (`multipart_required`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Empty (`empty_file`), unreadable (`corrupt_file`), an image too large to decode (`image_too_large`), an archive bomb (`archive_bomb`); or `validation_failed` for no `file` part (field code `file_required`) or bad metadata", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/media")]
pub async fn upload_media(
    actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_upload_media(actor.role))?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::unsupported_media_type(
            "multipart_required",
            Text::new(
                "Hãy gửi tệp dạng multipart/form-data, trong phần tên `file`.",
                "Send the file as multipart/form-data, in a part named `file`.",
            ),
        ));
    }
    let store = state.media_store.clone();
    let limits = state.settings.media_limits;
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut fields = MediaFields::default();
    let mut upload: Option<Upload> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" if upload.is_none() => {
                // `filename*` (RFC 5987, UTF-8) wins over `filename` when both are sent.
                let raw_name = field
                    .content_disposition()
                    .and_then(|cd| {
                        cd.get_filename_ext()
                            .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
                            .or_else(|| cd.get_filename().map(str::to_owned))
                    })
                    .unwrap_or_default();
                let declared_type = field.content_type().map(|m| m.essence_str().to_owned());
                let (file, sniff) = receive(&mut field, &store, &limits).await?;
                upload = Some(Upload {
                    file,
                    sniff,
                    name: formats::clean_file_name(&raw_name),
                    declared_type,
                });
            }
            _ => {
                let Some(&(field_name, max)) = TEXT_FIELDS.iter().find(|(n, _)| *n == name) else {
                    return Err(ApiError::field(
                        &name,
                        "unknown_field",
                        Text::new(
                            "Phần này không thuộc biểu mẫu tải lên (chỉ một `file`).",
                            "This part is not in the upload form (and only one `file`).",
                        ),
                    ));
                };
                let value = Some(read_text(&mut field, field_name, max).await?);
                match field_name {
                    "title" => fields.title = value,
                    "alt_text" => fields.alt_text = value,
                    "caption" => fields.caption = value,
                    _ => fields.author = value,
                }
            }
        }
    }
    crate::services::encoding::Fields::default()
        .sent("title", &fields.title)
        .sent("alt_text", &fields.alt_text)
        .sent("caption", &fields.caption)
        .sent("author", &fields.author)
        .check()?;
    let upload = upload.ok_or_else(|| {
        ApiError::field(
            "file",
            "file_required",
            Text::new("Thiếu phần `file`.", "The `file` part is missing."),
        )
    })?;
    let name = upload.name.clone();
    let image_limits = ImageLimits {
        max_pixels: limits.max_pixels,
        budget: state.decode_budget.clone(),
    };
    let ingest_store = store.clone();
    let ingested =
        web::block(move || crate::media::ingest(&*ingest_store, upload, &image_limits)).await??;
    let ctx = AuditContext::from(&actor);
    let detail = state
        .db(move |conn| media::create(conn, &*store, &ctx, &actor.caller(), name, fields, ingested))
        .await?;
    let location = format!("/api/v1/media/{}", detail.media.id);
    let mut res = with_etag(actix_web::http::StatusCode::CREATED, detail);
    res.headers_mut().insert(
        header::LOCATION,
        header::HeaderValue::from_str(&location).map_err(ApiError::internal)?,
    );
    Ok(res)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaList {
    pub items: Vec<MediaResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MediaListQuery {
    pub kind: Option<MediaKind>,
    /// `true`: only what I uploaded.
    pub mine: Option<bool>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// The media library, newest first (staff). Entries carry their variants (thumbnails);
/// `used_by` is only on the item itself.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(MediaListQuery),
    responses(
        (status = 200, description = "One page of media items", body = MediaList),
        (status = 400, description = "Bad filter, limit or cursor", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/media")]
pub async fn list_media(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<MediaListQuery>,
) -> ApiResult<web::Json<MediaList>> {
    let q = query.into_inner();
    let (after, limit) = page_request(q.cursor.as_deref(), q.limit)?;
    let after = super::time_cursor(after)?;
    let filter = MediaFilter {
        kind: q.kind,
        uploaded_by: q.mine.unwrap_or(false).then(|| actor.user_id.clone()),
    };
    let page = state
        .db(move |conn| media::list(conn, &filter, after, limit))
        .await?;
    Ok(web::Json(MediaList {
        next_cursor: page.next_after.as_deref().map(encode_cursor),
        items: page
            .items
            .into_iter()
            .map(|detail| MediaResponse::new(detail, Audience::StaffList))
            .collect(),
    }))
}

/// A media item's metadata. The public sees only media used by published content.
#[utoipa::path(
    tag = "media",
    params(("id" = String, Path, description = "Media id")),
    responses(
        (status = 200, description = "The item; `ETag` is its version (for `If-Match`)", body = MediaResponse),
        (status = 404, description = "No such item, or not public", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}")]
pub async fn get_media(
    actor: MaybeActor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let staff = actor.0.is_some();
    let (detail, public) = state
        .db(move |conn| {
            let detail = media::get(conn, &id)?;
            let public = detail.uses.iter().any(|u| u.public);
            Ok((detail, public))
        })
        .await?;
    if !staff && !public {
        return Err(ApiError::not_found());
    }
    let version = detail.media.version;
    Ok(super::versioned(
        actix_web::http::StatusCode::OK,
        version,
        &MediaResponse::new(
            detail,
            if staff {
                Audience::Staff
            } else {
                Audience::Public
            },
        ),
    ))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMediaRequest {
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 300), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 300)]
    pub title: Option<String>,
    /// May not be emptied while content uses the image (409 `alt_text_in_use`).
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 1000), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 1000)]
    pub alt_text: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 2000)]
    pub caption: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 200)]
    pub author: Option<String>,
    #[validate(range(min = 0, max = 86400))]
    #[schema(nullable = false, minimum = 0, maximum = 86400)]
    #[serde(default, deserialize_with = "super::body::present")]
    pub duration_seconds: Option<i32>,
}

/// Change a media item's metadata (its uploader, the deputy, the editor-in-chief, the
/// technical team). Requires `If-Match`.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Media id"),
        ("If-Match" = String, Header, description = "The item's ETag, as the last read gave it"),
    ),
    request_body = UpdateMediaRequest,
    responses(
        (status = 200, description = "Changed", body = MediaResponse),
        (status = 403, description = "Not yours to change", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Emptying the alt text of an image in use (`alt_text_in_use`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since your `If-Match` version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/media/{id}")]
pub async fn update_media(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: JsonBody<UpdateMediaRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .sent("title", &body.title)
        .sent("alt_text", &body.alt_text)
        .sent("caption", &body.caption)
        .sent("author", &body.author)
        .check()?;
    let fields = MediaFields {
        title: body.title,
        alt_text: body.alt_text,
        caption: body.caption,
        author: body.author,
        duration_seconds: body.duration_seconds.map(Some),
    };
    let ctx = AuditContext::from(&actor);
    let detail = state
        .db(move |conn| media::update(conn, &ctx, &actor.caller(), &id, if_match.0, fields))
        .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, detail))
}

/// Delete a media item no content uses (its uploader, the deputy, the editor-in-chief, the
/// technical team). Requires `If-Match`.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Media id"),
        ("If-Match" = String, Header, description = "The item's ETag, as the last read gave it"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not yours to delete", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Used by content (`media_in_use`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, description = "Changed since your `If-Match` version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/media/{id}")]
pub async fn delete_media(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| media::delete(conn, &ctx, &actor.caller(), &id, if_match.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The bytes of a stored file (its real type is in `Content-Type`).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// The stored file, with its real type in `Content-Type` (the item's `content_type`). Supports
/// `Range` (206) and `If-None-Match` (304). Public files are cached five minutes by shared
/// caches, then revalidated. Anything but images, audio and video is sent as an attachment
/// under `Content-Security-Policy: sandbox`.
#[utoipa::path(
    tag = "media",
    params(("id" = String, Path, description = "Media id")),
    responses(
        (status = 200, description = "The bytes", content_type = "application/octet-stream", body = FileBytes,
            headers(("ETag" = String, description = "The SHA-256 of the bytes"), ("Content-Disposition" = String, description = "`inline` for images, audio and video, `attachment` otherwise, with the file name"))),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = FileBytes,
            headers(("Content-Range" = String, description = "Which bytes of the file"))),
        (status = 304, description = "Unchanged (`If-None-Match`)"),
        (status = 404, description = "No such item, or not public", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable"),
    )
)]
#[get("/media/{id}/file")]
pub async fn media_file(
    req: HttpRequest,
    actor: MaybeActor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    serve(req, actor, state, id.into_inner(), None).await
}

/// One of an image's variants (`w320.jpg`, `w640.webp`, …), served like the file.
#[utoipa::path(
    tag = "media",
    params(
        ("id" = String, Path, description = "Media id"),
        ("name" = String, Path, description = "Variant name, e.g. `w640.webp`"),
    ),
    responses(
        (status = 200, description = "The bytes: `w….jpg` is JPEG, `w….webp` WebP", content(
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/webp"),
        ), headers(("ETag" = String, description = "The SHA-256 of the bytes"))),
        (status = 206, description = "The requested range", content(
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/webp"),
        )),
        (status = 304, description = "Unchanged (`If-None-Match`)"),
        (status = 404, description = "No such item or variant, or not public", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}/variants/{name}")]
pub async fn media_variant(
    req: HttpRequest,
    actor: MaybeActor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, name) = path.into_inner();
    serve(req, actor, state, id, Some(name)).await
}

async fn serve(
    req: HttpRequest,
    actor: MaybeActor,
    state: web::Data<AppState>,
    id: String,
    variant: Option<String>,
) -> ApiResult<HttpResponse> {
    let staff = actor.0.is_some();
    let (kind, original_name, sha256, content_type, public) = state
        .db(
            move |conn| match media::file_of(conn, &id, variant.as_deref()) {
                Ok((item, sha256, content_type)) => {
                    let public = media::is_public(conn, &item.id)?;
                    Ok((item.kind, item.original_name, sha256, content_type, public))
                }
                // Another school's medium, copied by `ttdt mirror`: public, or it would not be here.
                Err(e) if e.status() == StatusCode::NOT_FOUND => {
                    match mirror::file_of(conn, &id, variant.as_deref().unwrap_or(""))? {
                        Some((file, name, kind)) => {
                            Ok((kind, name, file.sha256, file.content_type, true))
                        }
                        None => Err(e),
                    }
                }
                Err(e) => Err(e),
            },
        )
        .await?;
    if !staff && !public {
        return Err(ApiError::not_found());
    }
    let tag = format!("\"{sha256}\"");
    let kind = MediaKind::parse(&kind).unwrap_or(MediaKind::Document);
    let cache = if public {
        PUBLIC_FILE
    } else {
        "private, no-store"
    };
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::middleware::etag_matches(v, &tag));
    let mut res = if not_modified {
        HttpResponse::NotModified().finish()
    } else {
        let store = state.media_store.clone();
        let (file, path) = web::block(move || store.open(&sha256)).await?.map_err(io)?;
        let mime: actix_web::mime::Mime = content_type
            .parse()
            .map_err(|_| ApiError::internal("stored content type does not parse"))?;
        let disposition = ContentDisposition {
            disposition: if kind.plays_inline() {
                DispositionType::Inline
            } else {
                DispositionType::Attachment
            },
            parameters: filename_params(&original_name),
        };
        NamedFile::from_file(file, path)
            .map_err(io)?
            .set_content_type(mime)
            .set_content_disposition(disposition)
            .use_etag(false)
            .use_last_modified(false)
            .prefer_utf8(true)
            .into_response(&req)
    };
    let headers = res.headers_mut();
    let value = |s: &str| header::HeaderValue::from_str(s).map_err(ApiError::internal);
    headers.insert(header::ETAG, value(&tag)?);
    headers.insert(header::CACHE_CONTROL, value(cache)?);
    // Documents are only ever downloaded, and sandboxed should a browser open one anyway;
    // pictures and players may be opened on their own, but never framed.
    let csp = if kind.plays_inline() {
        "frame-ancestors 'none'"
    } else {
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, value(csp)?);
    Ok(res)
}

/// `filename*` in UTF-8, and an ASCII `filename` for old clients.
fn filename_params(name: &str) -> Vec<DispositionParam> {
    let ascii: String = crate::domain::vietnamese::unmark(name)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    vec![
        DispositionParam::Filename(ascii),
        DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }),
    ]
}
