//! Articles: the working copy, its revisions and its workflow. Every write goes through
//! `save`, which writes the article, its revision (when the content changed), and the audit and
//! change-feed entries in one transaction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::content::{self, PublicChange, Write, require_version};
use super::{AuditContext, Lookup, Page, media, page_key, tags_of};
use crate::auth::roles::{self, Caller, ItemRef, Scope};
use crate::db::content::{Article, ArticleRevision, ArticleSlug, ContentTransition, PublicArticle};
use crate::db::schema::{
    article_revisions, article_slugs, articles, categories, public_article_tags, public_articles,
    users,
};
use crate::db::{DbConnection, new_id, now};
use crate::domain::category::{CategoryKind, ContentKind};
use crate::domain::text::slugify;
use crate::domain::workflow::{self, Status, Transition};
use crate::domain::{html, search};
use crate::error::{ApiError, ApiResult, Text, is_unique_violation, unique_as};

pub const CONTENT_TYPE: &str = "article";

/// The editable content of an article, already NFC-normalised, checked and sanitised.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFields {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub slug: String,
}

/// A change to some fields; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub category_id: Option<String>,
    pub tags: Option<Vec<String>>,
    pub cover_media_id: Option<Option<String>>,
    pub event_date: Option<Option<NaiveDate>>,
    pub slug: Option<String>,
}

pub fn status_of(a: &Article) -> Status {
    Status::parse(&a.status).unwrap_or(Status::Draft)
}

fn item_ref(a: &Article) -> ItemRef<'_> {
    ItemRef {
        author_id: &a.author_id,
        category_id: &a.category_id,
        status: status_of(a),
    }
}

fn fields_of(a: &Article) -> ArticleFields {
    ArticleFields {
        title: a.title.clone(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        category_id: a.category_id.clone(),
        tags: tags_of(&a.tags),
        cover_media_id: a.cover_media_id.clone(),
        event_date: a.event_date,
        slug: a.slug.clone(),
    }
}

fn fields_of_revision(r: &ArticleRevision) -> ArticleFields {
    ArticleFields {
        title: r.title.clone(),
        summary: r.summary.clone(),
        body: r.body.clone(),
        category_id: r.category_id.clone(),
        tags: tags_of(&r.tags),
        cover_media_id: r.cover_media_id.clone(),
        event_date: r.event_date,
        slug: r.slug.clone(),
    }
}

/// Body HTML as stored: sanitised by the allow-list.
pub fn clean_body(body: &str) -> String {
    html::sanitize(body)
}

fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Article> {
    Ok(articles::table
        .find(id)
        .select(Article::as_select())
        .first(conn)?)
}

/// Loads the working copy if the caller may see it; a 404 otherwise, as if it did not exist.
pub fn load_visible(conn: &mut DbConnection, caller: &Caller<'_>, id: &str) -> ApiResult<Article> {
    let article = load(conn, id)?;
    if !roles::can_see_working_copy(caller, &item_ref(&article)) {
        return Err(ApiError::not_found());
    }
    Ok(article)
}

/// Loads the working copy for a change of content: visible (404), editable by the caller
/// (403), and still the version the caller saw (412).
fn load_for_edit(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
) -> ApiResult<Article> {
    let current = load_visible(conn, caller, id)?;
    if !roles::can_edit(caller, &item_ref(&current)) {
        return Err(ApiError::forbidden());
    }
    require_version(current.version, if_match)?;
    Ok(current)
}

pub fn find_visible(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id_or_slug: &str,
) -> ApiResult<Lookup<Article>> {
    let found: Option<Article> = articles::table
        .filter(
            articles::id
                .eq(id_or_slug)
                .or(articles::slug.eq(id_or_slug)),
        )
        .select(Article::as_select())
        .first(conn)
        .optional()?;
    let article = match found {
        Some(a) => a,
        None => {
            let owner: Option<String> = article_slugs::table
                .find(id_or_slug)
                .select(article_slugs::article_id)
                .first(conn)
                .optional()?;
            let Some(owner) = owner else {
                return Err(ApiError::not_found());
            };
            let a = load_visible(conn, caller, &owner)?;
            return Ok(Lookup::Moved(a.slug));
        }
    };
    if !roles::can_see_working_copy(caller, &item_ref(&article)) {
        return Err(ApiError::not_found());
    }
    Ok(Lookup::Found(article))
}

/// The category must exist and be one articles are filed under (news, activities, policy,
/// announcements): 422 `unknown_category` or `category_kind_mismatch` on `category_id`.
fn ensure_category(conn: &mut DbConnection, id: &str) -> ApiResult<()> {
    // Held until commit: the category's kind cannot change under the item being filed.
    crate::db::lock_invariant_shared(conn, &super::categories::kind_lock(id))?;
    let kind: Option<String> = categories::table
        .find(id)
        .select(categories::kind)
        .first(conn)
        .optional()?;
    let Some(kind) = kind else {
        return Err(ApiError::field(
            "category_id",
            "unknown_category",
            Text::new("Không có chuyên mục này.", "No such category."),
        ));
    };
    let accepted = CategoryKind::parse(&kind).is_some_and(|k| ContentKind::Article.accepts(k));
    if !accepted {
        let kinds = ContentKind::Article
            .category_kinds()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ApiError::field(
            "category_id",
            "category_kind_mismatch",
            Text::new(
                format!(
                    "Chuyên mục loại {kind} không nhận bài viết; bài viết thuộc các chuyên mục loại {kinds}."
                ),
                format!(
                    "A {kind} category does not take articles; articles go in {kinds} categories."
                ),
            ),
        ));
    }
    Ok(())
}

