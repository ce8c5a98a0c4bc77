//! The editorial machine: one implementation of the lifecycle of every content kind. Create,
//! update with `If-Match`, the workflow steps, revisions (list, read, restore), scheduled
//! publishing, history, the staff list, the public projection and the one write path: the
//! item, its revision, its audit entry and its change-feed entry in one transaction.
//!
//! A kind (`services::articles`, …) declares only what differs, in [`Kind`]: its fields (one
//! JSON object beside the common columns), what they refer to, what must hold before the public
//! sees them, what search covers, and the public indexes of its own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::content::{self, PublicChange, Write, require_version};
use super::{AuditContext, Lookup, Page, media, page_key, projection};
use crate::auth::roles::{self, Caller, ItemRef, Scope, Workflow};
use crate::db::content::{ContentItem, ContentRevision, ContentSlug, ContentTransition};
use crate::db::schema::{categories, content_items, content_revisions, content_slugs};
use crate::db::{DbConnection, new_id, now};
use crate::domain::category::{CategoryKind, ContentKind, Retention};
use crate::domain::search::Part;
use crate::domain::text::slugify;
use crate::domain::workflow::{self, Status, Transition};
use crate::error::{ApiError, ApiResult, Text, is_unique_violation, unique_as};

/// What a content kind adds to the machine.
pub trait Kind: 'static {
    const KIND: ContentKind;
    /// The slug when the title folds to nothing.
    const FALLBACK_SLUG: &'static str;
    /// The fields public lists show; the others only the item.
    const LISTED: &'static [&'static str];
    /// Who keeps its items and whether they are reviewed before publishing.
    const WORKFLOW: Workflow = Workflow::Reviewed;
    /// The kind's own fields, stored as one JSON object, already normalised and checked for
    /// form (lengths, encoding) by the API.
    type Fields: Serialize + DeserializeOwned + Clone + PartialEq + Send + 'static;

    /// Checks what the fields refer to (media, other items) against the database; `old` is the
    /// current content on an update or a restore, `None` on create.
    fn check(
        conn: &mut DbConnection,
        new: &Self::Fields,
        old: Option<&Self::Fields>,
    ) -> ApiResult<()>;

    /// Keeps the kind's own tables of working copies (what must be unique or related across
    /// items) after every write of new fields, in the same transaction.
    fn stored(conn: &mut DbConnection, item_id: &str, fields: &Self::Fields) -> ApiResult<()> {
        let _ = (conn, item_id, fields);
        Ok(())
    }

    /// What must hold before the public sees the fields (images with alternative text, …).
    fn ready(conn: &mut DbConnection, fields: &Self::Fields) -> ApiResult<()> {
        media::require_alt_text(conn, &Self::media(fields))
    }

    /// Forgets what `stored` kept of an item being deleted (it never went public).
    fn forget(conn: &mut DbConnection, item_id: &str) -> ApiResult<()> {
        let _ = (conn, item_id);
        Ok(())
    }

    /// What of the fields the public may see: the public projection, its search index and
    /// everything read from them hold only this (a staff member's private phone number never
    /// gets there). All of them by default.
    fn public_view(fields: &Self::Fields) -> Self::Fields {
        fields.clone()
    }

    /// The media the content uses.
    fn media(fields: &Self::Fields) -> Vec<String>;

    /// The short text public lists and search results show under the title.
    fn summary(fields: &Self::Fields) -> &str;

    /// What search covers besides the title.
    fn search_parts(fields: &Self::Fields) -> Vec<Part<'_>>;

    /// Keeps the kind's own public indexes: `Some` when the fields go public (with the first
    /// publication time), `None` when the item leaves the public site.
    fn project(
        conn: &mut DbConnection,
        item_id: &str,
        public: Option<(&Self::Fields, NaiveDateTime)>,
    ) -> ApiResult<()> {
        let _ = (conn, item_id, public);
        Ok(())
    }
}

/// The name of a kind's rows.
pub fn name<K: Kind>() -> &'static str {
    K::KIND.as_str()
}

