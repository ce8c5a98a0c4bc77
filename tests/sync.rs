//! The district portal's and apps' side: API keys, and the changes feed a follower replays to
//! hold an exact copy of the public content, also while eight writers commit out of order.

use std::collections::BTreeMap;
use std::io::Read;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::media::{PDF, file, upload};

/// A key made by `token`'s holder, with a rate high enough for a tight follower.
pub(crate) async fn make_key(app: &TestApp, token: &str, rate: u32) -> String {
    let r = app
        .post(
            "/api/v1/api-keys",
            Some(token),
            json!({"name": "Cổng Phòng GD&ĐT Mường Chà", "rate_per_minute": rate}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["key"].as_str().unwrap().to_owned()
}

/// A client keeping a copy of the public content from the feed, keyed by (kind, id).
struct Follower {
    key: String,
    cursor: Option<String>,
    limit: usize,
    copy: BTreeMap<(String, String), Value>,
    pages: usize,
}

impl Follower {
    fn new(key: String, limit: usize) -> Self {
        Follower {
            key,
            cursor: None,
            limit,
            copy: BTreeMap::new(),
            pages: 0,
        }
    }

    /// Reads and applies one page; whether the follower has caught up.
    async fn pull(&mut self, app: &TestApp) -> bool {
        let mut path = format!("/api/v1/sync/changes?limit={}", self.limit);
        if let Some(c) = &self.cursor {
            path.push_str(&format!("&since={c}"));
        }
        let r = app.get(&path, Some(&self.key)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        for c in r.body["changes"].as_array().unwrap() {
            let key = (
                c["kind"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
            );
            match c["op"].as_str().unwrap() {
                "upsert" => {
                    self.copy.insert(key, c["item"].clone());
                }
                "delete" => {
                    assert!(c["item"].is_null(), "a tombstone has no item: {c}");
                    self.copy.remove(&key);
                }
                op => panic!("unknown op {op}"),
            }
        }
        self.cursor = Some(r.body["next_cursor"].as_str().unwrap().to_owned());
        self.pages += 1;
        !r.body["more"].as_bool().unwrap()
    }

    async fn catch_up(&mut self, app: &TestApp) {
        while !self.pull(app).await {}
    }
}

/// Everything the public sees of articles, documents, links and the media they use, read
/// from the public endpoints: (kind, id) → the item's answer.
pub(crate) async fn public_content(app: &TestApp) -> BTreeMap<(String, String), Value> {
    let mut ids: Vec<(&str, &str, String)> = Vec::new();
    for (kind, path) in [("article", "articles"), ("document", "documents")] {
        let mut cursor: Option<String> = None;
        loop {
            let mut list = format!("/api/v1/{path}?limit=100");
            if let Some(c) = &cursor {
                list.push_str(&format!("&cursor={c}"));
            }
            let r = app.get(&list, None).await;
            assert_eq!(r.status, 200, "{}", r.text);
            for item in r.body["items"].as_array().unwrap() {
                ids.push((kind, path, item["id"].as_str().unwrap().to_owned()));
            }
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
    }
    let r = app.get("/api/v1/links", None).await;
    for group in r.body["groups"].as_array().unwrap() {
        for item in group["items"].as_array().unwrap() {
            ids.push(("link", "links", item["id"].as_str().unwrap().to_owned()));
        }
    }
    let mut content = BTreeMap::new();
    for (kind, path, id) in ids {
        let r = app.get(&format!("/api/v1/{path}/{id}"), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        if kind == "document" {
            for f in r.body["files"].as_array().unwrap() {
                let media_id = f["id"].as_str().unwrap().to_owned();
                let m = app.get(&format!("/api/v1/media/{media_id}"), None).await;
                assert_eq!(m.status, 200, "{}", m.text);
                content.insert(("media".to_owned(), media_id), m.body);
            }
        }
        content.insert((kind.to_owned(), id), r.body);
    }
    content
}

/// Compares the follower's copy with the public content, naming the first difference.
pub(crate) fn assert_same_copy(
    copy: &BTreeMap<(String, String), Value>,
    truth: &BTreeMap<(String, String), Value>,
) {
    let missing: Vec<_> = truth.keys().filter(|k| !copy.contains_key(*k)).collect();
    let extra: Vec<_> = copy.keys().filter(|k| !truth.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the copy lacks {missing:?} and has {extra:?} too much"
    );
    for (key, value) in truth {
        assert_eq!(&copy[key], value, "{key:?} differs");
    }
}

/// One school's writers: the chief publishes, documents have a file.
pub(crate) struct School {
    pub(crate) app: TestApp,
    pub(crate) chief: Staff,
    news: String,
    registry: String,
    links: String,
    pdf: String,
}

impl School {
    async fn new() -> School {
        School::named("Trường PTDTBT Tiểu học Mường Mươn").await
    }

    pub(crate) async fn named(name: &str) -> School {
        let app = spawn_app_with(&[
            ("TTDT_WORKERS", "4"),
            ("TTDT_DB_POOL_SIZE", "12"),
            ("TTDT_SCHOOL_NAME", name),
        ])
        .await;
        let chief = app.staff("editor_in_chief").await;
        let news = app.category("Tin tức", "news").await;
        let registry = app.category("Văn bản nhà trường", "legal_documents").await;
        let links = app.category("Liên kết", "links").await;
        let r = upload(
            &app,
            Some(&chief.token),
            &[file("quyet-dinh.pdf", None, PDF.to_vec())],
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let pdf = r.body["id"].as_str().unwrap().to_owned();
        School {
            app,
            chief,
            news,
            registry,
            links,
            pdf,
        }
    }

    fn body(&self, kind: &str, n: usize) -> Value {
        match kind {
            "articles" => json!({
                "title": format!("Hoạt động ngoại khoá số {n}"),
                "summary": format!("Tóm tắt {n}"),
                "body": format!("<p>Nội dung bài {n}.</p>"),
                "category_id": self.news,
            }),
            "documents" => json!({
                "number": format!("{n}/QĐ-THS1MM"),
                "form": "decision",
                "title": format!("Quyết định số {n}"),
                "issuer": "Trường PTDTBT Tiểu học Mường Mươn",
                "signer": "Lò Văn Thành",
                "signer_title": "Hiệu trưởng",
                "signed_on": "2025-09-05",
                "category_id": self.registry,
                "file_ids": [self.pdf],
            }),
            _ => json!({
                "title": format!("Trường số {n}"),
                "url": format!("https://truong{n}.muongcha.edu.vn"),
                "group": "district_schools",
                "order": n % 10_000,
                "category_id": self.links,
            }),
        }
    }

    pub(crate) async fn create(&self, kind: &str, n: usize) -> (String, String) {
        let r = self
            .app
            .post(
                &format!("/api/v1/{kind}"),
                Some(&self.chief.token),
                self.body(kind, n),
            )
            .await;
        assert_eq!(r.status, 201, "create {kind}: {}", r.text);
        (
            r.body["id"].as_str().unwrap().to_owned(),
            r.header("etag").unwrap().to_owned(),
        )
    }

    pub(crate) async fn step(&self, kind: &str, id: &str, etag: &str, action: &str) -> String {
        let r = self
            .app
            .call_with(
                Method::POST,
                &format!("/api/v1/{kind}/{id}/{action}"),
                Some(&self.chief.token),
                None,
                &[("If-Match", etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{action} {kind}: {}", r.text);
        r.header("etag").unwrap().to_owned()
    }

    /// Takes a draft (or an edited item) to the public site.
    pub(crate) async fn publish(&self, kind: &str, id: &str, mut etag: String) -> String {
        let steps: &[&str] = if kind == "links" {
            &["publish"]
        } else {
            &["submit", "approve", "publish"]
        };
        for action in steps {
            etag = self.step(kind, id, &etag, action).await;
        }
        etag
    }

    pub(crate) async fn edit(&self, kind: &str, id: &str, etag: &str, text: &str) -> String {
        let field = match kind {
            "articles" => "summary",
            "documents" => "signer",
            _ => "description",
        };
        let r = self
            .app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/{kind}/{id}"),
                Some(&self.chief.token),
                Some(json!({ field: text })),
                &[("If-Match", etag)],
            )
            .await;
        assert_eq!(r.status, 200, "edit {kind}: {}", r.text);
        r.header("etag").unwrap().to_owned()
    }
}

/// A tiny deterministic generator, so each writer's mix is the same on every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

/// One writer's run: creates, publishes, edits and republishes, withdraws and publishes again,
/// and deletes drafts, over articles, documents and links. Mostly withdrawals and
/// republications, one request each (a withdrawn reviewed item stays approved), so that
/// many public changes are in flight at once.
async fn write_mix(school: &School, writer: usize, ops: usize) {
    const KINDS: [&str; 3] = ["articles", "documents", "links"];
    let mut dice = Dice(writer as u64 + 1);
    // (kind, id, etag, public)
    let mut mine: Vec<(&str, String, String, bool)> = Vec::new();
    for op in 0..ops {
        let n = writer * 1000 + op;
        let choice = if mine.len() < 2 { 0 } else { dice.roll(10) };
        match choice {
            // New and published at once.
            0 => {
                let kind = KINDS[dice.roll(3) as usize];
                let (id, etag) = school.create(kind, n).await;
                let etag = school.publish(kind, &id, etag).await;
                mine.push((kind, id, etag, true));
            }
            // A draft, deleted again (the public never sees it). Documents are kept for good
            // (a permanent retention class), so only articles and links.
            1 => {
                let kind = ["articles", "links"][dice.roll(2) as usize];
                let (id, etag) = school.create(kind, n).await;
                let r = school
                    .app
                    .call_with(
                        Method::DELETE,
                        &format!("/api/v1/{kind}/{id}"),
                        Some(&school.chief.token),
                        None,
                        &[("If-Match", &etag)],
                    )
                    .await;
                assert_eq!(r.status, 204, "{}", r.text);
            }
            // Edited and republished.
            2 => {
                let i = dice.roll(mine.len() as u64) as usize;
                let (kind, id, etag, _) = mine[i].clone();
                let etag = school.edit(kind, &id, &etag, &format!("Sửa lần {n}")).await;
                let etag = school.publish(kind, &id, etag).await;
                mine[i] = (kind, id, etag, true);
            }
            // Withdrawn, or published again.
            _ => {
                let i = dice.roll(mine.len() as u64) as usize;
                let (kind, id, etag, public) = mine[i].clone();
                let action = if public { "unpublish" } else { "publish" };
                let etag = school.step(kind, &id, &etag, action).await;
                mine[i] = (kind, id, etag, !public);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_and_a_follower_end_with_an_exact_copy() {
    let school = School::new().await;
    let key = make_key(&school.app, &school.chief.token, 1_000_000).await;
    // Followers keeping up with the head of the feed, where a commit landing behind a
    // follower's position would be skipped. Each round ends with the writers done and the
    // followers caught up: a change skipped in the round and not overwritten by a later one
    // shows as a difference from the public content. (Against a plain `seq > cursor` on a
    // sequence, some round fails on PostgreSQL.)
    let mut followers: Vec<Follower> = [4, 16, 64]
        .into_iter()
        .map(|limit| Follower::new(key.clone(), limit))
        .collect();
    for round in 0..10 {
        let stop = std::sync::atomic::AtomicBool::new(false);
        let writers = async {
            let runs = (0..8).map(|w| write_mix(&school, round * 8 + w, 10));
            futures::future::join_all(runs).await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        };
        let follow = followers.iter_mut().map(|f| {
            let stop = &stop;
            let app = &school.app;
            async move {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    f.pull(app).await;
                }
                f.catch_up(app).await;
            }
        });
        futures::future::join(writers, futures::future::join_all(follow)).await;
        let truth = public_content(&school.app).await;
        for follower in &followers {
            assert_same_copy(&follower.copy, &truth);
        }
    }
    let truth = public_content(&school.app).await;
    assert!(
        truth.keys().any(|(k, _)| k == "media"),
        "a document's file is public media"
    );
    for follower in &followers {
        assert!(
            follower.pages > 100,
            "the follower read while the writers wrote ({} pages)",
            follower.pages
        );
    }
}

#[tokio::test]
async fn a_first_sync_is_a_snapshot_then_the_feed_and_stays_exact_through_changes() {
    let school = School::new().await;
    let key = make_key(&school.app, &school.chief.token, 100_000).await;
    let mut published = Vec::new();
    for n in 0..5 {
        let (id, etag) = school.create("articles", n).await;
        published.push((id.clone(), school.publish("articles", &id, etag).await));
    }
    let (doc, etag) = school.create("documents", 7).await;
    let doc_etag = school.publish("documents", &doc, etag).await;
    // A draft the public never sees.
    school.create("articles", 99).await;

    let mut follower = Follower::new(key.clone(), 2);
    // The snapshot's first page: current items, no positions.
    let r = school
        .app
        .get("/api/v1/sync/changes?limit=2", Some(&key))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["snapshot"], true);
    assert_eq!(r.body["more"], true);
    assert!(
        r.body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"] == "snapshot" && c["seq"].is_null())
    );
    follower.pull(&school.app).await;
    // Changes while the copy is being made: a new item, an edit, a withdrawal.
    let (late, etag) = school.create("links", 1).await;
    school.publish("links", &late, etag).await;
    let (first, etag) = published[0].clone();
    let etag = school
        .edit("articles", &first, &etag, "Đã sửa trong lúc sao chép")
        .await;
    school.publish("articles", &first, etag).await;
    let (second, etag) = published[1].clone();
    school.step("articles", &second, &etag, "unpublish").await;
    follower.catch_up(&school.app).await;
    let truth = public_content(&school.app).await;
    assert_eq!(
        truth.len(),
        7,
        "5 articles - 1 withdrawn + a document, its file, a link"
    );
    assert_same_copy(&follower.copy, &truth);
    assert_eq!(
        follower.copy[&("article".to_owned(), first.clone())]["summary"],
        "Đã sửa trong lúc sao chép"
    );

    // Caught up: an empty page keeps the cursor, says nothing more.
    let cursor = follower.cursor.clone().unwrap();
    let r = school
        .app
        .get(&format!("/api/v1/sync/changes?since={cursor}"), Some(&key))
        .await;
    assert_eq!(r.body["changes"], json!([]));
    assert_eq!(r.body["next_cursor"], cursor.as_str());
    assert_eq!(r.body["more"], false);
    assert_eq!(r.body["snapshot"], false);

    // A feed entry: what changed, the public revision, the item as its endpoint shows it.
    let (third, etag) = published[2].clone();
    school.step("articles", &third, &etag, "archive").await;
    let r = school
        .app
        .get(&format!("/api/v1/sync/changes?since={cursor}"), Some(&key))
        .await;
    let change = &r.body["changes"][0];
    assert_eq!(change["kind"], "article");
    assert_eq!(change["id"], third.as_str());
    assert_eq!(change["op"], "delete");
    assert_eq!(change["change"], "archived");
    assert_eq!(change["revision"], 1);
    assert!(change["seq"].as_i64().unwrap() > 0 && change["at"].is_string());

    // `kinds` narrows the feed; an unknown kind is a bad request.
    let r = school
        .app
        .get(
            &format!("/api/v1/sync/changes?since={cursor}&kinds=document,link"),
            Some(&key),
        )
        .await;
    assert_eq!(r.body["changes"], json!([]));
    let snapshot = school
        .app
        .get("/api/v1/sync/changes?kinds=document,media", Some(&key))
        .await;
    let kinds: Vec<&str> = snapshot.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["document", "media"]);

    // Media come and go with the public content that uses them: before the item, so a
    // client fetching what an item shows finds its media already there.
    follower.catch_up(&school.app).await;
    let cursor = follower.cursor.clone().unwrap();
    school.step("documents", &doc, &doc_etag, "archive").await;
    let r = school
        .app
        .get(&format!("/api/v1/sync/changes?since={cursor}"), Some(&key))
        .await;
    let seen: Vec<(&str, &str, &str)> = r.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["op"].as_str().unwrap(),
                c["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("media", "delete", "unpublished"),
            ("document", "delete", "archived")
        ]
    );
    assert_eq!(r.body["changes"][0]["id"], school.pdf.as_str());
    for bad in [
        "kinds=article,tin-tuc",
        "limit=0",
        "limit=1001",
        "since=bm90LWEtY3Vyc29y",
    ] {
        let r = school
            .app
            .get(&format!("/api/v1/sync/changes?{bad}"), Some(&key))
            .await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
}

#[tokio::test]
async fn the_feed_is_compressed_when_asked() {
    let school = School::new().await;
    let key = make_key(&school.app, &school.chief.token, 1000).await;
    for n in 0..20 {
        let (id, etag) = school.create("articles", n).await;
        school.publish("articles", &id, etag).await;
    }
    let url = format!("{}/api/v1/sync/changes", school.app.address);
    let plain = school
        .app
        .client
        .get(&url)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    let gz = school
        .app
        .client
        .get(&url)
        .bearer_auth(&key)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["cache-control"], "private, no-cache");
    let gz = gz.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    let a: Value = serde_json::from_slice(&plain).unwrap();
    let b: Value = serde_json::from_slice(&unzipped).unwrap();
    assert_eq!(a["changes"], b["changes"]);
    assert!(
        gz.len() * 3 < plain.len(),
        "{} compressed vs {} plain",
        gz.len(),
        plain.len()
    );
}

#[tokio::test]
async fn keys_are_made_by_the_chief_and_technicians_shown_once_and_read_only_public_content() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let technician = app.staff("technician").await;
    let body = json!({"name": "Ứng dụng Mường Chà"});
    for role in [
        "principal",
        "deputy_editor",
        "contributor",
        "department_staff",
    ] {
        let staff = if role == "principal" {
            app.principal_token.clone()
        } else {
            app.staff(role).await.token
        };
        let r = app
            .post("/api/v1/api-keys", Some(&staff), body.clone())
            .await;
        r.problem(403, "forbidden");
        let r = app.get("/api/v1/api-keys", Some(&staff)).await;
        r.problem(403, "forbidden");
    }
    let r = app
        .post("/api/v1/api-keys", Some(&technician.token), body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key = r.body["key"].as_str().unwrap().to_owned();
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("ttdt_") && key.len() == 37, "{key}");
    assert_eq!(r.body["scopes"], json!(["sync:read"]));
    assert_eq!(r.body["rate_per_minute"], 600);
    assert!(key.starts_with(r.body["prefix"].as_str().unwrap()));
    assert!(r.body["last_used_at"].is_null());
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/api-keys/{id}").as_str())
    );

    // Bad input changes nothing.
    for bad in [
        json!({"name": ""}),
        json!({"name": "Ứng dụng", "scopes": ["admin"]}),
        json!({"name": "Ứng dụng", "rate_per_minute": 0}),
        json!({"name": "Ứng dụng", "owner": "x"}),
    ] {
        let r = app
            .post("/api/v1/api-keys", Some(&chief.token), bad.clone())
            .await;
        assert!(r.status == 422 || r.status == 400, "{bad}: {}", r.text);
    }

    // The key reads the feed and public content, and nothing staff.
    let r = app.get("/api/v1/sync/changes", Some(&key)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get("/api/v1/articles", Some(&key)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    for path in [
        "/api/v1/users",
        "/api/v1/editorial/articles",
        "/api/v1/api-keys",
        "/api/v1/questions",
        "/api/v1/me",
    ] {
        let r = app.get(path, Some(&key)).await;
        r.problem(403, "api_key_not_staff");
    }
    let r = app
        .post("/api/v1/articles", Some(&key), json!({"title": "x"}))
        .await;
    r.problem(403, "api_key_not_staff");

    // Staff tokens are not keys; no key, a made-up key: 401.
    app.get("/api/v1/sync/changes", Some(&chief.token))
        .await
        .problem(401, "api_key_required");
    app.get("/api/v1/sync/changes", None)
        .await
        .problem(401, "api_key_required");
    let forged = format!("ttdt_{}", "A".repeat(32));
    app.get("/api/v1/sync/changes", Some(&forged))
        .await
        .problem(401, "invalid_api_key");

    // Listed without the secret, with its last use.
    let r = app.get("/api/v1/api-keys", Some(&chief.token)).await;
    assert_eq!(r.status, 200);
    let listed = &r.body["items"][0];
    assert_eq!(listed["id"], id.as_str());
    assert!(listed.get("key").is_none() && !r.text.contains(&key));
    assert!(listed["last_used_at"].is_string());
    let stored: Vec<String> = {
        use diesel::prelude::*;
        use ttdt::db::schema::api_keys;
        let mut conn = app.pool.get().unwrap();
        api_keys::table
            .select(api_keys::key_hash)
            .load(&mut *conn)
            .unwrap()
    };
    assert!(
        !stored.iter().any(|h| h.contains(&key[5..])),
        "only a hash is stored"
    );

    // Revoked: the next request stops, and the key says who revoked it.
    let r = app
        .post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            Some(&chief.token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["revoked_at"].is_string());
    assert_eq!(r.body["revoked_by"], chief.id.as_str());
    app.get("/api/v1/sync/changes", Some(&key))
        .await
        .problem(401, "invalid_api_key");
    let again = app
        .post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            Some(&technician.token),
            json!({}),
        )
        .await;
    assert_eq!(
        again.body["revoked_by"],
        chief.id.as_str(),
        "revoking twice changes nothing"
    );
    assert_eq!(app.count_audit("api_key.revoke", &id), 1);
    assert_eq!(app.count_audit("api_key.create", &id), 1);
    app.get("/api/v1/api-keys/nope", Some(&chief.token))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn each_key_has_its_own_rate() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let slow = make_key(&app, &chief.token, 2).await;
    let other = make_key(&app, &chief.token, 2).await;
    for _ in 0..2 {
        assert_eq!(
            app.get("/api/v1/sync/changes", Some(&slow)).await.status,
            200
        );
    }
    let r = app.get("/api/v1/sync/changes", Some(&slow)).await;
    r.problem(429, "rate_limited");
    assert!(r.header("retry-after").is_some());
    assert_eq!(
        app.get("/api/v1/sync/changes", Some(&other)).await.status,
        200
    );
}
