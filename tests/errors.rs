//! The problem+json shape of every kind of error, in both languages.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use ttdt::db::{DatabaseUrl, DbManager};
use ttdt::error::ApiError;

use crate::helpers::*;

#[tokio::test]
async fn errors_are_vietnamese_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let vi = app.get("/api/v1/khong-co", None).await;
    vi.problem(404, "not_found");
    assert_eq!(vi.header("content-language"), Some("vi"));
    assert_eq!(vi.body["title"], "Không tìm thấy");

    for accept in ["en", "en-US,en;q=0.9", "vi;q=0.5, en;q=0.8"] {
        let en = app
            .call_with(
                Method::GET,
                "/api/v1/khong-co",
                None,
                None,
                &[("Accept-Language", accept)],
            )
            .await;
        en.problem(404, "not_found");
        assert_eq!(en.header("content-language"), Some("en"), "{accept}");
        assert_eq!(en.body["title"], "Not found");
        assert_eq!(en.body["detail"], "The requested resource was not found.");
    }
    let fr = app
        .call_with(
            Method::GET,
            "/api/v1/khong-co",
            None,
            None,
            &[("Accept-Language", "fr")],
        )
        .await;
    assert_eq!(fr.header("content-language"), Some("vi"));
}

#[tokio::test]
async fn field_errors_are_translated_too() {
    let app = spawn_app().await;
    let body = json!({"email": "not-an-email", "display_name": "", "password": STAFF_PASSWORD, "role": "contributor"});
    let vi = app
        .post("/api/v1/users", Some(&app.principal_token), body.clone())
        .await;
    vi.problem(422, "validation_failed");
    assert_eq!(
        vi.field_errors(),
        vec!["display_name:length", "email:email"]
    );
    assert_eq!(
        vi.body["errors"][1]["message"],
        "Địa chỉ e-mail không hợp lệ."
    );
    let en = app
        .call_with(
            Method::POST,
            "/api/v1/users",
            Some(&app.principal_token),
            Some(body),
            &[("Accept-Language", "en")],
        )
        .await;
    assert_eq!(
        en.body["errors"][1]["message"],
        "Not a valid e-mail address."
    );
}

#[tokio::test]
async fn malformed_bodies_are_400_problems() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "malformed_json");

    let missing = app
        .post("/api/v1/auth/login", None, json!({"email": "a@b.vn"}))
        .await;
    missing.problem(400, "malformed_json");
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_413_and_changes_nothing() {
    let app = spawn_app().await;
    let huge = "a".repeat(3 * 1024 * 1024);
    let r = app
        .post(
            "/api/v1/users",
            Some(&app.principal_token),
            json!({"email": "big@x.vn", "display_name": huge, "password": STAFF_PASSWORD, "role": "contributor"}),
        )
        .await;
    r.problem(413, "payload_too_large");
    assert_eq!(app.login("big@x.vn", STAFF_PASSWORD).await.status, 401);
}

#[tokio::test]
async fn nul_in_text_is_a_validation_error_not_a_server_error() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&app.principal_token),
            json!({"email": "nul@x.vn", "display_name": "A\u{0}B", "password": STAFF_PASSWORD, "role": "contributor"}),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), vec!["display_name:nul_character"]);
    let login = app.login("a\u{0}@x.vn", "x\u{0}y").await;
    assert!(login.status == 401 || login.status == 422, "{}", login.text);
}

#[tokio::test]
async fn a_dead_database_is_503_within_seconds_not_a_hang() {
    // A pool pointed at a port where nothing listens, as when the database is down.
    let pool = r2d2::Pool::builder()
        .connection_timeout(Duration::from_secs(2))
        .build_unchecked(DbManager::new(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1:9/ttdt").unwrap(),
        ));
    let started = Instant::now();
    let err = ApiError::from(pool.get().err().expect("no database there"));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status().as_u16(), 503);
    assert_eq!(err.code(), "service_unavailable");
    let problem = err.problem(ttdt::error::Lang::En);
    assert!(
        !problem.detail.contains("127.0.0.1"),
        "no internals leak: {}",
        problem.detail
    );
}

#[tokio::test]
async fn requests_get_503_when_no_connection_can_be_had() {
    let app = spawn_app_with(&[("TTDT_DB_POOL_TIMEOUT", "1"), ("TTDT_DB_POOL_SIZE", "1")]).await;
    // Another process (here: the test) holds the pool's only connection.
    let held = app.pool.get().unwrap();
    let started = Instant::now();
    let r = app.get("/api/v1/categories", None).await;
    r.problem(503, "service_unavailable");
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(held);
    assert_eq!(app.get("/api/v1/categories", None).await.status, 200);
}

