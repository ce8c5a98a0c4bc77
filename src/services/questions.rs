//! Citizens' questions (Quy chế Điều 5.5): intake, routing, the department's answer and its
//! revisions, the board's approval, delivery, publication as an FAQ of a procedure guide, and
//! the erasure of the asker's contact data.
//!
//! Every step is one transaction that moves the status with a compare-and-set on the status
//! and the answer revision it read (two staff acting at once: one wins, the other gets 409),
//! records the step in `question_events` and the audit log, and, when the public sees a change
//! (publishing, withdrawing), the change feed. Personal data (the asker's name and contacts)
//! never goes into an event, an audit entry, the feed or a log line.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::content::{self, PublicChange, Write};
use super::outbox::{self, Mail};
use super::{AuditContext, Page, page_key};
use crate::config::Settings;
use crate::db::questions::{PublicFaq, Question, QuestionAnswer, QuestionEvent};
use crate::db::schema::{
    departments, mail_outbox, public_faqs, public_procedures, question_answers, question_events,
    questions,
};
use crate::db::{DbConnection, new_id, stored, write_transaction};
use crate::domain::privacy;
use crate::domain::questions::{self as rules, ReplyBy, Status, Step};
use crate::error::{ApiError, ApiResult, FieldError, Text};

/// A question as the asker sends it (validated and NFC-normalised by the handler).
pub struct NewQuestion {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub procedure_id: Option<String>,
}

/// Who acts on a question, as the permission rules need it.
#[derive(Debug, Clone)]
pub struct Staff {
    pub role: crate::auth::Role,
    pub department: Option<String>,
}

pub fn status_of(q: &Question) -> ApiResult<Status> {
    Status::parse(&q.status).ok_or_else(|| ApiError::internal(format!("status {:?}", q.status)))
}

pub fn reply_by(q: &Question) -> ApiResult<ReplyBy> {
    ReplyBy::parse(&q.reply_by).ok_or_else(|| ApiError::internal(format!("reply {:?}", q.reply_by)))
}

/// Whether the answer deadline has passed with the answer not yet sent.
pub fn overdue(q: &Question, now: DateTime<Utc>) -> bool {
    status_of(q).is_ok_and(|s| !s.is_closed()) && q.due_at < stored(now)
}

/// Takes a question in: stores it with a new ticket code (returned once, never stored) and
/// its answer deadline.
pub fn receive(
    conn: &mut DbConnection,
    settings: &Settings,
    q: NewQuestion,
) -> ApiResult<(Question, String)> {
    let now = settings.clock.now();
    let ticket = rules::new_ticket();
    let row = Question {
        id: new_id(),
        ticket_hash: rules::ticket_hash(&ticket).expect("a new ticket is valid"),
        status: Status::Received.as_str().into(),
        subject: q.subject,
        body: q.body,
        procedure_id: q.procedure_id,
        department_id: None,
        duplicate_of: None,
        reply_by: if q.email.is_some() {
            ReplyBy::Email
        } else {
            ReplyBy::Post
        }
        .as_str()
        .into(),
        asker_name: Some(q.name),
        asker_email: q.email,
        asker_phone: q.phone,
        asker_address: q.address,
        answer: None,
        answer_revision: 0,
        sent_at: None,
        sent_via: None,
        delivery_note: None,
        due_at: stored(
            settings
                .calendar
                .deadline(now, settings.questions.answer_days),
        ),
        received_at: stored(now),
        updated_at: stored(now),
        closed_at: None,
        erased_at: None,
    };
    write_transaction(conn, |conn| {
        if let Some(id) = &row.procedure_id {
            ensure_published_guide(conn, "procedure_id", id)?;
        }
        diesel::insert_into(questions::table)
            .values(&row)
            .execute(conn)?;
        event(
            conn,
            &AuditContext::default(),
            &row.id,
            "receive",
            None,
            Status::Received,
            "",
            now,
        )?;
        // Anonymous: no client address either, which is personal data too.
        content::record_write(
            conn,
            &AuditContext::default(),
            Write {
                content_type: "question",
                content_id: &row.id,
                action: "receive",
                detail: json!({ "procedure_id": row.procedure_id, "reply_by": row.reply_by }),
            },
        )?;
        Ok((row, ticket))
    })
}

