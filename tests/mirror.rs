//! `ttdt mirror`: a district instance follows two schools' feeds and serves their content,
//! tagged by school, in one list and search; it converges exactly (deletions too), resumes
//! after being killed mid-pull, and waits out a school that does not answer.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;
use crate::media::PDF;
use crate::sync::{School, assert_same_copy, make_key, public_content};

const MUONG_MUON: &str = "Trường PTDTBT Tiểu học Mường Mươn";
const SA_TONG: &str = "Trường Tiểu học Sá Tổng";

/// `ttdt mirror` on the district's database, following `sources` (URL, key).
fn mirror(district: &TestApp, sources: &[(String, String)], extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttdt"));
    cmd.arg("mirror");
    for (url, key) in sources {
        cmd.args(["--from", url, "--key", key]);
    }
    cmd.args(extra)
        .envs(process_env(
            &district.database_url,
            district.data_dir.path(),
            free_port(),
        ))
        .env("RUST_LOG", "warn");
    cmd
}

/// Runs `ttdt mirror --once` to the end; what it printed.
fn mirror_once(district: &TestApp, sources: &[(String, String)]) -> String {
    let out = mirror(district, sources, &["--once", "--page-size", "3"])
        .output()
        .expect("run ttdt mirror");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "ttdt mirror failed ({}): {printed}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    printed
}

/// Publishes articles, documents (with the school's PDF) and links at a school.
async fn publish_some(school: &School, from: usize) -> Vec<(String, String, String)> {
    let mut made = Vec::new();
    for (kind, n) in [("articles", 4), ("documents", 2), ("links", 2)] {
        for i in 0..n {
            let (id, etag) = school.create(kind, from + i).await;
            let etag = school.publish(kind, &id, etag).await;
            made.push((kind.to_owned(), id, etag));
        }
    }
    made
}