#[tokio::test]
async fn requests_get_503_when_postgresql_goes_away_and_recover() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        return; // SQLite lives in the process: it cannot go away like a server.
    }
    let app = spawn_app_with(&[("TTDT_DB_POOL_TIMEOUT", "1")]).await;
    let crate::helpers::TestDb::Postgres { admin_url, name } = &app.db else {
        unreachable!("TEST_DATABASE_URL is set")
    };
    use diesel::prelude::*;
    let mut admin = diesel::PgConnection::establish(admin_url).unwrap();
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(&mut admin)
    .unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        let r = app.get("/api/v1/categories", None).await;
        r.problem(503, "service_unavailable");
        assert!(r.header("retry-after").is_some());
        assert!(!r.text.to_lowercase().contains("postgres"), "{}", r.text);
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    // It comes back by itself once the database does.
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .unwrap();
    let mut ok = false;
    for _ in 0..20 {
        if app.get("/api/v1/categories", None).await.status == 200 {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ok, "the service recovers when the database returns");
}

#[tokio::test]
async fn concurrent_writes_wait_for_each_other_instead_of_failing() {
    // Two workers, several pooled connections: on SQLite, deferred transactions that read then
    // write used to fail at once with "database is locked" (a 503) when they met.
    let app = spawn_app_with(&[("TTDT_WORKERS", "2"), ("TTDT_DB_POOL_SIZE", "4")]).await;
    let dept = app.department("Văn phòng").await;
    let token = app.principal_token.clone();
    let writes = (0..24).map(|i| {
        let (app, token, dept) = (&app, &token, &dept);
        async move {
            if i % 2 == 0 {
                app.post(
                    "/api/v1/departments",
                    Some(token),
                    json!({"name": format!("Tổ {i}")}),
                )
                .await
                .status
            } else {
                app.patch(
                    &format!("/api/v1/departments/{dept}"),
                    Some(token),
                    json!({"email": format!("vp{i}@x.vn")}),
                )
                .await
                .status
            }
        }
    });
    let statuses: Vec<u16> = futures::future::join_all(writes)
        .await
        .iter()
        .map(|s| s.as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 201),
        "{statuses:?}"
    );
    let list = app.get("/api/v1/departments?limit=100", Some(&token)).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 13);
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = spawn_app().await;
    let t = Some(app.principal_token.as_str());
    let r = app
        .call(Method::PUT, "/api/v1/articles", t, Some(json!({})))
        .await;
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET, POST"));
    let r = app
        .call(Method::DELETE, "/api/v1/users/0193-anything", t, None)
        .await;
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET, PATCH"));
    let r = app.call(Method::POST, "/healthz", None, None).await;
    assert_eq!(r.header("allow"), Some("GET"));
    // A path nobody serves is still 404, whatever the method.
    app.call(Method::DELETE, "/api/v1/khong-co/1", t, None)
        .await
        .problem(404, "not_found");
    app.call(Method::GET, "/api/v1/users/a/b/c", t, None)
        .await
        .problem(404, "not_found");
}

/// Every operation of the spec that takes a body, as `(method, path with ids filled in,
/// content type)`.
fn body_operations() -> Vec<(Method, String, String)> {
    let spec: serde_json::Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(content) = op["requestBody"]["content"].as_object() else {
                continue;
            };
            let filled: String = path
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        if s == "{number}" {
                            "1"
                        } else {
                            "0194f7a0-0000-7000-8000-000000000000"
                        }
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for content_type in content.keys() {
                ops.push((method.clone(), filled.clone(), content_type.clone()));
            }
        }
    }
    assert!(
        ops.len() >= 20,
        "the spec lists the body-taking operations: {ops:?}"
    );
    ops
}

