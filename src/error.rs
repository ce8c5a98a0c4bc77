//! One error type for the whole API, rendered as `application/problem+json` (RFC 9457).
//!
//! Every error carries a stable snake_case `code` that clients can switch on, and its detail in
//! Vietnamese and English; `localize_errors` (in `startup`) picks the language per request.

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Every top-level problem `code` the API answers with (the `ProblemDetails.code` enum in the
/// spec; docs/api-conventions.md lists them by status). Field codes inside `errors` are not
/// here: they are open-ended.
pub const PROBLEM_CODES: &[&str] = &[
    // 400
    "bad_request",
    "malformed_json",
    "malformed_body",
    "malformed_multipart",
    "invalid_query",
    "invalid_path",
    "invalid_cursor",
    "invalid_limit",
    "invalid_kind",
    // 401
    "authentication_required",
    "invalid_token",
    "invalid_credentials",
    "invalid_refresh_token",
    "api_key_required",
    "invalid_api_key",
    // 403
    "forbidden",
    "own_account",
    "api_key_not_staff",
    "missing_scope",
    // 404, 405, 408
    "not_found",
    "method_not_allowed",
    "request_timeout",
    // 409
    "already_exists",
    // `ttdt mirror` only: a second mirror is following the same school.
    "mirror_moved",
    "in_use",
    "email_taken",
    "slug_taken",
    "document_number_taken",
    "name_taken",
    "category_in_use",
    "department_in_use",
    "last_principal",
    "not_a_deputy",
    "invalid_transition",
    "permanent_item",
    "published_item",
    "media_in_use",
    "alt_text_in_use",
    "invalid_step",
    "question_changed",
    "answer_locked",
    "no_answer",
    "sent_by_email",
    "not_approved",
    "already_handled",
    // 410
    "contact_erased",
    // 412, 428
    "precondition_failed",
    "precondition_required",
    // 413, 415, 431
    "payload_too_large",
    "file_too_large",
    "unsupported_media_type",
    "multipart_required",
    "unsupported_type",
    "markup_not_allowed",
    "executable_not_allowed",
    "macros_not_allowed",
    "type_mismatch",
    "headers_too_large",
    // 422
    "validation_failed",
    "legacy_vietnamese_encoding",
    "alt_text_required",
    "empty_file",
    "corrupt_file",
    "image_too_large",
    "archive_bomb",
    // 429, 5xx
    "rate_limited",
    "internal_error",
    "service_unavailable",
    "migrations_pending",
    "insufficient_storage",
];

/// A message in both languages the API speaks.
#[derive(Debug, Clone)]
pub struct Text {
    pub vi: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub fn new(vi: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` value: English only when it is preferred
    /// over Vietnamese; Vietnamese otherwise (the regulation's language is the default).
    pub fn from_accept_language(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Lang::Vi;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "vi" || tag.starts_with("vi-") {
                Lang::Vi
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Vi)
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: Text) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message,
        }
    }
}

/// Boxed so that `Result<T, ApiError>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<ErrorInner>);

#[derive(Debug)]
struct ErrorInner {
    status: StatusCode,
    code: &'static str,
    detail: Text,
    errors: Vec<FieldError>,
    retry_after: Option<u64>,
    /// Methods the path answers, for 405.
    allow: Option<String>,
    /// Media items the problem names (`alt_text_required`).
    media_ids: Vec<String>,
    /// The cause of a server fault: logged, never shown to the client.
    source: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: Text) -> Self {
        Self(Box::new(ErrorInner {
            status,
            code,
            detail,
            errors: Vec::new(),
            retry_after: None,
            allow: None,
            media_ids: Vec::new(),
            source: None,
        }))
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn bad_request(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Text::new(
                "Không tìm thấy tài nguyên được yêu cầu.",
                "The requested resource was not found.",
            ),
        )
    }

    pub fn unauthorized(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn invalid_token() -> Self {
        Self::unauthorized(
            "invalid_token",
            Text::new(
                "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
                "The access token is invalid, expired or revoked.",
            ),
        )
    }

    pub fn authentication_required() -> Self {
        Self::unauthorized(
            "authentication_required",
            Text::new(
                "Cần đăng nhập: gửi tiêu đề Authorization: Bearer <access_token>.",
                "Authentication required: send Authorization: Bearer <access_token>.",
            ),
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "Vai trò của bạn không được phép thực hiện thao tác này.",
                "Your role is not allowed to perform this action.",
            ),
        )
    }

    /// Forbidden for a reason more specific than the role (a stable code of its own).
    pub fn forbidden_because(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn conflict(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// Well-formed, but not acceptable as it is (a rule about the content, not a field).
    pub fn unprocessable(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    pub fn unsupported_media_type(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, code, detail)
    }

    pub fn payload_too_large(code: &'static str, detail: Text) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, code, detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Text::new(
                "Dữ liệu gửi lên không hợp lệ; xem chi tiết từng trường trong `errors`.",
                "The request data is invalid; see `errors` for each field.",
            ),
        );
        e.0.errors = errors;
        e
    }

    /// The same error under a more specific code and detail (e.g. a validation failure that
    /// clients should recognise as `legacy_vietnamese_encoding`).
    pub fn with_code(mut self, code: &'static str, detail: Text) -> Self {
        self.0.code = code;
        self.0.detail = detail;
        self
    }

    /// Names the media items the problem is about, for clients to point at.
    pub fn with_media_ids(mut self, ids: Vec<String>) -> Self {
        self.0.media_ids = ids;
        self
    }

    /// A validation failure of a single field.
    pub fn field(field: &str, code: &str, message: Text) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    /// The path exists but does not answer this method; `allow` lists those it does.
    pub fn method_not_allowed(method: &str, allow: &[&str]) -> Self {
        let list = allow.join(", ");
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Text::new(
                format!("Đường dẫn này không nhận phương thức {method}; chỉ nhận: {list}."),
                format!("This path does not answer {method}; it answers: {list}."),
            ),
        );
        e.0.allow = Some(list);
        e
    }

    /// A write named a version (`If-Match`) that is no longer current.
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            Text::new(
                "Mục này đã được người khác thay đổi kể từ khi bạn mở; hãy tải lại rồi sửa tiếp.",
                "The item changed since you loaded it; reload it and apply your change again.",
            ),
        )
    }

    /// A write came without `If-Match`.
    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            Text::new(
                "Cần gửi tiêu đề If-Match với ETag của phiên bản bạn đang sửa.",
                "Send an If-Match header with the ETag of the version you are changing.",
            ),
        )
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            Text::new(
                format!("Quá nhiều yêu cầu; hãy thử lại sau {retry_after_secs} giây."),
                format!("Too many requests; try again in {retry_after_secs} seconds."),
            ),
        );
        e.0.retry_after = Some(retry_after_secs);
        e
    }

    pub fn service_unavailable(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            Text::new(
                "Dịch vụ tạm thời không truy cập được cơ sở dữ liệu; hãy thử lại sau.",
                "The service cannot reach its database right now; try again later.",
            ),
        );
        e.0.retry_after = Some(5);
        e.0.source = Some(cause.to_string());
        e
    }

    /// The disk holding the database or the media is full: nothing was written, and writes
    /// resume by themselves once space is freed.
    pub fn insufficient_storage(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficient_storage",
            Text::new(
                "Máy chủ đã hết chỗ lưu trữ; chưa có gì được ghi. Hãy thử lại sau khi quản trị viên giải phóng dung lượng.",
                "The server is out of storage space; nothing was written. Try again once the operator has freed space.",
            ),
        );
        e.0.retry_after = Some(60);
        e.0.source = Some(cause.to_string());
        e
    }

    /// A file-system error while `doing` something: a full disk (or quota) is 507, the
    /// rest a server fault.
    pub fn io(doing: &str, e: std::io::Error) -> Self {
        const ENOSPC: i32 = 28;
        const EDQUOT: i32 = 122;
        if e.kind() == std::io::ErrorKind::StorageFull
            || matches!(e.raw_os_error(), Some(ENOSPC | EDQUOT))
        {
            Self::insufficient_storage(format!("{doing}: {e}"))
        } else {
            Self::internal(format!("{doing}: {e}"))
        }
    }

    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            Text::new(
                "Lỗi máy chủ nội bộ. Sự cố đã được ghi lại.",
                "Internal server error. The fault has been logged.",
            ),
        );
        e.0.source = Some(cause.to_string());
        e
    }

    /// The problem for an error that only has a status (one actix raised itself).
    pub fn from_status(status: StatusCode) -> Self {
        let (code, vi, en) = match status.as_u16() {
            404 => return Self::not_found(),
            405 => (
                "method_not_allowed",
                "Đường dẫn này không nhận phương thức này.",
                "This path does not answer this method.",
            ),
            408 => (
                "request_timeout",
                "Yêu cầu gửi quá chậm.",
                "The request took too long to arrive.",
            ),
            413 => (
                "payload_too_large",
                "Nội dung gửi lên quá lớn.",
                "The request body is too large.",
            ),
            415 => (
                "unsupported_media_type",
                "Kiểu nội dung không được hỗ trợ.",
                "Unsupported content type.",
            ),
            431 => (
                "headers_too_large",
                "Tiêu đề yêu cầu quá lớn.",
                "The request headers are too large.",
            ),
            s if s >= 500 => return Self::internal(format!("status {s}")),
            _ => (
                "bad_request",
                "Yêu cầu không hợp lệ.",
                "The request is not valid.",
            ),
        };
        let status = if status.is_client_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, code, Text::new(vi, en))
    }

    pub fn problem(&self, lang: Lang) -> ProblemDetails {
        ProblemDetails {
            r#type: format!("urn:ttdt:problem:{}", self.0.code),
            title: title(self.0.status, lang).to_owned(),
            status: self.0.status.as_u16(),
            detail: self.0.detail.get(lang).to_owned(),
            code: self.0.code.to_owned(),
            errors: self
                .0
                .errors
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    code: f.code.clone(),
                    message: f.message.get(lang).to_owned(),
                })
                .collect(),
            media_ids: self.0.media_ids.clone(),
        }
    }

    pub fn render(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.0.status);
        res.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        res.insert_header((
            header::CONTENT_LANGUAGE,
            match lang {
                Lang::Vi => "vi",
                Lang::En => "en",
            },
        ));
        res.insert_header((header::VARY, "Accept-Language"));
        if let Some(allow) = &self.0.allow {
            res.insert_header((header::ALLOW, allow.clone()));
        }
        if let Some(secs) = self.0.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.0.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.body(serde_json::to_string(&self.problem(lang)).unwrap_or_default())
    }
}