/// What an editor writes: the common columns and the kind's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft<F> {
    pub title: String,
    pub category_id: String,
    pub slug: String,
    pub fields: F,
}

/// A working copy: its row and its fields, read, and how long its category keeps it.
#[derive(Debug, Clone)]
pub struct Working<F> {
    pub row: ContentItem,
    pub fields: F,
    pub retention: Retention,
}

impl<F: Clone> Working<F> {
    pub fn status(&self) -> Status {
        Status::parse(&self.row.status).unwrap_or(Status::Draft)
    }

    pub fn draft(&self) -> Draft<F> {
        Draft {
            title: self.row.title.clone(),
            category_id: self.row.category_id.clone(),
            slug: self.row.slug.clone(),
            fields: self.fields.clone(),
        }
    }

    fn item_ref(&self, workflow: Workflow) -> ItemRef<'_> {
        ItemRef {
            author_id: &self.row.author_id,
            category_id: &self.row.category_id,
            status: self.status(),
            workflow,
        }
    }
}

/// A saved revision and its fields.
#[derive(Debug, Clone)]
pub struct Revision<F> {
    pub row: ContentRevision,
    pub fields: F,
}

impl<F: Clone> Revision<F> {
    pub fn draft(&self) -> Draft<F> {
        Draft {
            title: self.row.title.clone(),
            category_id: self.row.category_id.clone(),
            slug: self.row.slug.clone(),
            fields: self.fields.clone(),
        }
    }
}

/// Reads a stored JSON object of fields; a row that does not read is a server fault.
pub fn read_fields<F: DeserializeOwned>(json: &str) -> ApiResult<F> {
    serde_json::from_str(json).map_err(ApiError::internal)
}

fn write_fields<F: Serialize>(fields: &F) -> ApiResult<String> {
    serde_json::to_string(fields).map_err(ApiError::internal)
}

fn working<K: Kind>(row: ContentItem, retention: Retention) -> ApiResult<Working<K::Fields>> {
    let fields = read_fields(&row.fields)?;
    Ok(Working {
        row,
        fields,
        retention,
    })
}

/// A row read back as a working copy, with its category's retention (Điều 10.3).
fn read_working<K: Kind>(
    conn: &mut DbConnection,
    row: ContentItem,
) -> ApiResult<Working<K::Fields>> {
    let retention = retentions(conn, &[row.category_id.as_str()])?
        .remove(&row.category_id)
        .unwrap_or(Retention::Permanent);
    working::<K>(row, retention)
}

/// The retention of each of `category_ids`, in one query.
fn retentions(
    conn: &mut DbConnection,
    category_ids: &[&str],
) -> ApiResult<std::collections::HashMap<String, Retention>> {
    let rows: Vec<(String, String, Option<i32>)> = categories::table
        .filter(categories::id.eq_any(category_ids))
        .select((
            categories::id,
            categories::retention_class,
            categories::retention_years,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, class, years)| (id, Retention::from_stored(&class, years)))
        .collect())
}

fn load<K: Kind>(conn: &mut DbConnection, id: &str) -> ApiResult<Working<K::Fields>> {
    let row = content_items::table
        .find(id)
        .filter(content_items::kind.eq(name::<K>()))
        .select(ContentItem::as_select())
        .first(conn)?;
    read_working::<K>(conn, row)
}

/// Loads the working copy if the caller may see it; a 404 otherwise, as if it did not exist.
pub fn load_visible<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
) -> ApiResult<Working<K::Fields>> {
    let item = load::<K>(conn, id)?;
    if !roles::can_see_working_copy(caller, &item.item_ref(K::WORKFLOW)) {
        return Err(ApiError::not_found());
    }
    Ok(item)
}

/// Loads the working copy for a change of content: visible (404), editable by the caller
/// (403), and still the version the caller saw (412).
fn load_for_edit<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
) -> ApiResult<Working<K::Fields>> {
    let current = load_visible::<K>(conn, caller, id)?;
    if !roles::can_edit(caller, &current.item_ref(K::WORKFLOW)) {
        return Err(ApiError::forbidden());
    }
    require_version(current.row.version, if_match)?;
    Ok(current)
}

