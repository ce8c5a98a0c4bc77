//! What anonymous readers see: only the public projection (published revisions), never a
//! working copy. Lists are ordered newest first on an index; search is ranked per backend.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::Lookup;
use super::Page;
use super::{page_key, tags_of};
use crate::db::DbConnection;
use crate::db::content::{PublicArticle, PublicArticleTag};
use crate::db::schema::{article_slugs, public_article_tags, public_articles};
use crate::domain::search;
use crate::domain::text::tag_key;
use crate::error::{ApiError, ApiResult};

/// A list entry: everything but the body.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = public_articles)]
pub struct PublicSummary {
    pub article_id: String,
    pub slug: String,
    pub category_id: String,
    pub author_name: String,
    pub title: String,
    pub summary: String,
    pub tags: String,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    pub category_id: Option<String>,
    /// A tag, folded to its slug.
    pub tag: Option<String>,
    pub published_from: Option<NaiveDateTime>,
    pub published_before: Option<NaiveDateTime>,
}

/// Finds a published article by id or slug; an old slug the public has seen answers where it
/// moved (a slug only a working copy has had is unknown to the public).
pub fn get(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Lookup<PublicArticle>> {
    let found: Option<PublicArticle> = public_articles::table
        .filter(
            public_articles::article_id
                .eq(id_or_slug)
                .or(public_articles::slug.eq(id_or_slug)),
        )
        .select(PublicArticle::as_select())
        .first(conn)
        .optional()?;
    if let Some(a) = found {
        return Ok(Lookup::Found(a));
    }
    let moved: Option<String> = article_slugs::table
        .inner_join(
            public_articles::table.on(public_articles::article_id.eq(article_slugs::article_id)),
        )
        .filter(article_slugs::slug.eq(id_or_slug))
        .filter(article_slugs::public.eq(true))
        .select(public_articles::slug)
        .first(conn)
        .optional()?;
    moved.map(Lookup::Moved).ok_or_else(ApiError::not_found)
}

pub fn list(
    conn: &mut DbConnection,
    filter: &PublicFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<PublicSummary>> {
    // The same window, cursor and order, on the tag index's columns or the article's own.
    macro_rules! newest_first {
        ($q:expr, $at:expr, $id:expr) => {{
            let mut q = $q;
            if let Some(c) = &filter.category_id {
                q = q.filter(public_articles::category_id.eq(c.clone()));
            }
            if let Some(from) = filter.published_from {
                q = q.filter($at.ge(from));
            }
            if let Some(before) = filter.published_before {
                q = q.filter($at.lt(before));
            }
            if let Some((t, id)) = after {
                q = q.filter($at.lt(t).or($at.eq(t).and($id.lt(id))));
            }
            q.order(($at.desc(), $id.desc()))
                .limit(limit as i64 + 1)
                .load(conn)?
        }};
    }
    let rows: Vec<PublicSummary> = if let Some(tag) = &filter.tag {
        // Walk the tag's own index in publication order.
        newest_first!(
            public_article_tags::table
                .inner_join(public_articles::table)
                .filter(public_article_tags::tag.eq(tag.clone()))
                .select(PublicSummary::as_select())
                .into_boxed(),
            public_article_tags::published_at,
            public_article_tags::article_id
        )
    } else if filter.published_from.is_none() && filter.published_before.is_none() {
        newest(conn, filter.category_id.as_deref(), after, limit)?
    } else {
        newest_first!(
            public_articles::table
                .select(PublicSummary::as_select())
                .into_boxed(),
            public_articles::published_at,
            public_articles::article_id
        )
    };
    Ok(Page::from_rows(rows, limit, |a| {
        page_key(a.published_at, &a.article_id)
    }))
}

/// The front page and category pages, the most frequent reads of all, as fixed-shape queries:
/// unlike boxed ones, their prepared statements are cached per connection.
fn newest(
    conn: &mut DbConnection,
    category_id: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> QueryResult<Vec<PublicSummary>> {
    use public_articles::dsl::{article_id, category_id as category, published_at};
    let order = (published_at.desc(), article_id.desc());
    let fetch = limit as i64 + 1;
    let q = public_articles::table.select(PublicSummary::as_select());
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
                    .or(published_at.eq(t).and(article_id.lt(id))),
            )
            .order(order)
            .limit(fetch)
            .load(conn),
        (Some(c), Some((t, id))) => q
            .filter(category.eq(c))
            .filter(
                published_at
                    .lt(t)
                    .or(published_at.eq(t).and(article_id.lt(id))),
            )
            .order(order)
            .limit(fetch)
            .load(conn),
    }
}

/// A ranked search hit with the passage that matched.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article: PublicSummary,
    pub snippet: String,
}

/// Search ranks at most this many matches, the most recently (re)published: a query for words
/// found in nearly every article would otherwise cost time in proportion to the whole
/// archive. Older matches are still found by adding words to the query.
pub const RANKED_MATCHES: i64 = 1000;

/// A ranked row: the list entry and the body its snippet is cut from.
#[derive(QueryableByName)]
struct SearchRow {
    #[diesel(embed)]
    article: PublicSummary,
    #[diesel(sql_type = Text)]
    body: String,
}