fn ensure_cover(conn: &mut DbConnection, cover: &Option<String>) -> ApiResult<()> {
    match cover {
        Some(id) => media::ensure_image(conn, "cover_media_id", id),
        None => Ok(()),
    }
}

/// The media an article's content uses: its cover and what its body links to.
fn media_of(article: &Article) -> Vec<String> {
    let mut ids = html::ids_in_html(&article.body);
    ids.extend(article.cover_media_id.iter().cloned());
    ids.sort();
    ids.dedup();
    ids
}

fn slug_owner(conn: &mut DbConnection, slug: &str) -> ApiResult<Option<String>> {
    let current: Option<String> = articles::table
        .filter(articles::slug.eq(slug))
        .select(articles::id)
        .first(conn)
        .optional()?;
    if current.is_some() {
        return Ok(current);
    }
    Ok(article_slugs::table
        .find(slug)
        .select(article_slugs::article_id)
        .first(conn)
        .optional()?)
}

fn slug_taken() -> ApiError {
    ApiError::conflict(
        "slug_taken",
        Text::new(
            "Đường dẫn (slug) này đã được bài khác dùng.",
            "Another article uses or used this slug.",
        ),
    )
}

/// A slug for an article: the one asked for (409 if another article has or had it), or one
/// folded from the title, numbered until free.
fn choose_slug(
    conn: &mut DbConnection,
    asked: Option<&str>,
    title: &str,
    own_id: Option<&str>,
) -> ApiResult<String> {
    if let Some(slug) = asked {
        return match slug_owner(conn, slug)? {
            Some(owner) if Some(owner.as_str()) != own_id => Err(slug_taken()),
            _ => Ok(slug.to_owned()),
        };
    }
    let base = {
        let s = slugify(title);
        let s: String = s.chars().take(100).collect();
        let s = s.trim_end_matches('-').to_owned();
        if s.is_empty() {
            "bai-viet".to_owned()
        } else {
            s
        }
    };
    // Every slug an article has or had is in `article_slugs`: one query finds the numbers
    // taken, however many articles share the title.
    let taken: std::collections::HashSet<String> = article_slugs::table
        .filter(
            article_slugs::slug
                .eq(&base)
                .or(article_slugs::slug.like(format!("{base}-%"))),
        )
        .select(article_slugs::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    if !taken.contains(&base) {
        return Ok(base);
    }
    Ok((2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("a free number exists"))
}

fn remember_slug(conn: &mut DbConnection, slug: &str, article_id: &str) -> ApiResult<()> {
    let known: i64 = article_slugs::table
        .filter(article_slugs::slug.eq(slug))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(article_slugs::table)
            .values(ArticleSlug {
                slug: slug.to_owned(),
                article_id: article_id.to_owned(),
                created_at: now(),
                public: false,
            })
            .execute(conn)
            .map_err(|e| unique_as(e, slug_taken))?;
    }
    Ok(())
}

fn insert_revision(
    conn: &mut DbConnection,
    article: &Article,
    editor_id: &str,
    note: &str,
) -> ApiResult<()> {
    diesel::insert_into(article_revisions::table)
        .values(ArticleRevision {
            id: new_id(),
            article_id: article.id.clone(),
            number: article.revision,
            slug: article.slug.clone(),
            category_id: article.category_id.clone(),
            title: article.title.clone(),
            summary: article.summary.clone(),
            body: article.body.clone(),
            tags: article.tags.clone(),
            cover_media_id: article.cover_media_id.clone(),
            event_date: article.event_date,
            editor_id: editor_id.to_owned(),
            note: note.to_owned(),
            created_at: article.updated_at,
        })
        .execute(conn)?;
    // A new revision is a new working copy: record what it uses.
    media::record_uses(conn, CONTENT_TYPE, &article.id, false, &media_of(article))
}

/// Writes the whole row, only if nobody changed it since `expected_version` was read.
fn save(conn: &mut DbConnection, article: &Article, expected_version: i32) -> ApiResult<()> {
    let updated = diesel::update(
        articles::table
            .find(&article.id)
            .filter(articles::version.eq(expected_version)),
    )
    .set((
        articles::slug.eq(&article.slug),
        articles::status.eq(&article.status),
        articles::category_id.eq(&article.category_id),
        articles::title.eq(&article.title),
        articles::summary.eq(&article.summary),
        articles::body.eq(&article.body),
        articles::tags.eq(&article.tags),
        articles::cover_media_id.eq(&article.cover_media_id),
        articles::event_date.eq(article.event_date),
        articles::revision.eq(article.revision),
        articles::version.eq(article.version),
        articles::publish_at.eq(article.publish_at),
        articles::first_published_at.eq(article.first_published_at),
        articles::published_revision.eq(article.published_revision),
        articles::updated_at.eq(article.updated_at),
    ))
    .execute(conn)
    .map_err(|e| unique_as(e, slug_taken))?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    Ok(())
}

fn apply(article: &mut Article, fields: &ArticleFields) {
    article.title = fields.title.clone();
    article.summary = fields.summary.clone();
    article.body = fields.body.clone();
    article.category_id = fields.category_id.clone();
    article.tags = serde_json::to_string(&fields.tags).unwrap_or_else(|_| "[]".into());
    article.cover_media_id = fields.cover_media_id.clone();
    article.event_date = fields.event_date;
    article.slug = fields.slug.clone();
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    mut fields: ArticleFields,
    asked_slug: Option<String>,
    note: &str,
) -> ApiResult<Article> {
    if !roles::can_create_content(caller.role) {
        return Err(ApiError::forbidden());
    }
    crate::db::write_transaction(conn, |conn| {
        ensure_category(conn, &fields.category_id)?;
        ensure_cover(conn, &fields.cover_media_id)?;
        let id = new_id();
        let at = now();
        let mut article = Article {
            id: id.clone(),
            slug: String::new(),
            status: Status::Draft.as_str().to_owned(),
            category_id: String::new(),
            author_id: caller.id.to_owned(),
            title: String::new(),
            summary: String::new(),
            body: String::new(),
            tags: String::new(),
            cover_media_id: None,
            event_date: None,
            revision: 1,
            version: 1,
            publish_at: None,
            first_published_at: None,
            published_revision: None,
            created_at: at,
            updated_at: at,
        };
        // Two articles with one title, created at once, both find `-2` free: on PostgreSQL
        // the second insert waits for the first and then fails as a duplicate. Insert in a
        // savepoint and take the next free number when that happens.
        for attempt in 1.. {
            fields.slug = choose_slug(conn, asked_slug.as_deref(), &fields.title, None)?;
            apply(&mut article, &fields);
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(articles::table)
                    .values(&article)
                    .execute(conn)?;
                diesel::insert_into(article_slugs::table)
                    .values(ArticleSlug {
                        slug: article.slug.clone(),
                        article_id: id.clone(),
                        created_at: at,
                        public: false,
                    })
                    .execute(conn)
            });
            match inserted {
                Ok(_) => break,
                Err(e) if asked_slug.is_none() && attempt < 20 && is_unique_violation(&e) => {}
                Err(e) => return Err(unique_as(e, slug_taken)),
            }
        }
        insert_revision(conn, &article, caller.id, note)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: CONTENT_TYPE,
                content_id: &id,
                action: "create",
                detail: json!({ "title": article.title, "category_id": article.category_id, "revision": 1 }),
            },
        )?;
        Ok(article)
    })
}