/// Finds a working copy by id or slug; an old slug answers where the item moved.
pub fn find_visible<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id_or_slug: &str,
) -> ApiResult<Lookup<Working<K::Fields>>> {
    let found: Option<ContentItem> = content_items::table
        .filter(content_items::kind.eq(name::<K>()))
        .filter(
            content_items::id
                .eq(id_or_slug)
                .or(content_items::slug.eq(id_or_slug)),
        )
        .select(ContentItem::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = found else {
        let owner: Option<String> = content_slugs::table
            .find((name::<K>(), id_or_slug))
            .select(content_slugs::item_id)
            .first(conn)
            .optional()?;
        let Some(owner) = owner else {
            return Err(ApiError::not_found());
        };
        let item = load_visible::<K>(conn, caller, &owner)?;
        return Ok(Lookup::Moved(item.row.slug));
    };
    let item = read_working::<K>(conn, row)?;
    if !roles::can_see_working_copy(caller, &item.item_ref(K::WORKFLOW)) {
        return Err(ApiError::not_found());
    }
    Ok(Lookup::Found(item))
}

/// The category must exist and be one the kind is filed under: 422 `unknown_category` or
/// `category_kind_mismatch` on `category_id`.
/// Checks that `id` is a category the kind may be filed under; its retention, which the item
/// then shows.
fn ensure_category(conn: &mut DbConnection, kind: ContentKind, id: &str) -> ApiResult<Retention> {
    // Held until commit: the category's kind cannot change under the item being filed.
    crate::db::lock_invariant_shared(conn, &super::categories::kind_lock(id))?;
    let category: Option<(String, String, Option<i32>)> = categories::table
        .find(id)
        .select((
            categories::kind,
            categories::retention_class,
            categories::retention_years,
        ))
        .first(conn)
        .optional()?;
    let Some((category, class, years)) = category else {
        return Err(ApiError::field(
            "category_id",
            "unknown_category",
            Text::new("Không có chuyên mục này.", "No such category."),
        ));
    };
    if CategoryKind::parse(&category).is_some_and(|c| kind.accepts(c)) {
        return Ok(Retention::from_stored(&class, years));
    }
    let kinds = kind
        .category_kinds()
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (vi, en) = kind.noun();
    Err(ApiError::field(
        "category_id",
        "category_kind_mismatch",
        Text::new(
            format!(
                "Chuyên mục loại {category} không nhận {vi}; {vi} thuộc các chuyên mục loại {kinds}."
            ),
            format!("A {category} category does not take {en}; {en} go in {kinds} categories."),
        ),
    ))
}

fn slug_taken() -> ApiError {
    ApiError::conflict(
        "slug_taken",
        Text::new(
            "Đường dẫn (slug) này đã được mục khác cùng loại dùng.",
            "Another item of this kind uses or used this slug.",
        ),
    )
}

/// A slug for an item: the one asked for (409 if another item of the kind has or had it), or
/// one folded from the title, numbered until free.
fn choose_slug<K: Kind>(
    conn: &mut DbConnection,
    asked: Option<&str>,
    title: &str,
    own_id: Option<&str>,
) -> ApiResult<String> {
    let kind = name::<K>();
    if let Some(slug) = asked {
        let owner: Option<String> = content_slugs::table
            .find((kind, slug))
            .select(content_slugs::item_id)
            .first(conn)
            .optional()?;
        return match owner {
            Some(owner) if Some(owner.as_str()) != own_id => Err(slug_taken()),
            _ => Ok(slug.to_owned()),
        };
    }
    let base = {
        let s: String = slugify(title).chars().take(100).collect();
        let s = s.trim_end_matches('-').to_owned();
        if s.is_empty() {
            K::FALLBACK_SLUG.to_owned()
        } else {
            s
        }
    };
    // Every slug an item has or had is in `content_slugs`: one query finds the numbers taken,
    // however many items share the title.
    let taken: std::collections::HashSet<String> = content_slugs::table
        .filter(content_slugs::kind.eq(kind))
        .filter(
            content_slugs::slug
                .eq(&base)
                .or(content_slugs::slug.like(format!("{base}-%"))),
        )
        .select(content_slugs::slug)
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

fn remember_slug(conn: &mut DbConnection, kind: &str, slug: &str, item_id: &str) -> ApiResult<()> {
    let known: i64 = content_slugs::table
        .filter(content_slugs::kind.eq(kind))
        .filter(content_slugs::slug.eq(slug))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(content_slugs::table)
            .values(ContentSlug {
                kind: kind.to_owned(),
                slug: slug.to_owned(),
                item_id: item_id.to_owned(),
                created_at: now(),
                public: false,
            })
            .execute(conn)
            .map_err(|e| unique_as(e, slug_taken))?;
    }
    Ok(())
}

fn insert_revision<K: Kind>(
    conn: &mut DbConnection,
    item: &Working<K::Fields>,
    editor_id: &str,
    note: &str,
) -> ApiResult<()> {
    let row = &item.row;
    diesel::insert_into(content_revisions::table)
        .values(ContentRevision {
            id: new_id(),
            item_id: row.id.clone(),
            number: row.revision,
            slug: row.slug.clone(),
            category_id: row.category_id.clone(),
            title: row.title.clone(),
            editor_id: editor_id.to_owned(),
            note: note.to_owned(),
            created_at: row.updated_at,
            fields: row.fields.clone(),
        })
        .execute(conn)?;
    // A new revision is a new working copy: record what it uses.
    media::record_uses(conn, name::<K>(), &row.id, false, &K::media(&item.fields))?;
    Ok(())
}

/// Writes the whole row, only if nobody changed it since `expected_version` was read.
fn save(conn: &mut DbConnection, row: &ContentItem, expected_version: i32) -> ApiResult<()> {
    use content_items::dsl as c;
    let updated = diesel::update(
        content_items::table
            .find(&row.id)
            .filter(c::version.eq(expected_version)),
    )
    .set((
        c::slug.eq(&row.slug),
        c::status.eq(&row.status),
        c::category_id.eq(&row.category_id),
        c::title.eq(&row.title),
        c::fields.eq(&row.fields),
        c::revision.eq(row.revision),
        c::version.eq(row.version),
        c::publish_at.eq(row.publish_at),
        c::first_published_at.eq(row.first_published_at),
        c::published_revision.eq(row.published_revision),
        c::updated_at.eq(row.updated_at),
    ))
    .execute(conn)
    .map_err(|e| unique_as(e, slug_taken))?;
    if updated == 0 {
        return Err(ApiError::precondition_failed());
    }
    Ok(())
}

fn apply<F: Serialize + Clone>(item: &mut Working<F>, draft: &Draft<F>) -> ApiResult<()> {
    item.row.title = draft.title.clone();
    item.row.category_id = draft.category_id.clone();
    item.row.slug = draft.slug.clone();
    item.row.fields = write_fields(&draft.fields)?;
    item.fields = draft.fields.clone();
    Ok(())
}

/// Writes a new item, a draft at revision 1. `asked_slug` is the slug the editor asked for;
/// without one it is folded from the title.
pub fn create<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    mut draft: Draft<K::Fields>,
    asked_slug: Option<String>,
    note: &str,
) -> ApiResult<Working<K::Fields>> {
    if !roles::can_create(K::WORKFLOW, caller.role) {
        return Err(ApiError::forbidden());
    }
    let kind = name::<K>();
    crate::db::write_transaction(conn, |conn| {
        let retention = ensure_category(conn, K::KIND, &draft.category_id)?;
        K::check(conn, &draft.fields, None)?;
        let id = new_id();
        let at = now();
        let mut item = Working {
            row: ContentItem {
                id: id.clone(),
                kind: kind.to_owned(),
                slug: String::new(),
                status: Status::Draft.as_str().to_owned(),
                category_id: String::new(),
                author_id: caller.id.to_owned(),
                title: String::new(),
                revision: 1,
                version: 1,
                publish_at: None,
                first_published_at: None,
                published_revision: None,
                created_at: at,
                updated_at: at,
                fields: String::new(),
            },
            fields: draft.fields.clone(),
            retention,
        };
        // Two items with one title, created at once, both find `-2` free: on PostgreSQL the
        // second insert waits for the first and then fails as a duplicate. Insert in a
        // savepoint and take the next free number when that happens.
        for attempt in 1.. {
            draft.slug = choose_slug::<K>(conn, asked_slug.as_deref(), &draft.title, None)?;
            apply(&mut item, &draft)?;
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(content_items::table)
                    .values(&item.row)
                    .execute(conn)?;
                diesel::insert_into(content_slugs::table)
                    .values(ContentSlug {
                        kind: kind.to_owned(),
                        slug: item.row.slug.clone(),
                        item_id: id.clone(),
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
        K::stored(conn, &id, &item.fields)?;
        insert_revision::<K>(conn, &item, caller.id, note)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: kind,
                content_id: &id,
                action: "create",
                detail: json!({ "title": item.row.title, "category_id": item.row.category_id, "revision": 1 }),
            },
        )?;
        Ok(item)
    })
}

/// Saves a change as a new revision: `edit` makes the new draft from the current one (a slug
/// it changes is checked). Editing an approved, scheduled or published item sends it back for
/// review; the public keeps the published revision meanwhile. No change, no new revision.
pub fn update<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    note: &str,
    edit: impl FnOnce(Draft<K::Fields>) -> Draft<K::Fields>,
) -> ApiResult<Working<K::Fields>> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_for_edit::<K>(conn, caller, id, if_match)?;
        let old = current.draft();
        let new = edit(old.clone());
        if new.slug != old.slug {
            choose_slug::<K>(conn, Some(&new.slug), "", Some(id))?;
        }
        if new == old {
            return Ok(current);
        }
        write_new_revision::<K>(conn, ctx, caller.id, current, &old, new, "update", note)
    })
}

