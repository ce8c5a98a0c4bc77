//! Whether the database can be used, known without asking it on every request: requests
//! answer 503 at once while it is down instead of each waiting out the pool timeout, and the
//! service starts (and keeps answering `/healthz`) while the database is not there yet.

use std::sync::atomic::{AtomicU8, Ordering};

/// The database as the service last saw it. Every change of state is logged once.
#[derive(Debug, Default)]
pub struct DbHealth {
    state: AtomicU8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbState {
    /// Not reached yet since the start, or migrations not applied yet.
    Starting,
    Up,
    /// A connection could not be opened; a probe retries every second.
    Down,
}

impl DbState {
    fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Up,
            2 => Self::Down,
            _ => Self::Starting,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            Self::Starting => 0,
            Self::Up => 1,
            Self::Down => 2,
        }
    }
}

impl DbHealth {
    pub fn state(&self) -> DbState {
        DbState::from_u8(self.state.load(Ordering::Acquire))
    }

    pub fn is_up(&self) -> bool {
        self.state() == DbState::Up
    }

    /// The database answered and the schema is current.
    pub fn mark_up(&self) {
        let was = DbState::from_u8(self.state.swap(DbState::Up.as_u8(), Ordering::AcqRel));
        match was {
            DbState::Up => {}
            DbState::Starting => log::info!("database ready: serving requests"),
            DbState::Down => log::warn!("database reachable again: serving requests"),
        }
    }

    /// A connection could not be opened. Only an up database goes down: one that is still
    /// starting stays so until its migrations have run.
    pub fn mark_down(&self, cause: &dyn std::fmt::Display) {
        let went_down = self
            .state
            .compare_exchange(
                DbState::Up.as_u8(),
                DbState::Down.as_u8(),
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok();
        if went_down {
            log::error!("database unreachable ({cause}): answering 503 until it returns");
        }
    }
}

/// Tells the health of every failed connection attempt the pool makes (r2d2 calls this from
/// its own threads).
#[derive(Debug)]
pub struct ConnectErrors(pub std::sync::Arc<DbHealth>);

impl r2d2::HandleError<diesel::ConnectionError> for ConnectErrors {
    fn handle_error(&self, error: diesel::ConnectionError) {
        match error {
            // The server refused or did not answer: it is down (or unreachable).
            diesel::ConnectionError::BadConnection(_) => self.0.mark_down(&error),
            // A stale pooled connection that failed its ping: the pool replaces it.
            other => log::warn!("database connection: {other}"),
        }
    }
}