/// Saves a change as a new revision. Editing an approved, scheduled or published article sends it
/// back for review; the public keeps the published revision meanwhile.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    patch: ArticlePatch,
    note: &str,
) -> ApiResult<Article> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_for_edit(conn, caller, id, if_match)?;
        let old = fields_of(&current);
        let slug = match patch.slug {
            Some(s) if s != old.slug => choose_slug(conn, Some(&s), "", Some(id))?,
            _ => old.slug.clone(),
        };
        let new = ArticleFields {
            title: patch.title.unwrap_or_else(|| old.title.clone()),
            summary: patch.summary.unwrap_or_else(|| old.summary.clone()),
            body: patch.body.unwrap_or_else(|| old.body.clone()),
            category_id: patch.category_id.unwrap_or_else(|| old.category_id.clone()),
            tags: patch.tags.unwrap_or_else(|| old.tags.clone()),
            cover_media_id: patch
                .cover_media_id
                .unwrap_or_else(|| old.cover_media_id.clone()),
            event_date: patch.event_date.unwrap_or(old.event_date),
            slug,
        };
        if new == old {
            return Ok(current);
        }
        if new.category_id != old.category_id {
            ensure_category(conn, &new.category_id)?;
        }
        if new.cover_media_id != old.cover_media_id {
            ensure_cover(conn, &new.cover_media_id)?;
        }
        write_new_revision(conn, ctx, caller.id, current, &old, new, "update", note)
    })
}

