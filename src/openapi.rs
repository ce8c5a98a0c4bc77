//! The OpenAPI 3.1 document: collected from the handlers mounted in `startup::routes`, then
//! completed here (info, security scheme, the problem response on every operation).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Spec, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldProblem, ProblemDetails};

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
    }
}

/// Gives every operation a `default` problem response, and a 401 where a token is required,
/// so clients can rely on the error shape everywhere.
pub fn complete(spec: &mut Spec) {
    let problem = || {
        ResponseBuilder::new().content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemDetails")))
                .build(),
        )
    };
    for item in spec.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let responses = &mut op.responses.responses;
            if secured && !responses.contains_key("401") {
                responses.insert(
                    "401".into(),
                    problem()
                        .description("Missing, invalid, expired or revoked access token")
                        .build()
                        .into(),
                );
            }
            responses.entry("default".into()).or_insert_with(|| {
                problem()
                    .description("An error, as RFC 9457 problem details")
                    .build()
                    .into()
            });
        }
    }
}
