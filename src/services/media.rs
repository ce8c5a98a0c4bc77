//! Media items: metadata rows over content-addressed files, their variants, and which content
//! uses them.

use std::time::{Duration, SystemTime};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::content::{self, PublicChange, Write, require_version};
use super::{AuditContext, Page};
use crate::auth::roles::{self, Caller};
use crate::db::models::{Media, MediaUse, MediaVariant};
use crate::db::schema::{media, media_uses, media_variants};
use crate::db::{DbConnection, new_id, now};
use crate::domain::formats::MediaKind;
use crate::error::{ApiError, ApiResult, Text};
use crate::media::Ingested;
use crate::media::store::BlobStore;

pub const CONTENT_TYPE: &str = "media";

/// Metadata given with an upload or changed later.
#[derive(Debug, Default, Clone)]
pub struct MediaFields {
    pub title: Option<String>,
    pub alt_text: Option<String>,
    pub caption: Option<String>,
    pub author: Option<String>,
    pub duration_seconds: Option<Option<i32>>,
}

/// A media item with what hangs off it.
pub struct MediaDetail {
    pub media: Media,
    pub variants: Vec<MediaVariant>,
    pub uses: Vec<MediaUse>,
}

#[derive(Debug, Default, Clone)]
pub struct MediaFilter {
    pub kind: Option<MediaKind>,
    pub uploaded_by: Option<String>,
}

/// Stores an accepted upload: the rows, then the files, in one transaction (a file stored for
/// a transaction that then fails is unreferenced, and the sweep removes it).
pub fn create(
    conn: &mut DbConnection,
    store: &dyn BlobStore,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    original_name: String,
    fields: MediaFields,
    file: Ingested,
) -> ApiResult<MediaDetail> {
    if !roles::can_upload_media(caller.role) {
        return Err(ApiError::forbidden());
    }
    let at = now();
    let item = Media {
        id: new_id(),
        kind: file.format.kind.as_str().to_owned(),
        content_type: file.format.mime.to_owned(),
        sha256: file.file.sha256.clone(),
        source_sha256: file.source_sha256.clone(),
        size: file.file.size as i64,
        original_name,
        title: fields.title.unwrap_or_default(),
        alt_text: fields.alt_text.unwrap_or_default(),
        caption: fields.caption.unwrap_or_default(),
        author: fields.author.unwrap_or_default(),
        width: file.width.map(|w| w as i32),
        height: file.height.map(|h| h as i32),
        duration_seconds: fields.duration_seconds.flatten().or(file.duration_seconds),
        uploaded_by: caller.id.to_owned(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let variants: Vec<MediaVariant> = file
        .variants
        .iter()
        .map(|(name, encoded)| MediaVariant {
            media_id: item.id.clone(),
            name: name.clone(),
            content_type: encoded.mime.to_owned(),
            sha256: encoded.file.sha256.clone(),
            size: encoded.file.size as i64,
            width: encoded.width as i32,
            height: encoded.height as i32,
        })
        .collect();
    crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(media::table)
            .values(&item)
            .execute(conn)?;
        for variant in &variants {
            diesel::insert_into(media_variants::table)
                .values(variant)
                .execute(conn)?;
        }
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: CONTENT_TYPE,
                content_id: &item.id,
                action: "create",
                detail: json!({
                    "kind": item.kind, "content_type": item.content_type, "size": item.size,
                    "sha256": item.sha256, "original_name": item.original_name,
                }),
            },
        )?;
        let stored = |e: std::io::Error| ApiError::io("storing a file", e);
        store.put(file.file).map_err(stored)?;
        for (_, encoded) in file.variants {
            store.put(encoded.file).map_err(stored)?;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(MediaDetail {
        media: item,
        variants,
        uses: Vec::new(),
    })
}

pub fn get(conn: &mut DbConnection, id: &str) -> ApiResult<MediaDetail> {
    let item: Media = media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)?;
    let mut variants: Vec<MediaVariant> = media_variants::table
        .filter(media_variants::media_id.eq(id))
        .select(MediaVariant::as_select())
        .load(conn)?;
    sort_variants(&mut variants);
    let uses = media_uses::table
        .filter(media_uses::media_id.eq(id))
        .order((media_uses::content_type, media_uses::content_id))
        .select(MediaUse::as_select())
        .load(conn)?;
    Ok(MediaDetail {
        media: item,
        variants,
        uses,
    })
}

/// Narrowest first: `w320.jpg`, `w320.webp`, `w640.jpg`, …
fn sort_variants(variants: &mut [MediaVariant]) {
    variants.sort_by_key(|v| {
        let width: u32 = v.name[1..]
            .split('.')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(u32::MAX);
        (width, v.name.clone())
    });
}

/// The item's version (its metadata's revision).
pub fn version_of(conn: &mut DbConnection, id: &str) -> ApiResult<i32> {
    Ok(media::table.find(id).select(media::version).first(conn)?)
}

