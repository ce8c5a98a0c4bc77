//! Feedback on published content and on the site (Quy chế Điều 5.4, 5.5): received from
//! anyone, routed by what it is about (content: the item's author and the board; the site: the
//! technical team), marked handled with a note. The sender's name and e-mail are optional and
//! handled like an asker's: never in a list, read through an audited call, erased in time.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::content::{self, Write};
use super::{AuditContext, Page, page_key, questions};
use crate::auth::roles::FeedbackScope;
use crate::config::Settings;
use crate::db::questions::Feedback;
use crate::db::schema::{content_items, feedback, public_items};
use crate::db::{DbConnection, new_id, stored, write_transaction};
use crate::domain::privacy;
use crate::error::{ApiError, ApiResult, Text};

pub const CONTENT: &str = "content";
pub const SITE: &str = "site";
pub const OPEN: &str = "open";
pub const HANDLED: &str = "handled";

/// Feedback as its sender writes it (validated by the handler).
pub struct NewFeedback {
    /// [`CONTENT`] (with `item_id`) or [`SITE`].
    pub about: &'static str,
    pub item_id: Option<String>,
    pub message: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

pub fn receive(
    conn: &mut DbConnection,
    settings: &Settings,
    new: NewFeedback,
) -> ApiResult<Feedback> {
    let now = settings.clock.now();
    write_transaction(conn, |conn| {
        let (item_kind, item_title, author_id) = match &new.item_id {
            None => (None, None, None),
            Some(id) => {
                let item: Option<(String, String)> = public_items::table
                    .find(id)
                    .select((public_items::kind, public_items::title))
                    .first(conn)
                    .optional()?;
                let Some((kind, title)) = item else {
                    return Err(ApiError::field(
                        "item_id",
                        "unknown_item",
                        Text::new(
                            "Không có nội dung đã đăng với mã này.",
                            "No published item has this id.",
                        ),
                    ));
                };
                let author: Option<String> = content_items::table
                    .find(id)
                    .select(content_items::author_id)
                    .first(conn)
                    .optional()?;
                (Some(kind), Some(title), author)
            }
        };
        let row = Feedback {
            id: new_id(),
            about: new.about.to_owned(),
            item_id: new.item_id,
            item_kind,
            item_title,
            author_id,
            message: new.message,
            sender_name: new.name,
            sender_email: new.email,
            status: OPEN.into(),
            note: String::new(),
            handled_by: None,
            handled_at: None,
            received_at: stored(now),
            erased_at: None,
        };
        diesel::insert_into(feedback::table)
            .values(&row)
            .execute(conn)?;
        content::record_write(
            conn,
            &AuditContext::default(),
            Write {
                content_type: "feedback",
                content_id: &row.id,
                action: "receive",
                detail: json!({ "about": row.about, "item_id": row.item_id }),
            },
        )?;
        Ok(row)
    })
}

/// The staff list's filters.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<&'static str>,
    pub about: Option<&'static str>,
}

type Boxed<'a> = feedback::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::AsSelect<Feedback, crate::db::MultiBackend>,
>;

fn visible<'a>(mut q: Boxed<'a>, scope: FeedbackScope<'a>) -> Boxed<'a> {
    let mine = feedback::author_id.eq(scope.author.to_owned());
    q = match (scope.content, scope.site) {
        (true, true) => q,
        (true, false) => q.filter(feedback::about.eq(CONTENT).or(mine)),
        (false, true) => q.filter(
            feedback::about
                .eq(SITE)
                .or(feedback::about.eq(CONTENT).and(mine)),
        ),
        (false, false) => q.filter(feedback::about.eq(CONTENT).and(mine)),
    };
    q
}

pub fn list(
    conn: &mut DbConnection,
    scope: FeedbackScope<'_>,
    filter: Filter,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<Feedback>> {
    let mut q = visible(
        feedback::table.select(Feedback::as_select()).into_boxed(),
        scope,
    );
    if let Some(s) = filter.status {
        q = q.filter(feedback::status.eq(s));
    }
    if let Some(a) = filter.about {
        q = q.filter(feedback::about.eq(a));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            feedback::received_at
                .lt(t)
                .or(feedback::received_at.eq(t).and(feedback::id.lt(id))),
        );
    }
    let rows = q
        .order((feedback::received_at.desc(), feedback::id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| {
        page_key(r.received_at, &r.id)
    }))
}

/// Feedback the caller may see; 404 otherwise.
pub fn get(conn: &mut DbConnection, scope: FeedbackScope<'_>, id: &str) -> ApiResult<Feedback> {
    Ok(visible(
        feedback::table
            .filter(feedback::id.eq(id.to_owned()))
            .select(Feedback::as_select())
            .into_boxed(),
        scope,
    )
    .first(conn)?)
}

/// Marks feedback handled, with what was done.
pub fn handle(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    scope: FeedbackScope<'_>,
    id: &str,
    note: &str,
    now: DateTime<Utc>,
) -> ApiResult<Feedback> {
    write_transaction(conn, |conn| {
        get(conn, scope, id)?;
        let n = diesel::update(feedback::table.find(id).filter(feedback::status.eq(OPEN)))
            .set((
                feedback::status.eq(HANDLED),
                feedback::note.eq(note),
                feedback::handled_by.eq(&ctx.actor_id),
                feedback::handled_at.eq(stored(now)),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(ApiError::conflict(
                "already_handled",
                Text::new(
                    "Góp ý này đã được xử lý.",
                    "This feedback was handled already.",
                ),
            ));
        }
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: "feedback",
                content_id: id,
                action: "handle",
                detail: json!({}),
            },
        )?;
        get(conn, scope, id)
    })
}

/// The sender's name and e-mail, to reply; every read is recorded.
pub fn contact(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    scope: FeedbackScope<'_>,
    id: &str,
) -> ApiResult<Feedback> {
    write_transaction(conn, |conn| {
        let f = get(conn, scope, id)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: "feedback",
                content_id: id,
                action: "read_contact",
                detail: json!({}),
            },
        )?;
        Ok(f)
    })
}

/// Erases the sender's name and e-mail of feedback handled more than the configured days ago,
/// and masks personal data in the message. Returns how many were erased.
pub fn erase_expired(conn: &mut DbConnection, settings: &Settings) -> ApiResult<usize> {
    let now = settings.clock.now();
    let before = stored(now - Duration::days(i64::from(settings.questions.contact_retention_days)));
    let due: Vec<Feedback> = feedback::table
        .filter(feedback::erased_at.is_null())
        .filter(feedback::handled_at.lt(before))
        .select(Feedback::as_select())
        .limit(500)
        .load(conn)?;
    for f in &due {
        let sender = questions::person_details([&f.sender_name, &f.sender_email]);
        let message = privacy::mask(&questions::replace_details(&f.message, sender)).0;
        diesel::update(feedback::table.find(&f.id))
            .set((
                feedback::sender_name.eq(None::<String>),
                feedback::sender_email.eq(None::<String>),
                feedback::message.eq(message),
                feedback::erased_at.eq(stored(now)),
            ))
            .execute(conn)?;
    }
    Ok(due.len())
}
