//! The OpenAPI 3.1 document: collected from the handlers mounted in `startup::routes`, then
//! completed here (info, security scheme, the problem response on every operation).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Spec, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldProblem, PROBLEM_CODES, ProblemDetails};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ttdt",
        description = "Content API for a Vietnamese school's official information portal \
(Trang thông tin điện tử), built on the school's regulation (Quy chế). JSON over REST under \
`/api/v1`. Errors are `application/problem+json` with a stable `code`; messages are Vietnamese \
by default, English with `Accept-Language: en`. See docs/api-conventions.md.",
        license(name = "MIT")
    ),
    tags(
        (name = "auth", description = "Login, token refresh and rotation, logout, the caller's account"),
        (name = "users", description = "The editorial board and staff (Quy chế Điều 3–5)"),
        (name = "categories", description = "Lĩnh vực and chuyên mục, with kind and retention class (Điều 7, 10)"),
        (name = "departments", description = "Bộ phận that citizens' questions are routed to (Điều 5.5)"),
        (name = "articles", description = "News and posts: public reads and search; the editorial workflow, revisions and history (Điều 5, 7, 9)"),
        (name = "media", description = "Uploads identified by their bytes, cleaned of metadata, with image variants; files served with ranges (Điều 8.2)"),
        (name = "documents", description = "The document registry (văn bản): số ký hiệu, forms, files, relations and validity; the same editorial workflow as articles"),
        (name = "procedures", description = "Administrative procedure guides (thủ tục hành chính): steps, required papers with their forms, time in working days, fee, where to submit, legal basis in the document registry; the same editorial workflow as articles"),
        (name = "pages", description = "The school's standing pages (giới thiệu chung, lịch sử, cơ cấu tổ chức, liên hệ, …): one navigation tree, a stable slug per page; the same editorial workflow as articles"),
        (name = "leadership", description = "The leadership and staff directory: who holds which post, past holders with their terms; contact fields flagged public or not, and the public sees only the former; the same editorial workflow as articles"),
        (name = "resources", description = "Teaching resources (tài nguyên dạy học): research, initiatives, e-lessons, slides, teaching aids, tests; authors, school year, subject, grade, files, awards; the same editorial workflow as articles"),
        (name = "links", description = "Links to central, provincial and district sites and the district's schools (Điều 7.6): kept by the editor-in-chief and the technical team and published without review; the public list grouped"),
        (name = "questions", description = "Citizens' questions on administrative procedures (Điều 5.5): anyone asks and follows a question by its ticket code; the technical team routes it, the department answers, the board approves; the answer goes out by e-mail or post and may be published, without personal data, on a procedure guide"),
        (name = "feedback", description = "Feedback on published content and on the site (Điều 5.4): anyone sends it; content feedback reaches the item's author and the board, feedback on the site the technical team, who mark it handled with a note"),
        (name = "sync", description = "For the district portal and apps (Điều 9.2): the changes feed, gap-free in commit order with a snapshot for a first sync, read with API keys that the editor-in-chief and the technical team make and revoke"),
        (name = "mirror", description = "The district portal (Điều 9.2): other schools' public content copied here by `ttdt mirror`, each item tagged with its school, in one list and search across schools"),
        (name = "search", description = "Site-wide search over every public kind at once, ranked, diacritic-insensitive both ways"),
        (name = "text", description = "Vietnamese text tools (Điều 6.5)"),
        (name = "health", description = "Liveness and readiness"),
    ),
    components(schemas(ProblemDetails, FieldProblem)),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from POST /api/v1/auth/login (valid at most 15 minutes)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ttdt_…")
                    .description(Some(
                        "An API key from POST /api/v1/api-keys, sent as `Authorization: Bearer ttdt_…`; staff tokens are not keys",
                    ))
                    .build(),
            ),
        );
    }
}

/// Resources whose answers carry their version as the `ETag`, reads and writes alike.
const VERSIONED: [&str; 2] = ["ArticleResponse", "MediaResponse"];

const ETAG: &str = "The representation's tag: send it back in `If-None-Match`, and for a versioned resource in `If-Match`";

