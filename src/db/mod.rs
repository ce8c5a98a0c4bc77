//! Storage: one connection type over SQLite or PostgreSQL, an r2d2 pool, embedded migrations.
//!
//! Backend-specific SQL lives here and nowhere else, always behind an explicit match.

pub mod content;
pub mod health;
pub mod models;
pub mod questions;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the URL names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<DbManager>;
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// Which backend a database URL names, decided once from its scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path, or `:memory:`.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err("sqlite URL has no file path (e.g. sqlite://data/ttdt.db)".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(rest)));
        }
        Err("must start with sqlite:// or postgres:// (e.g. sqlite://data/ttdt.db)".into())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// How SQLite makes a commit durable (`PRAGMA synchronous`, in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is on disk before it is acknowledged: a power cut loses nothing that was
    /// answered. The default: this is an official record, and a content API writes rarely.
    Full,
    /// Commits reach the disk at checkpoints: safe against a killed process, but a power cut
    /// can lose the last commits. Faster writes.
    Normal,
}

impl SqliteSync {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "full" => Some(Self::Full),
            "normal" => Some(Self::Normal),
            _ => None,
        }
    }

    fn pragma(self) -> &'static str {
        match self {
            Self::Full => "FULL",
            Self::Normal => "NORMAL",
        }
    }
}

/// Establishes the inner connection for the backend chosen from the URL, so a connection error
/// reads as what it is ("connection refused"), never as a stray SQLite file.
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DatabaseUrl,
    sqlite_sync: SqliteSync,
}

impl DbManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            sqlite_sync: SqliteSync::Full,
        }
    }

    pub fn sqlite_synchronous(mut self, sync: SqliteSync) -> Self {
        self.sqlite_sync = sync;
        self
    }
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Postgres(PgConnection::establish(url)?)),
            DatabaseUrl::Sqlite(path) => {
                ensure_parent_dir(path).map_err(diesel::ConnectionError::BadConnection)?;
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout must come before WAL, or opening several connections on a fresh
                // file reports "database is locked".
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; \
                     PRAGMA mmap_size = 268435456;",
                    self.sqlite_sync.pragma()
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping()
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool without waiting for a first connection: the service starts while the
/// database is away. Failed connection attempts tell `health`, so that requests answer 503 at
/// once; `get()` gives up after `timeout` otherwise (r2d2 would wait 30 s).
pub fn build_pool(
    manager: DbManager,
    health: std::sync::Arc<health::DbHealth>,
    max_size: u32,
    timeout: Duration,
) -> Result<DbPool, String> {
    let url = &manager.url;
    if let DatabaseUrl::Sqlite(path) = url {
        ensure_parent_dir(path)?;
    }
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(timeout)
        // A PostgreSQL connection can die under us (server restart, failover); checking it
        // out with a ping lets the pool replace it. SQLite lives in-process and cannot.
        .test_on_check_out(matches!(url, DatabaseUrl::Postgres(_)))
        .error_handler(Box::new(health::ConnectErrors(health)))
        .build_unchecked(manager))
}

/// Creates the directory of a SQLite file, so that every command can open it.
pub fn ensure_parent_dir(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create directory {}: {e}", dir.display())),
        _ => Ok(()),
    }
}

/// Applies pending migrations for the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| format!("migration failed: {e}"))?;
    Ok(applied.len())
}

/// True when every embedded migration has been applied.
pub fn migrations_complete(conn: &mut DbConnection) -> Result<bool, String> {
    let pending = match conn {
        DbConnection::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    }
    .map_err(|e| e.to_string())?;
    Ok(!pending)
}

/// The current time as stored: UTC, truncated to microseconds so SQLite (which would keep
/// nanoseconds) and PostgreSQL return the same value.
pub fn now() -> chrono::NaiveDateTime {
    stored(chrono::Utc::now())
}

/// A moment as stored (see [`now`]): for times read from the settings' clock.
pub fn stored(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    truncate_micros(t.naive_utc())
}

pub fn truncate_micros(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(micros).unwrap_or(t)
}

/// A new opaque, time-ordered id (UUIDv7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Serialises the transactions that guard one invariant (`name`: "principals", a slug's
/// base, …) until the current transaction ends. Call it inside [`write_transaction`], before
/// reading what the invariant depends on.
///
/// PostgreSQL runs READ COMMITTED: two transactions that each read "another principal is
/// active" and then disable one would both pass. A transaction-scoped advisory lock makes the
/// second wait, and its next statement then sees what the first committed. On SQLite write
/// transactions already run one at a time (`BEGIN IMMEDIATE`).
pub fn lock_invariant(conn: &mut DbConnection, name: &str) -> diesel::QueryResult<()> {
    advisory_lock(conn, name, "pg_advisory_xact_lock")
}

/// The shared side of [`lock_invariant`]: many writers that rely on a fact hold it together
/// (articles filed under a category), the one that changes the fact takes it alone and waits
/// for them. A no-op on SQLite.
pub fn lock_invariant_shared(conn: &mut DbConnection, name: &str) -> diesel::QueryResult<()> {
    advisory_lock(conn, name, "pg_advisory_xact_lock_shared")
}

fn advisory_lock(conn: &mut DbConnection, name: &str, function: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Postgres(c) => {
            diesel::sql_query(format!("SELECT {function}(hashtextextended($1, 0))"))
                .bind::<diesel::sql_types::Text, _>(name)
                .execute(c)?;
        }
        DbConnection::Sqlite(_) => {}
    }
    Ok(())
}

/// Runs `work` in a write transaction. On SQLite it begins `IMMEDIATE`, taking the write lock
/// up front: two deferred transactions that both read and then write deadlock in WAL mode, and
/// SQLite fails one at once with "database is locked" instead of waiting out `busy_timeout`.
/// Transactions opened inside `work` become savepoints.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    match conn {
        DbConnection::Postgres(_) => return conn.transaction(work),
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
    }
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(e),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
