use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn login_answers_an_oauth_token_response_with_a_short_lived_jwt() {
    let app = spawn_app().await;
    let r = app.login(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.body["refresh_token"].as_str().unwrap().len() >= 40);
    let claims = claims_of(r.body["access_token"].as_str().unwrap());
    assert_eq!(claims["role"], "principal");
    assert_eq!(claims["iss"], "ttdt");
    assert_eq!(claims["aud"], "ttdt-staff");
    assert_eq!(claims["pub"], false);
    assert_eq!(claims["cats"], json!([]));
    assert!(claims["jti"].as_str().is_some());
    let (exp, iat, nbf) = (
        claims["exp"].as_u64().unwrap(),
        claims["iat"].as_u64().unwrap(),
        claims["nbf"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 900);
    assert_eq!(nbf, iat);

    let me = app.get("/api/v1/me", r.body["access_token"].as_str()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], PRINCIPAL_EMAIL);
    assert_eq!(me.body["id"], claims["sub"]);
    assert!(me.body.get("password_hash").is_none());
}

#[tokio::test]
async fn login_ignores_email_case_and_surrounding_space() {
    let app = spawn_app().await;
    let r = app
        .login(" HieuTruong@THS01MuongMuon.edu.vn ", PRINCIPAL_PASSWORD)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn wrong_password_unknown_email_and_disabled_account_look_the_same() {
    let app = spawn_app().await;
    let staff = app.staff("contributor").await;
    let disable = app
        .patch(
            &format!("/api/v1/users/{}", staff.id),
            Some(&app.principal_token),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(disable.status, 200);

    let wrong = app.login(PRINCIPAL_EMAIL, "not the password").await;
    let unknown = app
        .login("nobody@ths01muongmuon.edu.vn", "not the password")
        .await;
    let disabled = app.login(&staff.email, &staff.password).await;
    wrong.problem(401, "invalid_credentials");
    assert_eq!(wrong.text, unknown.text);
    assert_eq!(wrong.text, disabled.text);
    assert_eq!(unknown.status, 401);
    assert_eq!(disabled.status, 401);
}

#[tokio::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/me", None).await;
    r.problem(401, "authentication_required");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = app.get("/api/v1/me", Some("not-a-jwt")).await;
    r.problem(401, "invalid_token");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    let other_login = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap();

    let second = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    assert_eq!(second.status, 200, "{}", second.text);
    let r2 = second.body["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    let me = app
        .get("/api/v1/me", second.body["access_token"].as_str())
        .await;
    assert_eq!(me.status, 200);

    // r1 was already used: presenting it again is a theft signal.
    let reuse = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await;
    reuse.problem(401, "invalid_refresh_token");
    // ...which kills r2, the legitimate successor, too, and the access tokens of that login.
    let after = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r2}))
        .await;
    after.problem(401, "invalid_refresh_token");
    for access in [&first["access_token"], &second.body["access_token"]] {
        app.get("/api/v1/me", access.as_str())
            .await
            .problem(401, "invalid_token");
    }
    assert_eq!(
        app.get("/api/v1/me", other_login["access_token"].as_str())
            .await
            .status,
        200,
        "another login of the same account goes on"
    );
    // A separate login is a separate family and survives.
    let other = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": other_login["refresh_token"]}),
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.text);
}

#[tokio::test]
async fn unknown_refresh_token_is_refused() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": "made-up-token"}),
        )
        .await;
    r.problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn logout_ends_the_refresh_family() {
    let app = spawn_app().await;
    let tokens = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    let r = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(r.status, 204);
    let again = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    again.problem(401, "invalid_refresh_token");
    // Its access token ends with it.
    app.get("/api/v1/me", tokens["access_token"].as_str())
        .await
        .problem(401, "invalid_token");
    // Logging out twice is harmless.
    let twice = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(twice.status, 204);
}

#[tokio::test]
async fn changing_my_password_ends_every_earlier_token() {
    let app = spawn_app().await;
    let staff = app.staff("technician").await;
    let session = app.login_ok(&staff.email, &staff.password).await;

    let r = app
        .put(
            "/api/v1/me/password",
            Some(&staff.token),
            json!({"current_password": staff.password, "new_password": "Một mật khẩu mới dài"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);

    app.get("/api/v1/me", Some(&staff.token))
        .await
        .problem(401, "invalid_token");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": session["refresh_token"]}),
    )
    .await
    .problem(401, "invalid_refresh_token");
    app.login(&staff.email, &staff.password)
        .await
        .problem(401, "invalid_credentials");
    app.login_ok(&staff.email, "Một mật khẩu mới dài").await;
    assert_eq!(app.count_audit("user.password", &staff.id), 1);
}

#[tokio::test]
async fn changing_my_password_checks_the_current_one_and_the_policy() {
    let app = spawn_app().await;
    let staff = app.staff("contributor").await;
    let wrong = app
        .put(
            "/api/v1/me/password",
            Some(&staff.token),
            json!({"current_password": "wrong password", "new_password": "Một mật khẩu mới dài"}),
        )
        .await;
    wrong.problem(422, "validation_failed");
    assert_eq!(wrong.field_errors(), vec!["current_password:incorrect"]);

    for (new, code) in [
        ("ngắn", "length"),
        ("password123", "common_password"),
        ("matkhau123", "common_password"),
    ] {
        let r = app
            .put(
                "/api/v1/me/password",
                Some(&staff.token),
                json!({"current_password": staff.password, "new_password": new}),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), vec![format!("new_password:{code}")]);
    }
    // Nothing changed: the old password and token still work.
    assert_eq!(app.get("/api/v1/me", Some(&staff.token)).await.status, 200);
    app.login_ok(&staff.email, &staff.password).await;
}

