//! What every handler shares: the pool, keys, the password hasher and the login limiter.

use actix_web::web;
use diesel::r2d2::R2D2Connection;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::Passwords;
use crate::auth::ratelimit::LoginLimiter;
use crate::config::Settings;
use crate::db::{DbConnection, DbPool};
use crate::error::{ApiError, ApiResult};

pub struct AppState {
    pub pool: DbPool,
    pub jwt: JwtKeys,
    pub passwords: Passwords,
    pub login_limiter: LoginLimiter,
    /// Full-text search is the one CPU-heavy public read: running more searches at once than
    /// there are cores only makes each slower and the slowest much slower, and takes the
    /// cores from cheap reads. Waiters are served in arrival order.
    pub search_permits: tokio::sync::Semaphore,
    /// Where media bytes live.
    pub media_store: std::sync::Arc<dyn crate::media::store::BlobStore>,
    pub settings: Settings,
}

impl AppState {
    /// Runs one unit of database work on the blocking pool with a pooled connection. A pool
    /// that cannot hand out a connection in time becomes 503.
    pub async fn db<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
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
