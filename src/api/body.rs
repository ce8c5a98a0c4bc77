//! JSON request bodies: one extractor for every endpoint that takes one, so that the limit,
//! the content type, NUL characters and malformed JSON are answered the same way everywhere
//! (problem+json with the documented codes), whatever the endpoint.
//!
//! actix's own extractors each have their own limit (`web::Bytes` 256 KiB, `web::Json` 2 MiB)
//! and answer some failures in plain text; these never do.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ApiResult, FieldError, Text};

/// The largest JSON body accepted, in bytes (2 MiB).
pub const JSON_LIMIT: usize = 2 * 1024 * 1024;

/// A JSON body (`Content-Type: application/json`, at most `LIMIT` bytes, [`JSON_LIMIT`]
/// unless the endpoint says less).
#[derive(Debug)]
pub struct JsonBody<T, const LIMIT: usize = JSON_LIMIT>(pub T);

impl<T, const LIMIT: usize> JsonBody<T, LIMIT> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const LIMIT: usize> std::ops::Deref for JsonBody<T, LIMIT> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A JSON body that may be left out entirely (workflow steps without a comment): an empty
/// body, or `null`, is `T::default()`; anything else is read as [`JsonBody`].
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for JsonBody<T, LIMIT> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (content_type, body) = read(req, payload, LIMIT);
        Box::pin(async move {
            content_type?;
            parse(&body.await?).map(JsonBody)
        })
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (content_type, body) = read(req, payload, JSON_LIMIT);
        Box::pin(async move {
            let bytes = body.await?;
            // No body, or `null` (which the spec allows), is the default.
            if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
                return Ok(OptionalJsonBody(T::default()));
            }
            content_type?;
            parse(&bytes).map(OptionalJsonBody)
        })
    }
}

/// Whether the request says it is JSON, and the body, read within the limit.
fn read(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> (
    ApiResult<()>,
    impl Future<Output = ApiResult<web::Bytes>> + 'static,
) {
    let declared = declared_length(req, limit);
    let payload = payload.take();
    (json_content_type(req), async move {
        declared?;
        read_limited(payload, limit).await
    })
}

/// A field that may be left out but not sent as `null`: absent → `None` (with
/// `#[serde(default)]`), `null` → 400 `malformed_json`, instead of a `null` silently read as
/// "leave it as it is".
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A field that may be left out or sent as `null`: absent → `None` (with
/// `#[serde(default)]`), `null` → `Some(None)` (clear it), a value → `Some(Some(v))`.
pub fn nullable<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

pub fn payload_too_large(limit: usize) -> ApiError {
    let size = if limit >= 1024 * 1024 {
        format!("{} MiB", limit / (1024 * 1024))
    } else {
        format!("{} KiB", limit / 1024)
    };
    ApiError::payload_too_large(
        "payload_too_large",
        Text::new(
            format!("Nội dung gửi lên quá lớn (tối đa {size})."),
            format!("The request body is too large (at most {size})."),
        ),
    )
}

pub fn json_required() -> ApiError {
    ApiError::unsupported_media_type(
        "unsupported_media_type",
        Text::new(
            "Hãy gửi JSON với Content-Type: application/json.",
            "Send JSON with Content-Type: application/json.",
        ),
    )
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "malformed_json",
        Text::new(
            format!("JSON không hợp lệ: {e}"),
            format!("Malformed JSON: {e}"),
        ),
    )
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn json_content_type(req: &HttpRequest) -> ApiResult<()> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/json") => Ok(()),
        Some(t) if t.starts_with("application/") && t.ends_with("+json") => Ok(()),
        _ => Err(json_required()),
    }
}

/// A declared `Content-Length` over the limit is refused before anything is read.
fn declared_length(req: &HttpRequest, limit: usize) -> ApiResult<()> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => Err(payload_too_large(limit)),
        _ => Ok(()),
    }
}

async fn read_limited(mut payload: Payload, limit: usize) -> ApiResult<web::Bytes> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "malformed_body",
                Text::new(
                    format!("Không đọc được nội dung gửi lên: {e}"),
                    format!("The request body could not be read: {e}"),
                ),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if has_escaped_nul(bytes) {
        // Name the field: PostgreSQL refuses NUL in text, and no field of ours takes one.
        let value: Value = serde_json::from_slice(bytes).map_err(malformed)?;
        let mut fields = Vec::new();
        nul_fields("", &value, &mut fields);
        if !fields.is_empty() {
            return Err(ApiError::validation(
                fields
                    .into_iter()
                    .map(|field| {
                        FieldError::new(
                            field,
                            "nul_character",
                            Text::new(
                                "Văn bản không được chứa ký tự NUL.",
                                "Text must not contain the NUL character.",
                            ),
                        )
                    })
                    .collect(),
            ));
        }
    }
    serde_json::from_slice(bytes).map_err(malformed)
}

/// Whether the JSON text holds the escape `\u0000` (a raw NUL is not valid JSON): a `\` that
/// is not itself escaped, followed by `u0000`.
fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes[i + 1..].starts_with(b"u0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The dotted paths of every string (or key) holding NUL.
fn nul_fields(path: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains('\0') => out.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_fields(&format!("{path}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let name = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if key.contains('\0') {
                    out.push(name.clone());
                }
                nul_fields(&name, item, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_nul_is_found_and_named_but_an_escaped_backslash_is_not_nul() {
        assert!(has_escaped_nul(br#"{"a": "x\u0000y"}"#));
        assert!(!has_escaped_nul(br#"{"a": "x\\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a": "x\\\u0000y"}"#));
        assert!(!has_escaped_nul(br#"{"a": "\u00e0"}"#));
        let value: Value = serde_json::from_str(r#"{"a": {"b": ["ok", "x\u0000"]}}"#).unwrap();
        let mut fields = Vec::new();
        nul_fields("", &value, &mut fields);
        assert_eq!(fields, vec!["a.b[1]"]);
    }
}
