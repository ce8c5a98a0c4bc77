//! docs/quickstart.md, run as a newcomer runs it: the first `sh` block starts the real binary
//! (with `cargo run --release` standing for the built `ttdt`) on an empty database, the other
//! blocks run in order in one bash shell from the project's root, then the stories of
//! docs/workflow.md, documents.md, procedures.md, pages.md and resources.md in the same shell; what they print must be what the
//! pages show under each command (`# …` lines), so the pages cannot drift from the code.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{TestDb, free_port};

const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/quickstart.md");
/// The sections of other pages that continue the quick start's shell, in order.
const STORIES: [(&str, &str); 7] = [
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/workflow.md"),
        "## A whole story with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/documents.md"),
        "## The register with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/procedures.md"),
        "## A guide with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/pages.md"),
        "## Pages, the directory and links with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/resources.md"),
        "## A resource with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/questions.md"),
        "## A question with curl",
    ),
    (
        concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sync.md"),
        "## Following the feed with curl",
    ),
];
const DOCUMENTED_ADDRESS: &str = "127.0.0.1:8080";

/// The `sh` blocks of a Markdown page, in order.
fn sh_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// What a block says it prints: the `# ` lines right under a command (no blank line between).
fn documented_output(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_command = false;
    for line in block.lines() {
        if let Some(shown) = line.strip_prefix("# ") {
            if after_command {
                out.push(shown.to_owned());
            }
        } else {
            after_command = !line.trim().is_empty();
        }
    }
    out
}

enum Piece<'a> {
    Text(&'a str),
    /// `0193…`: an id.
    Id,
    /// `…`: anything.
    Any,
}

fn pieces(shown: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = shown;
    while let Some(at) = rest.find('…') {
        let (before, after) = (&rest[..at], &rest[at + '…'.len_utf8()..]);
        match before.strip_suffix("0193") {
            Some(text) => {
                out.push(Piece::Text(text));
                out.push(Piece::Id);
            }
            None => {
                out.push(Piece::Text(before));
                out.push(Piece::Any);
            }
        }
        rest = after;
    }
    out.push(Piece::Text(rest));
    out
}

fn matches(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Text(t), rest)) => {
            text.strip_prefix(t).is_some_and(|text| matches(rest, text))
        }
        Some((Piece::Any, rest)) => (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .any(|i| matches(rest, &text[i..])),
        Some((Piece::Id, rest)) => {
            let id_len = text
                .find(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
                .unwrap_or(text.len());
            id_len >= 32 && matches(rest, &text[id_len..])
        }
    }
}

/// The server, killed however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(name: &str) {
    let found = Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(found, "the quick start needs `{name}` on PATH");
}

#[test]
fn the_quick_start_runs_as_written() {
    tool("curl");
    tool("jq");
    let page = std::fs::read_to_string(PAGE).unwrap();
    let blocks = sh_blocks(&page);
    let (start, steps) = blocks.split_first().expect("the page has sh blocks");
    assert!(
        start.contains("cargo run --release"),
        "the first block starts the server as the README does: {start}"
    );
    assert!(steps.len() >= 8, "the page walks the whole way");
    let mut steps = steps.to_vec();
    for (page, heading) in STORIES {
        let text = std::fs::read_to_string(page).unwrap();
        let story = text
            .split_once(heading)
            .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(rest))
            .unwrap_or_else(|| panic!("{page} has its story"));
        let story = sh_blocks(story);
        assert!(!story.is_empty(), "the story in {page} has its commands");
        steps.extend(story);
    }

    let (_db, database_url) = TestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new("bash")
            .arg("-c")
            .arg(start.replace("cargo run --release", r#"exec "$TTDT""#))
            .current_dir(dir.path())
            .env("TTDT", env!("CARGO_BIN_EXE_ttdt"))
            .env("TTDT_DATABASE_URL", &database_url)
            .env("TTDT_BIND", &address)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let ready = (0..150).any(|_| {
        let up = Command::new("curl")
            .args([
                "-sf",
                "-o",
                "/dev/null",
                &format!("http://{address}/readyz"),
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !up {
            std::thread::sleep(Duration::from_millis(100));
        }
        up
    });
    assert!(ready, "the server started as the page says");

    // One shell, as a reader's terminal; errors stop it, and its errors are part of what it
    // prints (the `api` helper reports a problem on stderr).
    let script = format!(
        "set -euo pipefail\nexec 2>&1\n{}",
        steps.concat().replace(DOCUMENTED_ADDRESS, &address)
    );
    let run = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run bash");
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the quick start stopped ({}); it printed:\n{printed}",
        run.status
    );

    let shown: Vec<String> = steps.iter().flat_map(|b| documented_output(b)).collect();
    let printed: Vec<&str> = printed.lines().collect();
    for (i, (shown, printed)) in shown.iter().zip(&printed).enumerate() {
        assert!(
            matches(&pieces(shown), printed),
            "line {} of what the quick start prints differs from the page:\n  page:    {shown}\n  printed: {printed}",
            i + 1
        );
    }
    assert_eq!(
        shown.len(),
        printed.len(),
        "the page shows {} lines of output, the commands printed {}:\n{}",
        shown.len(),
        printed.len(),
        printed.join("\n")
    );
}

#[test]
fn the_output_matcher_tells_ids_and_gaps_from_text() {
    let id = "01a233d8-7aae-775c-ba96-ecf6f132a089";
    assert!(matches(
        &pieces(r#"{"id":"0193…"}"#),
        &format!(r#"{{"id":"{id}"}}"#)
    ));
    assert!(!matches(&pieces(r#"{"id":"0193…"}"#), r#"{"id":"draft"}"#));
    assert!(matches(&pieces("a … z"), "a b c z"));
    assert!(!matches(&pieces("a … z"), "a b c y"));
    assert!(matches(&pieces("exact"), "exact"));
    assert!(!matches(&pieces("exact"), "exact, and more"));
    assert_eq!(
        documented_output("cmd\n# shown\n\n# a note, not output\ncmd2\n"),
        ["shown"]
    );
}
