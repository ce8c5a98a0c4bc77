//! What the district portal and apps follow: the change feed (every change the public saw, in
//! commit order, from a position) and a snapshot of what is public now, for a first sync.
//! Positions are commit-ordered (`content::record_public_change`), so `seq > cursor` never
//! skips a change still in flight.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::content::{FeedEntry, PublicItem};
use crate::db::schema::{change_clock, change_feed, media, media_uses, public_faqs, public_items};
use crate::domain::category::ContentKind;
use crate::error::{ApiError, ApiResult};

/// What the feed carries besides the editorial kinds.
pub const QUESTION: &str = "question";
pub const MEDIA: &str = super::media::CONTENT_TYPE;

/// Every name a feed entry's `kind` may have, in snapshot order.
pub fn kind_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = ContentKind::ALL.iter().map(|k| k.as_str()).collect();
    names.extend([QUESTION, MEDIA]);
    names
}

/// The last position handed out and committed.
pub fn head(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(change_clock::table
        .find(1)
        .select(change_clock::seq)
        .first(conn)?)
}

/// Up to `limit` entries after `after`, of the kinds asked for, in order.
pub fn changes(
    conn: &mut DbConnection,
    after: i64,
    kinds: &[&str],
    limit: usize,
) -> ApiResult<Vec<FeedEntry>> {
    Ok(change_feed::table
        .filter(change_feed::seq.gt(after))
        .filter(change_feed::content_type.eq_any(kinds))
        .order(change_feed::seq)
        .limit(limit as i64)
        .select(FeedEntry::as_select())
        .load(conn)?)
}

/// The public items with these ids (of any content kind), in no order.
pub fn public_items_of(conn: &mut DbConnection, ids: &[&str]) -> ApiResult<Vec<PublicItem>> {
    Ok(public_items::table
        .filter(public_items::item_id.eq_any(ids))
        .select(PublicItem::as_select())
        .load(conn)?)
}

/// The public items of a content kind after `after` in id order, up to `limit`: a snapshot
/// page, read whole in one query.
pub fn public_items_after(
    conn: &mut DbConnection,
    kind: &str,
    after: &str,
    limit: usize,
) -> ApiResult<Vec<PublicItem>> {
    Ok(public_items::table
        .filter(public_items::kind.eq(kind))
        .filter(public_items::item_id.gt(after))
        .order(public_items::item_id)
        .limit(limit as i64)
        .select(PublicItem::as_select())
        .load(conn)?)
}

/// Ids of the published questions or public media (`kind` is `question` or `media`), after
/// `after` in id order, up to `limit`. The content kinds' items are read whole
/// (`public_items_after`).
pub fn public_ids(
    conn: &mut DbConnection,
    kind: &str,
    after: &str,
    limit: usize,
) -> ApiResult<Vec<String>> {
    let limit = limit as i64;
    Ok(match kind {
        QUESTION => public_faqs::table
            .filter(public_faqs::question_id.gt(after))
            .order(public_faqs::question_id)
            .limit(limit)
            .select(public_faqs::question_id)
            .load(conn)?,
        MEDIA => media::table
            .filter(media::id.gt(after))
            .filter(diesel::dsl::exists(
                media_uses::table
                    .filter(media_uses::media_id.eq(media::id))
                    .filter(media_uses::public.eq(true)),
            ))
            .order(media::id)
            .limit(limit)
            .select(media::id)
            .load(conn)?,
        other => return Err(ApiError::internal(format!("no id list for {other}"))),
    })
}
