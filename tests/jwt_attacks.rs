//! Each classic JWT attack against the staff token validation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::*;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims the server would issue for this account right now.
fn claims_for(sub: &str, role: &str) -> Value {
    let t = now();
    json!({
        "sub": sub, "role": role, "cats": [], "dept": null, "pub": false, "ver": 0,
        "iss": "ttdt", "aud": "ttdt-staff", "exp": t + 600, "nbf": t, "iat": t,
        "jti": "attack",
    })
}

fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn sign(claims: &Value) -> String {
    sign_hs256(claims, JWT_SECRET.as_bytes())
}

async fn contributor(app: &TestApp) -> Staff {
    app.staff("contributor").await
}

async fn assert_refused(app: &TestApp, token: &str) {
    app.get("/api/v1/me", Some(token))
        .await
        .problem(401, "invalid_token");
}

#[tokio::test]
async fn a_correctly_forged_token_with_the_real_key_is_accepted() {
    // The control: proves the attacks below fail for the reason they test, not a typo.
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let r = app
        .get("/api/v1/me", Some(&sign(&claims_for(&c.id, "contributor"))))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims_for(&c.id, "principal").to_string());
    assert_refused(&app, &format!("{header}.{payload}.")).await;
    assert_refused(&app, &format!("{header}.{payload}")).await;
}

#[tokio::test]
async fn rs256_and_hs_rs_key_confusion_are_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let claims = claims_for(&c.id, "principal");
    let private = include_bytes!("fixtures/attacker_rsa.pem");
    let rs = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(private).unwrap(),
    )
    .unwrap();
    assert_refused(&app, &rs).await;
    // The classic confusion: an HS256 MAC keyed with a public RSA key.
    let public = include_bytes!("fixtures/attacker_rsa_pub.pem");
    assert_refused(&app, &sign_hs256(&claims, public)).await;
}

#[tokio::test]
async fn a_tampered_role_breaks_the_signature() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let parts: Vec<&str> = c.token.split('.').collect();
    let mut claims = claims_of(&c.token);
    claims["role"] = json!("principal");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert_refused(&app, &forged).await;
    // And the genuine token still works.
    assert_eq!(app.get("/api/v1/me", Some(&c.token)).await.status, 200);
}

#[tokio::test]
async fn a_token_expired_30_seconds_ago_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let mut claims = claims_for(&c.id, "contributor");
    claims["exp"] = json!(now() - 30);
    claims["iat"] = json!(now() - 930);
    claims["nbf"] = json!(now() - 930);
    assert_refused(&app, &sign(&claims)).await;
}

#[tokio::test]
async fn missing_or_wrong_audience_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let mut missing = claims_for(&c.id, "contributor");
    missing.as_object_mut().unwrap().remove("aud");
    assert_refused(&app, &sign(&missing)).await;
    let mut other = claims_for(&c.id, "contributor");
    other["aud"] = json!("ttdt-sync");
    assert_refused(&app, &sign(&other)).await;
}

#[tokio::test]
async fn wrong_or_missing_issuer_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let mut wrong = claims_for(&c.id, "contributor");
    wrong["iss"] = json!("someone-else");
    assert_refused(&app, &sign(&wrong)).await;
    let mut missing = claims_for(&c.id, "contributor");
    missing.as_object_mut().unwrap().remove("iss");
    assert_refused(&app, &sign(&missing)).await;
}

#[tokio::test]
async fn a_token_not_yet_valid_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let mut claims = claims_for(&c.id, "contributor");
    claims["nbf"] = json!(now() + 60);
    assert_refused(&app, &sign(&claims)).await;
}

#[tokio::test]
async fn a_token_for_an_unknown_or_missing_subject_is_refused() {
    let app = spawn_app().await;
    assert_refused(
        &app,
        &sign(&claims_for(
            "01900000-0000-7000-8000-000000000000",
            "principal",
        )),
    )
    .await;
    let mut claims = claims_for("x", "principal");
    claims.as_object_mut().unwrap().remove("sub");
    assert_refused(&app, &sign(&claims)).await;
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let app = spawn_app().await;
    let c = contributor(&app).await;
    let claims = claims_for(&c.id, "contributor");
    assert_refused(
        &app,
        &sign_hs256(&claims, b"another-secret-another-secret-0123456789"),
    )
    .await;
}