#[tokio::test]
async fn every_body_is_limited_typed_and_parsed_with_problem_answers() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let send = |method: Method, path: String, content_type: &str, body: Vec<u8>| {
        let req = app
            .client
            .request(method, format!("{}{path}", app.address))
            .bearer_auth(&chief.token)
            .header("If-Match", "\"v1\"")
            .header("Content-Type", content_type)
            .body(body);
        async move { Resp::read(req.send().await.expect("sent")).await }
    };
    let oversized = {
        let mut b = b"{\"title\": \"".to_vec();
        b.resize(2 * 1024 * 1024 + 1, b'a');
        b
    };
    for (method, path, content_type) in body_operations() {
        let at = format!("{method} {path}");
        if content_type == "multipart/form-data" {
            let r = send(method, path, "application/json", b"{}".to_vec()).await;
            assert_eq!(r.status, 415, "{at}: {}", r.text);
            r.problem(415, "multipart_required");
            continue;
        }
        assert_eq!(content_type, "application/json", "{at}");
        let r = send(
            method.clone(),
            path.clone(),
            "application/json",
            oversized.clone(),
        )
        .await;
        assert_eq!(r.status, 413, "{at}: {}", r.text);
        r.problem(413, "payload_too_large");
        let r = send(method.clone(), path.clone(), "text/plain", b"{}".to_vec()).await;
        assert_eq!(r.status, 415, "{at}: {}", r.text);
        r.problem(415, "unsupported_media_type");
        let r = send(
            method.clone(),
            path.clone(),
            "application/json",
            b"{\"a\": ".to_vec(),
        )
        .await;
        assert_eq!(r.status, 400, "{at}: {}", r.text);
        r.problem(400, "malformed_json");
        let r = send(
            method,
            path,
            "application/json",
            br#"{"x": "a\u0000b"}"#.to_vec(),
        )
        .await;
        assert_eq!(r.status, 422, "{at}: {}", r.text);
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), vec!["x:nul_character"], "{at}");
    }
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_413_too() {
    // No Content-Length: the limit is enforced while reading.
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let chunks = (0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let res = app
        .client
        .post(format!("{}/api/v1/articles/x/submit", app.address))
        .bearer_auth(&chief.token)
        .header("If-Match", "\"v1\"")
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    Resp::read(res).await.problem(413, "payload_too_large");
}

#[tokio::test]
async fn the_legacy_converter_refuses_nul_like_every_text_field() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/text/convert-legacy",
            Some(&app.principal_token),
            json!({ "text": "Tr\u{0}\u{AD}êng" }),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), vec!["text:nul_character"]);
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    use crate::media::{file, png, upload};
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let image = upload(
        &app,
        Some(&chief.token),
        &[file("a.png", None, png(40, 30))],
    )
    .await;
    assert_eq!(image.status, 201, "{}", image.text);
    let image_file = format!("/api/v1/media/{}/file", image.body["id"].as_str().unwrap());
    let answers = [
        ("json", app.get("/api/v1/categories", None).await),
        ("problem", app.get("/api/v1/khong-co", None).await),
        (
            "staff json",
            app.get("/api/v1/me", Some(&chief.token)).await,
        ),
        ("health", app.get("/healthz", None).await),
        ("spec", app.get("/api/v1/openapi.json", None).await),
        ("docs", app.get("/docs/", None).await),
        (
            "docs script",
            app.get("/docs/swagger-ui-bundle.js", None).await,
        ),
        ("media file", app.get(&image_file, Some(&chief.token)).await),
    ];
    for (what, r) in &answers {
        assert!(r.status.as_u16() < 500, "{what}: {}", r.status);
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        match *what {
            "docs" | "docs script" => {
                // Swagger UI runs from our own files: scripts from this origin only, no inline
                // or remote script, the spec fetched from here.
                assert!(
                    csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
                    "{csp}"
                );
                assert!(csp.contains("connect-src 'self'"), "{csp}");
            }
            "media file" => {}
            _ => assert!(csp.starts_with("default-src 'none'"), "{what}: {csp}"),
        }
    }
    assert_eq!(answers[5].1.status, 200);
    assert!(answers[5].1.text.contains("swagger-ui-bundle.js"));
}

/// A fresh PostgreSQL database reached through a gate, and the app's URL for it; `None` on
/// SQLite, which lives in the process and cannot go away like a server.
fn postgres_behind_a_gate() -> Option<(TestDb, TcpGate, String)> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let (db, url) = TestDb::create();
    let mut gated = url::Url::parse(&url).unwrap();
    let target = (
        gated.host_str().unwrap().to_owned(),
        gated.port().unwrap_or(5432),
    );
    let target = std::net::ToSocketAddrs::to_socket_addrs(&target)
        .unwrap()
        .next()
        .unwrap();
    let gate = TcpGate::closed(target);
    gated.set_host(Some("127.0.0.1")).unwrap();
    gated.set_port(Some(gate.port)).unwrap();
    Some((db, gate, gated.to_string()))
}

