//! Other schools' public content, copied from their changes feeds by `ttdt mirror` (the
//! district portal aggregating its schools) and read back, read-only, by the public: a list of
//! the schools, a combined list and search across them, an item as its school serves it.
//!
//! An item is kept exactly as its school's public endpoint answered it; the few columns beside
//! it (title, summary, date, search words) are read out of that answer for lists and search.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::Value;

use super::Page;
use crate::db::schema::{mirror_sources, mirrored_files, mirrored_items};
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{html, search, text::slugify};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mirror_sources)]
pub struct MirrorSource {
    pub id: String,
    pub url: String,
    pub name: String,
    pub sync_cursor: Option<String>,
    pub caught_up: bool,
    pub last_ok_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub failures: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = mirrored_items)]
pub struct MirroredItem {
    pub source_id: String,
    pub kind: String,
    pub item_id: String,
    pub revision: i32,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub published_at: NaiveDateTime,
    pub search_title: String,
    pub search_text: String,
    pub item: String,
}

/// A medium's stored bytes (`variant` empty for the file itself).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mirrored_files)]
pub struct MirroredFile {
    pub source_id: String,
    pub media_id: String,
    pub variant: String,
    pub sha256: String,
    pub content_type: String,
}

/// One entry of a source's feed page, as the mirror applies it.
pub enum Incoming {
    /// Keep `item` (the public answer, as sent) at `revision`; `at` dates items without a
    /// `published_at` of their own. A medium brings its stored files.
    Upsert {
        kind: String,
        id: String,
        revision: i32,
        at: NaiveDateTime,
        item: String,
        files: Vec<MirroredFile>,
    },
    Delete {
        kind: String,
        id: String,
    },
}

/// The source followed at `url`, if it was before.
pub fn by_url(conn: &mut DbConnection, url: &str) -> ApiResult<Option<MirrorSource>> {
    Ok(mirror_sources::table
        .filter(mirror_sources::url.eq(url))
        .select(MirrorSource::as_select())
        .first(conn)
        .optional()?)
}

/// The source at `url`, registered on its first pull under a short name made from the
/// school's name (`-2`, `-3` … when two schools share one); its name follows the school's.
pub fn register(conn: &mut DbConnection, url: &str, name: &str) -> ApiResult<MirrorSource> {
    write_transaction(conn, |conn| {
        let known: Option<MirrorSource> = mirror_sources::table
            .filter(mirror_sources::url.eq(url))
            .select(MirrorSource::as_select())
            .first(conn)
            .optional()?;
        if let Some(mut source) = known {
            if source.name != name {
                diesel::update(mirror_sources::table.find(&source.id))
                    .set(mirror_sources::name.eq(name))
                    .execute(conn)?;
                source.name = name.to_owned();
            }
            return Ok(source);
        }
        let base = match slugify(name) {
            s if s.is_empty() => "truong".to_owned(),
            s => s,
        };
        let mut id = base.clone();
        for n in 2.. {
            let taken: i64 = mirror_sources::table
                .filter(mirror_sources::id.eq(&id))
                .count()
                .get_result(conn)?;
            if taken == 0 {
                break;
            }
            id = format!("{base}-{n}");
        }
        let source = MirrorSource {
            id,
            url: url.to_owned(),
            name: name.to_owned(),
            sync_cursor: None,
            caught_up: false,
            last_ok_at: None,
            last_error: None,
            failures: 0,
            created_at: now(),
        };
        diesel::insert_into(mirror_sources::table)
            .values(&source)
            .execute(conn)?;
        Ok(source)
    })
}

/// Stores one page of a source's feed and the cursor after it, in one transaction: a mirror
/// killed at any point resumes from the last page stored whole. The cursor moves only from
/// the one this page was read at (`read_at`): a second mirror of the same source, started by
/// mistake, fails here (409) instead of interleaving pages.
pub fn apply_page(
    conn: &mut DbConnection,
    source_id: &str,
    read_at: Option<&str>,
    changes: Vec<Incoming>,
    next_cursor: &str,
    caught_up: bool,
) -> ApiResult<()> {
    write_transaction(conn, |conn| {
        let target = mirror_sources::table.find(source_id);
        let moved = match read_at {
            Some(c) => diesel::update(target.filter(mirror_sources::sync_cursor.eq(c)))
                .set(cursor_moved(next_cursor, caught_up))
                .execute(conn)?,
            None => diesel::update(target.filter(mirror_sources::sync_cursor.is_null()))
                .set(cursor_moved(next_cursor, caught_up))
                .execute(conn)?,
        };
        if moved == 0 {
            return Err(ApiError::conflict(
                "mirror_moved",
                crate::error::Text::new(
                    "Một tiến trình mirror khác đang đọc trường này.",
                    "Another mirror is following this school.",
                ),
            ));
        }
        for change in changes {
            match change {
                Incoming::Upsert {
                    kind,
                    id,
                    revision,
                    at,
                    item,
                    files,
                } => {
                    remove(conn, source_id, &kind, &id)?;
                    let row = row_of(source_id, kind, id, revision, at, item)?;
                    diesel::insert_into(mirrored_items::table)
                        .values(&row)
                        .execute(conn)?;
                    for file in &files {
                        diesel::insert_into(mirrored_files::table)
                            .values(file)
                            .execute(conn)?;
                    }
                }
                Incoming::Delete { kind, id } => remove(conn, source_id, &kind, &id)?,
            }
        }
        Ok(())
    })
}