fn ensure_published_guide(conn: &mut DbConnection, field: &str, id: &str) -> ApiResult<()> {
    let found: i64 = public_procedures::table
        .filter(public_procedures::item_id.eq(id))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(ApiError::field(
            field,
            "unknown_procedure",
            Text::new(
                "Không có hướng dẫn thủ tục đã đăng với mã này.",
                "No published procedure guide has this id.",
            ),
        ));
    }
    Ok(())
}

/// The question a ticket code follows, or 404 (also for a code that cannot be one).
pub fn track(conn: &mut DbConnection, ticket: &str) -> ApiResult<Question> {
    let hash = rules::ticket_hash(ticket).ok_or_else(ApiError::not_found)?;
    Ok(questions::table
        .filter(questions::ticket_hash.eq(hash))
        .select(Question::as_select())
        .first(conn)?)
}

/// The staff list's filters.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<Status>,
    pub department: Option<String>,
    pub overdue: Option<bool>,
}

type Visible = questions::BoxedQuery<
    'static,
    crate::db::MultiBackend,
    diesel::dsl::AsSelect<Question, crate::db::MultiBackend>,
>;

/// The questions `staff` may see, as a query: the one rule behind the list and a single
/// question (`roles::questions_visible`); 403 for a role that handles none.
fn visible_to(staff: &Staff) -> ApiResult<Visible> {
    use crate::auth::roles::{QuestionScope, questions_visible};
    let q = questions::table.select(Question::as_select()).into_boxed();
    match questions_visible(staff.role, staff.department.as_deref()) {
        QuestionScope::All => Ok(q),
        QuestionScope::Department(d) => Ok(q.filter(questions::department_id.eq(d.to_owned()))),
        QuestionScope::None => Err(ApiError::forbidden()),
    }
}

/// Questions the caller may see, newest first.
pub fn list(
    conn: &mut DbConnection,
    staff: &Staff,
    filter: Filter,
    now: DateTime<Utc>,
    after: Option<(NaiveDateTime, String)>,
    limit: usize,
) -> ApiResult<Page<Question>> {
    let mut q = visible_to(staff)?;
    if let Some(s) = filter.status {
        q = q.filter(questions::status.eq(s.as_str()));
    }
    if let Some(d) = filter.department {
        q = q.filter(questions::department_id.eq(d));
    }
    let closed: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.as_str())
        .collect();
    match filter.overdue {
        None => {}
        Some(true) => {
            q = q
                .filter(questions::due_at.lt(stored(now)))
                .filter(questions::status.ne_all(closed));
        }
        Some(false) => {
            q = q.filter(
                questions::due_at
                    .ge(stored(now))
                    .or(questions::status.eq_any(closed)),
            );
        }
    }
    if let Some((t, id)) = after {
        q = q.filter(
            questions::received_at
                .lt(t)
                .or(questions::received_at.eq(t).and(questions::id.lt(id))),
        );
    }
    let rows = q
        .order((questions::received_at.desc(), questions::id.desc()))
        .limit(limit as i64 + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| {
        page_key(r.received_at, &r.id)
    }))
}

/// A question the caller may see; 404 for one they may not (as for one that does not exist).
pub fn get(conn: &mut DbConnection, staff: &Staff, id: &str) -> ApiResult<Question> {
    Ok(visible_to(staff)?
        .filter(questions::id.eq(id.to_owned()))
        .first(conn)?)
}

pub fn events(conn: &mut DbConnection, id: &str) -> ApiResult<Vec<QuestionEvent>> {
    Ok(question_events::table
        .filter(question_events::question_id.eq(id))
        .order((question_events::at, question_events::id))
        .select(QuestionEvent::as_select())
        .load(conn)?)
}