fn title(status: StatusCode, lang: Lang) -> &'static str {
    let (vi, en) = match status.as_u16() {
        400 => ("Yêu cầu không hợp lệ", "Bad request"),
        401 => ("Chưa xác thực", "Unauthorized"),
        403 => ("Không có quyền", "Forbidden"),
        404 => ("Không tìm thấy", "Not found"),
        405 => ("Phương thức không được hỗ trợ", "Method not allowed"),
        409 => ("Xung đột", "Conflict"),
        412 => ("Điều kiện không thỏa mãn", "Precondition failed"),
        413 => ("Nội dung quá lớn", "Content too large"),
        415 => ("Kiểu nội dung không được hỗ trợ", "Unsupported media type"),
        422 => ("Dữ liệu không hợp lệ", "Unprocessable content"),
        428 => ("Thiếu điều kiện", "Precondition required"),
        429 => ("Quá nhiều yêu cầu", "Too many requests"),
        503 => ("Dịch vụ tạm ngưng", "Service unavailable"),
        507 => ("Hết dung lượng lưu trữ", "Insufficient storage"),
        _ => ("Lỗi máy chủ", "Server error"),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.status.as_u16(), self.0.code)?;
        if let Some(source) = &self.0.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        match self.0.status.as_u16() {
            // Known conditions, reported once when they begin (database health, storage).
            503 | 507 => log::debug!("{self}"),
            s if s >= 500 => log::error!("{self}"),
            _ => {}
        }
        self.render(Lang::Vi)
    }
}

