//! Mail delivery: the worker that sends what the outbox holds, over SMTP (`TTDT_SMTP_URL`),
//! or, with no server configured, as `.eml` files under `data_dir/outbox` for someone to send
//! by hand. Mail is UTF-8 plain text; lettre encodes the Vietnamese subject (RFC 2047) and
//! body. Log lines name the outbox row and the question, never the address or the text.

use std::path::PathBuf;
use std::time::Duration;

use actix_web::web;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::Settings;
use crate::db::questions::OutboxMail;
use crate::domain::privacy;
use crate::services::{outbox, questions};
use crate::state::AppState;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The host part of every Message-ID (the sender's domain).
    domain: String,
}

/// Why a message did not go.
pub struct SendError {
    /// The server refused it for good (5xx): retrying will not help.
    pub permanent: bool,
    pub message: String,
}

impl Mailer {
    pub fn new(settings: &Settings) -> Result<Self, String> {
        let address: lettre::Address = settings
            .mail
            .from
            .parse()
            .map_err(|e| format!("TTDT_MAIL_FROM: {e}"))?;
        let domain = address.domain().to_owned();
        let transport = match &settings.mail.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("TTDT_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                let dir = settings.data_dir.join("outbox");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                log::info!(
                    "no TTDT_SMTP_URL set: outgoing mail is written as .eml files under {}",
                    dir.display()
                );
                Transport::Files(dir)
            }
        };
        Ok(Mailer {
            transport,
            from: Mailbox::new(Some(settings.school_name.clone()), address),
            domain,
        })
    }

    fn message(&self, mail: &OutboxMail) -> Result<Message, SendError> {
        let refused = |e: String| SendError {
            permanent: true,
            message: e,
        };
        let to: lettre::Address = mail
            .recipient
            .parse()
            .map_err(|e| refused(format!("invalid recipient: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(mail.subject.clone())
            // The same id on every attempt, so a receiver can tell a repeat.
            .message_id(Some(format!("<{}@{}>", mail.id, self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| refused(e.to_string()))
    }

    pub async fn send(&self, mail: &OutboxMail) -> Result<(), SendError> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Transport::Files(dir) => {
                let path = dir.join(format!("{}.eml", mail.id));
                let bytes = message.formatted();
                web::block(move || std::fs::write(&path, bytes).map_err(|e| (path, e)))
                    .await
                    .map_err(|e| SendError {
                        permanent: false,
                        message: e.to_string(),
                    })?
                    .map_err(|(path, e)| SendError {
                        permanent: false,
                        message: format!("cannot write {}: {e}", path.display()),
                    })
            }
        }
    }
}

/// Sends what is due, whenever woken (`AppState::mail_wakeup`, after an approval) and at
/// least every scheduler interval; several instances may run it at once.
pub fn spawn_worker(state: web::Data<AppState>, mailer: Mailer) {
    let every = state.settings.scheduler_interval;
    tokio::spawn(async move {
        loop {
            let _ = tokio::time::timeout(every, state.mail_wakeup.notified()).await;
            loop {
                let now = state.settings.clock.now();
                let batch = match state.db(move |c| outbox::claim_due(c, now, 20)).await {
                    Ok(batch) => batch,
                    Err(e) if e.status().as_u16() == 503 => break,
                    Err(e) => {
                        log::warn!("mail outbox unreadable: {e}");
                        break;
                    }
                };
                if batch.is_empty() {
                    break;
                }
                for mail in batch {
                    deliver(&state, &mailer, mail).await;
                }
            }
        }
    });
}

async fn deliver(state: &AppState, mailer: &Mailer, mail: OutboxMail) {
    let id = mail.id.clone();
    let question = mail.question_id.clone().unwrap_or_default();
    let outcome = mailer.send(&mail).await;
    let now = state.settings.clock.now();
    let base = state.settings.mail.retry_base;
    let attempts = mail.attempts;
    let recorded = match outcome {
        Ok(()) => {
            let row = id.clone();
            state
                .db(move |c| {
                    crate::db::write_transaction(c, |c| {
                        if let Some(q) = outbox::mark_sent(c, &row, now)? {
                            questions::delivered_by_mail(c, &q, now)?;
                        }
                        Ok(())
                    })
                })
                .await
                .map(|()| log::info!("mail {id} delivered (question {question})"))
        }
        Err(e) if e.permanent => {
            log::warn!(
                "mail {id} refused for good (question {question}): {}",
                privacy::mask(&e.message).0
            );
            let id = id.clone();
            state
                .db(move |c| {
                    crate::db::write_transaction(c, |c| {
                        if let Some(q) = outbox::mark_failed(c, &id, &e.message, now)? {
                            // Shown in staff lists: a server's reply may quote the address.
                            questions::undeliverable(c, &q, &privacy::mask(&e.message).0)?;
                        }
                        Ok(())
                    })
                })
                .await
        }
        Err(e) => {
            let wait = outbox::backoff(base, attempts);
            log::warn!(
                "mail {id} not delivered (question {question}, attempt {attempts}), retrying in {}s: {}",
                wait.as_secs(),
                privacy::mask(&e.message).0
            );
            let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
            let id = id.clone();
            state
                .db(move |c| outbox::retry_at(c, &id, &e.message, next))
                .await
        }
    };
    // The outcome could not be written (database away): the lease runs out and the mail is
    // tried again, so it is sent at least once; the receiver sees the same Message-ID.
    if let Err(e) = recorded {
        log::warn!("mail {id}: outcome not recorded: {e}");
    }
}