#[allow(clippy::too_many_arguments)]
fn write_new_revision<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    editor_id: &str,
    current: Working<K::Fields>,
    old: &Draft<K::Fields>,
    new: Draft<K::Fields>,
    action: &str,
    note: &str,
) -> ApiResult<Working<K::Fields>> {
    let kind = name::<K>();
    let mut item = current.clone();
    if new.category_id != old.category_id {
        item.retention = ensure_category(conn, K::KIND, &new.category_id)?;
    }
    if new.fields != old.fields {
        K::check(conn, &new.fields, Some(&old.fields))?;
    }
    apply(&mut item, &new)?;
    let from = current.status();
    let to = workflow::after_edit(from);
    item.row.status = to.as_str().to_owned();
    if from == Status::Scheduled {
        item.row.publish_at = None;
    }
    item.row.revision += 1;
    item.row.version += 1;
    item.row.updated_at = now();
    save(conn, &item.row, current.row.version)?;
    if new.slug != old.slug {
        remember_slug(conn, kind, &new.slug, &item.row.id)?;
    }
    if new.fields != old.fields {
        K::stored(conn, &item.row.id, &item.fields)?;
    }
    insert_revision::<K>(conn, &item, editor_id, note)?;
    let changed: Vec<String> = content::changed_fields(&snapshot(old)?, &snapshot(&new)?, &[])
        .into_iter()
        .map(|(name, ..)| name)
        .collect();
    content::record_write(
        conn,
        ctx,
        Write {
            content_type: kind,
            content_id: &item.row.id,
            action,
            detail: json!({ "changed": changed, "revision": item.row.revision, "status": item.row.status }),
        },
    )?;
    if from != to {
        content::record_transition(
            conn,
            ctx,
            kind,
            &item.row.id,
            Transition::Reopen,
            from,
            to,
            item.row.revision,
            note,
        )?;
    }
    Ok(item)
}

