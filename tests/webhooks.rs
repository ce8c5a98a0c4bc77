//! Webhooks to a receiver on loopback: signed, queued with the change and sent after it,
//! retried until the receiver is up, in order, logged and replayable; a failing receiver
//! disables its subscription; internal targets are refused; the documented verification
//! (Python and JavaScript, run as written) accepts real messages and refuses forged and old
//! ones.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// A message as the receiver got it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on loopback that records what it gets and answers `status`.
struct Receiver {
    seen: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    fn start(port: u16) -> Receiver {
        let seen: Arc<Mutex<Vec<Received>>> = Default::default();
        let status = Arc::new(AtomicU16::new(204));
        let (s, st) = (seen.clone(), status.clone());
        let server = HttpServer::new(move || {
            let (s, st) = (s.clone(), st.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (s, st) = (s.clone(), st.clone());
                async move {
                    let header = |n: &str| {
                        req.headers()
                            .get(n)
                            .map(|v| v.to_str().unwrap().to_owned())
                            .unwrap_or_default()
                    };
                    s.lock().unwrap().push(Received {
                        path: req.path().to_owned(),
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body: body.to_vec(),
                    });
                    let code = st.load(Ordering::SeqCst);
                    let mut answer =
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap());
                    if code == 302 {
                        answer.insert_header(("location", "/elsewhere"));
                    }
                    answer.finish()
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", port))
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            seen,
            status,
            handle,
        }
    }

    fn messages(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{n} messages expected, got {:?}", self.messages());
    }
}

/// The documented check, as a receiver in Rust would write it.
fn verify(secret: &str, m: &Received, now: i64) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let Ok(ts) = m.timestamp.parse::<i64>() else {
        return false;
    };
    if (now - ts).abs() > 300 {
        return false;
    }
    let key = engine
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", m.id, m.timestamp).as_bytes());
    mac.update(&m.body);
    let expected = engine.encode(mac.finalize().into_bytes());
    m.signature
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

/// Runs the docs' sample in `language` (`python` or `js`) on a message; its answer.
fn documented_check(language: &str, secret: &str, m: &Received, now: i64) -> bool {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sync.md")).unwrap();
    let fence = format!("```{language}\n");
    let start = page.find(&fence).expect("the sample is in docs/sync.md") + fence.len();
    let sample = &page[start..start + page[start..].find("```").unwrap()];
    let input = json!({
        "secret": secret, "id": m.id, "timestamp": m.timestamp, "signature": m.signature,
        "body": String::from_utf8(m.body.clone()).unwrap(), "now": now,
    })
    .to_string();
    let (program, driver) = match language {
        "python" => (
            "python3",
            "\nimport json, sys\nm = json.load(sys.stdin)\nprint(verify(m['secret'], m['id'], m['timestamp'], m['signature'], m['body'].encode(), now=m['now']))\n",
        ),
        _ => (
            "node",
            "\nlet s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => {\n  const m = JSON.parse(s);\n  console.log(verify(m.secret, m.id, m.timestamp, m.signature, Buffer.from(m.body), 300, m.now) ? 'True' : 'False');\n});\n",
        ),
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir
        .path()
        .join(if language == "python" { "v.py" } else { "v.js" });
    std::fs::write(&file, format!("{sample}{driver}")).unwrap();
    use std::io::Write;
    let mut child = std::process::Command::new(program)
        .arg(&file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{language} sample failed");
    match String::from_utf8_lossy(&out.stdout).trim() {
        "True" => true,
        "False" => false,
        other => panic!("{language} sample printed {other:?}"),
    }
}

/// An app that may send to loopback, retrying after a second.
async fn hooked_app(extra: &[(&str, &str)]) -> (TestApp, Staff) {
    let mut vars = vec![
        ("TTDT_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8"),
        ("TTDT_WEBHOOK_RETRY_SECONDS", "1"),
    ];
    vars.extend_from_slice(extra);
    let app = spawn_app_with(&vars).await;
    let chief = app.staff("editor_in_chief").await;
    (app, chief)
}

async fn subscribe(app: &TestApp, token: &str, port: u16, events: Value) -> (String, String) {
    let r = app
        .post(
            "/api/v1/webhooks",
            Some(token),
            json!({"url": format!("http://127.0.0.1:{port}/hooks/ttdt"), "events": events,
                   "description": "Cổng Phòng GD&ĐT"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.body["id"].as_str().unwrap().to_owned(),
        r.body["secret"].as_str().unwrap().to_owned(),
    )
}

/// An article published, edited and republished, then withdrawn: three public changes.
async fn article_story(app: &TestApp, chief: &Staff) -> String {
    let news = app.category("Tin tức", "news").await;
    let a = app
        .create_article(&chief.token, &news, "Ngày hội đọc sách", json!({}))
        .await;
    app.publish_as(&chief.token, &a.id).await;
    let etag = app.etag_of(&chief.token, &a.id).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", a.id),
            Some(&chief.token),
            Some(json!({"summary": "Đã cập nhật"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.publish_as(&chief.token, &a.id).await;
    let etag = app.etag_of(&chief.token, &a.id).await;
    let r = app
        .step(&chief.token, &a.id, &etag, "unpublish", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    a.id
}

#[tokio::test]
async fn messages_wait_for_the_receiver_arrive_signed_in_order_and_replay() {
    let (app, chief) = hooked_app(&[]).await;
    let port = free_port();
    let (hook, secret) = subscribe(&app, &chief.token, port, json!(["article.*"])).await;
    assert!(secret.starts_with("whsec_"));
    // Nobody listens yet: every attempt fails and is logged.
    let id = article_story(&app, &chief).await;
    let links = app.category("Liên kết", "links").await;
    let r = app
        .post(
            "/api/v1/links",
            Some(&chief.token),
            json!({"title": "Bộ GD&ĐT", "url": "https://moet.gov.vn", "group": "central", "category_id": links}),
        )
        .await;
    let link = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .call_with(
            Method::POST,
            &format!("/api/v1/links/{link}/publish"),
            Some(&chief.token),
            None,
            &[("If-Match", r.header("etag").unwrap())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries"),
            Some(&chief.token),
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "article changes only: {}", log.text);
    assert!(items.iter().all(|d| d["status"] == "pending"));
    let first = items.last().unwrap()["id"].as_str().unwrap().to_owned();
    let d = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries/{first}"),
            Some(&chief.token),
        )
        .await;
    assert!(d.body["attempts"].as_i64().unwrap() >= 1, "{}", d.text);
    assert!(
        d.body["log"][0]["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{}",
        d.text
    );
    // Only the first is tried while it fails: the others wait their turn.
    assert!(
        items[..2].iter().all(|d| d["attempts"] == 0),
        "{}",
        log.text
    );

    let receiver = Receiver::start(port);
    let got = receiver.wait_for(3).await;
    let types: Vec<String> = got
        .iter()
        .map(|m| m.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "article.published",
            "article.updated",
            "article.unpublished"
        ]
    );
    let now = chrono::Utc::now().timestamp();
    for m in &got {
        assert_eq!(m.path, "/hooks/ttdt");
        assert!(verify(&secret, m, now), "{m:?}");
        let data = &m.json()["data"];
        assert_eq!(data["id"], id.as_str());
        assert_eq!(data["kind"], "article");
        assert_eq!(data["url"], format!("/api/v1/articles/{id}"));
    }
    let seqs: Vec<i64> = got
        .iter()
        .map(|m| m.json()["data"]["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), 3);

    // The documented check, in both languages: the real message passes; a forged body, a
    // signature with another secret, and an old capture replayed do not.
    let m = &got[0];
    let mut forged = m.clone();
    forged.body = m
        .body
        .iter()
        .map(|b| if *b == b'3' { b'4' } else { *b })
        .collect();
    let mut other_secret = m.clone();
    other_secret.signature = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    for language in ["python", "js"] {
        assert!(documented_check(language, &secret, m, now), "{language}");
        assert!(
            !documented_check(language, &secret, &forged, now),
            "{language}: forged"
        );
        assert!(
            !documented_check(language, &secret, &other_secret, now),
            "{language}"
        );
        assert!(
            !documented_check(language, &secret, m, now + 3600),
            "{language}: replayed an hour later"
        );
    }
    assert!(!verify(&secret, &forged, now));

    // Delivered, with the failed attempts in the log; a replay sends the same message again.
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries?status=delivered"),
            Some(&chief.token),
        )
        .await;
    assert_eq!(
        log.body["items"].as_array().unwrap().len(),
        3,
        "{}",
        log.text
    );
    let d = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries/{first}"),
            Some(&chief.token),
        )
        .await;
    let attempts = d.body["log"].as_array().unwrap();
    assert_eq!(attempts.last().unwrap()["status"], 204);
    assert!(attempts.len() >= 2, "{}", d.text);
    let r = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{first}/replay"),
            Some(&chief.token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let again = receiver.wait_for(4).await;
    assert_eq!(again[3].id, got[0].id, "a replay keeps the webhook-id");
    assert_eq!(again[3].body, got[0].body);
    assert!(verify(&secret, &again[3], chrono::Utc::now().timestamp()));
    assert_eq!(app.count_audit("webhook.replay", &hook), 1);
    receiver.handle.stop(false).await;
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_disabled_its_maker_told_and_redirects_are_not_followed() {
    let (app, chief) = hooked_app(&[("TTDT_WEBHOOK_MAX_FAILURES", "3")]).await;
    let port = free_port();
    let receiver = Receiver::start(port);
    receiver.status.store(302, Ordering::SeqCst);
    let (hook, secret) = subscribe(&app, &chief.token, port, json!(["*"])).await;
    article_story(&app, &chief).await;
    for _ in 0..200 {
        let r = app
            .get(&format!("/api/v1/webhooks/{hook}"), Some(&chief.token))
            .await;
        if r.body["enabled"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let r = app
        .get(&format!("/api/v1/webhooks/{hook}"), Some(&chief.token))
        .await;
    assert_eq!(r.body["enabled"], false, "{}", r.text);
    assert_eq!(r.body["failures"], 3);
    assert!(
        r.body["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 302"),
        "{}",
        r.text
    );
    let seen = receiver.messages();
    assert_eq!(seen.len(), 3, "three attempts of the first message");
    assert!(
        seen.iter().all(|m| m.path == "/hooks/ttdt"),
        "the redirect was not followed"
    );
    assert!(seen.iter().all(|m| m.id == seen[0].id));
    assert_eq!(app.count_audit("webhook.disabled", &hook), 1);
    let notice: Vec<(String, String)> = {
        use diesel::prelude::*;
        use ttdt::db::schema::mail_outbox;
        let mut conn = app.pool.get().unwrap();
        mail_outbox::table
            .filter(mail_outbox::purpose.eq("notice"))
            .select((mail_outbox::recipient, mail_outbox::body))
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0].0, chief.email);
    assert!(notice[0].1.contains(&format!("127.0.0.1:{port}")));
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries/{}", {
                let l = app
                    .get(
                        &format!("/api/v1/webhooks/{hook}/deliveries"),
                        Some(&chief.token),
                    )
                    .await;
                l.body["items"].as_array().unwrap().last().unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }),
            Some(&chief.token),
        )
        .await;
    assert!(
        log.body["last_error"]
            .as_str()
            .unwrap()
            .contains("/elsewhere"),
        "{}",
        log.text
    );

    // Fixed and enabled again: every pending message goes out, in order.
    receiver.status.store(200, Ordering::SeqCst);
    let r = app
        .patch(
            &format!("/api/v1/webhooks/{hook}"),
            Some(&chief.token),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["failures"], 0);
    let got = receiver.wait_for(3 + 3).await;
    let types: Vec<String> = got[3..]
        .iter()
        .map(|m| m.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "article.published",
            "article.updated",
            "article.unpublished"
        ]
    );
    assert!(
        got.iter()
            .all(|m| verify(&secret, m, chrono::Utc::now().timestamp()))
    );
    receiver.handle.stop(false).await;
}

#[tokio::test]
async fn internal_targets_are_refused_and_only_the_chief_and_technicians_manage_webhooks() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    for (url, code) in [
        ("http://127.0.0.1:9/hook", "private_address"),
        ("http://localhost:9/hook", "private_address"),
        ("http://169.254.169.254/latest/meta-data", "private_address"),
        ("http://[::1]/hook", "private_address"),
        ("http://10.0.0.5/hook", "private_address"),
        ("ftp://pgd.muongcha.edu.vn/", "invalid_url"),
        ("https://user:pass@pgd.muongcha.edu.vn/", "invalid_url"),
        ("not a url", "invalid_url"),
    ] {
        let r = app
            .post(
                "/api/v1/webhooks",
                Some(&chief.token),
                json!({ "url": url }),
            )
            .await;
        assert_eq!(r.status, 422, "{url}: {}", r.text);
        assert_eq!(r.body["errors"][0]["code"], code, "{url}: {}", r.text);
    }
    let r = app
        .post(
            "/api/v1/webhooks",
            Some(&chief.token),
            json!({"url": "http://127.0.0.1:9/x", "events": ["article.drafted"]}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app.get("/api/v1/webhooks", Some(&chief.token)).await;
    assert_eq!(r.body["items"], json!([]), "nothing was stored");

    for role in ["principal", "deputy_editor", "contributor"] {
        let token = if role == "principal" {
            app.principal_token.clone()
        } else {
            app.staff(role).await.token
        };
        app.get("/api/v1/webhooks", Some(&token))
            .await
            .problem(403, "forbidden");
        app.post(
            "/api/v1/webhooks",
            Some(&token),
            json!({"url": "https://pgd.muongcha.edu.vn/h"}),
        )
        .await
        .problem(403, "forbidden");
    }
    let key = {
        let r = app
            .post(
                "/api/v1/api-keys",
                Some(&chief.token),
                json!({"name": "Phòng GD&ĐT"}),
            )
            .await;
        r.body["key"].as_str().unwrap().to_owned()
    };
    app.get("/api/v1/webhooks", Some(&key))
        .await
        .problem(403, "api_key_not_staff");
    app.get("/api/v1/webhooks/nope", Some(&chief.token))
        .await
        .problem(404, "not_found");
    app.get("/api/v1/webhooks/nope/deliveries", Some(&chief.token))
        .await
        .problem(404, "not_found");
}