type CursorMoved = (
    diesel::dsl::Eq<mirror_sources::sync_cursor, String>,
    diesel::dsl::Eq<mirror_sources::caught_up, bool>,
    diesel::dsl::Eq<mirror_sources::last_ok_at, NaiveDateTime>,
    diesel::dsl::Eq<mirror_sources::last_error, Option<String>>,
    diesel::dsl::Eq<mirror_sources::failures, i32>,
);

fn cursor_moved(next: &str, caught_up: bool) -> CursorMoved {
    (
        mirror_sources::sync_cursor.eq(next.to_owned()),
        mirror_sources::caught_up.eq(caught_up),
        mirror_sources::last_ok_at.eq(now()),
        mirror_sources::last_error.eq(None),
        mirror_sources::failures.eq(0),
    )
}

fn remove(conn: &mut DbConnection, source_id: &str, kind: &str, id: &str) -> ApiResult<()> {
    diesel::delete(mirrored_items::table.find((source_id, kind, id))).execute(conn)?;
    if kind == super::sync::MEDIA {
        diesel::delete(
            mirrored_files::table
                .filter(mirrored_files::source_id.eq(source_id))
                .filter(mirrored_files::media_id.eq(id)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Notes a failed pull (shown in the list of schools as `failing`).
pub fn record_failure(conn: &mut DbConnection, source_id: &str, error: &str) -> ApiResult<()> {
    diesel::update(mirror_sources::table.find(source_id))
        .set((
            mirror_sources::last_error.eq(error),
            mirror_sources::failures.eq(mirror_sources::failures + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// The columns read out of an item's public answer. Kinds name their heading differently
/// (`title`, a question's `subject`, a medium's `original_name`); the
/// date is `published_at` where the kind has one.
fn row_of(
    source_id: &str,
    kind: String,
    item_id: String,
    revision: i32,
    at: NaiveDateTime,
    item: String,
) -> ApiResult<MirroredItem> {
    let value: Value = serde_json::from_str(&item).map_err(ApiError::internal)?;
    let text = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| {
                value
                    .get(n)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            })
            .unwrap_or_default()
            .to_owned()
    };
    let title = text(&["title", "name", "subject", "question", "original_name"]);
    let published_at = value
        .get("published_at")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.naive_utc())
        .unwrap_or(at);
    // The school's and the kind's words first: a search narrowed to them asks for them
    // beside the query's, and the index intersects the two.
    let mut words = format!(
        "{} {}",
        search::school_word(source_id),
        search::kind_word(&kind)
    );
    words_of(&value, None, &mut words);
    Ok(MirroredItem {
        source_id: source_id.to_owned(),
        kind,
        item_id,
        revision,
        slug: text(&["slug"]),
        search_title: search::words_text(&title),
        title,
        summary: text(&["summary", "description", "answer"]),
        published_at,
        search_text: words,
        item,
    })
}

/// The search words of every text in an item, HTML read as its text; leaves out what is not
/// prose (ids, addresses, slugs, dates, hashes, types).
fn words_of(value: &Value, key: Option<&str>, out: &mut String) {
    const NOT_PROSE: &[&str] = &["id", "url", "slug", "_at", "sha256", "content_type", "kind"];
    match value {
        Value::String(s) => {
            if key.is_some_and(|k| NOT_PROSE.iter().any(|n| k.ends_with(n))) {
                return;
            }
            let text = if s.contains('<') {
                html::text_of(s)
            } else {
                s.clone()
            };
            for word in search::words(&text) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&word);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| words_of(v, key, out)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| words_of(v, Some(k), out)),
        _ => {}
    }
}

/// Every source, in the order they were added.
pub fn sources(conn: &mut DbConnection) -> ApiResult<Vec<(MirrorSource, i64)>> {
    let sources: Vec<MirrorSource> = mirror_sources::table
        .select(MirrorSource::as_select())
        .order((mirror_sources::created_at, mirror_sources::id))
        .load(conn)?;
    let counts: Vec<(String, i64)> = mirrored_items::table
        .group_by(mirrored_items::source_id)
        .select((mirrored_items::source_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(sources
        .into_iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == s.id)
                .map_or(0, |(_, n)| *n);
            (s, n)
        })
        .collect())
}

/// Every source's (id, name).
pub fn names(conn: &mut DbConnection) -> ApiResult<Vec<(String, String)>> {
    Ok(mirror_sources::table
        .select((mirror_sources::id, mirror_sources::name))
        .load(conn)?)
}

/// What a combined list or search asks.
#[derive(Default)]
pub struct Scope {
    pub school: Option<String>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<&'static str>,
}

/// A page of the items of every school (or of `scope`'s), newest first; the key after the last
/// is `published_at|school|kind|id` (`services::page_key`).
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<MirroredItem>> {
    let mut q = scoped(scope);
    if let Some((t, key)) = after {
        let mut parts = key.splitn(3, '|');
        let (Some(s), Some(k), Some(i)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(crate::api::invalid_cursor());
        };
        let (s, k, i) = (s.to_owned(), k.to_owned(), i.to_owned());
        use mirrored_items::*;
        q = q.filter(
            published_at.lt(t).or(published_at.eq(t).and(
                source_id.lt(s.clone()).or(source_id
                    .eq(s)
                    .and(kind.lt(k.clone()).or(kind.eq(k).and(item_id.lt(i))))),
            )),
        );
    }
    let rows = q
        .order((
            mirrored_items::published_at.desc(),
            mirrored_items::source_id.desc(),
            mirrored_items::kind.desc(),
            mirrored_items::item_id.desc(),
        ))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r: &MirroredItem| {
        super::page_key(
            r.published_at,
            &format!("{}|{}|{}", r.source_id, r.kind, r.item_id),
        )
    }))
}

/// Items of every school (or of `scope`'s) holding every word of `q`, ranked by the site's own
/// search rules (`services::public::search`): among the most recent matches, those with more
/// of the words in their title first, then the newest; the same words, so the same results,
/// on both backends. A page of `limit` after `offset`; also the query's words, for snippets.
pub fn search(
    conn: &mut DbConnection,
    q: &str,
    scope: &Scope,
    offset: i64,
    limit: usize,
) -> ApiResult<(Page<MirroredItem>, Vec<String>)> {
    let terms = search::query_terms(q);
    if terms.is_empty() {
        let none = Page {
            items: Vec::new(),
            next_after: None,
        };
        return Ok((none, terms));
    }
    // Words are letters and digits only (domain::search): safe inside quotes and patterns.
    let mut all: Vec<String> = terms.clone();
    all.extend(scope.school.as_deref().map(search::school_word));
    let kinds: Vec<String> = scope.kinds.iter().map(|k| search::kind_word(k)).collect();
    let score = terms
        .iter()
        .map(|t| {
            format!("CASE WHEN (' ' || m.search_title || ' ') LIKE '% {t} %' THEN 1 ELSE 0 END")
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let rank = |window: &str, on: &str| {
        format!(
            "SELECT {ITEM_COLUMNS} FROM ({window}) w JOIN mirrored_items m ON {on} \
             ORDER BY ({score}) DESC, m.published_at DESC, m.source_id DESC, m.item_id DESC"
        )
    };
    let fetch = limit as i64 + 1;
    let ranked = crate::services::public::RANKED_MATCHES;
    let rows: Vec<MirroredItem> = match conn {
        DbConnection::Sqlite(c) => {
            let mut matcher: Vec<String> = all.iter().map(|w| format!("\"{w}\"")).collect();
            if !kinds.is_empty() {
                let any: Vec<String> = kinds.iter().map(|w| format!("\"{w}\"")).collect();
                matcher.push(format!("({})", any.join(" OR ")));
            }
            let window = format!(
                "SELECT rowid AS r FROM mirrored_items_fts WHERE mirrored_items_fts MATCH ?1 \
                 ORDER BY rowid DESC LIMIT {ranked}"
            );
            let sql = format!("{} LIMIT ?2 OFFSET ?3", rank(&window, "m.search_seq = w.r"));
            diesel::sql_query(sql)
                .bind::<Text, _>(matcher.join(" AND "))
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
        DbConnection::Postgres(c) => {
            let mut query = all.join(" & ");
            if !kinds.is_empty() {
                query.push_str(&format!(" & ({})", kinds.join(" | ")));
            }
            let window = format!(
                "SELECT search_seq AS s FROM mirrored_items \
                 WHERE search_tsv @@ to_tsquery('simple', $1) ORDER BY search_seq DESC LIMIT {ranked}"
            );
            let sql = format!("{} LIMIT $2 OFFSET $3", rank(&window, "m.search_seq = w.s"));
            diesel::sql_query(sql)
                .bind::<Text, _>(query)
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
    };
    let end = offset + limit as i64;
    let page = Page::from_rows(rows, limit, |_: &MirroredItem| end.to_string());
    Ok((page, terms))
}

const ITEM_COLUMNS: &str = "m.source_id, m.kind, m.item_id, m.revision, m.slug, m.title, \
     m.summary, m.published_at, m.search_title, m.search_text, m.item";

type Boxed = mirrored_items::BoxedQuery<
    'static,
    crate::db::MultiBackend,
    diesel::dsl::AsSelect<MirroredItem, crate::db::MultiBackend>,
>;

fn scoped(scope: &Scope) -> Boxed {
    let mut q = mirrored_items::table
        .select(MirroredItem::as_select())
        .into_boxed();
    if let Some(school) = &scope.school {
        q = q.filter(mirrored_items::source_id.eq(school.clone()));
    }
    if !scope.kinds.is_empty() {
        q = q.filter(mirrored_items::kind.eq_any(scope.kinds.clone()));
    }
    q
}

/// One item of one school.
pub fn get(
    conn: &mut DbConnection,
    school: &str,
    kind: &str,
    id: &str,
) -> ApiResult<Option<MirroredItem>> {
    Ok(mirrored_items::table
        .find((school, kind, id))
        .select(MirroredItem::as_select())
        .first(conn)
        .optional()?)
}

/// The stored bytes of a mirrored medium (`variant` empty: the file itself), with the
/// medium's original name and kind as its school sent them; the first school's when two sent
/// the same id.
pub fn file_of(
    conn: &mut DbConnection,
    media_id: &str,
    variant: &str,
) -> ApiResult<Option<(MirroredFile, String, String)>> {
    let file: Option<MirroredFile> = mirrored_files::table
        .filter(mirrored_files::media_id.eq(media_id))
        .filter(mirrored_files::variant.eq(variant))
        .select(MirroredFile::as_select())
        .order(mirrored_files::source_id)
        .first(conn)
        .optional()?;
    let Some(file) = file else { return Ok(None) };
    let item: Option<String> = mirrored_items::table
        .find((&file.source_id, super::sync::MEDIA, media_id))
        .select(mirrored_items::item)
        .first(conn)
        .optional()?;
    let item: Value = item
        .and_then(|i| serde_json::from_str(&i).ok())
        .unwrap_or_default();
    let field = |name: &str| {
        item.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (name, kind) = (field("original_name"), field("kind"));
    Ok(Some((file, name, kind)))
}

/// Whether any mirrored medium keeps these bytes (the media sweep leaves them).
pub fn keeps(conn: &mut DbConnection, sha256: &str) -> ApiResult<bool> {
    let n: i64 = mirrored_files::table
        .filter(mirrored_files::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_items_columns_come_from_its_public_answer() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(1, 0, 0)
            .unwrap();
        let article = r#"{"id": "a1", "slug": "khai-giang", "title": "Khai giảng năm học mới",
            "summary": "Lễ khai giảng", "body": "<p>Học sinh <b>Mường Mươn</b> dự lễ</p>",
            "cover_url": "/api/v1/media/m1/file", "category_id": "c1",
            "published_at": "2026-09-05T01:30:00Z", "tags": ["lễ hội"]}"#;
        let row = row_of(
            "th-muong-muon",
            "article".into(),
            "a1".into(),
            3,
            at,
            article.into(),
        )
        .unwrap();
        assert_eq!(row.title, "Khai giảng năm học mới");
        assert_eq!(row.summary, "Lễ khai giảng");
        assert_eq!(row.slug, "khai-giang");
        assert_eq!(row.search_title, "khai giang nam hoc moi");
        assert_eq!(row.published_at.to_string(), "2026-09-05 01:30:00");
        let words: Vec<&str> = row.search_text.split(' ').collect();
        assert_eq!(
            words[..2],
            [
                search::school_word("th-muong-muon"),
                search::kind_word("article")
            ]
        );
        for word in ["hoc", "sinh", "muong", "muon", "le", "hoi"] {
            assert!(words.contains(&word), "{word} in {words:?}");
        }
        for not_prose in ["a1", "api", "media", "m1", "c1", "p", "b", "2026"] {
            assert!(!words.contains(&not_prose), "{not_prose} in {words:?}");
        }

        // A question is headed by its subject; a kind without a date takes the entry's.
        let question = r#"{"id": "q1", "subject": "Hồ sơ nhập học", "question": "Cần gì?",
            "answer": "Giấy khai sinh"}"#;
        let row = row_of("s", "question".into(), "q1".into(), 1, at, question.into()).unwrap();
        assert_eq!(
            (row.title.as_str(), row.summary.as_str()),
            ("Hồ sơ nhập học", "Giấy khai sinh")
        );
        assert_eq!(row.published_at, at);
    }
}