pub fn answers(conn: &mut DbConnection, id: &str) -> ApiResult<Vec<QuestionAnswer>> {
    Ok(question_answers::table
        .filter(question_answers::question_id.eq(id))
        .order(question_answers::revision.desc())
        .select(QuestionAnswer::as_select())
        .load(conn)?)
}

/// The department a question is routed to, by name, for lists.
pub fn department_names(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> ApiResult<std::collections::HashMap<String, String>> {
    Ok(departments::table
        .filter(departments::id.eq_any(ids))
        .select((departments::id, departments::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// The asker's name and contacts, for whoever sends the answer; every read is recorded.
pub fn contact(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    purpose: &str,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: "question",
                content_id: id,
                action: "read_contact",
                detail: json!({ "purpose": purpose }),
            },
        )?;
        Ok(q)
    })
}

/// What a step may change besides the status.
#[derive(Default, AsChangeset)]
#[diesel(table_name = questions)]
struct Changes {
    status: Option<String>,
    updated_at: Option<NaiveDateTime>,
    department_id: Option<String>,
    duplicate_of: Option<String>,
    sent_at: Option<NaiveDateTime>,
    sent_via: Option<String>,
    delivery_note: Option<String>,
    closed_at: Option<NaiveDateTime>,
}

fn step_not_allowed(from: Status, step: Step) -> ApiError {
    ApiError::conflict(
        "invalid_step",
        Text::new(
            format!(
                "Không thể thực hiện bước `{}` khi câu hỏi ở trạng thái `{}`.",
                step.as_str(),
                from.as_str()
            ),
            format!(
                "The step `{}` cannot be taken while the question is `{}`.",
                step.as_str(),
                from.as_str()
            ),
        ),
    )
}

fn changed_meanwhile() -> ApiError {
    ApiError::conflict(
        "question_changed",
        Text::new(
            "Câu hỏi vừa được người khác xử lý; hãy tải lại.",
            "Someone else has just acted on this question; reload it.",
        ),
    )
}

/// Moves `q` by `step`: compare-and-set on the status and answer revision read, the event,
/// the audit entry. Returns the new status.
#[allow(clippy::too_many_arguments)]
fn take(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    q: &Question,
    step: Step,
    comment: &str,
    mut changes: Changes,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> ApiResult<Status> {
    let from = status_of(q)?;
    let to = rules::next(from, step).ok_or_else(|| step_not_allowed(from, step))?;
    changes.status = Some(to.as_str().into());
    changes.updated_at = Some(stored(now));
    if to.is_closed() && !from.is_closed() {
        changes.closed_at = Some(stored(now));
    }
    let n = diesel::update(
        questions::table
            .find(&q.id)
            .filter(questions::status.eq(&q.status))
            .filter(questions::answer_revision.eq(q.answer_revision)),
    )
    .set(&changes)
    .execute(conn)?;
    if n == 0 {
        return Err(changed_meanwhile());
    }
    event(
        conn,
        ctx,
        &q.id,
        step.as_str(),
        Some(from),
        to,
        comment,
        now,
    )?;
    let mut detail = detail;
    detail["from"] = json!(from.as_str());
    detail["to"] = json!(to.as_str());
    content::record_write(
        conn,
        ctx,
        Write {
            content_type: "question",
            content_id: &q.id,
            action: step.as_str(),
            detail,
        },
    )?;
    Ok(to)
}

#[allow(clippy::too_many_arguments)]
fn event(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    id: &str,
    action: &str,
    from: Option<Status>,
    to: Status,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::insert_into(question_events::table)
        .values(QuestionEvent {
            id: new_id(),
            question_id: id.to_owned(),
            action: action.to_owned(),
            from_status: from.map_or("", |s| s.as_str()).to_owned(),
            to_status: to.as_str().to_owned(),
            actor_id: ctx.actor_id.clone(),
            actor_role: ctx.actor_role.clone(),
            comment: comment.to_owned(),
            at: stored(now),
        })
        .execute(conn)?;
    Ok(())
}

/// Routes a question to a department (or to another one while no answer was submitted), with
/// a notice to the department's address when it has one.
pub fn route(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    department_id: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let department: Option<(String, Option<String>)> = departments::table
            .find(department_id)
            .select((departments::name, departments::email))
            .first(conn)
            .optional()?;
        let Some((name, email)) = department else {
            return Err(ApiError::field(
                "department_id",
                "unknown_department",
                Text::new("Không có bộ phận này.", "No such department."),
            ));
        };
        let changes = Changes {
            department_id: Some(department_id.to_owned()),
            ..Default::default()
        };
        let detail = json!({ "department_id": department_id });
        take(conn, ctx, &q, Step::Route, comment, changes, detail, now)?;
        if let Some(to) = email {
            outbox::enqueue(
                conn,
                Some(id),
                outbox::ROUTED,
                routed_mail(&q, &name, &to),
                now,
            )?;
        }
        reread(conn, id)
    })
}