#[tokio::test]
async fn a_64_character_password_is_accepted() {
    let app = spawn_app().await;
    let long = "Trường Tiểu học số 1 Mường Mươn, huyện Mường Chà, tỉnh Điện Biên";
    assert!(long.chars().count() >= 64);
    let r = app
        .post(
            "/api/v1/users",
            Some(&app.principal_token),
            json!({"email": "dai@ths01muongmuon.edu.vn", "display_name": "Dài", "password": long, "role": "contributor"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.login_ok("dai@ths01muongmuon.edu.vn", long).await;
}

#[tokio::test]
async fn role_change_and_disabling_end_earlier_tokens_at_once() {
    let app = spawn_app().await;
    let a = app.staff("contributor").await;
    let b = app.staff("contributor").await;
    let path_a = format!("/api/v1/users/{}", a.id);
    let r = app
        .patch(
            &path_a,
            Some(&app.principal_token),
            json!({"role": "technician"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.get("/api/v1/me", Some(&a.token))
        .await
        .problem(401, "invalid_token");
    let fresh = app.login_ok(&a.email, &a.password).await;
    assert_eq!(
        claims_of(fresh["access_token"].as_str().unwrap())["role"],
        "technician"
    );

    let path_b = format!("/api/v1/users/{}", b.id);
    let b_session = app.login_ok(&b.email, &b.password).await;
    app.patch(
        &path_b,
        Some(&app.principal_token),
        json!({"disabled": true}),
    )
    .await;
    app.get("/api/v1/me", Some(&b.token))
        .await
        .problem(401, "invalid_token");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": b_session["refresh_token"]}),
    )
    .await
    .problem(401, "invalid_refresh_token");
    // Re-enabled, the account logs in again.
    app.patch(
        &path_b,
        Some(&app.principal_token),
        json!({"disabled": false}),
    )
    .await;
    app.login_ok(&b.email, &b.password).await;
}

#[tokio::test]
async fn login_is_limited_per_account() {
    let app = spawn_app_with(&[("TTDT_LOGIN_RATE_ACCOUNT", "3")]).await;
    // spawn_app already logged the principal in once.
    for _ in 0..2 {
        app.login(PRINCIPAL_EMAIL, "wrong password")
            .await
            .problem(401, "invalid_credentials");
    }
    let limited = app.login(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    limited.problem(429, "rate_limited");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another account from the same address is not affected.
    app.login("someone@ths01muongmuon.edu.vn", "wrong password")
        .await
        .problem(401, "invalid_credentials");
}

#[tokio::test]
async fn login_is_limited_per_address_and_forwarded_for_is_not_trusted_by_default() {
    let app = spawn_app_with(&[("TTDT_LOGIN_RATE_ADDRESS", "4")]).await;
    for i in 0..3 {
        let r = app
            .call_with(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": format!("u{i}@x.vn"), "password": "wrong password"})),
                &[("X-Forwarded-For", &format!("203.0.113.{i}"))],
            )
            .await;
        r.problem(401, "invalid_credentials");
    }
    let r = app.login("u9@x.vn", "wrong password").await;
    r.problem(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
}

#[tokio::test]
async fn a_login_flood_does_not_starve_readers() {
    let app = spawn_app_with(&[
        ("TTDT_PASSWORD_HASH_CONCURRENCY", "1"),
        ("TTDT_WORKERS", "2"),
    ])
    .await;
    let logins: Vec<_> = (0..12)
        .map(|i| {
            app.login(
                if i % 2 == 0 {
                    PRINCIPAL_EMAIL
                } else {
                    "x@y.vn"
                },
                "wrong password",
            )
        })
        .collect();
    let flood = futures::future::join_all(logins);
    let reads = async {
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(app.get("/api/v1/categories", None).await.status.as_u16());
        }
        statuses
    };
    let (results, statuses) = tokio::join!(flood, reads);
    assert!(results.iter().all(|r| r.status == 401 || r.status == 429));
    assert_eq!(statuses, vec![200; 5]);
}