async fn wait_until_ready(app: &TestApp) -> bool {
    for _ in 0..100 {
        if app.get("/readyz", None).await.status == 200 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_service_starts_while_postgresql_is_down_and_serves_once_it_answers() {
    let Some((_db, gate, url)) = postgres_behind_a_gate() else {
        return; // PostgreSQL only.
    };
    let app = start_app(&[("TTDT_DATABASE_URL", &url)]).await;
    assert_eq!(app.get("/healthz", None).await.status, 200);
    app.get("/readyz", None)
        .await
        .problem(503, "service_unavailable");
    for path in ["/api/v1/articles", "/api/v1/categories"] {
        let started = Instant::now();
        let r = app.get(path, None).await;
        r.problem(503, "service_unavailable");
        assert!(r.header("retry-after").is_some());
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "at once, not after a pool wait"
        );
    }
    let login = app.login(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    login.problem(503, "service_unavailable");

    gate.open();
    assert!(
        wait_until_ready(&app).await,
        "ready once the database answers"
    );
    // Migrations ran and the first principal was created then.
    app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await;
    assert_eq!(app.get("/api/v1/categories", None).await.status, 200);
}

#[tokio::test]
async fn while_postgresql_is_down_requests_fail_fast_and_recover() {
    let Some((_db, gate, url)) = postgres_behind_a_gate() else {
        return; // PostgreSQL only.
    };
    gate.open();
    // A long pool timeout: answers that come quicker did not wait for it.
    let app = spawn_app_with(&[
        ("TTDT_DATABASE_URL", &url),
        ("TTDT_DB_POOL_TIMEOUT", "10"),
        ("TTDT_WORKERS", "2"),
    ])
    .await;
    assert_eq!(app.get("/api/v1/categories", None).await.status, 200);
    gate.close();
    let started = Instant::now();
    let answers =
        futures::future::join_all((0..12).map(|_| app.get("/api/v1/categories", None))).await;
    for r in &answers {
        r.problem(503, "service_unavailable");
        assert!(r.header("retry-after").is_some());
    }
    let all_answered = started.elapsed();
    assert!(all_answered < Duration::from_secs(5), "{all_answered:?}");
    let again = Instant::now();
    app.get("/api/v1/categories", None)
        .await
        .problem(503, "service_unavailable");
    assert!(
        again.elapsed() < Duration::from_secs(1),
        "{:?}",
        again.elapsed()
    );

    gate.open();
    assert!(
        wait_until_ready(&app).await,
        "the service recovers by itself"
    );
    assert_eq!(app.get("/api/v1/categories", None).await.status, 200);
}

#[tokio::test]
async fn the_docs_page_calls_nothing_outside() {
    let app = spawn_app().await;
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(init.status, 200);
    assert!(
        init.text.contains("\"validatorUrl\": \"none\""),
        "{}",
        init.text
    );
    assert!(init.text.contains("/api/v1/openapi.json"));
    let page = app.get("/docs/", None).await;
    for text in [&init.text, &page.text] {
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn null_is_honoured_where_the_spec_allows_it_and_refused_elsewhere() {
    // A `null` the spec does not allow must not be read as "leave it as it is".
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let spec: serde_json::Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut checked = 0;
    for (method, path, content_type) in body_operations() {
        if content_type != "application/json" {
            continue;
        }
        let template = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(t, _)| {
                t.split('/').count() == path.split('/').count()
                    && t.split('/')
                        .zip(path.split('/'))
                        .all(|(a, b)| a == b || a.starts_with('{'))
            })
            .unwrap()
            .1;
        let op = &template[method.as_str().to_lowercase()];
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        // An optional body is `oneOf` the request and null.
        let schema_ref = body["$ref"]
            .as_str()
            .or_else(|| body["oneOf"][0]["$ref"].as_str())
            .unwrap();
        let schema = &schemas[schema_ref.rsplit('/').next().unwrap()];
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        for (name, prop) in schema["properties"].as_object().unwrap() {
            let nullable = prop["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "null"))
                || prop["oneOf"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|s| s["type"] == "null"));
            if nullable || required.contains(&name.as_str()) {
                continue;
            }
            let r = app
                .call_with(
                    method.clone(),
                    &path,
                    Some(&chief.token),
                    Some(json!({ name: null })),
                    &[("If-Match", "\"v1\"")],
                )
                .await;
            assert_eq!(
                r.status, 400,
                "{method} {path} {{\"{name}\": null}}: {}",
                r.text
            );
            r.problem(400, "malformed_json");
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked}");
    // And a step's optional body may be `null` itself, as the spec says.
    let news = app.category("Tin tức", "news").await;
    let d = app
        .create_article(&chief.token, &news, "Thông báo", json!({}))
        .await;
    let r = app
        .call_with(
            Method::POST,
            &format!("/api/v1/articles/{}/submit", d.id),
            Some(&chief.token),
            Some(serde_json::Value::Null),
            &[("If-Match", &d.etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
