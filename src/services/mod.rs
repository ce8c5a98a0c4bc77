//! Business rules and transaction boundaries. No actix types here: handlers call these with a
//! connection, inside `AppState::db`.

pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod categories;
pub mod content;
pub mod departments;
pub mod documents;
pub mod editorial;
pub mod encoding;
pub mod feedback;
pub mod kinds;
pub mod links;
pub mod media;
pub mod mirror;
pub mod outbox;
pub mod pages;
pub mod people;
pub mod procedures;
pub mod projection;
pub mod public;
pub mod questions;
pub mod resources;
pub mod sessions;
pub mod sync;
pub mod users;
pub mod webhooks;

/// One page of a list, in a stable order, and where the next one starts.
/// Where an id or slug leads.
pub enum Lookup<T> {
    Found(T),
    /// An old slug: the item now lives at this slug.
    Moved(String),
}

#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The sort key of the last item, when more items follow.
    pub next_after: Option<String>,
}

/// The sort key of a time-ordered page: microseconds since the epoch and the id.
pub fn page_key(t: chrono::NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", t.and_utc().timestamp_micros())
}

pub fn parse_page_key(key: &str) -> Option<(chrono::NaiveDateTime, String)> {
    let (micros, id) = key.split_once('|')?;
    let t = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    (!id.is_empty()).then(|| (t, id.to_owned()))
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says "there is more".
    pub fn from_rows(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_after = if more { rows.last().map(key) } else { None };
        Page {
            items: rows,
            next_after,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_after: self.next_after,
        }
    }
}

/// Who did something, for the audit log: a staff member through the API, or the command line.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub client_addr: Option<String>,
}

impl AuditContext {
    /// The `ttdt` command line, run by whoever operates the server.
    pub fn command_line() -> Self {
        Self {
            actor_id: None,
            actor_role: Some("cli".into()),
            client_addr: None,
        }
    }
}
