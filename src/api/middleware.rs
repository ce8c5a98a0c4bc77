//! Cross-cutting response rules: localised problem details, ETags with 304, cache defaults.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Lang};
use crate::state::AppState;

/// Answers `HEAD` wherever `GET` is answered (link checkers, players probing a file's size):
/// the request is routed as `GET`, and the HTTP layer, which still knows it was `HEAD`, sends
/// the headers without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Content codings a response may be compressed with (actix's `Compress`, just inside).
const CODINGS: [&str; 2] = ["br", "gzip"];

/// One strong ETag per representation (RFC 9110 §8.8.3): a body compressed with `br` carries
/// `"<tag>-br"`, and a validator a client sends back has its coding suffix taken off before
/// anything inside compares it (a `304` keeps the suffix the client sent). Media files are
/// never compressed (their formats are compressed already, and ranges address their bytes).
/// Every other answer says it varies with `Accept-Encoding`.
pub async fn representations(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let media_file = is_media_file(req.path());
    if media_file {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let mut sent_coding = None;
    for name in [header::IF_NONE_MATCH, header::IF_MATCH] {
        let Some(value) = req.headers().get(&name).and_then(|v| v.to_str().ok()) else {
            continue;
        };
        let mut stripped = Vec::new();
        for tag in value.split(',') {
            let tag = tag.trim();
            let found = CODINGS.iter().find_map(|c| {
                let cut = tag.strip_suffix(&format!("-{c}\""))?;
                Some((format!("{cut}\""), *c))
            });
            match found {
                Some((plain, coding)) => {
                    sent_coding = Some(coding);
                    stripped.push(plain);
                }
                None => stripped.push(tag.to_owned()),
            }
        }
        if let Ok(v) = header::HeaderValue::from_str(&stripped.join(", ")) {
            req.headers_mut().insert(name, v);
        }
    }
    let mut res = next.call(req).await?;
    let not_modified = res.status() == StatusCode::NOT_MODIFIED;
    let headers = res.headers_mut();
    let coding = match headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        Some(c) => CODINGS.iter().copied().find(|k| *k == c),
        None if not_modified => sent_coding,
        None => None,
    };
    if let Some(coding) = coding
        && let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && let Some(inner) = tag.strip_suffix('"')
        && let Ok(v) = header::HeaderValue::from_str(&format!("{inner}-{coding}\""))
    {
        headers.insert(header::ETAG, v);
    }
    let varies = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("accept-encoding"));
    if !media_file && !varies {
        headers.append(
            header::VARY,
            header::HeaderValue::from_static("Accept-Encoding"),
        );
    }
    Ok(res)
}

/// `/api/v1/media/{id}/file` and `/api/v1/media/{id}/variants/{name}`.
fn is_media_file(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/media/") else {
        return false;
    };
    let mut parts = rest.split('/');
    let _id = parts.next();
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some("file"), None, None) | (Some("variants"), Some(_), None)
    )
}

/// Keeps a `Range` header only when it asks for one range of bytes, which the file server
/// answers with 206. Several ranges are answered with the whole file (200), as RFC 9110 allows
/// (the file server would send only the first and say nothing); a unit other than `bytes` is
/// ignored, as RFC 9110 asks, instead of answered 416.
pub async fn single_byte_ranges(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let keep = req.headers().get(header::RANGE).map(|v| {
        v.to_str().ok().is_some_and(|v| {
            v.split_once('=').is_some_and(|(unit, set)| {
                unit.trim().eq_ignore_ascii_case("bytes") && !set.contains(',')
            })
        })
    });
    if keep == Some(false) {
        req.headers_mut().remove(header::RANGE);
    }
    next.call(req).await
}

