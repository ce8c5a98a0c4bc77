//! The project's promises outside the HTTP API: migrations, config, CLI, compose, health.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::json;

use crate::helpers::*;

fn root(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn folders(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(root(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migration_folders() {
    let sqlite = folders("migrations/sqlite");
    let postgres = folders("migrations/postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "every migration needs a twin with the same folder name"
    );
    for name in &sqlite {
        for file in ["up.sql", "down.sql"] {
            assert!(
                root(&format!("migrations/sqlite/{name}/{file}")).exists(),
                "{name}/{file}"
            );
            assert!(
                root(&format!("migrations/postgres/{name}/{file}")).exists(),
                "{name}/{file}"
            );
        }
    }
}

#[test]
fn compose_and_env_example_use_only_known_settings() {
    let known: BTreeSet<&str> = ttdt::config::KNOWN_VARS.iter().copied().collect();
    let compose: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root("docker-compose.yml")).unwrap())
            .unwrap();
    let env = compose["services"]["ttdt"]["environment"]
        .as_mapping()
        .expect("ttdt has an environment map");
    assert!(!env.is_empty());
    for key in env.keys() {
        let key = key.as_str().unwrap();
        assert!(
            known.contains(key),
            "docker-compose.yml sets {key}, which ttdt does not read"
        );
    }
    let example = std::fs::read_to_string(root(".env.example")).unwrap();
    let listed: BTreeSet<&str> = example
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| l.split('=').next().unwrap().trim())
        .collect();
    assert_eq!(
        listed, known,
        ".env.example lists exactly the known variables"
    );
}

#[test]
fn an_invalid_setting_stops_the_program_with_one_line_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_ttdt"))
        .arg("migrate")
        .env("TTDT_DATABASE_URL", "mysql://localhost/ttdt")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("TTDT_DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_ttdt"))
        .env("TTDT_ACCESS_TOKEN_TTL", "forever")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TTDT_ACCESS_TOKEN_TTL"));
}

#[test]
fn the_openapi_command_prints_the_spec() {
    let out = Command::new(env!("CARGO_BIN_EXE_ttdt"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        ttdt::startup::spec_json()
    );
}

#[tokio::test]
async fn the_cli_manages_accounts_in_the_same_database() {
    let app = spawn_app().await;
    let cli = |args: &[&str], password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ttdt"));
        cmd.args(args)
            .env("TTDT_DATABASE_URL", &app.database_url)
            .env("TTDT_DATA_DIR", app.data_dir.path())
            .env("RUST_LOG", "warn");
        if let Some(p) = password {
            cmd.env("TTDT_USER_PASSWORD", p);
        }
        cmd.output().unwrap()
    };
    let out = cli(
        &[
            "user",
            "create",
            "--email",
            "pho@x.vn",
            "--name",
            "Phó hiệu trưởng",
            "--role",
            "principal",
        ],
        Some("Mật khẩu của phó 2024"),
    );
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let token = app.login_ok("pho@x.vn", "Mật khẩu của phó 2024").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(claims_of(&token)["role"], "principal");

    let out = cli(&["user", "list"], None);
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(listed.contains("pho@x.vn\tprincipal\tactive"), "{listed}");

    let out = cli(&["user", "set-role", "pho@x.vn", "technician"], None);
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    app.get("/api/v1/me", Some(&token))
        .await
        .problem(401, "invalid_token");

    let out = cli(
        &["user", "reset-password", "pho@x.vn"],
        Some("Mật khẩu mới của phó"),
    );
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    app.login_ok("pho@x.vn", "Mật khẩu mới của phó").await;

    let out = cli(&["user", "disable", "pho@x.vn"], None);
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    app.login("pho@x.vn", "Mật khẩu mới của phó")
        .await
        .problem(401, "invalid_credentials");

    // Refusals are one line, exit non-zero, and change nothing.
    let out = cli(
        &[
            "user",
            "create",
            "--email",
            "x@x.vn",
            "--name",
            "X",
            "--role",
            "contributor",
        ],
        Some("123456789"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too common"));
    let out = cli(&["user", "disable", "nobody@x.vn"], None);
    assert!(!out.status.success());
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let h = app.get("/healthz", None).await;
    assert_eq!(h.body, json!({"status": "ok", "database": null}));
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status, 200);
    let backend = if app.db.is_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    assert_eq!(r.body["database"], backend);
}

#[tokio::test]
async fn a_generated_jwt_key_is_private_and_survives_a_restart() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app_with(&[("TTDT_JWT_SECRET", "")]).await;
    let key = app.data_dir.path().join("jwt.key");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A second instance over the same data directory and database accepts the first's tokens.
    let settings = ttdt::config::Settings::from_lookup(|k| match k {
        "TTDT_DATABASE_URL" => Some(app.database_url.clone()),
        "TTDT_DATA_DIR" => Some(app.data_dir.path().to_string_lossy().into_owned()),
        "TTDT_BIND" => Some("127.0.0.1:0".into()),
        "TTDT_WORKERS" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let second = ttdt::startup::Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    let r = app
        .client
        .get(format!("{address}/api/v1/me"))
        .bearer_auth(&app.principal_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn sqlite_flushes_every_commit_unless_told_otherwise() {
    // An official record: an acknowledged write must survive a power cut (synchronous=FULL,
    // PRAGMA value 2). `normal` (1) stays available for those who prefer speed.
    #[derive(diesel::QueryableByName)]
    struct Sync {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        synchronous: i32,
    }
    for (setting, expected) in [(None, 2), (Some("normal"), 1), (Some("FULL"), 2)] {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/ttdt.db", dir.path().display());
        let mut vars = vec![("TTDT_DATABASE_URL", url.as_str())];
        if let Some(s) = setting {
            vars.push(("TTDT_SQLITE_SYNCHRONOUS", s));
        }
        let app = spawn_app_with(&vars).await;
        let mut conn = app.pool.get().unwrap();
        use diesel::RunQueryDsl;
        let row: Sync = diesel::sql_query("PRAGMA synchronous")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(row.synchronous, expected, "{setting:?}");
    }
}

#[test]
fn every_command_works_in_a_fresh_directory() {
    // The README's first steps, where nothing exists yet: no ./data, no database.
    for args in [
        &["migrate"][..],
        &[
            "user",
            "create",
            "--role",
            "principal",
            "--email",
            "ht@x.vn",
            "--name",
            "Phạm Thị Ngân",
        ],
        &["user", "list"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ttdt"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("TTDT_DATABASE_URL")
            .env_remove("TTDT_DATA_DIR")
            .env("TTDT_USER_PASSWORD", "một mật khẩu dài")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ttdt {}: {} {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            dir.path().join("data/ttdt.db").exists(),
            "ttdt {}",
            args.join(" ")
        );
    }
}