fn reread(conn: &mut DbConnection, id: &str) -> ApiResult<Question> {
    Ok(questions::table
        .find(id)
        .select(Question::as_select())
        .first(conn)?)
}

/// Closes a question at intake as spam, or as a duplicate of an earlier one.
pub fn close(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    duplicate_of: Option<&str>,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let (step, changes) = match duplicate_of {
            None => (Step::CloseAsSpam, Changes::default()),
            Some(original) => {
                let found: Option<String> = questions::table
                    .find(original)
                    .select(questions::status)
                    .first(conn)
                    .optional()?;
                let usable = found.as_deref().and_then(Status::parse).is_some_and(|s| {
                    !matches!(s, Status::ClosedAsSpam | Status::ClosedAsDuplicate)
                });
                if original == id || !usable {
                    return Err(ApiError::field(
                        "duplicate_of",
                        "unknown_question",
                        Text::new(
                            "Câu hỏi gốc phải là một câu hỏi khác, chưa bị đóng.",
                            "The original must be another question, not itself closed.",
                        ),
                    ));
                }
                (
                    Step::CloseAsDuplicate,
                    Changes {
                        duplicate_of: Some(original.to_owned()),
                        ..Default::default()
                    },
                )
            }
        };
        let detail = json!({ "duplicate_of": duplicate_of });
        take(conn, ctx, &q, step, comment, changes, detail, now)?;
        reread(conn, id)
    })
}

fn not_yours() -> ApiError {
    ApiError::forbidden()
}

/// Saves a new revision of the answer (the status stays as it is).
pub fn save_answer(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    text: String,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let status = status_of(&q)?;
        if !crate::auth::roles::can_write_answer(
            staff.role,
            staff.department.as_deref(),
            q.department_id.as_deref(),
            status == Status::Answered,
        ) {
            return Err(not_yours());
        }
        if !rules::answer_editable(status) {
            return Err(ApiError::conflict(
                "answer_locked",
                Text::new(
                    format!(
                        "Không sửa được câu trả lời khi câu hỏi ở trạng thái `{}`.",
                        status.as_str()
                    ),
                    format!(
                        "The answer cannot be changed while the question is `{}`.",
                        status.as_str()
                    ),
                ),
            ));
        }
        let revision = q.answer_revision + 1;
        let n = diesel::update(
            questions::table
                .find(id)
                .filter(questions::status.eq(&q.status))
                .filter(questions::answer_revision.eq(q.answer_revision)),
        )
        .set((
            questions::answer.eq(&text),
            questions::answer_revision.eq(revision),
            questions::updated_at.eq(stored(now)),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(changed_meanwhile());
        }
        diesel::insert_into(question_answers::table)
            .values(QuestionAnswer {
                question_id: id.to_owned(),
                revision,
                body: text,
                author_id: ctx.actor_id.clone(),
                at: stored(now),
            })
            .execute(conn)?;
        content::record_write(
            conn,
            ctx,
            Write {
                content_type: "question",
                content_id: id,
                action: "answer",
                detail: json!({ "revision": revision }),
            },
        )?;
        reread(conn, id)
    })
}