/// The body of every error response (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDetails {
    /// A URI naming the problem type: `urn:ttdt:problem:<code>`.
    #[schema(example = "urn:ttdt:problem:validation_failed")]
    pub r#type: String,
    /// Short summary of the HTTP status, in the response language.
    pub title: String,
    pub status: u16,
    /// What went wrong, in the response language (`Content-Language`).
    pub detail: String,
    /// Stable machine-readable error code; switch on this, not on the text.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// Per-field problems: on `validation_failed` and `legacy_vietnamese_encoding`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The media items the problem is about: on `alt_text_required`, the images without
    /// alternative text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name as sent, dotted for nested fields.
    pub field: String,
    /// Stable code for this field's problem (e.g. `length`, `email`, `common_password`).
    pub code: String,
    pub message: String,
}

/// The answer to a write that broke a unique rule: `conflict` when it is a unique violation
/// (two requests racing for one e-mail, slug or name: the read before the write saw it free),
/// the usual conversion otherwise.
pub fn unique_as(e: diesel::result::Error, conflict: impl FnOnce() -> ApiError) -> ApiError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => conflict(),
        other => other.into(),
    }
}

pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::conflict(
                "already_exists",
                Text::new(
                    "Đã có một bản ghi trùng giá trị duy nhất.",
                    "A record with the same unique value already exists.",
                ),
            ),
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => Self::conflict(
                "in_use",
                Text::new(
                    "Bản ghi đang được tham chiếu bởi dữ liệu khác.",
                    "The record is referenced by other data.",
                ),
            ),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::service_unavailable(info.message())
            }
            Error::BrokenTransactionManager => Self::service_unavailable("broken transaction"),
            // SQLite's busy_timeout ran out: overload, worth a retry, not a server bug.
            Error::DatabaseError(_, info) if info.message().contains("database is locked") => {
                Self::service_unavailable(info.message())
            }
            // SQLITE_FULL; PostgreSQL's disk_full (53100) "could not extend file …: No space
            // left on device", or a WAL write that found no room.
            Error::DatabaseError(_, info)
                if [
                    "database or disk is full",
                    "No space left on device",
                    "could not extend file",
                ]
                .iter()
                .any(|m| info.message().contains(m)) =>
            {
                Self::insufficient_storage(info.message())
            }
            other => Self::internal(format!("database: {other}")),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        Self::service_unavailable(format!("connection pool: {e}"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal(format!("blocking task: {e}"))
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation_errors("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::validation(fields)
    }
}

fn collect_validation_errors(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError::new(
                        name.clone(),
                        e.code.to_string(),
                        validation_message(e),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(&name, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_validation_errors(&format!("{name}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn validation_message(e: &validator::ValidationError) -> Text {
    let param = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Text::new(
                format!("Độ dài phải từ {min} đến {max} ký tự."),
                format!("Length must be between {min} and {max} characters."),
            ),
            (Some(min), None) => Text::new(
                format!("Phải có ít nhất {min} ký tự."),
                format!("Must be at least {min} characters long."),
            ),
            (None, Some(max)) => Text::new(
                format!("Không được dài quá {max} ký tự."),
                format!("Must be at most {max} characters long."),
            ),
            _ => Text::new("Độ dài không hợp lệ.", "Invalid length."),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Text::new(
                format!("Giá trị phải từ {min} đến {max}."),
                format!("Value must be between {min} and {max}."),
            ),
            _ => Text::new("Giá trị nằm ngoài khoảng cho phép.", "Value out of range."),
        },
        "email" => Text::new(
            "Địa chỉ e-mail không hợp lệ.",
            "Not a valid e-mail address.",
        ),
        "url" => Text::new("Địa chỉ URL không hợp lệ.", "Not a valid URL."),
        "web_url" => Text::new(
            "Phải là một địa chỉ http:// hoặc https:// đầy đủ.",
            "Must be a full http:// or https:// address.",
        ),
        "slug" => Text::new(
            "Chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối đơn (a-z, 0-9, -).",
            "Lowercase letters, digits and single hyphens only (a-z, 0-9, -).",
        ),
        "nul_character" => Text::new(
            "Văn bản không được chứa ký tự NUL.",
            "Text must not contain the NUL character.",
        ),
        _ => match &e.message {
            Some(m) => Text::new(m.to_string(), m.to_string()),
            None => Text::new("Giá trị không hợp lệ.", "Invalid value."),
        },
    }
}
