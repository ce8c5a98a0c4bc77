//! What anonymous readers see: only the public projection (published revisions), never a
//! working copy. Lists are ordered newest first on an index; search is ranked per backend.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::Page;
use super::articles::{Lookup, page_key};
use crate::db::DbConnection;
use crate::db::content::PublicArticle;
use crate::db::schema::{article_slugs, categories, public_article_tags, public_articles};
use crate::domain::html;
use crate::domain::vietnamese::fold;
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

/// Finds a published article by id or slug; an old slug answers where it moved.
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
        .select(public_articles::slug)
        .first(conn)
        .optional()?;
    moved.map(Lookup::Moved).ok_or_else(ApiError::not_found)
}

/// Resolves a category given by id or slug.
pub fn category_id(conn: &mut DbConnection, id_or_slug: &str) -> ApiResult<Option<String>> {
    Ok(categories::table
        .filter(
            categories::id
                .eq(id_or_slug)
                .or(categories::slug.eq(id_or_slug)),
        )
        .select(categories::id)
        .first(conn)
        .optional()?)
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

/// Query words, folded the way the index was: "Ngoại khoá!" → ["ngoai", "khoa"].
pub fn query_terms(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(12)
        .map(str::to_owned)
        .collect()
}

/// Search ranks at most this many matches, the most recently published: ranking is per match,
/// so a query for words found in nearly every article would otherwise cost time in proportion
/// to the whole archive. Older matches are still found by adding words to the query.
pub const RANKED_MATCHES: i64 = 1000;

/// The smallest rowid among the newest `RANKED_MATCHES` matches of `?1` (rowids grow with
/// each publication), or 0 when there are fewer.
const SQLITE_NEWEST_MATCHES: &str = "SELECT coalesce(min(rowid), 0) FROM ( \
       SELECT rowid FROM public_articles_fts WHERE public_articles_fts MATCH ?1 \
       ORDER BY rowid DESC LIMIT 1000)";

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
/// Pages by offset (ranking has no stable key to continue after).
pub fn search(
    conn: &mut DbConnection,
    q: &str,
    category_id: Option<&str>,
    offset: i64,
    limit: usize,
) -> ApiResult<Page<SearchHit>> {
    let terms = query_terms(q);
    if terms.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            next_after: None,
        });
    }
    let category = category_id.unwrap_or("").to_owned();
    let fetch = limit as i64 + 1;
    let rows: Vec<SearchRow> = match conn {
        DbConnection::Sqlite(c) => {
            let matcher = terms
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" ");
            // Rank inside the index, then join only the page; when filtering by category the
            // join must come first.
            let sql = if category.is_empty() {
                format!(
                    "SELECT {SEARCH_COLUMNS} FROM ( \
                       SELECT rowid AS r, bm25(public_articles_fts) AS score \
                       FROM public_articles_fts \
                       WHERE public_articles_fts MATCH ?1 AND rowid >= ({SQLITE_NEWEST_MATCHES}) \
                       ORDER BY score, rowid DESC LIMIT ?3 OFFSET ?4) f \
                     JOIN public_articles p ON p.rowid = f.r \
                     WHERE ?2 = '' ORDER BY f.score, f.r DESC"
                )
            } else {
                format!(
                    "SELECT {SEARCH_COLUMNS} FROM public_articles_fts f \
                     JOIN public_articles p ON p.rowid = f.rowid \
                     WHERE public_articles_fts MATCH ?1 AND p.category_id = ?2 \
                       AND f.rowid >= ({SQLITE_NEWEST_MATCHES}) \
                     ORDER BY bm25(public_articles_fts), f.rowid DESC LIMIT ?3 OFFSET ?4"
                )
            };
            diesel::sql_query(sql)
                .bind::<Text, _>(matcher)
                .bind::<Text, _>(&category)
                .bind::<BigInt, _>(fetch)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
        DbConnection::Postgres(c) => {
            let query = terms.join(" & ");
            diesel::sql_query(format!(
                "WITH recent AS ( \
                   SELECT article_id, search_tsv FROM public_articles \
                   WHERE search_tsv @@ to_tsquery('simple', $1) AND ($2 = '' OR category_id = $2) \
                   ORDER BY published_at DESC, article_id DESC LIMIT {RANKED_MATCHES}) \
                 SELECT {SEARCH_COLUMNS} FROM recent r JOIN public_articles p USING (article_id) \
                 ORDER BY ts_rank(r.search_tsv, to_tsquery('simple', $1)) DESC, \
                          p.published_at DESC, p.article_id DESC \
                 LIMIT $3 OFFSET $4"
            ))
            .bind::<Text, _>(query)
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
            let text = format!(
                "{} — {} — {}",
                article.title,
                article.summary,
                html::text_of(&body)
            );
            let snippet = snippet(&text, &terms);
            SearchHit { article, snippet }
        })
        .collect();
    Ok(Page {
        items,
        next_after: more.then(|| (offset + limit as i64).to_string()),
    })
}

/// About 200 characters of `text` around the first query word, with matches in `<mark>`.
/// Folding keeps one character per character, so positions found in the folded text are
/// positions in the original.
pub fn snippet(text: &str, terms: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = fold(text).chars().collect();
    let terms: Vec<Vec<char>> = terms.iter().map(|t| t.chars().collect()).collect();
    let match_at = |i: usize| -> Option<usize> {
        terms
            .iter()
            .find(|t| !t.is_empty() && folded.get(i..i + t.len()) == Some(&t[..]))
            .map(Vec::len)
    };
    let first = (0..folded.len())
        .find(|&i| match_at(i).is_some())
        .unwrap_or(0);
    let start = first.saturating_sub(60);
    let end = (start + 200).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match match_at(i) {
            Some(len) => {
                out.push_str("<mark>");
                out.extend(escape(&chars[i..i + len]));
                out.push_str("</mark>");
                i += len;
            }
            None => {
                out.extend(escape(&chars[i..i + 1]));
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape(chars: &[char]) -> impl Iterator<Item = char> + '_ {
    chars.iter().flat_map(|c| match c {
        '<' => "&lt;".chars().collect::<Vec<_>>(),
        '>' => "&gt;".chars().collect(),
        '&' => "&amp;".chars().collect(),
        c => vec![*c],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded() {
        assert_eq!(query_terms("Ngoại  khoá!"), vec!["ngoai", "khoa"]);
        assert_eq!(query_terms("  "), Vec::<String>::new());
        assert_eq!(query_terms("a\0b"), vec!["a", "b"]);
    }

    #[test]
    fn snippets_mark_matches_in_the_original_text() {
        let text = "Hoạt động ngoại khoá tuần 12 của trường";
        let s = snippet(text, &["ngoai".into(), "khoa".into()]);
        assert_eq!(
            s,
            "Hoạt động <mark>ngoại</mark> <mark>khoá</mark> tuần 12 của trường"
        );
        let s = snippet("a < b & ngoai", &["ngoai".into()]);
        assert_eq!(s, "a &lt; b &amp; <mark>ngoai</mark>");
    }
}
