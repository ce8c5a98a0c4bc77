//! Password hashing (argon2id) with bounded concurrency, and the password policy.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult, Text};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// OWASP ASVS 5.0 minimum: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The policy every new password meets: 8 to 128 characters, no NUL, not a common password.
pub fn check_policy(field: &str, password: &str) -> ApiResult<()> {
    let chars = password.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&chars) {
        return Err(ApiError::field(
            field,
            "length",
            Text::new(
                format!("Mật khẩu phải từ {MIN_LENGTH} đến {MAX_LENGTH} ký tự."),
                format!("Passwords must be {MIN_LENGTH} to {MAX_LENGTH} characters long."),
            ),
        ));
    }
    if password.contains('\0') {
        return Err(ApiError::field(
            field,
            "nul_character",
            Text::new(
                "Mật khẩu không được chứa ký tự NUL.",
                "Passwords must not contain the NUL character.",
            ),
        ));
    }
    if is_common(password) {
        return Err(ApiError::field(
            field,
            "common_password",
            Text::new(
                "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.",
                "This password is too common and easily guessed; choose another.",
            ),
        ));
    }
    Ok(())
}

fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && common == lower)
}

/// Runs argon2 on blocking threads, at most `concurrency` at once, so a login flood queues here
/// instead of starving the HTTP workers and the readers they serve.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the e-mail is unknown, so both cases cost the same time.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: hash_password("ttdt dummy password for timing").into(),
        }
    }

    pub async fn hash(&self, password: String) -> ApiResult<String> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(ApiError::internal)
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is no account.
    pub async fn verify(&self, password: String, hash: Option<String>) -> ApiResult<bool> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(ApiError::internal)?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_asvs_parameters_and_verify() {
        let h = hash_password("Trường học xanh 2024");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("Trường học xanh 2024", &h));
        assert!(!verify_password("Truong hoc xanh 2024", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy_refuses_short_long_common_and_nul() {
        assert_eq!(
            check_policy("p", "short").unwrap_err().code(),
            "validation_failed"
        );
        assert!(check_policy("p", &"a".repeat(129)).is_err());
        assert!(check_policy("p", &"mật khẩu dài ".repeat(5)).is_ok()); // 65 chars is allowed
        assert!(check_policy("p", "Password1").is_err());
        assert!(check_policy("p", "12345678").is_err());
        assert!(check_policy("p", "abc\0defgh").is_err());
        assert!(check_policy("p", "Cô giáo em 2024!").is_ok());
    }
}