/// Whether published content uses the item: only then may the public read it.
pub fn is_public(conn: &mut DbConnection, id: &str) -> ApiResult<bool> {
    let n: i64 = media_uses::table
        .filter(media_uses::media_id.eq(id))
        .filter(media_uses::public.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The file to serve for an item (`None`) or one of its variants: address, type, and the item.
pub fn file_of(
    conn: &mut DbConnection,
    id: &str,
    variant: Option<&str>,
) -> ApiResult<(Media, String, String)> {
    let item: Media = media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)?;
    match variant {
        None => Ok((item.clone(), item.sha256, item.content_type)),
        Some(name) => {
            let v: MediaVariant = media_variants::table
                .find((id, name))
                .select(MediaVariant::as_select())
                .first(conn)?;
            Ok((item, v.sha256, v.content_type))
        }
    }
}

/// A page of the library, each item with its variants (for thumbnails); `uses` are left
/// empty (read the item for them).
pub fn list(
    conn: &mut DbConnection,
    filter: &MediaFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<MediaDetail>> {
    let mut query = media::table.select(Media::as_select()).into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(media::kind.eq(kind.as_str()));
    }
    if let Some(user) = &filter.uploaded_by {
        query = query.filter(media::uploaded_by.eq(user.clone()));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            media::created_at
                .lt(at)
                .or(media::created_at.eq(at).and(media::id.lt(id))),
        );
    }
    let rows = query
        .order((media::created_at.desc(), media::id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |m| super::page_key(m.created_at, &m.id));
    let ids: Vec<&String> = page.items.iter().map(|m| &m.id).collect();
    let mut variants: Vec<MediaVariant> = media_variants::table
        .filter(media_variants::media_id.eq_any(ids))
        .select(MediaVariant::as_select())
        .load(conn)?;
    sort_variants(&mut variants);
    Ok(page.map(|m| MediaDetail {
        variants: variants
            .iter()
            .filter(|v| v.media_id == m.id)
            .cloned()
            .collect(),
        media: m,
        uses: Vec::new(),
    }))
}

fn in_use() -> ApiError {
    ApiError::conflict(
        "media_in_use",
        Text::new(
            "Tệp đang được dùng trong nội dung; hãy gỡ khỏi nội dung trước khi xoá.",
            "The file is used by content; remove it from there before deleting it.",
        ),
    )
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
    fields: MediaFields,
) -> ApiResult<MediaDetail> {
    crate::db::write_transaction(conn, |conn| {
        let mut detail = get(conn, id)?;
        let item = &mut detail.media;
        if !roles::can_manage_media(caller, &item.uploaded_by) {
            return Err(ApiError::forbidden());
        }
        require_version(item.version, if_match)?;
        if fields
            .alt_text
            .as_deref()
            .is_some_and(|a| a.trim().is_empty())
            && item.kind == MediaKind::Image.as_str()
            && !detail.uses.is_empty()
        {
            return Err(ApiError::conflict(
                "alt_text_in_use",
                Text::new(
                    "Ảnh đang được dùng trong nội dung nên phải có văn bản thay thế.",
                    "The image is used by content, so it must keep its alternative text.",
                ),
            ));
        }
        let before = json!({ "title": item.title, "alt_text": item.alt_text, "caption": item.caption, "author": item.author });
        if let Some(v) = fields.title {
            item.title = v;
        }
        if let Some(v) = fields.alt_text {
            item.alt_text = v;
        }
        if let Some(v) = fields.caption {
            item.caption = v;
        }
        if let Some(v) = fields.author {
            item.author = v;
        }
        if let Some(v) = fields.duration_seconds {
            item.duration_seconds = v;
        }
        item.version += 1;
        item.updated_at = now();
        let updated = diesel::update(
            media::table
                .find(&item.id)
                .filter(media::version.eq(if_match)),
        )
        .set((
            media::title.eq(&item.title),
            media::alt_text.eq(&item.alt_text),
            media::caption.eq(&item.caption),
            media::author.eq(&item.author),
            media::duration_seconds.eq(item.duration_seconds),
            media::version.eq(item.version),
            media::updated_at.eq(item.updated_at),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(ApiError::precondition_failed());
        }
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: CONTENT_TYPE,
                content_id: &item.id,
                action: "update",
                detail: json!({ "before": before, "version": item.version }),
            },
        )?;
        if detail.uses.iter().any(|u| u.public) {
            content::record_public_change(
                conn,
                CONTENT_TYPE,
                &item.id,
                PublicChange::Updated,
                Some(item.version),
            )?;
        }
        Ok(detail)
    })
}