#[allow(clippy::too_many_arguments)]
fn write_new_revision(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    editor_id: &str,
    current: Article,
    old: &ArticleFields,
    new: ArticleFields,
    action: &str,
    note: &str,
) -> ApiResult<Article> {
    let mut article = current.clone();
    apply(&mut article, &new);
    let from = status_of(&current);
    let to = workflow::after_edit(from);
    article.status = to.as_str().to_owned();
    if from == Status::Scheduled {
        article.publish_at = None;
    }
    article.revision += 1;
    article.version += 1;
    article.updated_at = now();
    save(conn, &article, current.version)?;
    if new.slug != old.slug {
        remember_slug(conn, &new.slug, &article.id)?;
    }
    insert_revision(conn, &article, editor_id, note)?;
    let changed: Vec<&str> = [
        ("title", new.title != old.title),
        ("summary", new.summary != old.summary),
        ("body", new.body != old.body),
        ("category_id", new.category_id != old.category_id),
        ("tags", new.tags != old.tags),
        ("cover_media_id", new.cover_media_id != old.cover_media_id),
        ("event_date", new.event_date != old.event_date),
        ("slug", new.slug != old.slug),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect();
    content::record_write(
        conn,
        ctx,
        Write {
            content_type: CONTENT_TYPE,
            content_id: &article.id,
            action,
            detail: json!({ "changed": changed, "revision": article.revision, "status": article.status }),
        },
    )?;
    if from != to {
        content::record_transition(
            conn,
            ctx,
            CONTENT_TYPE,
            &article.id,
            Transition::Reopen,
            from,
            to,
            article.revision,
            note,
        )?;
    }
    Ok(article)
}

fn invalid_transition(t: Transition, from: Status) -> ApiError {
    ApiError::conflict(
        "invalid_transition",
        Text::new(
            format!(
                "Không thể `{}` một bài đang ở trạng thái `{}`.",
                t.as_str(),
                from.as_str()
            ),
            format!(
                "Cannot `{}` an article that is `{}`.",
                t.as_str(),
                from.as_str()
            ),
        ),
    )
}

/// Moves an article through the workflow. `publish_at` in the future schedules a publication.
#[allow(clippy::too_many_arguments)]
pub fn transition(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    t: Transition,
    comment: &str,
    publish_at: Option<NaiveDateTime>,
) -> ApiResult<Article> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_visible(conn, caller, id)?;
        if !roles::can_transition(caller, &item_ref(&current), t) {
            return Err(ApiError::forbidden());
        }
        require_version(current.version, if_match)?;
        if t.needs_comment() && comment.trim().is_empty() {
            return Err(ApiError::field(
                "comment",
                "required",
                Text::new(
                    "Hãy ghi lý do để người viết biết cần sửa gì.",
                    "Give a reason, so the author knows what to change.",
                ),
            ));
        }
        if t == Transition::Publish {
            media::require_alt_text(conn, &media_of(&current))?;
        }
        apply_transition(conn, ctx, current, t, comment, publish_at)
    })
}

