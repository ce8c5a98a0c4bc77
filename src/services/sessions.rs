//! Refresh tokens: opaque, stored only as SHA-256, rotated on every use. A rotated token that
//! comes back is a sign of theft: the whole family (every token descended from one login) dies.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::users::{self, UserView};
use crate::db::models::RefreshToken;
use crate::db::schema::refresh_tokens;
use crate::db::{DbConnection, new_id, now};
use crate::error::{ApiError, ApiResult, Text};

fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn insert_token(
    conn: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    ttl: Duration,
) -> ApiResult<String> {
    let token = new_token();
    let at = now();
    diesel::insert_into(refresh_tokens::table)
        .values(RefreshToken {
            id: new_id(),
            user_id: user_id.to_owned(),
            family_id: family_id.to_owned(),
            token_hash: hash_token(&token),
            created_at: at,
            expires_at: at + chrono::Duration::seconds(ttl.as_secs() as i64),
            used_at: None,
            revoked_at: None,
        })
        .execute(conn)?;
    Ok(token)
}

/// A refresh token to hand out and the login (family) it belongs to.
pub struct Issued {
    pub refresh_token: String,
    pub session: String,
}

/// Starts a new token family at login.
pub fn start(conn: &mut DbConnection, user_id: &str, ttl: Duration) -> ApiResult<Issued> {
    let session = new_id();
    let refresh_token = insert_token(conn, user_id, &session, ttl)?;
    Ok(Issued {
        refresh_token,
        session,
    })
}

/// Whether the login `session` still stands: not logged out, not revoked for a reused token.
pub fn is_live(conn: &mut DbConnection, session: &str) -> ApiResult<bool> {
    let live: i64 = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(session))
        .filter(refresh_tokens::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(live > 0)
}

fn invalid_refresh() -> ApiError {
    ApiError::unauthorized(
        "invalid_refresh_token",
        Text::new(
            "Mã làm mới không hợp lệ, đã hết hạn hoặc đã bị thu hồi; hãy đăng nhập lại.",
            "The refresh token is invalid, expired or revoked; log in again.",
        ),
    )
}

/// Exchanges a refresh token for a new one and the account it belongs to.
///
/// The result is an outer `Result` for faults and an inner one for a refused token, so that a
/// reuse can revoke the family in a transaction that commits even though the request fails.
pub fn rotate(
    conn: &mut DbConnection,
    token: &str,
    ttl: Duration,
) -> ApiResult<Result<(UserView, Issued), ApiError>> {
    crate::db::write_transaction(conn, |conn| {
        let Some(row) = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(hash_token(token)))
            .select(RefreshToken::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(Err(invalid_refresh()));
        };
        let at = now();
        if row.revoked_at.is_some() || row.expires_at <= at {
            return Ok(Err(invalid_refresh()));
        }
        // Claim the token; if another request already did, this is a reuse.
        let claimed = diesel::update(
            refresh_tokens::table
                .find(&row.id)
                .filter(refresh_tokens::used_at.is_null())
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::used_at.eq(at))
        .execute(conn)?;
        if claimed == 0 {
            log::warn!(
                "refresh token reuse for user {}: revoking family {}",
                row.user_id,
                row.family_id
            );
            revoke_family(conn, &row.family_id)?;
            return Ok(Err(invalid_refresh()));
        }
        let user = users::get(conn, &row.user_id)?;
        if user.user.disabled {
            revoke_family(conn, &row.family_id)?;
            return Ok(Err(invalid_refresh()));
        }
        let refresh_token = insert_token(conn, &row.user_id, &row.family_id, ttl)?;
        Ok(Ok((
            user,
            Issued {
                refresh_token,
                session: row.family_id,
            },
        )))
    })
}

/// Ends the session a refresh token belongs to. Unknown tokens are ignored (logout is idempotent).
pub fn logout(conn: &mut DbConnection, token: &str) -> ApiResult<()> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_token(token)))
        .select(refresh_tokens::family_id)
        .first(conn)
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family)?;
    }
    Ok(())
}

fn revoke_family(conn: &mut DbConnection, family_id: &str) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}