/// Deletes an item no content uses. Its files stay until the sweep finds them unreferenced.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    caller: &Caller<'_>,
    id: &str,
    if_match: i32,
) -> ApiResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let detail = get(conn, id)?;
        if !roles::can_manage_media(caller, &detail.media.uploaded_by) {
            return Err(ApiError::forbidden());
        }
        require_version(detail.media.version, if_match)?;
        if !detail.uses.is_empty() {
            return Err(in_use());
        }
        diesel::delete(media_variants::table.filter(media_variants::media_id.eq(id)))
            .execute(conn)?;
        diesel::delete(media::table.find(id)).execute(conn)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: CONTENT_TYPE,
                content_id: id,
                action: "delete",
                detail: json!({ "sha256": detail.media.sha256, "original_name": detail.media.original_name }),
            },
        )?;
        Ok(())
    })
}

/// Records which media a content item uses, in its working copy or its public revision
/// (replacing what was recorded before). Called by the content write path only. Returns, for
/// the change feed, the media whose public standing this changed: now used by published
/// content, or no longer.
pub fn record_uses(
    conn: &mut DbConnection,
    content_type: &str,
    content_id: &str,
    public: bool,
    ids: &[String],
) -> ApiResult<Vec<(String, PublicChange)>> {
    let mine = media_uses::table
        .filter(media_uses::content_type.eq(content_type))
        .filter(media_uses::content_id.eq(content_id))
        .filter(media_uses::public.eq(public));
    // Only the public uses decide what the public may read (and what the feed says).
    let before: Vec<String> = if public {
        mine.select(media_uses::media_id).load(conn)?
    } else {
        Vec::new()
    };
    diesel::delete(mine).execute(conn)?;
    let known: Vec<String> = media::table
        .filter(media::id.eq_any(ids))
        .select(media::id)
        .load(conn)?;
    // Public before: used by this item's public revision, or by another's.
    let mut touched = Vec::new();
    if public {
        for id in before.iter().chain(&known) {
            if !touched.iter().any(|(t, _)| t == id) {
                let was = before.contains(id) || is_public(conn, id)?;
                touched.push((id.clone(), was));
            }
        }
    }
    for media_id in known {
        diesel::insert_into(media_uses::table)
            .values(MediaUse {
                media_id,
                content_type: content_type.to_owned(),
                content_id: content_id.to_owned(),
                public,
            })
            .execute(conn)?;
    }
    let mut changes = Vec::new();
    for (id, was) in touched {
        match (was, is_public(conn, &id)?) {
            (false, true) => changes.push((id, PublicChange::Published)),
            (true, false) => changes.push((id, PublicChange::Unpublished)),
            _ => {}
        }
    }
    Ok(changes)
}

/// Checks that a cover is an image in the library.
pub fn ensure_image(conn: &mut DbConnection, field: &str, id: &str) -> ApiResult<()> {
    let kind: Option<String> = media::table
        .find(id)
        .select(media::kind)
        .first(conn)
        .optional()?;
    if kind.as_deref() == Some(MediaKind::Image.as_str()) {
        return Ok(());
    }
    Err(ApiError::field(
        field,
        "unknown_image",
        Text::new(
            "Không có ảnh nào với mã này trong thư viện.",
            "No image with this id in the media library.",
        ),
    ))
}

/// Refuses to publish content whose images lack alternative text (accessibility rules for
/// public portals): 422 `alt_text_required`, naming the images.
pub fn require_alt_text(conn: &mut DbConnection, ids: &[String]) -> ApiResult<()> {
    let missing: Vec<String> = media::table
        .filter(media::id.eq_any(ids))
        .filter(media::kind.eq(MediaKind::Image.as_str()))
        .filter(media::alt_text.eq(""))
        .select(media::id)
        .order(media::id)
        .load(conn)?;
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::unprocessable(
        "alt_text_required",
        Text::new(
            format!(
                "Các ảnh sau chưa có văn bản thay thế (alt): {}.",
                missing.join(", ")
            ),
            format!(
                "These images have no alternative text yet: {}.",
                missing.join(", ")
            ),
        ),
    )
    .with_media_ids(missing))
}

/// Removes stored files no item, variant or mirrored medium refers to, last used longer than `min_age` ago (so
/// an upload in flight, which marks its file as used, is never swept), and temporaries left by
/// interrupted uploads. Returns how many.
pub fn sweep(
    conn: &mut DbConnection,
    store: &dyn BlobStore,
    min_age: Duration,
) -> ApiResult<usize> {
    let io = |e: std::io::Error| ApiError::io("sweeping media", e);
    let cutoff = SystemTime::now() - min_age;
    let mut removed = store
        .remove_stale_temporaries(crate::media::store::STALE_TEMPORARY)
        .map_err(io)?;
    for (sha256, used) in store.list().map_err(io)? {
        if used > cutoff {
            continue;
        }
        let refs: i64 = media::table
            .filter(media::sha256.eq(&sha256))
            .count()
            .get_result(conn)?;
        let variant_refs: i64 = media_variants::table
            .filter(media_variants::sha256.eq(&sha256))
            .count()
            .get_result(conn)?;
        if refs + variant_refs == 0 && !super::mirror::keeps(conn, &sha256)? {
            store.delete(&sha256).map_err(io)?;
            removed += 1;
        }
    }
    Ok(removed)
}