fn apply_transition(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    current: Article,
    t: Transition,
    comment: &str,
    publish_at: Option<NaiveDateTime>,
) -> ApiResult<Article> {
    let at = now();
    let from = status_of(&current);
    let scheduled = t == Transition::Publish && publish_at.is_some_and(|p| p > at);
    let live = current.published_revision.is_some();
    let to = workflow::next(from, t, scheduled, live).ok_or_else(|| invalid_transition(t, from))?;
    let mut article = current.clone();
    article.status = to.as_str().to_owned();
    article.version += 1;
    article.updated_at = at;
    let mut public_change = None;
    match (t, to) {
        (_, Status::Scheduled) => article.publish_at = publish_at,
        (Transition::Publish | Transition::PublishScheduled, Status::Published) => {
            article.publish_at = None;
            let change = if article.published_revision.is_some() {
                PublicChange::Updated
            } else {
                PublicChange::Published
            };
            article.published_revision = Some(article.revision);
            article.first_published_at = article.first_published_at.or(Some(at));
            publish(conn, &article)?;
            public_change = Some((change, article.revision));
        }
        (Transition::Unpublish | Transition::Archive, _) => {
            article.publish_at = None;
            if let Some(withdrawn) = article.published_revision.take() {
                withdraw(conn, &article.id)?;
                let change = if t == Transition::Archive {
                    PublicChange::Archived
                } else {
                    PublicChange::Unpublished
                };
                public_change = Some((change, withdrawn));
            }
        }
        _ => {}
    }
    save(conn, &article, current.version)?;
    if let Some((change, revision)) = public_change {
        content::record_public_change(conn, CONTENT_TYPE, &article.id, change, Some(revision))?;
    }
    content::record_transition(
        conn,
        ctx,
        CONTENT_TYPE,
        &article.id,
        t,
        from,
        to,
        article.revision,
        comment,
    )?;
    content::record_write(
        conn,
        ctx,
        Write {
            content_type: CONTENT_TYPE,
            content_id: &article.id,
            action: t.as_str(),
            detail: json!({
                "from": from.as_str(), "to": to.as_str(), "revision": article.revision,
                "comment": comment, "public_change": public_change.map(|(c, _)| c.as_str()),
                "publish_at": article.publish_at.map(|p| p.and_utc().to_rfc3339()),
            }),
        },
    )?;
    Ok(article)
}