/// A draft as one JSON object: the common columns and the kind's fields side by side, the
/// shape diffs compare.
pub fn snapshot<F: Serialize>(draft: &Draft<F>) -> ApiResult<Value> {
    let mut all = Map::new();
    all.insert("title".into(), Value::from(draft.title.clone()));
    all.insert("slug".into(), Value::from(draft.slug.clone()));
    all.insert("category_id".into(), Value::from(draft.category_id.clone()));
    if let Value::Object(fields) =
        serde_json::to_value(&draft.fields).map_err(ApiError::internal)?
    {
        all.extend(fields);
    }
    Ok(Value::Object(all))
}

fn invalid_transition(t: Transition, from: Status) -> ApiError {
    ApiError::conflict(
        "invalid_transition",
        Text::new(
            format!(
                "Không thể `{}` một mục đang ở trạng thái `{}`.",
                t.as_str(),
                from.as_str()
            ),
            format!(
                "Cannot `{}` an item that is `{}`.",
                t.as_str(),
                from.as_str()
            ),
        ),
    )
}

/// Moves an item through the workflow. `publish_at` in the future schedules a publication.
#[allow(clippy::too_many_arguments)]
pub fn transition<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    t: Transition,
    comment: &str,
    publish_at: Option<NaiveDateTime>,
) -> ApiResult<Working<K::Fields>> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_visible::<K>(conn, caller, id)?;
        if !roles::can_transition(caller, &current.item_ref(K::WORKFLOW), t) {
            return Err(ApiError::forbidden());
        }
        require_version(current.row.version, if_match)?;
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
            K::ready(conn, &current.fields)?;
        }
        apply_transition::<K>(conn, ctx, current, t, comment, publish_at)
    })
}