const SEARCH_COLUMNS: &str = "p.article_id, p.slug, p.category_id, p.author_name, p.title, p.body, \
     p.summary, p.tags, p.cover_media_id, p.event_date, p.published_at, p.updated_at";

/// Ranked full-text search: every word must match, diacritics and case ignored both ways.
/// Ranking is the same on both backends, so the same query gives the same ids in the same
/// order: the more of the query's words the title has, the higher; then the newest first.
/// Pages by offset (ranking has no stable key to continue after).
pub fn search(
    conn: &mut DbConnection,
    q: &str,
    category_id: Option<&str>,
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
    let category = category_id.unwrap_or("").to_owned();
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
            "SELECT {SEARCH_COLUMNS} FROM ({window}) w JOIN public_articles p ON {on} \
             ORDER BY ({score}) DESC, p.published_at DESC, p.article_id DESC"
        )
    };
    let rows: Vec<SearchRow> = match conn {
        DbConnection::Sqlite(c) => {
            let matcher = terms
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" ");
            // A category filter needs the row before the window.
            let window = if category.is_empty() {
                format!(
                    "SELECT rowid AS r FROM public_articles_fts \
                     WHERE public_articles_fts MATCH ?1 AND ?2 = '' \
                     ORDER BY rowid DESC LIMIT {RANKED_MATCHES}"
                )
            } else {
                format!(
                    "SELECT f.rowid AS r FROM public_articles_fts f \
                     JOIN public_articles p ON p.rowid = f.rowid \
                     WHERE public_articles_fts MATCH ?1 AND p.category_id = ?2 \
                     ORDER BY f.rowid DESC LIMIT {RANKED_MATCHES}"
                )
            };
            let sql = format!("{} LIMIT ?3 OFFSET ?4", rank(&window, "p.rowid = w.r"));
            diesel::sql_query(sql)
                .bind::<Text, _>(matcher)
                .bind::<Text, _>(&category)
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
        DbConnection::Postgres(c) => {
            let window = format!(
                "SELECT article_id FROM public_articles \
                 WHERE search_tsv @@ to_tsquery('simple', $1) AND ($2 = '' OR category_id = $2) \
                 ORDER BY search_seq DESC LIMIT {RANKED_MATCHES}"
            );
            let sql = format!(
                "{} LIMIT $3 OFFSET $4",
                rank(&window, "p.article_id = w.article_id")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(terms.join(" & "))
                .bind::<Text, _>(&category)
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
    };
    let more = rows.len() > limit;
    let items = rows
        .into_iter()
        .take(limit)
        .map(|SearchRow { article, body }| {
            let tags = tags_of(&article.tags).join(" ");
            let parts = search_parts(&article.title, &article.summary, &body, &tags);
            let snippet = search::snippet(search::readable(&parts), &terms);
            SearchHit { article, snippet }
        })
        .collect();
    Ok(Page {
        items,
        next_after: more.then(|| (offset + limit as i64).to_string()),
    })
}

/// What search covers in an article: title, summary, the body's text and the tags (joined by
/// spaces).
pub fn search_parts<'a>(
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    tags: &'a str,
) -> [search::Part<'a>; 4] {
    use search::Part;
    [
        Part::Text(title),
        Part::Text(summary),
        Part::Html(body),
        Part::Text(tags),
    ]
}

/// The tag index of a published article: one row per distinct tag key, in publication order.
pub fn index_tags(
    conn: &mut DbConnection,
    article_id: &str,
    tags: &[String],
    published_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        public_article_tags::table.filter(public_article_tags::article_id.eq(article_id)),
    )
    .execute(conn)?;
    let mut keys: Vec<String> = tags
        .iter()
        .map(|t| tag_key(t))
        .filter(|t| !t.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    for tag in keys {
        diesel::insert_into(public_article_tags::table)
            .values(PublicArticleTag {
                article_id: article_id.to_owned(),
                tag,
                published_at,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Rebuilds the index text and tag index of published articles indexed by older rules than
/// these (`search::INDEX_VERSION`), a batch at a time; run at start, after the migrations.
/// Returns how many it rebuilt.
pub fn reindex(conn: &mut DbConnection) -> QueryResult<usize> {
    use public_articles::dsl as p;
    let mut done = 0;
    loop {
        type Row = (String, String, String, String, String, NaiveDateTime);
        let batch: Vec<Row> = public_articles::table
            .filter(p::search_version.lt(search::INDEX_VERSION))
            .select((
                p::article_id,
                p::title,
                p::summary,
                p::body,
                p::tags,
                p::published_at,
            ))
            .order(p::article_id)
            .limit(200)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        done += batch.len();
        for (id, title, summary, body, tags, published_at) in batch {
            let tags = tags_of(&tags);
            index_tags(conn, &id, &tags, published_at)?;
            let tags = tags.join(" ");
            let text = search::index_text(&search_parts(&title, &summary, &body, &tags));
            diesel::update(public_articles::table.filter(p::article_id.eq(&id)))
                .set((
                    p::search_text.eq(text),
                    p::search_title.eq(search::words_text(&title)),
                    p::search_version.eq(search::INDEX_VERSION),
                ))
                .execute(conn)?;
        }
    }
}
