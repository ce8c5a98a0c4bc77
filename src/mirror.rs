//! `ttdt mirror`: follows other instances' changes feeds (one per school, each with its API key)
//! into this instance's database, where the public reads them through `/api/v1/mirror`.
//!
//! Each source is followed on its own: a page is read, the media it brings are copied into the
//! local store (files before the rows naming them: a file nobody names is swept), and the
//! page's items and the cursor after it are stored in one transaction. Killed at any point, the
//! mirror resumes from the last page stored whole. A source that does not answer is retried
//! with exponential backoff and jitter (or after its `Retry-After`); one that refuses the key,
//! or the cursor, stops with the reason.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::Settings;
use crate::db::DbConnection;
use crate::error::Lang;
use crate::media::store::{BlobStore, LocalDisk};
use crate::services::mirror::{self as store, Incoming, MirrorSource, MirroredFile};
use crate::services::outbox::backoff;
use crate::services::sync::MEDIA;
use crate::startup::open_connection;

/// One school to follow.
#[derive(Debug, Clone)]
pub struct Source {
    /// The instance's base URL (`https://th-muongmuon.edu.vn`).
    pub url: String,
    /// An API key of that instance with the `sync:read` scope.
    pub key: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop once every source is caught up (for a cron job, or a first copy).
    pub once: bool,
    /// Entries per page asked for.
    pub page_size: usize,
    /// How long to wait between polls once caught up.
    pub interval: Duration,
}