/// Puts the article's current revision on the public site (replacing any earlier one).
fn publish(conn: &mut DbConnection, article: &Article) -> ApiResult<()> {
    let author_name: String = users::table
        .find(&article.author_id)
        .select(users::display_name)
        .first(conn)?;
    let first = article.first_published_at.unwrap_or(article.updated_at);
    withdraw(conn, &article.id)?;
    let tags = tags_of(&article.tags);
    let joined_tags = tags.join(" ");
    let search_text = search::index_text(&super::public_articles::search_parts(
        &article.title,
        &article.summary,
        &article.body,
        &joined_tags,
    ));
    diesel::insert_into(public_articles::table)
        .values(PublicArticle {
            article_id: article.id.clone(),
            slug: article.slug.clone(),
            category_id: article.category_id.clone(),
            author_name,
            title: article.title.clone(),
            summary: article.summary.clone(),
            body: article.body.clone(),
            tags: article.tags.clone(),
            cover_media_id: article.cover_media_id.clone(),
            event_date: article.event_date,
            revision: article.revision,
            published_at: first,
            updated_at: article.updated_at,
            search_text,
            search_title: search::words_text(&article.title),
            search_version: search::INDEX_VERSION,
        })
        .execute(conn)?;
    media::record_uses(conn, CONTENT_TYPE, &article.id, true, &media_of(article))?;
    // From now on the public knows this slug: should it change, it redirects.
    diesel::update(article_slugs::table.find(&article.slug))
        .set(article_slugs::public.eq(true))
        .execute(conn)?;
    super::public_articles::index_tags(conn, &article.id, &tags, first)?;
    Ok(())
}

fn withdraw(conn: &mut DbConnection, article_id: &str) -> ApiResult<()> {
    diesel::delete(
        public_article_tags::table.filter(public_article_tags::article_id.eq(article_id)),
    )
    .execute(conn)?;
    diesel::delete(public_articles::table.find(article_id)).execute(conn)?;
    media::record_uses(conn, CONTENT_TYPE, article_id, true, &[])
}

/// Publishes every scheduled article whose time has come; returns how many. Safe to run on
/// several instances at once: each article is claimed by its version.
pub fn publish_due(conn: &mut DbConnection) -> ApiResult<usize> {
    let due: Vec<String> = articles::table
        .filter(articles::status.eq(Status::Scheduled.as_str()))
        .filter(articles::publish_at.le(now()))
        .select(articles::id)
        .load(conn)?;
    let ctx = AuditContext {
        actor_id: None,
        actor_role: Some("scheduler".into()),
        client_addr: None,
    };
    let mut published = 0;
    for id in due {
        let result = crate::db::write_transaction(conn, |conn| {
            let current = load(conn, &id)?;
            if status_of(&current) != Status::Scheduled {
                return Ok(false);
            }
            apply_transition(conn, &ctx, current, Transition::PublishScheduled, "", None)
                .map(|_| true)
        });
        match result {
            Ok(true) => published += 1,
            Ok(false) => {}
            // Another instance got there first.
            Err(e) if e.code() == "precondition_failed" => {}
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}

/// A revision as listed: who saved which, when and why, without its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions)]
pub struct RevisionSummary {
    pub number: i32,
    pub slug: String,
    pub title: String,
    pub editor_id: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// A page of an article's revisions, newest first, after revision number `before`.
pub fn revisions(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    before: Option<i32>,
    limit: usize,
) -> ApiResult<Page<RevisionSummary>> {
    load_visible(conn, caller, id)?;
    let mut q = article_revisions::table
        .filter(article_revisions::article_id.eq(id))
        .select(RevisionSummary::as_select())
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(article_revisions::number.lt(before));
    }
    let rows = q
        .order(article_revisions::number.desc())
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| r.number.to_string()))
}

