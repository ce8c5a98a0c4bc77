//! A full disk is a known condition: writes answer 507, reads go on, nothing is lost, and
//! writes resume once space returns. The disk is a real one: a small tmpfs (the test mounts
//! it, so it needs root, as CI has), holding the SQLite database and the media.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::helpers::*;
use crate::media::{file, png, upload};

struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs as the data disk and needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs { path, _dir: dir }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Writes a file until the disk refuses another byte.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    for chunk in [1 << 20, 4096, 1] {
        let buf = vec![7u8; chunk];
        while f.write_all(&buf).and_then(|_| f.sync_all()).is_ok() {}
    }
}

#[tokio::test]
async fn a_full_disk_answers_507_reads_go_on_and_writes_resume_when_space_returns() {
    let disk = Tmpfs::mount("16m");
    let url = format!("sqlite://{}/ttdt.db", disk.path.display());
    let data = disk.path.join("data");
    let app = spawn_app_with(&[
        ("TTDT_DATABASE_URL", &url),
        ("TTDT_DATA_DIR", &data.to_string_lossy()),
    ])
    .await;
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    let first = app
        .create_article(&chief.token, &news, "Trước khi đầy đĩa", json!({}))
        .await;
    app.publish_as(&chief.token, &first.id).await;
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.body["storage"]["full"], false, "{}", ready.text);
    assert_eq!(ready.body["status"], "ok");

    let filler = disk.path.join("filler");
    fill(&filler);

    let photo = upload(
        &app,
        Some(&chief.token),
        &[file("anh.png", None, png(200, 100))],
    )
    .await;
    photo.problem(507, "insufficient_storage");
    assert_eq!(photo.header("retry-after"), Some("60"));

    // The database may still find room in its log for a while: write until it does not.
    let body = format!("<p>{}</p>", "Nội dung dài của bản tin. ".repeat(4000));
    let mut created = vec![first.id.clone()];
    let mut refused = None;
    for i in 0..200 {
        let r = app
            .post(
                "/api/v1/articles",
                Some(&chief.token),
                json!({"title": format!("Bản tin {i}"), "body": body, "category_id": news}),
            )
            .await;
        match r.status.as_u16() {
            201 => created.push(r.body["id"].as_str().unwrap().to_owned()),
            _ => {
                refused = Some(r);
                break;
            }
        }
    }
    let refused = refused.expect("the disk fills up");
    refused.problem(507, "insufficient_storage");
    assert!(refused.header("retry-after").is_some());
    let login = app.login(&chief.email, &chief.password).await;
    assert!(
        login.status == 200 || login.status == 507,
        "a login stores a refresh token: {} {}",
        login.status,
        login.text
    );
    if login.status == 507 {
        login.problem(507, "insufficient_storage");
    }

    // Reads go on; readiness says what is wrong without taking the service out of rotation.
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["status"], "degraded");
    assert_eq!(ready.body["storage"]["full"], true);
    let public = app.get("/api/v1/articles", None).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.body["items"][0]["id"], first.id);

    std::fs::remove_file(&filler).unwrap();
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.body["storage"]["full"], false, "{}", ready.text);
    assert!(ready.body["storage"]["free_bytes"].as_u64().unwrap() > 1 << 20);
    let again = app
        .post(
            "/api/v1/articles",
            Some(&chief.token),
            json!({"title": "Sau khi dọn đĩa", "category_id": news}),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    created.push(again.body["id"].as_str().unwrap().to_owned());
    let photo = upload(
        &app,
        Some(&chief.token),
        &[file("anh.png", None, png(200, 100))],
    )
    .await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    app.login_ok(&chief.email, &chief.password).await;
    // Nothing acknowledged was lost.
    for id in &created {
        let r = app
            .get(
                &format!("/api/v1/editorial/articles/{id}"),
                Some(&chief.token),
            )
            .await;
        assert_eq!(r.status, 200, "{id}: {}", r.text);
    }
}

#[tokio::test]
async fn a_full_postgresql_disk_answers_507_and_writes_resume() {
    // PostgreSQL's own disk: its database lives in a tablespace on a small tmpfs.
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return; // PostgreSQL only (the SQLite case is the test above).
    };
    let disk = Tmpfs::mount("24m");
    let status = Command::new("chown")
        .args(["postgres:postgres"])
        .arg(&disk.path)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the tablespace must belong to the postgres user"
    );
    let suffix = uuid::Uuid::now_v7().simple().to_string();
    let (space, name) = (
        format!("ttdt_small_{suffix}"),
        format!("ttdt_full_{suffix}"),
    );
    let admin = |sql: String| {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(sql).execute(&mut conn)
    };
    admin(format!(
        "CREATE TABLESPACE {space} LOCATION '{}'",
        disk.path.display()
    ))
    .unwrap();
    admin(format!("CREATE DATABASE {name} TABLESPACE {space}")).unwrap();
    struct Cleanup<F: Fn(String) -> diesel::QueryResult<usize>>(F, String, String);
    impl<F: Fn(String) -> diesel::QueryResult<usize>> Drop for Cleanup<F> {
        fn drop(&mut self) {
            let _ = (self.0)(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.2));
            let _ = (self.0)(format!("DROP TABLESPACE IF EXISTS {}", self.1));
        }
    }
    let _cleanup = Cleanup(admin, space, name.clone());
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    let app = spawn_app_with(&[("TTDT_DATABASE_URL", url.as_str())]).await;
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    let filler = disk.path.join("filler");
    fill(&filler);

    let body = format!("<p>{}</p>", "Nội dung dài của bản tin. ".repeat(4000));
    let mut refused = None;
    for i in 0..200 {
        let r = app
            .post(
                "/api/v1/articles",
                Some(&chief.token),
                json!({"title": format!("Bản tin {i}"), "body": body, "category_id": news}),
            )
            .await;
        if r.status != 201 {
            refused = Some(r);
            break;
        }
    }
    refused
        .expect("the tablespace fills up")
        .problem(507, "insufficient_storage");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.body["storage"]["full"], true, "{}", ready.text);
    assert_eq!(app.get("/api/v1/articles", None).await.status, 200);

    std::fs::remove_file(&filler).unwrap();
    let again = app
        .post(
            "/api/v1/articles",
            Some(&chief.token),
            json!({"title": "Sau khi dọn đĩa", "category_id": news}),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.body["storage"]["full"], false, "{}", ready.text);
}
