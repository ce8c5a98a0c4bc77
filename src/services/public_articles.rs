//! What anonymous readers see: only the public projection (published revisions), never a
//! working copy. Lists are ordered newest first on an index; search is ranked per backend.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::Lookup;
use super::Page;
use super::articles::{page_key, tags_of};
use crate::db::DbConnection;
use crate::db::content::PublicArticle;
use crate::db::schema::{article_slugs, public_article_tags, public_articles};
use crate::domain::html;
use crate::domain::vietnamese::{fold, fold_char};
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
            // One pass over the index: the newest matches (FTS5 walks rowids, which grow with
            // each publication, in reverse and stops), ranked, then only the page joined to its
            // rows. A category filter needs the row before the window.
            let window = if category.is_empty() {
                "SELECT rowid AS r, bm25(public_articles_fts) AS score FROM public_articles_fts \
                 WHERE public_articles_fts MATCH ?1 AND ?2 = ''"
            } else {
                "SELECT f.rowid AS r, bm25(public_articles_fts) AS score \
                 FROM public_articles_fts f JOIN public_articles p ON p.rowid = f.rowid \
                 WHERE public_articles_fts MATCH ?1 AND p.category_id = ?2"
            };
            let sql = format!(
                "SELECT {SEARCH_COLUMNS} FROM ( \
                   SELECT r, score FROM ({window} ORDER BY r DESC LIMIT {RANKED_MATCHES}) \
                   ORDER BY score, r DESC LIMIT ?3 OFFSET ?4) w \
                 JOIN public_articles p ON p.rowid = w.r \
                 ORDER BY w.score, w.r DESC"
            );
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
            let tags = tags_of(&article.tags).join(" ");
            let original = searchable(&article.title, &article.summary, &body, &tags);
            let snippet = snippet(original, &terms);
            SearchHit { article, snippet }
        })
        .collect();
    Ok(Page {
        items,
        next_after: more.then(|| (offset + limit as i64).to_string()),
    })
}

/// The text search covers: title, summary, the body's text and the tags (joined by spaces), one
/// per line. The stored search text is its fold.
pub fn searchable<'a>(
    title: &'a str,
    summary: &'a str,
    body: &'a str,
    tags: &'a str,
) -> impl Iterator<Item = char> + 'a {
    [title, summary]
        .into_iter()
        .flat_map(|part| part.chars().chain(['\n']))
        .chain(html::text_chars(body))
        .chain(['\n'])
        .chain(tags.chars())
}

/// About 200 characters of `original` around the first query word, with matches in `<mark>`
/// and the parts (title, summary, text, tags) separated by " — ". Folds as it reads, one
/// character for one, and stops reading once the snippet is complete.
pub fn snippet(original: impl Iterator<Item = char>, terms: &[String]) -> String {
    let terms: Vec<Vec<char>> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().collect())
        .collect();
    let mut chars = Vec::new();
    let mut folded = Vec::new();
    let mut first = None;
    for c in original {
        chars.push(c);
        folded.push(fold_char(c));
        if first.is_none() {
            first = terms
                .iter()
                .find(|t| folded.ends_with(t))
                .map(|t| folded.len() - t.len());
        }
        // One character past the window tells that there is more.
        if first.is_some_and(|f| chars.len() > f.saturating_sub(60) + 200) {
            break;
        }
    }
    let start = first.unwrap_or(0).saturating_sub(60);
    let end = (start + 200).min(chars.len());
    let match_at = |i: usize| -> Option<usize> {
        terms
            .iter()
            .find(|t| i + t.len() <= end && folded[i..i + t.len()] == t[..])
            .map(Vec::len)
    };
    let mut out = String::with_capacity((end - start) * 2);
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match match_at(i) {
            Some(len) => {
                out.push_str("<mark>");
                chars[i..i + len].iter().for_each(|&c| escape(&mut out, c));
                out.push_str("</mark>");
                i += len;
            }
            None => {
                escape(&mut out, chars[i]);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '\n' => out.push_str(" — "),
        c => out.push(c),
    }
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
        let s = snippet(text.chars(), &["ngoai".into(), "khoa".into()]);
        assert_eq!(
            s,
            "Hoạt động <mark>ngoại</mark> <mark>khoá</mark> tuần 12 của trường"
        );
        let s = snippet("a < b & ngoai".chars(), &["ngoai".into()]);
        assert_eq!(s, "a &lt; b &amp; <mark>ngoai</mark>");
        let long = format!(
            "Tiêu đề\nTóm tắt\n{} ngoại khoá {}",
            "chữ ".repeat(40),
            "x ".repeat(200)
        );
        let s = snippet(long.chars(), &["khoa".into()]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("ngoại <mark>khoá</mark>"), "{s}");
        assert_eq!(
            s.chars().filter(|c| *c != '…').count(),
            200 + "<mark></mark>".len()
        );
        let s = snippet("Tiêu đề\nTóm tắt".chars(), &["tom".into()]);
        assert_eq!(s, "Tiêu đề — <mark>Tóm</mark> tắt");
    }
}
