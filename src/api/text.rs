//! `/text/convert-legacy`: turns text typed in a legacy Vietnamese encoding into Unicode, so
//! editors can fix what a write refused with `legacy_vietnamese_encoding`.

use actix_web::{post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use crate::auth::Actor;
use crate::domain::vietnamese::{LegacyEncoding, convert_legacy};
use crate::error::{ApiResult, ProblemDetails};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(convert_legacy_text);
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// TCVN3 (ABC), fonts named .Vn…
    Tcvn3,
    /// VNI-Windows, fonts named VNI-…
    Vni,
}

impl From<Encoding> for LegacyEncoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Tcvn3 => LegacyEncoding::Tcvn3,
            Encoding::Vni => LegacyEncoding::Vni,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertRequest {
    /// The text as pasted, e.g. "Tr­êng tiÓu häc".
    #[validate(length(max = 500000))]
    #[schema(max_length = 500000)]
    pub text: String,
    /// Leave out to detect.
    pub from: Option<Encoding>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConvertResponse {
    /// The text in NFC Unicode ("Trường tiểu học"); unchanged if it was not legacy text.
    pub text: String,
    /// The encoding converted from; `null` when the text was already Unicode.
    pub converted_from: Option<Encoding>,
}

/// Convert text from TCVN3 (ABC) or VNI to Unicode (any staff member).
#[utoipa::path(
    tag = "text",
    security(("bearer" = [])),
    request_body = ConvertRequest,
    responses(
        (status = 200, description = "The converted text", body = ConvertResponse),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/text/convert-legacy")]
pub async fn convert_legacy_text(
    _actor: Actor,
    body: JsonBody<ConvertRequest>,
) -> ApiResult<web::Json<ConvertResponse>> {
    body.validate()?;
    let (text, from) = convert_legacy(&body.text, body.from.map(Into::into));
    Ok(web::Json(ConvertResponse {
        text,
        converted_from: from.map(|e| match e {
            LegacyEncoding::Tcvn3 => Encoding::Tcvn3,
            LegacyEncoding::Vni => Encoding::Vni,
        }),
    }))
}