/// Longest wait between attempts at a source that does not answer.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Follows every source until stopped (or, with `once`, until each is caught up); the error
/// names the sources that stopped and why.
pub async fn run(settings: Settings, sources: Vec<Source>, options: Options) -> Result<(), String> {
    let blobs: Arc<dyn BlobStore> = Arc::new(
        LocalDisk::open(&settings.media_dir)
            .map_err(|e| format!("cannot open {}: {e}", settings.media_dir.display()))?,
    );
    let client = reqwest::Client::builder()
        .gzip(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("ttdt-mirror/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    let mut followers = Vec::new();
    for source in sources {
        let conn = Arc::new(Mutex::new(open_connection(&settings)?));
        let follower = Follower {
            url: source.url.trim_end_matches('/').to_owned(),
            key: source.key,
            client: client.clone(),
            blobs: blobs.clone(),
            conn,
            options,
        };
        followers.push(follower.follow());
    }
    let stopped: Vec<String> = futures_util::future::join_all(followers)
        .await
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if stopped.is_empty() {
        Ok(())
    } else {
        Err(stopped.join("; "))
    }
}

/// Why a pull failed.
enum Failure {
    /// Try again later (unreachable, overloaded, a server fault), after at least this long.
    Retry(String, Option<Duration>),
    /// Retrying cannot help (the key refused, the cursor refused): stop following.
    Stop(String),
}

struct Follower {
    url: String,
    key: String,
    client: reqwest::Client,
    blobs: Arc<dyn BlobStore>,
    conn: Arc<Mutex<DbConnection>>,
    options: Options,
}

/// A page of the source's feed (`api::sync::SyncPage`), its items kept as sent.
#[derive(Deserialize)]
struct FeedPage {
    changes: Vec<FeedChange>,
    next_cursor: String,
    more: bool,
    snapshot: bool,
    /// Absent from instances older than the mirror: the school is then named by its host.
    #[serde(default)]
    school: String,
}

#[derive(Deserialize)]
struct FeedChange {
    kind: String,
    id: String,
    op: String,
    at: Option<DateTime<Utc>>,
    revision: Option<i32>,
    item: Option<Box<RawValue>>,
}

/// What a medium's public answer says of its files.
#[derive(Deserialize)]
struct PublicMedia {
    url: String,
    content_type: String,
    sha256: String,
    #[serde(default)]
    variants: Vec<PublicVariant>,
}

#[derive(Deserialize)]
struct PublicVariant {
    name: String,
    url: String,
    content_type: String,
}

/// Progress of one source since the mirror started.
struct Progress {
    started: Instant,
    items: usize,
    pages: usize,
}

impl Follower {
    async fn follow(self) -> Result<(), String> {
        let url = self.url.clone();
        let mut source = self
            .db(move |c| store::by_url(c, &url))
            .await
            .map_err(|e| self.named(said(&e)))?;
        let mut progress = Progress {
            started: Instant::now(),
            items: 0,
            pages: 0,
        };
        let mut failures = 0;
        loop {
            match self.pull(&mut source, &mut progress).await {
                Ok(true) => {
                    failures = 0;
                    if self.options.once {
                        return Ok(());
                    }
                    tokio::time::sleep(self.options.interval).await;
                }
                Ok(false) => failures = 0,
                Err(Failure::Stop(why)) => {
                    println!("{}: stopped: {why}", self.label(&source));
                    return Err(self.named(why));
                }
                Err(Failure::Retry(why, after)) => {
                    failures += 1;
                    if let Some(s) = &source {
                        let (id, error) = (s.id.clone(), why.clone());
                        // A database that does not answer is one more reason to wait.
                        let _ = self
                            .db(move |c| store::record_failure(c, &id, &error))
                            .await;
                    }
                    let wait = backoff(Duration::from_secs(1), failures)
                        .min(MAX_BACKOFF)
                        .max(after.unwrap_or_default());
                    println!(
                        "{}: {why}; trying again in {} s",
                        self.label(&source),
                        wait.as_secs().max(1)
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Reads, copies and stores one page; whether the source is caught up.
    async fn pull(
        &self,
        source: &mut Option<MirrorSource>,
        progress: &mut Progress,
    ) -> Result<bool, Failure> {
        let read_at = source.as_ref().and_then(|s| s.sync_cursor.clone());
        let mut page = self.read_page(read_at.as_deref()).await?;
        if page.school.trim().is_empty() {
            page.school = reqwest::Url::parse(&self.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| self.url.clone());
        }
        // Registered on the first page, renamed when the school is; a failure here leaves
        // the source (and its cursor) as it was for the retry.
        let source = match source {
            Some(s) if s.name == page.school => s,
            _ => {
                let (url, school) = (self.url.clone(), page.school.clone());
                let registered = self
                    .db(move |c| store::register(c, &url, &school))
                    .await
                    .map_err(|e| Failure::Retry(said(&e), None))?;
                source.insert(registered)
            }
        };
        let mut changes = Vec::with_capacity(page.changes.len());
        for change in page.changes {
            changes.push(self.incoming(&source.id, change).await?);
        }
        let (n, caught_up, first_copy) = (changes.len(), !page.more, page.snapshot);
        let (id, next) = (source.id.clone(), page.next_cursor.clone());
        let finished = source.caught_up || caught_up;
        self.db(move |c| store::apply_page(c, &id, read_at.as_deref(), changes, &next, finished))
            .await
            .map_err(|e| match e.status() {
                // Another mirror moved the cursor: retrying would interleave its pages.
                actix_web::http::StatusCode::CONFLICT => Failure::Stop(said(&e)),
                // The database away or full: the page is read again later.
                _ => Failure::Retry(said(&e), None),
            })?;
        source.sync_cursor = Some(page.next_cursor);
        source.caught_up = finished;
        progress.items += n;
        progress.pages += 1;
        if first_copy {
            let seconds = progress.started.elapsed().as_secs_f64().max(0.001);
            println!(
                "{}: first copy: {} items in {} pages ({:.0} items/s){}",
                source.name,
                progress.items,
                progress.pages,
                progress.items as f64 / seconds,
                if caught_up { ", done" } else { "" }
            );
        } else if n > 0 {
            println!("{}: {n} change(s) applied", source.name);
        }
        if caught_up {
            println!("{}: up to date", source.name);
        }
        Ok(caught_up)
    }

    async fn read_page(&self, since: Option<&str>) -> Result<FeedPage, Failure> {
        let mut query = vec![("limit", self.options.page_size.to_string())];
        if let Some(c) = since {
            query.push(("since", c.to_owned()));
        }
        let answer = self
            .client
            .get(format!("{}/api/v1/sync/changes", self.url))
            .query(&query)
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| Failure::Retry(unreachable(&e), None))?;
        let status = answer.status();
        if status == StatusCode::OK {
            return answer
                .json::<FeedPage>()
                .await
                .map_err(|e| Failure::Retry(format!("unreadable page: {e}"), None));
        }
        let retry_after = answer
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        let detail = answer
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|p| p.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
            .unwrap_or_default();
        let why = format!("HTTP {status} {detail}").trim_end().to_owned();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(Failure::Retry(why, retry_after))
        } else {
            Err(Failure::Stop(why))
        }
    }

    /// An entry as stored: a medium's files copied first.
    async fn incoming(&self, source_id: &str, change: FeedChange) -> Result<Incoming, Failure> {
        let FeedChange {
            kind,
            id,
            op,
            at,
            revision,
            item,
        } = change;
        let item = match (op.as_str(), item) {
            ("upsert", Some(item)) => item,
            _ => return Ok(Incoming::Delete { kind, id }),
        };
        let files = if kind == MEDIA {
            self.copy_files(source_id, &id, &item).await?
        } else {
            Vec::new()
        };
        Ok(Incoming::Upsert {
            kind,
            id,
            revision: revision.unwrap_or(1),
            at: at.unwrap_or_else(Utc::now).naive_utc(),
            item: item.get().to_owned(),
            files,
        })
    }

    /// Copies a medium's file and variants into the local store (bytes already held, by their
    /// SHA-256, are not fetched again). A file the source no longer serves is left out: the
    /// feed's next entries withdraw or replace the medium.
    async fn copy_files(
        &self,
        source_id: &str,
        media_id: &str,
        item: &RawValue,
    ) -> Result<Vec<MirroredFile>, Failure> {
        let media: PublicMedia = serde_json::from_str(item.get())
            .map_err(|e| Failure::Stop(format!("medium {media_id} unreadable: {e}")))?;
        let mut wanted = vec![(
            String::new(),
            media.url,
            media.content_type,
            Some(media.sha256),
        )];
        wanted.extend(
            media
                .variants
                .into_iter()
                .map(|v| (v.name, v.url, v.content_type, None)),
        );
        let mut files = Vec::new();
        for (variant, url, content_type, sha256) in wanted {
            let held = sha256
                .as_deref()
                .is_some_and(|s| self.blobs.open(s).is_ok());
            let sha256 = if held {
                sha256
            } else {
                self.fetch(&url, sha256.as_deref()).await?
            };
            if let Some(sha256) = sha256 {
                files.push(MirroredFile {
                    source_id: source_id.to_owned(),
                    media_id: media_id.to_owned(),
                    variant,
                    sha256,
                    content_type,
                });
            }
        }
        Ok(files)
    }

    /// Stores the bytes at `path` on the source; their SHA-256, or `None` when the source no
    /// longer serves them.
    async fn fetch(&self, path: &str, expected: Option<&str>) -> Result<Option<String>, Failure> {
        if !path.starts_with("/api/v1/media/") {
            return Err(Failure::Stop(format!("unexpected media address {path}")));
        }
        let mut answer = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .map_err(|e| Failure::Retry(unreachable(&e), None))?;
        match answer.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Ok(None),
            s => return Err(Failure::Retry(format!("HTTP {s} for {path}"), None)),
        }
        let disk = |e: std::io::Error| Failure::Retry(format!("cannot store {path}: {e}"), None);
        let mut spool = self.blobs.spool().map_err(disk)?;
        while let Some(chunk) = answer
            .chunk()
            .await
            .map_err(|e| Failure::Retry(unreachable(&e), None))?
        {
            spool.write(&chunk).map_err(disk)?;
        }
        let spooled = spool.finish().map_err(disk)?;
        if expected.is_some_and(|e| e != spooled.sha256) {
            return Err(Failure::Retry(format!("{path} changed while copied"), None));
        }
        let sha256 = spooled.sha256.clone();
        self.blobs.put(spooled).map_err(disk)?;
        Ok(Some(sha256))
    }

    /// Runs `work` on this source's connection, off the async threads.
    async fn db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> crate::error::ApiResult<T> + Send + 'static,
    ) -> crate::error::ApiResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(crate::error::ApiError::internal)?
    }

    fn label(&self, source: &Option<MirrorSource>) -> String {
        source
            .as_ref()
            .map_or_else(|| self.url.clone(), |s| s.name.clone())
    }

    fn named(&self, why: String) -> String {
        format!("{}: {why}", self.url)
    }
}

/// An error of this database, in a line.
fn said(e: &crate::error::ApiError) -> String {
    format!("{} ({e})", e.problem(Lang::En).detail)
}

fn unreachable(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "unreachable".to_owned()
    } else {
        format!("connection failed: {e}")
    }
}
