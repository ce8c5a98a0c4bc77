//! What anonymous readers see, of every kind: only the public projection (published
//! revisions), never a working copy. Lists are ordered newest first on an index; search is one
//! index across kinds, ranked the same on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{Lookup, Page, kinds, page_key};
use crate::db::DbConnection;
use crate::db::content::{PublicCard, PublicItem};
use crate::db::schema::{content_slugs, public_items};
use crate::domain::search;
use crate::error::{ApiError, ApiResult};

/// Finds a published item of a kind by id or slug; an old slug the public has seen answers
/// where it moved (a slug only a working copy has had is unknown to the public).
pub fn get(conn: &mut DbConnection, kind: &str, id_or_slug: &str) -> ApiResult<Lookup<PublicItem>> {
    let found: Option<PublicItem> = public_items::table
        .filter(public_items::kind.eq(kind))
        .filter(
            public_items::item_id
                .eq(id_or_slug)
                .or(public_items::slug.eq(id_or_slug)),
        )
        .select(PublicItem::as_select())
        .first(conn)
        .optional()?;
    if let Some(item) = found {
        return Ok(Lookup::Found(item));
    }
    let moved: Option<String> = content_slugs::table
        .inner_join(public_items::table.on(public_items::item_id.eq(content_slugs::item_id)))
        .filter(content_slugs::kind.eq(kind))
        .filter(content_slugs::slug.eq(id_or_slug))
        .filter(content_slugs::public.eq(true))
        .select(public_items::slug)
        .first(conn)
        .optional()?;
    moved.map(Lookup::Moved).ok_or_else(ApiError::not_found)
}

/// Published items of a kind, newest first, optionally in a category and a publication window.
pub fn list(
    conn: &mut DbConnection,
    kind: &str,
    category_id: Option<&str>,
    published: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<PublicCard>> {
    use public_items::dsl::{category_id as category, item_id, kind as kind_col, published_at};
    let rows = match published {
        (None, None) => newest(conn, kind, category_id, after, limit)?,
        (from, before) => {
            let mut q = public_items::table
                .filter(kind_col.eq(kind))
                .select(PublicCard::as_select())
                .into_boxed();
            if let Some(c) = category_id {
                q = q.filter(category.eq(c.to_owned()));
            }
            if let Some(from) = from {
                q = q.filter(published_at.ge(from));
            }
            if let Some(before) = before {
                q = q.filter(published_at.lt(before));
            }
            if let Some((t, id)) = after {
                q = q.filter(
                    published_at
                        .lt(t)
                        .or(published_at.eq(t).and(item_id.lt(id))),
                );
            }
            q.order((published_at.desc(), item_id.desc()))
                .limit(limit as i64 + 1)
                .load(conn)?
        }
    };
    Ok(Page::from_rows(rows, limit, |c| {
        page_key(c.published_at, &c.item_id)
    }))
}

/// The front page and category pages, the most frequent reads of all, as fixed-shape queries:
/// unlike boxed ones, their prepared statements are cached per connection.
fn newest(
    conn: &mut DbConnection,
    kind: &str,
    category_id: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> QueryResult<Vec<PublicCard>> {
    use public_items::dsl::{category_id as category, item_id, kind as kind_col, published_at};
    let order = (published_at.desc(), item_id.desc());
    let fetch = limit as i64 + 1;
    let q = public_items::table
        .filter(kind_col.eq(kind))
        .select(PublicCard::as_select());
    match (category_id, after) {
        (None, None) => q.order(order).limit(fetch).load(conn),
        (Some(c), None) => q
            .filter(category.eq(c))
            .order(order)
            .limit(fetch)
            .load(conn),
        (None, Some((t, id))) => q
            .filter(
                published_at
                    .lt(t)
                    .or(published_at.eq(t).and(item_id.lt(id))),
            )
            .order(order)
            .limit(fetch)
            .load(conn),
        (Some(c), Some((t, id))) => q
            .filter(category.eq(c))
            .filter(
                published_at
                    .lt(t)
                    .or(published_at.eq(t).and(item_id.lt(id))),
            )
            .order(order)
            .limit(fetch)
            .load(conn),
    }
}

/// A ranked search hit with the passage that matched.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub item: PublicCard,
    pub snippet: String,
}

/// Search ranks at most this many matches, the most recently (re)published: a query for words
/// found in nearly every item would otherwise cost time in proportion to the whole archive.
/// Older matches are still found by adding words to the query.
pub const RANKED_MATCHES: i64 = 1000;

/// A ranked row: the list entry and the detail its snippet is cut from.
#[derive(QueryableByName)]
struct SearchRow {
    #[diesel(embed)]
    item: PublicCard,
    #[diesel(sql_type = Text)]
    detail: String,
}

const SEARCH_COLUMNS: &str = "p.item_id, p.kind, p.slug, p.category_id, p.published_at, \
     p.updated_at, p.author_name, p.title, p.summary, p.card, p.detail";

/// What a search looks in: one kind or all, one category or all.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchScope<'a> {
    pub kind: Option<&'a str>,
    pub category_id: Option<&'a str>,
}