/// The school's id at the district, by its name.
async fn school_id(district: &TestApp, name: &str) -> String {
    let r = district.get("/api/v1/mirror/schools", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("{name} is followed: {}", r.text))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// What the district holds of one school: (kind, id) → the item, read through the combined
/// list (filtered by school, a page at a time) and each item's own address.
async fn mirrored(district: &TestApp, school: &str) -> BTreeMap<(String, String), Value> {
    let mut copy = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/mirror/items?school={school}&limit=5");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = district.get(&path, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        conforms_to_spec("GET", "/api/v1/mirror/items", &r);
        for e in r.body["items"].as_array().unwrap() {
            assert_eq!(e["school"]["id"], school, "{e}");
            let (kind, id) = (e["kind"].as_str().unwrap(), e["id"].as_str().unwrap());
            let one = district
                .get(&format!("/api/v1/mirror/items/{school}/{kind}/{id}"), None)
                .await;
            assert_eq!(one.status, 200, "{}", one.text);
            assert_eq!(one.body["school"]["id"], school);
            if kind != "media" {
                assert_eq!(e["title"], one.body["item"]["title"], "{e}");
                assert_eq!(e["revision"], one.body["revision"]);
            }
            let before = copy.insert((kind.to_owned(), id.to_owned()), one.body["item"].clone());
            assert!(before.is_none(), "{kind} {id} listed twice");
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    copy
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_district_mirrors_two_schools_exactly_and_resumes_after_a_kill() {
    let (a, b) = tokio::join!(School::named(MUONG_MUON), School::named(SA_TONG));
    let district = spawn_app().await;
    let made_a = publish_some(&a, 1).await;
    let made_b = publish_some(&b, 101).await;
    let sources = vec![
        (
            a.app.address.clone(),
            make_key(&a.app, &a.chief.token, 100_000).await,
        ),
        (
            b.app.address.clone(),
            make_key(&b.app, &b.chief.token, 100_000).await,
        ),
    ];

    // A first pull, one entry a page, killed after a few pages.
    let mut child = mirror(&district, &sources, &["--page-size", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start ttdt mirror");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut progress = Vec::new();
    while progress.len() < 3 {
        let line = lines.next().expect("the mirror reports progress").unwrap();
        if line.contains("first copy") {
            progress.push(line);
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        progress[0].contains("items in") && progress[0].contains("items/s"),
        "{progress:?}"
    );
    let truth_a = public_content(&a.app).await;
    let truth_b = public_content(&b.app).await;
    let r = district.get("/api/v1/mirror/schools", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    conforms_to_spec("GET", "/api/v1/mirror/schools", &r);
    let held: i64 = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["items"].as_i64().unwrap())
        .sum();
    assert!(
        held > 0 && (held as usize) < truth_a.len() + truth_b.len(),
        "killed mid-pull: {held} of {} items held",
        truth_a.len() + truth_b.len()
    );

    // Started again, it goes on from where it stopped and ends with an exact copy.
    let printed = mirror_once(&district, &sources);
    assert!(
        printed.contains(&format!("{MUONG_MUON}: up to date")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("{SA_TONG}: up to date")),
        "{printed}"
    );
    let (id_a, id_b) = (
        school_id(&district, MUONG_MUON).await,
        school_id(&district, SA_TONG).await,
    );
    assert_eq!(id_a, "truong-ptdtbt-tieu-hoc-muong-muon");
    assert_same_copy(&mirrored(&district, &id_a).await, &truth_a);
    assert_same_copy(&mirrored(&district, &id_b).await, &truth_b);
    let r = district.get("/api/v1/mirror/schools", None).await;
    for s in r.body["items"].as_array().unwrap() {
        assert_eq!(s["state"], "current", "{s}");
        assert!(s["synced_at"].is_string(), "{s}");
    }
    let listed = r.body["items"].as_array().unwrap();
    let muong_muon = listed.iter().find(|s| s["id"] == id_a.as_str()).unwrap();
    assert_eq!(muong_muon["items"], truth_a.len() as i64);
    assert_eq!(muong_muon["url"], a.app.address);

    // The documents' file is served by the district at the address their pages link to.
    let (_, media_id) = truth_a.keys().find(|(k, _)| k == "media").unwrap().clone();
    let file = district
        .client
        .get(format!("{}/api/v1/media/{media_id}/file", district.address))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);

    // The combined list holds both schools, newest first; search finds both, diacritics or
    // not; the filters narrow it.
    let r = district.get("/api/v1/mirror/items?limit=100", None).await;
    let all = r.body["items"].as_array().unwrap();
    assert_eq!(all.len(), truth_a.len() + truth_b.len());
    let dates: Vec<&str> = all
        .iter()
        .map(|e| e["published_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    for q in ["ngoại khoá", "NGOAI KHOA"] {
        let r = district
            .get(&format!("/api/v1/mirror/items?q={q}&kind=article"), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let hits = r.body["items"].as_array().unwrap();
        assert_eq!(hits.len(), 8, "{q}: {}", r.text);
        assert!(hits.iter().any(|h| h["school"]["id"] == id_a.as_str()));
        assert!(hits.iter().any(|h| h["school"]["id"] == id_b.as_str()));
        assert!(
            hits[0]["snippet"].as_str().unwrap().contains("<mark>"),
            "{}",
            hits[0]
        );
    }
    // A link has only its title to show: its snippet is that, not empty parts joined.
    let r = district
        .get("/api/v1/mirror/items?q=truong so&kind=link", None)
        .await;
    let hits = r.body["items"].as_array().unwrap();
    assert_eq!(hits.len(), 4, "{}", r.text);
    for h in hits {
        let snippet = h["snippet"].as_str().unwrap();
        assert!(
            snippet.starts_with("<mark>Trường</mark> <mark>số</mark>"),
            "{snippet}"
        );
        assert!(!snippet.contains(" — "), "{snippet}");
    }
    let r = district
        .get(
            &format!("/api/v1/mirror/items?q=số 103&school={id_b}"),
            None,
        )
        .await;
    let titles: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[0], "Hoạt động ngoại khoá số 103", "{}", r.text);
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["school"]["id"] == id_b.as_str())
    );
    let r = district
        .get("/api/v1/mirror/items?kind=document,link&limit=100", None)
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 8);
    let r = district
        .get(
            "/api/v1/mirror/items?q=so&kind=document,link&limit=100",
            None,
        )
        .await;
    let hits = r.body["items"].as_array().unwrap();
    assert_eq!(hits.len(), 8, "{}", r.text);
    assert!(hits.iter().all(|h| h["kind"] != "article"), "{}", r.text);
    let r = district
        .get("/api/v1/mirror/items?q=so&limit=3", None)
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 3);
    let next = r.body["next_cursor"].as_str().unwrap();
    let r = district
        .get(
            &format!("/api/v1/mirror/items?q=so&limit=100&cursor={next}"),
            None,
        )
        .await;
    assert_eq!(
        r.body["items"].as_array().unwrap().len(),
        16 - 3,
        "{}",
        r.text
    );

    // Changes at the schools: withdrawn, edited and republished; the next pull converges,
    // and what was withdrawn is gone from the district, file and all.
    let (_, art_a, etag) = &made_a[0];
    a.step("articles", art_a, etag, "unpublish").await;
    for (kind, id, etag) in made_a.iter().filter(|m| m.0 == "documents") {
        a.step(kind, id, etag, "unpublish").await;
    }
    let (_, art_b, etag) = &made_b[1];
    let etag = b
        .edit("articles", art_b, etag, "Tóm tắt mới của Sá Tổng")
        .await;
    b.publish("articles", art_b, etag).await;
    mirror_once(&district, &sources);
    let truth_a = public_content(&a.app).await;
    let truth_b = public_content(&b.app).await;
    assert!(!truth_a.keys().any(|(k, _)| k == "media"));
    assert_same_copy(&mirrored(&district, &id_a).await, &truth_a);
    assert_same_copy(&mirrored(&district, &id_b).await, &truth_b);
    assert_eq!(
        truth_b[&("article".to_owned(), art_b.clone())]["summary"],
        "Tóm tắt mới của Sá Tổng"
    );
    district
        .get(
            &format!("/api/v1/mirror/items/{id_a}/article/{art_a}"),
            None,
        )
        .await
        .problem(404, "not_found");
    district
        .get(&format!("/api/v1/media/{media_id}/file"), None)
        .await
        .problem(404, "not_found");

    // Bad input: a clear 400, nothing else.
    for (query, code) in [
        ("kind=nope", "invalid_kind"),
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("cursor=xyz", "invalid_cursor"),
        ("q=a%00b", "invalid_query"),
    ] {
        district
            .get(&format!("/api/v1/mirror/items?{query}"), None)
            .await
            .problem(400, code);
    }
    let r = district
        .get("/api/v1/mirror/items?school=nobody", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["items"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_mirror_waits_out_a_school_that_does_not_answer_and_stops_on_a_refused_key() {
    let school = School::named(MUONG_MUON).await;
    let district = spawn_app().await;
    publish_some(&school, 1).await;
    let key = make_key(&school.app, &school.chief.token, 100_000).await;
    let target = school
        .app
        .address
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let gate = TcpGate::closed(target);
    gate.open();
    let sources = vec![(format!("http://127.0.0.1:{}", gate.port), key.clone())];
    mirror_once(&district, &sources);
    let id = school_id(&district, MUONG_MUON).await;

    // The school goes away; what it publishes meanwhile arrives once it is back.
    gate.close();
    publish_some(&school, 50).await;
    let mut child = mirror(&district, &sources, &["--once"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start ttdt mirror");
    let mut failing = false;
    for _ in 0..100 {
        let r = district.get("/api/v1/mirror/schools", None).await;
        if r.body["items"][0]["state"] == "failing" {
            failing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        failing,
        "the school shows as failing while it does not answer"
    );
    gate.open();
    let status = child.wait().unwrap();
    let mut printed = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut printed).unwrap();
    assert!(status.success(), "{printed}");
    assert!(
        printed.contains("unreachable; trying again in"),
        "{printed}"
    );
    assert_same_copy(
        &mirrored(&district, &id).await,
        &public_content(&school.app).await,
    );
    let r = district.get("/api/v1/mirror/schools", None).await;
    assert_eq!(r.body["items"][0]["state"], "current");

    // A second mirror of the same school, holding a cursor the first has moved past, cannot
    // store its page: the pages of two followers never interleave.
    {
        use ttdt::services::mirror::{Incoming, apply_page, by_url};
        let mut conn = district.pool.get().unwrap();
        let source = by_url(&mut conn, &sources[0].0).unwrap().unwrap();
        let stale = Some("djE6ZjE");
        let gone = vec![Incoming::Delete {
            kind: "article".to_owned(),
            id: "x".to_owned(),
        }];
        let err = apply_page(&mut conn, &source.id, stale, gone, "djE6ZjI", true).unwrap_err();
        assert_eq!(err.status().as_u16(), 409);
        assert_eq!(err.code(), "mirror_moved");
        let after = by_url(&mut conn, &sources[0].0).unwrap().unwrap();
        assert_eq!(after.sync_cursor, source.sync_cursor);
    }

    // A revoked key stops the mirror with the school's reason, not a retry loop.
    let keys = school
        .app
        .get("/api/v1/api-keys", Some(&school.chief.token))
        .await;
    let key_id = keys.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = school
        .app
        .post(
            &format!("/api/v1/api-keys/{key_id}/revoke"),
            Some(&school.chief.token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let out = mirror(&district, &sources, &["--once"]).output().unwrap();
    assert!(!out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("stopped: HTTP 401"), "{printed}");

    // The command line is checked before anything runs.
    let out = mirror(&district, &sources, &["--key", "extra"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("one --key per --from"));
}