fn apply_transition<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    current: Working<K::Fields>,
    t: Transition,
    comment: &str,
    publish_at: Option<NaiveDateTime>,
) -> ApiResult<Working<K::Fields>> {
    let kind = name::<K>();
    let at = now();
    let from = current.status();
    let scheduled = t == Transition::Publish && publish_at.is_some_and(|p| p > at);
    let live = current.row.published_revision.is_some();
    let reviewed = K::WORKFLOW == Workflow::Reviewed;
    let to = workflow::next(from, t, scheduled, live, reviewed)
        .ok_or_else(|| invalid_transition(t, from))?;
    let mut item = current.clone();
    let row = &mut item.row;
    row.status = to.as_str().to_owned();
    row.version += 1;
    row.updated_at = at;
    let mut public_change = None;
    let mut media_changes = Vec::new();
    match (t, to) {
        (_, Status::Scheduled) => row.publish_at = publish_at,
        (Transition::Publish | Transition::PublishScheduled, Status::Published) => {
            row.publish_at = None;
            let change = if row.published_revision.is_some() {
                PublicChange::Updated
            } else {
                PublicChange::Published
            };
            row.published_revision = Some(row.revision);
            row.first_published_at = row.first_published_at.or(Some(at));
            public_change = Some((change, row.revision));
            media_changes = projection::publish::<K>(conn, &item)?;
        }
        (Transition::Unpublish | Transition::Archive, _) => {
            row.publish_at = None;
            if let Some(withdrawn) = row.published_revision.take() {
                media_changes = projection::withdraw::<K>(conn, &row.id)?;
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
    let row = &item.row;
    save(conn, row, current.row.version)?;
    content::record_transition(conn, ctx, kind, &row.id, t, from, to, row.revision, comment)?;
    content::record_write(
        conn,
        ctx,
        Write {
            content_type: kind,
            content_id: &row.id,
            action: t.as_str(),
            detail: json!({
                "from": from.as_str(), "to": to.as_str(), "revision": row.revision,
                "comment": comment, "public_change": public_change.map(|(c, _)| c.as_str()),
                "publish_at": row.publish_at.map(|p| p.and_utc().to_rfc3339()),
            }),
        },
    )?;
    // Last: the feed's clock is held from here to the commit (`record_public_change`). Media
    // first, so a client that fetches what an item shows finds the media already public.
    for (media_id, change) in media_changes {
        let version = media::version_of(conn, &media_id)?;
        content::record_public_change(conn, media::CONTENT_TYPE, &media_id, change, Some(version))?;
    }
    if let Some((change, revision)) = public_change {
        content::record_public_change(conn, kind, &row.id, change, Some(revision))?;
    }
    Ok(item)
}

/// Publishes every scheduled item of the kind whose time has come; returns how many. Safe to
/// run on several instances at once: each item is claimed by its version.
pub fn publish_due<K: Kind>(conn: &mut DbConnection) -> ApiResult<usize> {
    let due: Vec<String> = content_items::table
        .filter(content_items::status.eq(Status::Scheduled.as_str()))
        .filter(content_items::publish_at.le(now()))
        .filter(content_items::kind.eq(name::<K>()))
        .select(content_items::id)
        .load(conn)?;
    let ctx = AuditContext {
        actor_id: None,
        actor_role: Some("scheduler".into()),
        client_addr: None,
    };
    let mut published = 0;
    for id in due {
        let result = crate::db::write_transaction(conn, |conn| {
            let current = load::<K>(conn, &id)?;
            if current.status() != Status::Scheduled {
                return Ok(false);
            }
            apply_transition::<K>(conn, &ctx, current, Transition::PublishScheduled, "", None)
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
#[diesel(table_name = content_revisions)]
pub struct RevisionSummary {
    pub number: i32,
    pub slug: String,
    pub title: String,
    pub editor_id: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// A page of an item's revisions, newest first, after revision number `before`.
pub fn revisions<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    before: Option<i32>,
    limit: usize,
) -> ApiResult<Page<RevisionSummary>> {
    load_visible::<K>(conn, caller, id)?;
    let mut q = content_revisions::table
        .filter(content_revisions::item_id.eq(id))
        .select(RevisionSummary::as_select())
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(content_revisions::number.lt(before));
    }
    let rows = q
        .order(content_revisions::number.desc())
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| r.number.to_string()))
}

pub fn revision<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    number: i32,
) -> ApiResult<Revision<K::Fields>> {
    load_visible::<K>(conn, caller, id)?;
    let row = content_revisions::table
        .filter(content_revisions::item_id.eq(id))
        .filter(content_revisions::number.eq(number))
        .select(ContentRevision::as_select())
        .first(conn)?;
    let fields = read_fields(&row.fields)?;
    Ok(Revision { row, fields })
}

/// Makes an old revision's content current again, as a new revision. The slug stays:
/// restoring content must not break links.
pub fn restore<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    number: i32,
) -> ApiResult<Working<K::Fields>> {
    crate::db::write_transaction(conn, |conn| {
        let current = load_for_edit::<K>(conn, caller, id, if_match)?;
        let old_rev = revision::<K>(conn, caller, id, number)?;
        let old = current.draft();
        let new = Draft {
            slug: old.slug.clone(),
            ..old_rev.draft()
        };
        let note = format!("restored revision {number}");
        write_new_revision::<K>(conn, ctx, caller.id, current, &old, new, "restore", &note)
    })
}

/// A page of the workflow history, oldest first, after the step with page key `after`.
pub fn history<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<ContentTransition>> {
    load_visible::<K>(conn, caller, id)?;
    content::transitions(conn, name::<K>(), id, after, limit)
}

/// Filters of the editorial list.
#[derive(Debug, Default)]
pub struct StaffFilter {
    pub status: Option<Status>,
    pub category_id: Option<String>,
    pub mine: bool,
    pub awaiting_my_review: bool,
}

type StaffQuery<'a> = content_items::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::AsSelect<ContentItem, crate::db::MultiBackend>,
>;

/// A [`Scope`] as SQL on the common columns: the list shows exactly what the per-item check
/// (`Scope::contains`) allows.
fn within<'a>(q: StaffQuery<'a>, scope: Scope<'_>) -> StaffQuery<'a> {
    use content_items::{author_id, category_id, id};
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

/// Working copies of the kind the caller may see, most recently changed first.
pub fn list_staff<K: Kind>(
    conn: &mut DbConnection,
    caller: &Caller<'_>,
    filter: &StaffFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<Working<K::Fields>>> {
    use content_items::dsl as c;
    let seen = roles::working_copies(caller, K::WORKFLOW);
    if seen == Scope::Nothing {
        return Err(ApiError::forbidden());
    }
    let mut q = within(
        content_items::table
            .filter(c::kind.eq(name::<K>()))
            .select(ContentItem::as_select())
            .into_boxed(),
        seen,
    );
    if let Some(status) = filter.status {
        q = q.filter(c::status.eq(status.as_str()));
    }
    if let Some(cat) = &filter.category_id {
        q = q.filter(c::category_id.eq(cat.clone()));
    }
    if filter.mine {
        q = q.filter(c::author_id.eq(caller.id.to_owned()));
    }
    if filter.awaiting_my_review {
        q = within(
            q.filter(c::status.eq(Status::Submitted.as_str())),
            roles::reviewed_items(caller, K::WORKFLOW),
        );
    }
    if let Some((t, id)) = after {
        q = q.filter(
            c::updated_at
                .lt(t)
                .or(c::updated_at.eq(t).and(c::id.lt(id))),
        );
    }
    let rows: Vec<ContentItem> = q
        .order((c::updated_at.desc(), c::id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |r| page_key(r.updated_at, &r.id));
    let categories: Vec<&str> = page.items.iter().map(|r| r.category_id.as_str()).collect();
    let kept = retentions(conn, &categories)?;
    let items = page
        .items
        .into_iter()
        .map(|row| {
            let retention = kept
                .get(&row.category_id)
                .copied()
                .unwrap_or(Retention::Permanent);
            working::<K>(row, retention)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page {
        items,
        next_after: page.next_after,
    })
}

/// Deletes an item that never went public and is filed where retention is limited (Điều
/// 10.3): a draft written by mistake. Everything published is kept: items of permanent
/// categories are refused (409 `permanent_item`), and so is anything that was ever public
/// (409 `published_item`): archive it instead. The audit log keeps the deletion.
pub fn delete<K: Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
) -> ApiResult<()> {
    use crate::db::schema::{content_transitions, media_uses};
    crate::db::write_transaction(conn, |conn| {
        let current = load_visible::<K>(conn, caller, id)?;
        if !roles::can_delete(caller, &current.item_ref(K::WORKFLOW)) {
            return Err(ApiError::forbidden());
        }
        require_version(current.row.version, if_match)?;
        if current.retention == Retention::Permanent {
            return Err(ApiError::conflict(
                "permanent_item",
                Text::new(
                    "Mục này thuộc chuyên mục lưu trữ vĩnh viễn (Điều 10.3): không thể xoá, chỉ có thể lưu trữ (archive).",
                    "This item is filed under a category kept permanently (Điều 10.3): it cannot be deleted, only archived.",
                ),
            ));
        }
        if current.row.first_published_at.is_some() || current.row.published_revision.is_some() {
            return Err(ApiError::conflict(
                "published_item",
                Text::new(
                    "Mục này đã từng được công khai nên được giữ lại: hãy lưu trữ (archive) thay vì xoá.",
                    "This item has been public, so it is kept: archive it instead of deleting it.",
                ),
            ));
        }
        let kind = name::<K>();
        K::forget(conn, id)?;
        diesel::delete(
            media_uses::table
                .filter(media_uses::content_type.eq(kind))
                .filter(media_uses::content_id.eq(id)),
        )
        .execute(conn)?;
        diesel::delete(content_transitions::table.filter(content_transitions::content_id.eq(id)))
            .execute(conn)?;
        diesel::delete(content_revisions::table.filter(content_revisions::item_id.eq(id)))
            .execute(conn)?;
        diesel::delete(content_slugs::table.filter(content_slugs::item_id.eq(id))).execute(conn)?;
        diesel::delete(content_items::table.find(id)).execute(conn)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: kind,
                content_id: id,
                action: "delete",
                detail: json!({
                    "title": current.row.title,
                    "slug": current.row.slug,
                    "category_id": current.row.category_id,
                    "revision": current.row.revision,
                }),
            },
        )
    })
}