/// Ranked full-text search: every word must match, diacritics and case ignored both ways.
/// Ranking is the same on both backends, so the same query gives the same ids in the same
/// order: the more of the query's words the title has, the higher; then the newest first.
/// Pages by offset (ranking has no stable key to continue after).
pub fn search(
    conn: &mut DbConnection,
    q: &str,
    scope: SearchScope<'_>,
    offset: i64,
    limit: usize,
) -> ApiResult<Page<SearchHit>> {
    let terms = search::query_terms(q);
    if terms.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            next_after: None,
        });
    }
    // The kind and category are words of the index (`search::kind_word`), asked for beside the
    // query's: the index intersects them, so a search in one kind never walks another's.
    let mut words = terms.clone();
    words.extend(scope.kind.map(search::kind_word));
    words.extend(scope.category_id.map(search::category_word));
    let fetch = limit as i64 + 1;
    // Words are letters and digits only (domain::search), so they are safe inside quotes and
    // LIKE patterns. The score counts the query's words found in the title's words.
    let score = terms
        .iter()
        .map(|t| {
            format!("CASE WHEN (' ' || p.search_title || ' ') LIKE '% {t} %' THEN 1 ELSE 0 END")
        })
        .collect::<Vec<_>>()
        .join(" + ");
    // The window: the most recent matches, in the order rows entered the projection (the
    // rowid on SQLite, which FTS5 walks backwards and stops; `search_seq` on PostgreSQL), so
    // both backends rank the same rows.
    let rank = |window: &str, on: &str| {
        format!(
            "SELECT {SEARCH_COLUMNS} FROM ({window}) w JOIN public_items p ON {on} \
             ORDER BY ({score}) DESC, p.published_at DESC, p.item_id DESC"
        )
    };
    let rows: Vec<SearchRow> = match conn {
        DbConnection::Sqlite(c) => {
            let matcher = words
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" ");
            let window = format!(
                "SELECT rowid AS r FROM public_items_fts WHERE public_items_fts MATCH ?1 \
                 ORDER BY rowid DESC LIMIT {RANKED_MATCHES}"
            );
            let sql = format!("{} LIMIT ?2 OFFSET ?3", rank(&window, "p.rowid = w.r"));
            diesel::sql_query(sql)
                .bind::<Text, _>(matcher)
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
        DbConnection::Postgres(c) => {
            let window = format!(
                "SELECT item_id FROM public_items WHERE search_tsv @@ to_tsquery('simple', $1) \
                 ORDER BY search_seq DESC LIMIT {RANKED_MATCHES}"
            );
            let sql = format!(
                "{} LIMIT $2 OFFSET $3",
                rank(&window, "p.item_id = w.item_id")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(words.join(" & "))
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
    };
    let more = rows.len() > limit;
    let items = rows
        .into_iter()
        .take(limit)
        .map(|SearchRow { item, detail }| {
            let kind = kinds::of(&item.kind).ok_or_else(|| ApiError::internal("unknown kind"))?;
            let snippet = (kind.snippet)(&item.title, &item.card, &detail, &terms)?;
            Ok(SearchHit { item, snippet })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page {
        items,
        next_after: more.then(|| (offset + limit as i64).to_string()),
    })
}

/// Rebuilds the search words (and each kind's own public indexes) of items indexed by older
/// rules than these (`search::INDEX_VERSION`), a batch at a time; run at start, after the
/// migrations. Returns how many it rebuilt.
pub fn reindex(conn: &mut DbConnection) -> ApiResult<usize> {
    let mut done = 0;
    loop {
        let batch: Vec<PublicItem> = public_items::table
            .filter(public_items::search_version.lt(search::INDEX_VERSION))
            .select(PublicItem::as_select())
            .order(public_items::item_id)
            .limit(200)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        done += batch.len();
        for item in &batch {
            let kind = kinds::of(&item.kind).ok_or_else(|| ApiError::internal("unknown kind"))?;
            (kind.reindex)(conn, item)?;
        }
    }
}

/// Public items in one sitemap file: (kind, slug, when this revision went live).
pub type SitemapEntry = (String, String, NaiveDateTime);

/// How many items the public sees, of every kind.
pub fn count_public(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(public_items::table.count().get_result(conn)?)
}

/// The `page`-th (from 0) run of `size` public items, kind by kind in id order.
pub fn sitemap_page(conn: &mut DbConnection, page: i64, size: i64) -> ApiResult<Vec<SitemapEntry>> {
    Ok(public_items::table
        .order((public_items::kind, public_items::item_id))
        .offset(page * size)
        .limit(size)
        .select((
            public_items::kind,
            public_items::slug,
            public_items::updated_at,
        ))
        .load(conn)?)
}
