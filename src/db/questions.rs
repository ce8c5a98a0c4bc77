//! Rows of what the public sends the school: the questions tables (`services::questions`),
//! the mail outbox (`services::outbox`) and feedback (`services::feedback`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{mail_outbox, public_faqs, question_answers, question_events, questions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = questions)]
pub struct Question {
    pub id: String,
    pub ticket_hash: String,
    pub status: String,
    pub subject: String,
    pub body: String,
    pub procedure_id: Option<String>,
    pub department_id: Option<String>,
    pub duplicate_of: Option<String>,
    pub asker_name: Option<String>,
    pub asker_email: Option<String>,
    pub asker_phone: Option<String>,
    pub asker_address: Option<String>,
    pub reply_by: String,
    pub answer: Option<String>,
    pub answer_revision: i32,
    pub sent_at: Option<NaiveDateTime>,
    pub sent_via: Option<String>,
    pub delivery_note: Option<String>,
    pub due_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub erased_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = question_answers)]
pub struct QuestionAnswer {
    pub question_id: String,
    pub revision: i32,
    pub body: String,
    pub author_id: Option<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = question_events)]
pub struct QuestionEvent {
    pub id: String,
    pub question_id: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub comment: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: String,
    pub question_id: Option<String>,
    /// `reply` or `routed` (`services::outbox`).
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = public_faqs)]
pub struct PublicFaq {
    pub question_id: String,
    pub procedure_id: String,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub revision: i32,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::feedback)]
pub struct Feedback {
    pub id: String,
    /// `content` or `site`.
    pub about: String,
    pub item_id: Option<String>,
    pub item_kind: Option<String>,
    pub item_title: Option<String>,
    pub author_id: Option<String>,
    pub message: String,
    pub sender_name: Option<String>,
    pub sender_email: Option<String>,
    /// `open` or `handled`.
    pub status: String,
    pub note: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<NaiveDateTime>,
    pub received_at: NaiveDateTime,
    pub erased_at: Option<NaiveDateTime>,
}
