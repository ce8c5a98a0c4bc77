//! `TestApp`: the real application on a fresh database (a temporary SQLite file, or a new
//! PostgreSQL database when TEST_DATABASE_URL is set), served over real HTTP on a free port.

use std::collections::HashMap;

use diesel::prelude::*;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ttdt::config::Settings;
use ttdt::db::DbPool;
use ttdt::startup::Application;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PRINCIPAL_EMAIL: &str = "hieutruong@ths01muongmuon.edu.vn";
pub const PRINCIPAL_PASSWORD: &str = "Phạm Thị Ngân 2024";
pub const STAFF_PASSWORD: &str = "Bảng tin trường 2024";

/// A port nothing listens on now, for a server a test starts itself.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The PostgreSQL server the suite runs on, if it does (TEST_DATABASE_URL).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A fresh database for one test, removed when the test ends.
pub enum TestDb {
    /// The directory is removed when dropped.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDb {
    /// On the backend the suite runs on: PostgreSQL when TEST_DATABASE_URL is set.
    pub fn create() -> (Self, String) {
        match postgres_admin_url() {
            None => Self::sqlite(),
            Some(admin_url) => Self::postgres(admin_url),
        }
    }

    pub fn sqlite() -> (Self, String) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/ttdt.db", dir.path().display());
        (TestDb::Sqlite(dir), url)
    }

    fn postgres(admin_url: String) -> (Self, String) {
        let name = format!("ttdt_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url)
            .expect("TEST_DATABASE_URL must name a reachable PostgreSQL database");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        (TestDb::Postgres { admin_url, name }, url.to_string())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// An HTTP answer with its body parsed as JSON (or `Null` when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub async fn read(res: reqwest::Response) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The ids of a list's `items`, sorted (for comparing sets of items).
    pub fn sorted_item_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items: {}", self.text))
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// Asserts the RFC 9457 shape and the stable code, and returns the body.
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["type"], format!("urn:ttdt:problem:{code}"));
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(self.body["detail"].as_str().is_some_and(|t| !t.is_empty()));
        &self.body
    }

    /// The codes of per-field errors, as `field:code`.
    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        format!(
                            "{}:{}",
                            e["field"].as_str().unwrap(),
                            e["code"].as_str().unwrap()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct Staff {
    pub id: String,
    pub email: String,
    pub password: String,
    pub token: String,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub db: TestDb,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    pub principal_token: String,
    counter: std::sync::atomic::AtomicUsize,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with extra `TTDT_*` variables (overriding the test defaults).
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    let mut app = start_app(vars).await;
    app.principal_token = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app
}

/// Starts the app without logging in (its database may not answer yet).
pub async fn start_app(vars: &[(&str, &str)]) -> TestApp {
    start_app_on(TestDb::create(), vars).await
}

/// Starts the app on SQLite whatever the suite runs on, logged in as the principal: to
/// compare the two backends.
pub async fn spawn_app_on_sqlite() -> TestApp {
    let mut app = start_app_on(TestDb::sqlite(), &[]).await;
    app.principal_token = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app
}

/// Starts the app with its date-dependent answers read from `clock`, logged in as the
/// principal.
pub async fn spawn_app_at(clock: ttdt::clock::Clock) -> TestApp {
    let mut app = start_app_with_clock(TestDb::create(), &[], clock).await;
    app.principal_token = app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app
}

async fn start_app_on(db: (TestDb, String), vars: &[(&str, &str)]) -> TestApp {
    start_app_with_clock(db, vars, ttdt::clock::Clock::default()).await
}

async fn start_app_with_clock(
    (db, database_url): (TestDb, String),
    vars: &[(&str, &str)],
    clock: ttdt::clock::Clock,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("data dir");
    let mut env: HashMap<String, String> = [
        ("TTDT_DATABASE_URL", database_url.as_str()),
        ("TTDT_BIND", "127.0.0.1:0"),
        ("TTDT_DATA_DIR", &data_dir.path().to_string_lossy()),
        ("TTDT_JWT_SECRET", JWT_SECRET),
        ("TTDT_WORKERS", "1"),
        ("TTDT_DB_POOL_SIZE", "4"),
        ("TTDT_LOGIN_RATE_ACCOUNT", "1000"),
        ("TTDT_LOGIN_RATE_ADDRESS", "1000"),
        ("TTDT_ADMIN_EMAIL", PRINCIPAL_EMAIL),
        ("TTDT_ADMIN_PASSWORD", PRINCIPAL_PASSWORD),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in vars {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("valid test settings");
    settings.clock = clock;
    let app = Application::build(settings)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());
    // Idle connections are dropped before the server's keep-alive (5 s) closes them, or a
    // request after a long pause in a test could go out on a connection being closed.
    let client = reqwest::Client::builder()
        // Tests read what the server sent, compressed or not (the mirror's client decompresses).
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        pool,
        db,
        database_url,
        data_dir,
        principal_token: String::new(),
        counter: Default::default(),
    }
}

/// A TCP relay to PostgreSQL that can be cut and restored, to take the database away from
/// the app (and bring it back) without touching the server other tests use. It runs on its own
/// threads: the app may block its runtime's thread while it connects.
pub struct TcpGate {
    pub port: u16,
    target: std::net::SocketAddr,
    relay: std::sync::Mutex<Option<Relay>>,
}

struct Relay {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    streams: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
    acceptor: std::thread::JoinHandle<()>,
}

impl TcpGate {
    /// A gate on a free port, closed: connections to it are refused.
    pub fn closed(target: std::net::SocketAddr) -> Self {
        let port = free_port();
        TcpGate {
            port,
            target,
            relay: std::sync::Mutex::new(None),
        }
    }

    /// Starts relaying: new connections reach PostgreSQL.
    pub fn open(&self) {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port)).expect("gate port");
        listener.set_nonblocking(true).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let streams = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (target, stop2, streams2) = (self.target, stop.clone(), streams.clone());
        let acceptor = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                let client = match listener.accept() {
                    Ok((client, _)) => client,
                    Err(_) => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        continue;
                    }
                };
                client.set_nonblocking(false).unwrap();
                let Ok(server) = std::net::TcpStream::connect(target) else {
                    continue;
                };
                let mut open = streams2.lock().unwrap();
                open.push(client.try_clone().unwrap());
                open.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        *self.relay.lock().unwrap() = Some(Relay {
            stop,
            streams,
            acceptor,
        });
    }

    /// Stops listening and cuts every relayed connection, as a server that went away.
    pub fn close(&self) {
        if let Some(relay) = self.relay.lock().unwrap().take() {
            relay.stop.store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = relay.acceptor.join();
            for stream in relay.streams.lock().unwrap().iter() {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

impl Drop for TcpGate {
    fn drop(&mut self) {
        self.close();
    }
}

impl TestApp {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let req_method = method.clone();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = Resp::read(req.send().await.expect("request sent")).await;
        conforms_to_spec(&method_name(&req_method), path, &resp);
        resp
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::DELETE, path, token, None).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn login_ok(&self, email: &str, password: &str) -> Value {
        let r = self.login(email, password).await;
        assert_eq!(r.status, 200, "login {email}: {}", r.text);
        r.body
    }

    fn next_email(&self, role: &str) -> String {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        format!("{}.{n}@ths01muongmuon.edu.vn", role.replace('_', "-"))
    }

    /// Creates an account through the API as the principal and logs it in.
    pub async fn staff(&self, role: &str) -> Staff {
        self.staff_with(role, json!({})).await
    }

    pub async fn staff_with(&self, role: &str, extra: Value) -> Staff {
        let email = self.next_email(role);
        let mut body = json!({
            "email": email,
            "display_name": format!("Cán bộ {role}"),
            "password": STAFF_PASSWORD,
            "role": role,
        });
        if role == "department_staff" && extra.get("department_id").is_none() {
            body["department_id"] = json!(self.department("Tổ văn phòng").await);
        }
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = self
            .post("/api/v1/users", Some(&self.principal_token), body)
            .await;
        assert_eq!(r.status, 201, "create {role}: {}", r.text);
        let token = self.login_ok(&email, STAFF_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        Staff {
            id: r.body["id"].as_str().unwrap().to_owned(),
            email,
            password: STAFF_PASSWORD.to_owned(),
            token,
        }
    }

    /// A department (created once per name) as the principal; returns its id.
    pub async fn department(&self, name: &str) -> String {
        let list = self
            .get("/api/v1/departments?limit=100", Some(&self.principal_token))
            .await;
        if let Some(d) = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
        {
            return d["id"].as_str().unwrap().to_owned();
        }
        let r = self
            .post(
                "/api/v1/departments",
                Some(&self.principal_token),
                json!({ "name": name }),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A category created by a fresh editor-in-chief; returns its id.
    pub async fn category(&self, name: &str, kind: &str) -> String {
        let chief = self.staff("editor_in_chief").await;
        let r = self
            .post(
                "/api/v1/categories",
                Some(&chief.token),
                json!({ "name": name, "kind": kind }),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    pub fn count_audit(&self, action: &str, target_id: &str) -> i64 {
        use ttdt::db::schema::audit_log::dsl;
        let mut conn = self.pool.get().unwrap();
        dsl::audit_log
            .filter(dsl::action.eq(action))
            .filter(dsl::target_id.eq(target_id))
            .count()
            .get_result(&mut *conn)
            .unwrap()
    }
}

/// The claims of a JWT, decoded without verification (for inspecting what the server issued).
pub fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// An article as its API returns it, with the ETag to send back.
pub struct Draft {
    pub id: String,
    pub slug: String,
    pub etag: String,
}

impl TestApp {
    pub async fn create_article(
        &self,
        token: &str,
        category_id: &str,
        title: &str,
        extra: Value,
    ) -> Draft {
        let mut body = json!({
            "title": title,
            "summary": format!("Tóm tắt: {title}"),
            "body": format!("<p>Nội dung bài {title}.</p>"),
            "category_id": category_id,
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = self.post("/api/v1/articles", Some(token), body).await;
        assert_eq!(r.status, 201, "create article: {}", r.text);
        Draft {
            id: r.body["id"].as_str().unwrap().to_owned(),
            slug: r.body["slug"].as_str().unwrap().to_owned(),
            etag: r.header("etag").unwrap().to_owned(),
        }
    }

    /// Runs a workflow step with `If-Match`; returns the answer (and the new ETag in `Resp`).
    pub async fn step(
        &self,
        token: &str,
        id: &str,
        etag: &str,
        action: &str,
        body: Option<Value>,
    ) -> Resp {
        self.call_with(
            Method::POST,
            &format!("/api/v1/articles/{id}/{action}"),
            Some(token),
            body,
            &[("If-Match", etag)],
        )
        .await
    }

    /// The working copy's current ETag, read as the editor-in-chief would.
    pub async fn etag_of(&self, token: &str, id: &str) -> String {
        let r = self
            .get(&format!("/api/v1/editorial/articles/{id}"), Some(token))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.header("etag").unwrap().to_owned()
    }

    /// Takes an article through submit and approve, then publishes it at `at`, as `chief`;
    /// returns the answer to the publish step.
    pub async fn schedule_as(
        &self,
        chief: &str,
        id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Resp {
        for action in ["submit", "approve"] {
            let etag = self.etag_of(chief, id).await;
            let r = self.step(chief, id, &etag, action, None).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
        let etag = self.etag_of(chief, id).await;
        let publish_at = json!({ "publish_at": at.to_rfc3339() });
        self.step(chief, id, &etag, "publish", Some(publish_at))
            .await
    }

    /// Takes an article through submit, approve and publish as `chief`.
    pub async fn publish_as(&self, chief: &str, id: &str) {
        for action in ["submit", "approve", "publish"] {
            let etag = self.etag_of(chief, id).await;
            let r = self.step(chief, id, &etag, action, None).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
    }
}

fn method_name(m: &Method) -> String {
    m.as_str().to_ascii_lowercase()
}

/// The spec the code generates, parsed once.
fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(&ttdt::startup::spec_json()).unwrap())
}

/// Every answer a test sees through `call` must be one the spec declares for its operation:
/// its status (not merely `default`), the `ETag` and `Location` headers it carries, and for a
/// problem a `code` of the spec's enum. A path or method the spec does not know (a 404 or 405
/// on purpose) is not checked.
pub fn conforms_to_spec(method: &str, path: &str, resp: &Resp) {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let op = spec()["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(t, _)| {
            let t: Vec<&str> = t.split('/').collect();
            t.len() == segments.len()
                && t.iter()
                    .zip(&segments)
                    .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
        })
        // The template with the most literal segments is the route that answered.
        .max_by_key(|(t, _)| t.split('/').filter(|s| !s.starts_with('{')).count())
        .and_then(|(_, item)| item.get(method));
    let Some(op) = op else { return };
    let status = resp.status.as_u16().to_string();
    let declared = &op["responses"][&status];
    assert!(
        declared.is_object(),
        "{method} {path} answered {status}, which the spec does not declare for it: {}",
        resp.text
    );
    for header in ["etag", "location"] {
        if resp.headers.contains_key(header) {
            let listed = declared["headers"]
                .as_object()
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case(header)));
            assert!(
                listed,
                "{method} {path} {status} sends {header}, undeclared in the spec"
            );
        }
    }
    if resp.header("content-type") == Some("application/problem+json") {
        let code = resp.body["code"].as_str().unwrap_or_default();
        assert!(
            ttdt::error::PROBLEM_CODES.contains(&code),
            "{method} {path}: problem code {code:?} is not in the spec's enum"
        );
    }
}

/// A real SMTP server on loopback (mailin-embedded) that keeps what it receives.
pub struct SmtpSink {
    pub port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<Delivered>>>,
}

/// One message the sink accepted: the envelope's recipients and the raw message.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Delivered {
    /// The decoded `Subject` header.
    pub fn subject(&self) -> String {
        use mailparse::MailHeaderMap;
        let mail = mailparse::parse_mail(&self.raw).expect("a parsable message");
        mail.headers.get_first_value("Subject").unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        let mail = mailparse::parse_mail(&self.raw).expect("a parsable message");
        mail.headers.get_first_value(name).unwrap_or_default()
    }

    /// The body, transfer-decoded and read in its charset.
    pub fn body(&self) -> String {
        let mail = mailparse::parse_mail(&self.raw).expect("a parsable message");
        mail.get_body().expect("a readable body")
    }
}

#[derive(Clone)]
struct SinkHandler {
    received: std::sync::Arc<std::sync::Mutex<Vec<Delivered>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

/// The one address the sink refuses for good (550, no such mailbox).
pub const NO_SUCH_MAILBOX: &str = "khong-ton-tai@example.vn";

impl mailin_embedded::Handler for SinkHandler {
    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        if to.contains(NO_SUCH_MAILBOX) {
            mailin_embedded::response::NO_MAILBOX
        } else {
            mailin_embedded::response::OK
        }
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        self.received.lock().unwrap().push(Delivered {
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        });
        mailin_embedded::response::OK
    }
}

impl SmtpSink {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts listening on `port` (one a test reserved while the server was "down").
    pub fn start_on(port: u16) -> Self {
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let handler = SinkHandler {
            received: received.clone(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind the sink");
        std::thread::spawn(move || {
            let mut server = mailin_embedded::Server::new(handler);
            server
                .with_name("sink.test")
                .with_num_threads(2)
                .with_tcp_listener(listener);
            let _ = server.serve();
        });
        SmtpSink { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Delivered> {
        self.received.lock().unwrap().clone()
    }

    /// Waits up to 30 s for `n` messages.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivered> {
        self.wait_for_within(n, 30).await
    }

    pub async fn wait_for_within(&self, n: usize, seconds: u64) -> Vec<Delivered> {
        for _ in 0..seconds * 10 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{n} message(s) expected, {} arrived", self.messages().len());
    }
}

impl TestApp {
    /// A `TestApp` for a `ttdt` already serving at `address` on `db` (a separate process),
    /// logged in as the principal it was started with.
    pub async fn attach(
        address: String,
        (db, database_url): (TestDb, String),
        data_dir: tempfile::TempDir,
    ) -> TestApp {
        let url = ttdt::db::DatabaseUrl::parse(&database_url).unwrap();
        let pool = r2d2::Pool::builder()
            .max_size(2)
            .build_unchecked(ttdt::db::DbManager::new(url));
        let mut app = TestApp {
            address,
            client: reqwest::Client::builder()
                // Tests read what the server sent, compressed or not (the mirror's client decompresses).
                .no_gzip()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            pool,
            db,
            database_url,
            data_dir,
            principal_token: String::new(),
            counter: Default::default(),
        };
        app.principal_token =
            app.login_ok(PRINCIPAL_EMAIL, PRINCIPAL_PASSWORD).await["access_token"]
                .as_str()
                .unwrap()
                .to_owned();
        app
    }
}

/// The environment a `ttdt` process under test runs with: the suite's keys and first
/// principal, on `database_url`, serving on `port`.
pub fn process_env(
    database_url: &str,
    data_dir: &std::path::Path,
    port: u16,
) -> Vec<(String, String)> {
    [
        ("TTDT_DATABASE_URL", database_url.to_owned()),
        ("TTDT_BIND", format!("127.0.0.1:{port}")),
        ("TTDT_DATA_DIR", data_dir.to_string_lossy().into_owned()),
        ("TTDT_JWT_SECRET", JWT_SECRET.to_owned()),
        ("TTDT_WORKERS", "1".to_owned()),
        ("TTDT_LOGIN_RATE_ACCOUNT", "1000".to_owned()),
        ("TTDT_LOGIN_RATE_ADDRESS", "1000".to_owned()),
        ("TTDT_ADMIN_EMAIL", PRINCIPAL_EMAIL.to_owned()),
        ("TTDT_ADMIN_PASSWORD", PRINCIPAL_PASSWORD.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