/// Every error leaves as problem+json in the client's language (`Accept-Language`): an
/// `ApiError` is re-rendered in that language; an error actix raised itself (a malformed
/// header, a body it could not read) gets the problem shape and the
/// code of its status instead of actix's plain text. Headers other middleware set are kept.
pub async fn problem_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(error) = res.response().error() else {
        if res.status().is_success()
            && !matches!(*res.request().method(), Method::GET | Method::HEAD)
            && let Some(state) = res.request().app_data::<actix_web::web::Data<AppState>>()
        {
            state.storage.write_succeeded();
        }
        return Ok(res);
    };
    if res.status() == StatusCode::INSUFFICIENT_STORAGE
        && let Some(state) = res.request().app_data::<actix_web::web::Data<AppState>>()
    {
        state.storage.report_full(error);
    }
    let rendered = match error.as_error::<ApiError>() {
        Some(_) if lang == Lang::Vi => return Ok(res),
        Some(e) => e.render(lang),
        None => {
            if res.status().is_server_error() {
                log::error!(
                    "{} {}: {error}",
                    res.request().method(),
                    res.request().path()
                );
            }
            ApiError::from_status(res.status()).render(lang)
        }
    };
    let mut rendered = rendered;
    for (name, value) in res.headers() {
        if !matches!(
            *name,
            header::CONTENT_TYPE | header::CONTENT_LENGTH | header::CONTENT_LANGUAGE
        ) {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(res.into_response(rendered))
}

/// The Content-Security-Policy of API answers: they are data, never a page to render or frame.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Swagger UI at `/docs/`, served offline from this origin: its scripts and styles are files
/// of ours (no inline script), it styles elements inline, its icons are `data:` images, and it
/// fetches the spec (and "Try it out") from this origin.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Headers every answer carries: no MIME sniffing, no referrer leaking staff URLs, never
/// framed (clickjacking), and a Content-Security-Policy: the docs page's own, a handler's
/// (media files set theirs), or the API's. TLS and HSTS are the reverse proxy's.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let docs = req.path().starts_with("/docs");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let set = |headers: &mut header::HeaderMap, name, value: &'static str| {
        headers.insert(name, header::HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if docs {
        set(headers, header::CONTENT_SECURITY_POLICY, DOCS_CSP);
    } else if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, API_CSP);
    }
    Ok(res)
}

/// Whether an `If-None-Match` value names `etag` (weakly compared, as RFC 9110 asks for GET),
/// or is `*`.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Gives every successful GET a strong ETag over its body, answers a matching `If-None-Match`
/// with 304, and makes responses to authenticated requests private.
pub async fn etag_and_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let conditional = matches!(*req.method(), Method::GET | Method::HEAD);
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut res = next.call(req).await?.map_into_boxed_body();

    let headers = res.headers_mut();
    if authenticated {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-cache"),
        );
        headers.insert(
            header::VARY,
            header::HeaderValue::from_static("Authorization, Accept-Language"),
        );
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        );
    }
    if !conditional || res.status() != StatusCode::OK {
        return Ok(res);
    }

    let (req, response) = res.into_parts();
    let (response, body) = response.into_parts();
    // A handler that versions its resource sets the ETag itself; otherwise hash the body.
    let (etag, body) = match response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
    {
        Some(tag) => (tag.to_owned(), body),
        None => {
            let bytes = body::to_bytes(body)
                .await
                .map_err(|e| ApiError::internal(format!("reading response body: {e}")))?;
            let digest = Sha256::digest(&bytes);
            let tag = format!(
                "\"{}\"",
                digest[..16]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            (tag, BoxBody::new(bytes))
        }
    };
    let matched = if_none_match.is_some_and(|v| etag_matches(&v, &etag));
    let mut response = if matched {
        let mut not_modified = HttpResponse::NotModified().finish();
        for name in [header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = response.headers().get(&name) {
                not_modified.headers_mut().insert(name.clone(), v.clone());
            }
        }
        not_modified
    } else {
        response.set_body(body)
    };
    response.headers_mut().insert(
        header::ETAG,
        header::HeaderValue::from_str(&etag).map_err(ApiError::internal)?,
    );
    Ok(ServiceResponse::new(req, response))
}