/// The department hands its answer to the board.
pub fn submit(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        if !crate::auth::roles::can_write_answer(
            staff.role,
            staff.department.as_deref(),
            q.department_id.as_deref(),
            false,
        ) {
            return Err(not_yours());
        }
        if q.answer.is_none() && rules::next(status_of(&q)?, Step::Submit).is_some() {
            return Err(ApiError::conflict(
                "no_answer",
                Text::new(
                    "Chưa có câu trả lời để gửi duyệt.",
                    "There is no answer to submit yet.",
                ),
            ));
        }
        let detail = json!({ "revision": q.answer_revision });
        take(
            conn,
            ctx,
            &q,
            Step::Submit,
            comment,
            Changes::default(),
            detail,
            now,
        )?;
        reread(conn, id)
    })
}

/// The board sends the answer back to the department.
pub fn request_changes(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let detail = json!({ "revision": q.answer_revision });
        let changes = Changes::default();
        take(
            conn,
            ctx,
            &q,
            Step::RequestChanges,
            comment,
            changes,
            detail,
            now,
        )?;
        reread(conn, id)
    })
}

/// Approves the answer. When the asker gave an e-mail address, the reply goes into the outbox
/// in this same transaction: approved and queued, or neither.
pub fn approve(
    conn: &mut DbConnection,
    settings: &Settings,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    comment: &str,
) -> ApiResult<Question> {
    let now = settings.clock.now();
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let detail = json!({ "revision": q.answer_revision });
        take(
            conn,
            ctx,
            &q,
            Step::Approve,
            comment,
            Changes::default(),
            detail,
            now,
        )?;
        if let (ReplyBy::Email, Some(to)) = (reply_by(&q)?, &q.asker_email) {
            let mail = reply_mail(settings, &q, to);
            outbox::enqueue(conn, Some(&q.id), outbox::REPLY, mail, now)?;
        }
        reread(conn, id)
    })
}

/// The notice to a department that a question waits for its answer: the subject, the
/// deadline and the question's id; nothing about the asker.
fn routed_mail(q: &Question, department: &str, to: &str) -> Mail {
    let due = q
        .due_at
        .and_utc()
        .with_timezone(&crate::domain::documents::vietnam())
        .format("%d/%m/%Y");
    Mail {
        to: to.to_owned(),
        subject: format!("Câu hỏi cần trả lời: {}", q.subject),
        body: format!(
            "Kính gửi {department},\n\n\
             Một câu hỏi của công dân đã được chuyển đến bộ phận để soạn câu trả lời.\n\n\
             Chủ đề: {subject}\n\
             Hạn trả lời: {due}\n\
             Mã câu hỏi: {id}\n\n\
             Nội dung câu hỏi và nơi soạn câu trả lời: mục Câu hỏi của trang quản trị.\n",
            subject = q.subject,
            id = q.id,
        ),
    }
}

/// The e-mail that carries an approved answer.
fn reply_mail(settings: &Settings, q: &Question, to: &str) -> Mail {
    let received = q
        .received_at
        .and_utc()
        .with_timezone(&crate::domain::documents::vietnam())
        .format("%d/%m/%Y");
    let name = q.asker_name.as_deref().unwrap_or("Ông/Bà");
    Mail {
        to: to.to_owned(),
        subject: format!("Trả lời câu hỏi: {}", q.subject),
        body: format!(
            "Kính gửi {name},\n\n\
             {school} trả lời câu hỏi Ông/Bà gửi ngày {received} như sau.\n\n\
             Câu hỏi: {subject}\n\n{question}\n\n\
             Trả lời:\n\n{answer}\n\n\
             Trân trọng,\n{school}\n",
            school = settings.school_name,
            subject = q.subject,
            question = q.body,
            answer = q.answer.as_deref().unwrap_or_default(),
        ),
    }
}

