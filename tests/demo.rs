//! `ttdt demo`: the sample school, loaded through the API into an empty database of the
//! backend the suite runs on; every public list then has items, the printed log-ins work for
//! every role, and a second run adds nothing.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestDb, free_port};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn demo(dir: &std::path::Path, database_url: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ttdt"))
        .arg("demo")
        .current_dir(dir)
        .env("TTDT_DATABASE_URL", database_url)
        .env_remove("TTDT_ADMIN_EMAIL")
        .output()
        .expect("run ttdt demo");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ttdt demo failed: {stdout}\n{stderr}");
    assert!(
        stderr.trim().is_empty(),
        "the demo warns of nothing: {stderr}"
    );
    stdout
}

/// The log-ins a run printed: (role, e-mail, password).
fn logins(out: &str) -> Vec<(String, String, String)> {
    out.lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match parts.as_slice() {
                [role, email, password] if email.contains('@') => {
                    Some((role.to_string(), email.to_string(), password.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

struct Client {
    http: reqwest::blocking::Client,
    base: String,
}

impl Client {
    fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().unwrap();
        let status = res.status().as_u16();
        (status, res.json().unwrap_or(Value::Null))
    }

    /// Every item of a list, following its cursor.
    fn all(&self, path: &str, token: Option<&str>) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let cursor = next.map(|c| format!("&cursor={c}")).unwrap_or_default();
            let (status, page) = self.get(&format!("{path}{sep}limit=100{cursor}"), token);
            assert_eq!(status, 200, "{path}: {page}");
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => next = Some(c.to_owned()),
                None => return items,
            }
        }
    }

    fn login(&self, email: &str, password: &str) -> Option<String> {
        let res = self
            .http
            .post(format!("{}/auth/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .unwrap();
        if !res.status().is_success() {
            return None;
        }
        let body: Value = res.json().unwrap();
        body["access_token"].as_str().map(str::to_owned)
    }

    /// How many of everything the school has, as its staff and the public see it.
    fn census(&self, principal: &str, chief: &str) -> Vec<(String, usize)> {
        let mut counts = Vec::new();
        for list in [
            "/articles",
            "/documents",
            "/procedures",
            "/resources",
            "/categories",
        ] {
            counts.push((list.to_owned(), self.all(list, None).len()));
        }
        for list in [
            "/editorial/articles",
            "/editorial/documents",
            "/editorial/procedures",
            "/editorial/pages",
            "/editorial/leadership",
            "/editorial/resources",
            "/editorial/links",
            "/media",
        ] {
            counts.push((list.to_owned(), self.all(list, Some(chief)).len()));
        }
        counts.push((
            "/users".to_owned(),
            self.all("/users", Some(principal)).len(),
        ));
        counts
    }
}

#[test]
fn the_sample_school_loads_once_through_the_api_with_a_log_in_for_every_role() {
    let (_db, database_url) = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let first = demo(dir.path(), &database_url);
    assert!(first.contains("50 added,   0 already there"), "{first}");

    let address = format!("127.0.0.1:{}", free_port());
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_ttdt"))
            .current_dir(dir.path())
            .env("TTDT_DATABASE_URL", &database_url)
            .env("TTDT_BIND", &address)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let api = Client {
        http: reqwest::blocking::Client::new(),
        base: format!("http://{address}/api/v1"),
    };
    let up = (0..150).any(|_| {
        let ok = api
            .http
            .get(format!("http://{address}/readyz"))
            .send()
            .is_ok_and(|r| r.status().is_success());
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(up, "the server starts on the demo's database");

    // A log-in for every role, each working, each with its role.
    let printed = logins(&first);
    let roles: Vec<&str> = printed.iter().map(|(r, ..)| r.as_str()).collect();
    assert_eq!(
        roles,
        [
            "principal",
            "editor_in_chief",
            "deputy_editor",
            "board_member",
            "contributor",
            "technician",
            "department_staff"
        ]
    );
    let mut tokens = std::collections::HashMap::new();
    for (role, email, password) in &printed {
        let token = api
            .login(email, password)
            .unwrap_or_else(|| panic!("{role} logs in"));
        let (_, me) = api.get("/me", Some(&token));
        assert_eq!(me["role"], role.as_str());
        tokens.insert(role.clone(), token);
    }

    // Every public list has items, of every kind, with what a frontend shows.
    let articles = api.all("/articles", None);
    assert_eq!(articles.len(), 50);
    assert!(
        articles.iter().all(|a| a["cover_media_id"].is_string()),
        "every article has its picture"
    );
    let (status, cover) = (
        api.http
            .get(format!(
                "{}/media/{}/file",
                api.base,
                articles[0]["cover_media_id"].as_str().unwrap()
            ))
            .send()
            .unwrap()
            .status(),
        (),
    );
    assert_eq!(status, 200, "{cover:?}");
    assert_eq!(api.all("/documents", None).len(), 20);
    assert!(
        !api.all("/documents?validity=replaced", None).is_empty(),
        "relations make some replaced"
    );
    assert_eq!(api.all("/procedures", None).len(), 5);
    assert!(!api.all("/procedure-fields", None).is_empty());
    // Citizens' questions at three stages; one answered on the transfer guide's FAQ.
    let (_, transfer) = api.get("/procedures/chuyen-truong-doi-voi-hoc-sinh-tieu-hoc", None);
    assert_eq!(transfer["faq"].as_array().unwrap().len(), 1, "{transfer}");
    let questions = api.all("/questions", Some(&tokens["technician"]));
    let mut stages: Vec<&str> = questions
        .iter()
        .map(|q| q["status"].as_str().unwrap())
        .collect();
    stages.sort();
    assert_eq!(stages, ["approved", "published", "routed"]);
    assert_eq!(
        std::fs::read_dir(dir.path().join("data/outbox"))
            .unwrap()
            .count(),
        1,
        "the e-mailed answer, as a file without SMTP"
    );
    let (_, hits) = api.get("/search?q=ban%20tru", None);
    let kinds: std::collections::BTreeSet<&str> = hits["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains("article") && kinds.contains("procedure"),
        "{hits}"
    );
    let (_, circular) = api.get("/documents/tt-28-2020", None);
    assert!(
        !circular["procedures"].as_array().unwrap().is_empty(),
        "guides rest on it: {circular}"
    );
    let (_, tree) = api.get("/pages", None);
    assert!(
        tree["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| !p["children"].as_array().unwrap().is_empty()),
        "the pages form a tree: {tree}"
    );
    let (_, directory) = api.get("/leadership", None);
    assert!(
        directory["items"].as_array().unwrap().len() >= 3,
        "{directory}"
    );
    assert!(
        !directory.to_string().contains("0912 345 678"),
        "a private mobile stays private"
    );
    let (_, past) = api.get("/leadership?term=past", None);
    assert!(
        !past["items"].as_array().unwrap().is_empty(),
        "past principals stay on record"
    );
    assert!(api.all("/resources", None).len() >= 6);
    let (_, links) = api.get("/links", None);
    assert!(links["groups"].as_array().unwrap().len() >= 4, "{links}");
    let categories = api.all("/categories", None);
    for kind in [
        "introduction",
        "activities",
        "legal_documents",
        "policy",
        "procedures",
        "public_services",
        "news",
        "teaching_resources",
        "links",
        "ads",
    ] {
        assert!(
            categories.iter().any(|c| c["kind"] == kind),
            "a category of kind {kind}"
        );
    }

    // A second run (with the server up) adds nothing, and changes the passwords.
    let before = api.census(&tokens["principal"], &tokens["editor_in_chief"]);
    let second = demo(dir.path(), &database_url);
    let added: Vec<&str> = second
        .lines()
        .filter(|l| l.contains(" added, "))
        .map(|l| {
            l.split(" added, ")
                .next()
                .unwrap()
                .split_whitespace()
                .last()
                .unwrap()
        })
        .collect();
    assert_eq!(added, ["0"; 10], "{second}");
    let relogins = logins(&second);
    let (_, email, old) = &printed[0];
    assert!(
        api.login(email, old).is_none(),
        "the first run's password is gone"
    );
    let principal = api
        .login(email, &relogins[0].2)
        .expect("the new password works");
    let chief = api
        .login(&relogins[1].1, &relogins[1].2)
        .expect("the chief's too");
    assert_eq!(api.census(&principal, &chief), before);
}
