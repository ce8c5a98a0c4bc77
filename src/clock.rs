//! What time it is for answers computed from the date, such as a document's validity: the
//! system's clock, or in tests one fixed and moved by hand, so that a day's boundary can be
//! crossed without waiting for it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// A clock that stands at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    /// Moves a fixed clock (every copy of it); the system clock is not moved.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.0 {
            *fixed.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(fixed) => *fixed.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }
}