/// The mail server accepted the reply: the question is sent. Called by the delivery worker in
/// the transaction that marks the mail delivered.
pub fn delivered_by_mail(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> ApiResult<()> {
    let q = reread(conn, id)?;
    if status_of(&q)? != Status::Approved {
        return Ok(());
    }
    let ctx = AuditContext {
        actor_role: Some("system".into()),
        ..Default::default()
    };
    let changes = Changes {
        sent_at: Some(stored(now)),
        sent_via: Some(ReplyBy::Email.as_str().into()),
        ..Default::default()
    };
    take(
        conn,
        &ctx,
        &q,
        Step::Send,
        "",
        changes,
        json!({ "via": "email" }),
        now,
    )?;
    Ok(())
}

/// The mail server refused the reply for good: the technical team hears of it on the question
/// and may post a letter instead.
pub fn undeliverable(conn: &mut DbConnection, id: &str, note: &str) -> ApiResult<()> {
    diesel::update(questions::table.find(id))
        .set(questions::delivery_note.eq(note))
        .execute(conn)?;
    Ok(())
}

/// The technical team posted the letter (only postal askers, or when the e-mail was refused).
pub fn mark_posted(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    posted_on: chrono::NaiveDate,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let mail_refused: i64 = mail_outbox::table
            .filter(mail_outbox::question_id.eq(id))
            .filter(mail_outbox::purpose.eq(outbox::REPLY))
            .filter(mail_outbox::failed_at.is_not_null())
            .count()
            .get_result(conn)?;
        if reply_by(&q)? == ReplyBy::Email && mail_refused == 0 {
            return Err(ApiError::conflict(
                "sent_by_email",
                Text::new(
                    "Câu trả lời này được gửi qua thư điện tử.",
                    "This answer goes out by e-mail.",
                ),
            ));
        }
        let posted = posted_on
            .and_hms_opt(12, 0, 0)
            .expect("noon exists")
            .and_utc();
        let changes = Changes {
            sent_at: Some(stored(posted)),
            sent_via: Some(ReplyBy::Post.as_str().into()),
            ..Default::default()
        };
        let detail = json!({ "via": "post", "posted_on": posted_on });
        take(conn, ctx, &q, Step::Send, comment, changes, detail, now)?;
        reread(conn, id)
    })
}

/// The masked texts an editor starts a publication from.
pub struct PublicationDraft {
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub masked: privacy::Masked,
}

/// The question and answer with personal data masked, and the asker's name (and contacts)
/// taken out wherever they appear.
pub fn publication_draft(q: &Question) -> PublicationDraft {
    let mut total = privacy::Masked::default();
    let mut clean = |text: &str| {
        let (text, found) = privacy::mask(&without_asker(q, text));
        total.add(found);
        text
    };
    PublicationDraft {
        subject: clean(&q.subject),
        question: clean(&q.body),
        answer: clean(q.answer.as_deref().unwrap_or_default()),
        masked: total,
    }
}

/// What stands in for the asker's name in a published or anonymised text.
pub const ASKER: &str = "[người hỏi]";

/// `text` with the asker's name and contact details replaced by [`ASKER`]: what the tracking
/// page shows of the answer (a ticket code can be overheard; the full reply went by mail).
pub fn without_asker(q: &Question, text: &str) -> String {
    replace_details(text, asker_details(q))
}

/// The asker's name and contacts as they could appear in a text.
fn asker_details(q: &Question) -> impl Iterator<Item = &str> {
    person_details([
        &q.asker_name,
        &q.asker_email,
        &q.asker_phone,
        &q.asker_address,
    ])
}

/// A person's details worth looking for in a text: those given, leaving out any too short to
/// tell from an ordinary word.
pub(super) fn person_details<'a>(
    values: impl IntoIterator<Item = &'a Option<String>>,
) -> impl Iterator<Item = &'a str> {
    values
        .into_iter()
        .flatten()
        .map(String::as_str)
        .filter(|v| v.chars().count() >= 3)
}

/// `text` with each of `details` replaced by [`ASKER`], whatever its case.
pub(super) fn replace_details<'a>(
    text: &str,
    details: impl IntoIterator<Item = &'a str>,
) -> String {
    details.into_iter().fold(text.to_owned(), |text, detail| {
        regex::RegexBuilder::new(&regex::escape(detail))
            .case_insensitive(true)
            .build()
            .expect("an escaped pattern")
            .replace_all(&text, ASKER)
            .into_owned()
    })
}