/// Completes what the handlers' annotations leave to the cross-cutting layers, so that every
/// status and header the middleware can add is declared where it happens:
/// - a `default` problem response everywhere, 401 where a token is required;
/// - 503 (database away) everywhere, 507 (disk full) on every write;
/// - 400/413/415 on every JSON body (the body extractor's answers);
/// - `ETag` on every `GET` 200 and a 304 answer to `If-None-Match` (the ETag middleware);
/// - `Location` on every 201 and 301;
/// - the problem `code` as the enum of the codes the API answers with.
pub fn complete(spec: &mut Spec) {
    use utoipa::openapi::{HttpMethod, RefOr, Response, header::HeaderBuilder};
    let problem = |description: &str| -> RefOr<Response> {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemDetails")))
                    .build(),
            )
            .build()
            .into()
    };
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String),
            ))
            .description(Some(description))
            .build()
    };
    for item in spec.paths.paths.values_mut() {
        let operations = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Delete, &mut item.delete),
            (HttpMethod::Patch, &mut item.patch),
        ];
        for (method, op) in operations {
            let Some(op) = op else { continue };
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let staff_only = op.security.as_ref().is_some_and(|s| {
                serde_json::to_value(s).is_ok_and(|v| v.to_string().contains("\"bearer\""))
            });
            let json_body = op.request_body.as_ref().is_some_and(
                |b| matches!(b, RefOr::T(b) if b.content.contains_key("application/json")),
            );
            let responses = &mut op.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.into())
                    .or_insert_with(|| problem(description));
            };
            if secured {
                add("401", "Missing, invalid, expired or revoked access token");
            }
            if staff_only {
                add(
                    "403",
                    "Not allowed: the caller's role, or an API key where a staff token is needed (`api_key_not_staff`)",
                );
            }
            add(
                "400",
                if json_body {
                    "The request cannot be read: path, query, cursor or limit (`invalid_path`, `invalid_query`, `invalid_cursor`, `invalid_limit`), or a body that is not JSON, or has a `null` or a field it may not (`malformed_json`)"
                } else {
                    "The request cannot be read: path, query, cursor or limit (`invalid_path`, `invalid_query`, `invalid_cursor`, `invalid_limit`)"
                },
            );
            add(
                "503",
                "The database is unreachable or not ready (`service_unavailable`); see `Retry-After`",
            );
            if method != HttpMethod::Get {
                add(
                    "507",
                    "The server's disk is full (`insufficient_storage`); nothing was written; see `Retry-After`",
                );
            }
            if json_body {
                add("413", "The body is over 2 MiB (`payload_too_large`)");
                add(
                    "415",
                    "The body is not `application/json` (`unsupported_media_type`)",
                );
                add(
                    "422",
                    "Invalid fields (`validation_failed`, with `errors`; e.g. NUL in any text)",
                );
            }
            add("default", "An error, as RFC 9457 problem details");
            for (status, response) in responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let versioned = response.content.values().any(|c| {
                    matches!(c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(r))
                        if VERSIONED.iter().any(|v| r.ref_location.ends_with(&format!("/{v}")))))
                });
                let mut names = Vec::new();
                match (method == HttpMethod::Get, status.as_str()) {
                    (true, "200" | "304") => names.push(("ETag", ETAG)),
                    (_, "201") => names.push(("Location", "The URL of the new item")),
                    (_, "301" | "308") => names.push(("Location", "Where it is now")),
                    _ => {}
                }
                if versioned && matches!(status.as_str(), "200" | "201") {
                    names.push(("ETag", ETAG));
                }
                for (name, description) in names {
                    if !response
                        .headers
                        .keys()
                        .any(|h| h.eq_ignore_ascii_case(name))
                    {
                        response
                            .headers
                            .insert(name.into(), header(description).into());
                    }
                }
            }
            if method == HttpMethod::Get && responses.contains_key("200") {
                responses.entry("304".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Not modified: the `If-None-Match` tag is current")
                        .header("ETag", header(ETAG))
                        .build()
                        .into()
                });
            }
        }
    }
    let codes = PROBLEM_CODES
        .iter()
        .map(|c| serde_json::json!(c))
        .collect::<Vec<_>>();
    if let Some(components) = spec.components.as_mut()
        && let Some(RefOr::T(utoipa::openapi::Schema::Object(problem))) =
            components.schemas.get_mut("ProblemDetails")
        && let Some(RefOr::T(utoipa::openapi::Schema::Object(code))) =
            problem.properties.get_mut("code")
    {
        code.enum_values = Some(codes);
    }
}
