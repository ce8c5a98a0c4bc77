//! What every handler shares: the pool, keys, the password hasher and the login limiter.

use std::time::{Duration, Instant};

use actix_web::web;
use diesel::r2d2::R2D2Connection;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::Passwords;
use crate::auth::ratelimit::{AddressLimiter, KeyLimiter, LoginLimiter};
use crate::config::Settings;
use crate::db::health::DbHealth;
use crate::db::{DbConnection, DbPool, PooledConn};
use crate::error::{ApiError, ApiResult};

pub struct AppState {
    pub pool: DbPool,
    /// Whether the database is up: while it is not, requests answer 503 at once.
    pub db_health: std::sync::Arc<DbHealth>,
    pub jwt: JwtKeys,
    pub passwords: Passwords,
    pub login_limiter: LoginLimiter,
    /// Anonymous questions and feedback per client address.
    pub intake_limiter: AddressLimiter,
    /// Ticket look-ups per client address.
    pub track_limiter: AddressLimiter,
    /// Requests per API key, each at its own rate.
    pub key_limiter: KeyLimiter,
    /// Wakes the mail worker when something was put in the outbox.
    pub mail_wakeup: tokio::sync::Notify,
    /// Full-text search is the one CPU-heavy public read: running more searches at once than
    /// there are cores only makes each slower and the slowest much slower, and takes the
    /// cores from cheap reads. Waiters are served in arrival order.
    pub search_permits: tokio::sync::Semaphore,
    /// Room left on the disks written to, and whether writes fail for lack of it.
    pub storage: crate::storage::StorageWatch,
    /// Memory all image decodes share.
    pub decode_budget: std::sync::Arc<crate::media::images::DecodeBudget>,
    /// Where media bytes live.
    pub media_store: std::sync::Arc<dyn crate::media::store::BlobStore>,
    pub settings: Settings,
}

impl AppState {
    /// A turn to search (`search_permits`), waited for in arrival order; `None` when
    /// `searching` is false (a plain list waits for nobody).
    pub async fn search_turn(
        &self,
        searching: bool,
    ) -> crate::error::ApiResult<Option<tokio::sync::SemaphorePermit<'_>>> {
        if !searching {
            return Ok(None);
        }
        let permit = self.search_permits.acquire().await;
        Ok(Some(permit.map_err(crate::error::ApiError::internal)?))
    }

    /// Runs one unit of database work on the blocking pool with a pooled connection. A pool
    /// that cannot hand out a connection in time becomes 503, and so, at once, does a database
    /// known to be down or not ready yet.
    pub async fn db<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        if !self.db_health.is_up() {
            return Err(ApiError::service_unavailable("the database is down"));
        }
        let pool = self.pool.clone();
        let health = self.db_health.clone();
        let timeout = self.settings.db_pool_timeout;
        web::block(move || {
            let mut conn = checkout(&pool, &health, timeout)?;
            match work(&mut conn) {
                // A failure on a connection that is now broken is the database going away
                // (restart, failover, terminated backend), not a fault in the request.
                Err(e)
                    if e.status().is_server_error()
                        && (conn.is_broken() || conn.ping().is_err()) =>
                {
                    Err(ApiError::service_unavailable(e))
                }
                other => other,
            }
        })
        .await?
    }
}

/// Waits up to `timeout` for a connection, in short slices: a request already waiting when
/// the database goes down leaves as soon as that is known, instead of queueing behind it.
fn checkout(pool: &DbPool, health: &DbHealth, timeout: Duration) -> ApiResult<PooledConn> {
    const SLICE: Duration = Duration::from_millis(200);
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match pool.get_timeout(left.min(SLICE)) {
            Ok(conn) => return Ok(conn),
            Err(e) if left <= SLICE || !health.is_up() => return Err(e.into()),
            Err(_) => {}
        }
    }
}