/// The asker's own details in a text meant for the public, by field, if any.
fn asker_in(q: &Question, fields: &[(&str, &str)]) -> Vec<FieldError> {
    let lower = |s: &str| s.to_lowercase();
    fields
        .iter()
        .filter(|(_, text)| asker_details(q).any(|v| lower(text).contains(&lower(v))))
        .map(|(field, _)| {
            FieldError::new(
                *field,
                "personal_data",
                Text::new(
                    "Văn bản còn tên hoặc thông tin liên hệ của người hỏi.",
                    "The text still holds the asker's name or contact details.",
                ),
            )
        })
        .collect()
}

/// What the editor publishes: the texts they reviewed (the masked draft when left out).
pub struct Publication {
    pub procedure_id: Option<String>,
    pub subject: Option<String>,
    pub question: Option<String>,
    pub answer: Option<String>,
}

/// Publishes a sent question and its answer as an FAQ entry of a procedure guide.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    p: Publication,
    now: DateTime<Utc>,
) -> ApiResult<PublicFaq> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        let from = status_of(&q)?;
        if rules::next(from, Step::Publish).is_none() {
            return Err(step_not_allowed(from, Step::Publish));
        }
        let draft = publication_draft(&q);
        let subject = p.subject.unwrap_or(draft.subject);
        let question = p.question.unwrap_or(draft.question);
        let answer = p.answer.unwrap_or(draft.answer);
        let leaks = asker_in(
            &q,
            &[
                ("subject", &subject),
                ("question", &question),
                ("answer", &answer),
            ],
        );
        if !leaks.is_empty() {
            return Err(ApiError::validation(leaks));
        }
        let Some(procedure_id) = p.procedure_id.or(q.procedure_id.clone()) else {
            return Err(ApiError::field(
                "procedure_id",
                "procedure_required",
                Text::new(
                    "Hãy chọn hướng dẫn thủ tục để gắn câu hỏi.",
                    "Choose the procedure guide the entry belongs to.",
                ),
            ));
        };
        ensure_published_guide(conn, "procedure_id", &procedure_id)?;
        let detail = json!({ "procedure_id": procedure_id });
        take(
            conn,
            ctx,
            &q,
            Step::Publish,
            "",
            Changes::default(),
            detail,
            now,
        )?;
        let faq = PublicFaq {
            question_id: id.to_owned(),
            procedure_id,
            subject,
            question,
            answer,
            revision: q.answer_revision,
            published_at: stored(now),
            updated_at: stored(now),
        };
        let shown_in = faq_guide(conn, id)?;
        diesel::delete(public_faqs::table.find(id)).execute(conn)?;
        diesel::insert_into(public_faqs::table)
            .values(&faq)
            .execute(conn)?;
        content::record_public_change(
            conn,
            "question",
            id,
            PublicChange::Published,
            Some(q.answer_revision),
        )?;
        if let Some(before) = shown_in.filter(|g| g != &faq.procedure_id) {
            guide_changed(conn, &before)?;
        }
        guide_changed(conn, &faq.procedure_id)?;
        Ok(faq)
    })
}