pub fn revision(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    number: i32,
) -> ApiResult<ArticleRevision> {
    load_visible(conn, caller, id)?;
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(id))
        .filter(article_revisions::number.eq(number))
        .select(ArticleRevision::as_select())
        .first(conn)?)
}

/// Makes an old revision's content current again, as a new revision.
pub fn restore(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    number: i32,
) -> ApiResult<Article> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_for_edit(conn, caller, id, if_match)?;
        let old_rev = revision(conn, caller, id, number)?;
        let old = fields_of(&current);
        let mut new = fields_of_revision(&old_rev);
        // The slug stays: restoring content must not break links.
        new.slug = old.slug.clone();
        if new.category_id != old.category_id {
            ensure_category(conn, &new.category_id)?;
        }
        if new.cover_media_id != old.cover_media_id {
            ensure_cover(conn, &new.cover_media_id)?;
        }
        let note = format!("restored revision {number}");
        write_new_revision(conn, ctx, caller.id, current, &old, new, "restore", &note)
    })
}

/// A page of the workflow history, oldest first, after the step with page key `after`.
pub fn history(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<ContentTransition>> {
    load_visible(conn, caller, id)?;
    content::transitions(conn, CONTENT_TYPE, id, after, limit)
}

/// Filters of the editorial list.
#[derive(Debug, Default)]
pub struct StaffFilter {
    pub status: Option<Status>,
    pub category_id: Option<String>,
    pub mine: bool,
    pub awaiting_my_review: bool,
}

/// Working copies the caller may see, most recently changed first.
type StaffQuery<'a> = articles::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::AsSelect<Article, crate::db::MultiBackend>,
>;

/// A [`Scope`] as SQL on the article columns: the list shows exactly what the per-item check
/// (`Scope::contains`) allows.
fn within<'a>(q: StaffQuery<'a>, scope: Scope<'_>) -> StaffQuery<'a> {
    use articles::{author_id, category_id, id};
    match scope {
        Scope::All => q,
        Scope::AuthorOrCategories { author, categories } => q.filter(
            author_id
                .eq(author.to_owned())
                .or(category_id.eq_any(categories.to_vec())),
        ),
        Scope::Author { author } => q.filter(author_id.eq(author.to_owned())),
        Scope::CategoriesNotBy { categories, author } => q
            .filter(category_id.eq_any(categories.to_vec()))
            .filter(author_id.ne(author.to_owned())),
        Scope::Nothing => q.filter(id.eq("")),
    }
}

pub fn list_staff(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    filter: &StaffFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<Article>> {
    let seen = roles::working_copies(caller);
    if seen == Scope::Nothing {
        return Err(ApiError::forbidden());
    }
    let mut q = within(
        articles::table.select(Article::as_select()).into_boxed(),
        seen,
    );
    if let Some(status) = filter.status {
        q = q.filter(articles::status.eq(status.as_str()));
    }
    if let Some(cat) = &filter.category_id {
        q = q.filter(articles::category_id.eq(cat.clone()));
    }
    if filter.mine {
        q = q.filter(articles::author_id.eq(caller.id.to_owned()));
    }
    if filter.awaiting_my_review {
        q = within(
            q.filter(articles::status.eq(Status::Submitted.as_str())),
            roles::reviewed_items(caller),
        );
    }
    if let Some((t, id)) = after {
        q = q.filter(
            articles::updated_at
                .lt(t)
                .or(articles::updated_at.eq(t).and(articles::id.lt(id))),
        );
    }
    let rows: Vec<Article> = q
        .order((articles::updated_at.desc(), articles::id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |a| {
        page_key(a.updated_at, &a.id)
    }))
}
