//! Access tokens: short-lived HS256 JWTs carrying the board role, validated strictly.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::error::{ApiError, ApiResult};

/// Audience of tokens issued to staff at login.
pub const STAFF_AUDIENCE: &str = "ttdt-staff";
/// Seconds of clock skew tolerated between instances.
pub const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    /// Category ids a board member reviews.
    #[serde(default)]
    pub cats: Vec<String>,
    /// Department id of department staff.
    #[serde(default)]
    pub dept: Option<String>,
    /// The deputy's publishing delegation from the editor-in-chief.
    #[serde(rename = "pub", default)]
    pub publish: bool,
    /// The account's token version: a password, role or status change bumps it, which makes
    /// every earlier token fail at once.
    pub ver: i32,
    /// The login (refresh-token family) the token was issued for: when that login ends (logout,
    /// or a reused refresh token), so do its access tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    pub nbf: u64,
    pub iat: u64,
    pub jti: String,
}

/// What an access token says about its subject when it is issued.
pub struct Subject<'a> {
    pub user_id: &'a str,
    pub role: Role,
    pub categories: Vec<String>,
    pub department: Option<String>,
    pub publish: bool,
    pub token_version: i32,
    /// The refresh-token family of the login.
    pub session: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_audience(&[STAFF_AUDIENCE]);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "aud", "iss", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, subject: Subject<'_>) -> ApiResult<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: subject.user_id.to_owned(),
            role: subject.role,
            cats: subject.categories,
            dept: subject.department,
            publish: subject.publish,
            ver: subject.token_version,
            sid: Some(subject.session),
            iss: self.issuer.clone(),
            aud: STAFF_AUDIENCE.to_owned(),
            exp: now + self.ttl.as_secs(),
            nbf: now,
            iat: now,
            jti: uuid::Uuid::now_v7().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Checks signature, algorithm, `exp`, `nbf`, `aud`, `iss`; any failure is one 401.
    pub fn verify(&self, token: &str) -> ApiResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                log::debug!("rejected access token: {e}");
                ApiError::invalid_token()
            })
    }
}