/// Takes a published entry off the portal.
pub fn unpublish(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    staff: &Staff,
    id: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> ApiResult<Question> {
    write_transaction(conn, |conn| {
        let q = get(conn, staff, id)?;
        take(
            conn,
            ctx,
            &q,
            Step::Unpublish,
            comment,
            Changes::default(),
            json!({}),
            now,
        )?;
        let shown_in = faq_guide(conn, id)?;
        diesel::delete(public_faqs::table.find(id)).execute(conn)?;
        content::record_public_change(
            conn,
            "question",
            id,
            PublicChange::Unpublished,
            Some(q.answer_revision),
        )?;
        if let Some(guide) = shown_in {
            guide_changed(conn, &guide)?;
        }
        reread(conn, id)
    })
}

/// The guide a published entry shows in, if it is published.
fn faq_guide(conn: &mut DbConnection, question_id: &str) -> ApiResult<Option<String>> {
    Ok(public_faqs::table
        .find(question_id)
        .select(public_faqs::procedure_id)
        .first(conn)
        .optional()?)
}

/// A guide shows its FAQ, so an entry coming or going changes the guide's public
/// representation too: the feed says so (with the guide's public revision), if it is public.
fn guide_changed(conn: &mut DbConnection, procedure_id: &str) -> ApiResult<()> {
    use crate::db::schema::public_items;
    let revision: Option<i32> = public_items::table
        .find(procedure_id)
        .select(public_items::revision)
        .first(conn)
        .optional()?;
    match revision {
        Some(revision) => content::record_public_change(
            conn,
            crate::domain::category::ContentKind::Procedure.as_str(),
            procedure_id,
            PublicChange::Updated,
            Some(revision),
        ),
        None => Ok(()),
    }
}

/// The FAQ entries of a published guide, oldest first.
pub fn faq_of(conn: &mut DbConnection, procedure_id: &str) -> ApiResult<Vec<PublicFaq>> {
    Ok(public_faqs::table
        .filter(public_faqs::procedure_id.eq(procedure_id))
        .order((public_faqs::published_at, public_faqs::question_id))
        .select(PublicFaq::as_select())
        .load(conn)?)
}

/// Erases the contact data of questions closed more than the configured days ago: the name,
/// e-mail, phone and address are emptied, the asker's details and anything `privacy::mask`
/// finds are masked in the texts, every saved answer and the steps' comments, and their mail
/// leaves the outbox.
/// The anonymised record stays. Returns how many questions were erased.
pub fn erase_expired(conn: &mut DbConnection, settings: &Settings) -> ApiResult<usize> {
    let now = settings.clock.now();
    let before = stored(now - Duration::days(i64::from(settings.questions.contact_retention_days)));
    let due: Vec<Question> = questions::table
        .filter(questions::erased_at.is_null())
        .filter(questions::closed_at.lt(before))
        .select(Question::as_select())
        .limit(500)
        .load(conn)?;
    let ctx = AuditContext {
        actor_role: Some("system".into()),
        ..Default::default()
    };
    for q in &due {
        write_transaction(conn, |conn| {
            let anonymise = |text: &str| privacy::mask(&without_asker(q, text)).0;
            for a in answers(conn, &q.id)? {
                diesel::update(question_answers::table.find((&q.id, a.revision)))
                    .set(question_answers::body.eq(anonymise(&a.body)))
                    .execute(conn)?;
            }
            // Staff comments may name the asker too ("called Mrs …").
            for e in events(conn, &q.id)?
                .into_iter()
                .filter(|e| !e.comment.is_empty())
            {
                diesel::update(question_events::table.find(&e.id))
                    .set(question_events::comment.eq(anonymise(&e.comment)))
                    .execute(conn)?;
            }
            diesel::update(
                questions::table
                    .find(&q.id)
                    .filter(questions::erased_at.is_null()),
            )
            .set((
                questions::asker_name.eq(None::<String>),
                questions::asker_email.eq(None::<String>),
                questions::asker_phone.eq(None::<String>),
                questions::asker_address.eq(None::<String>),
                questions::subject.eq(anonymise(&q.subject)),
                questions::body.eq(anonymise(&q.body)),
                questions::answer.eq(q.answer.as_deref().map(anonymise)),
                questions::delivery_note.eq(None::<String>),
                questions::erased_at.eq(stored(now)),
            ))
            .execute(conn)?;
            diesel::delete(mail_outbox::table.filter(mail_outbox::question_id.eq(&q.id)))
                .execute(conn)?;
            content::record_write(
                conn,
                &ctx,
                Write {
                    content_type: "question",
                    content_id: &q.id,
                    action: "erase_contact",
                    detail: json!({}),
                },
            )
        })?;
    }
    Ok(due.len())
}
