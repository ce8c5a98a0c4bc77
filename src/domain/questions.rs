//! Citizens' questions (Quy chế Điều 5.5): their own state machine and the ticket code an
//! asker follows a question with.

use super::secrets::{ALPHABET, random_code, sha256_hex};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a question is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent by the asker; the technical team has not routed it yet.
    Received,
    /// Assigned to a department, which drafts the answer.
    Routed,
    /// The department submitted its answer for approval.
    Answered,
    /// The board sent the answer back to the department with a comment.
    ChangesRequested,
    /// Approved by the deputy or the editor-in-chief; waiting to be delivered.
    Approved,
    /// Delivered: the mail server accepted the e-mail, or the letter was posted.
    Sent,
    /// Also shown on the portal as an FAQ entry of a procedure guide.
    Published,
    ClosedAsSpam,
    /// The same question as an earlier one (`duplicate_of`).
    ClosedAsDuplicate,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Received,
        Status::Routed,
        Status::Answered,
        Status::ChangesRequested,
        Status::Approved,
        Status::Sent,
        Status::Published,
        Status::ClosedAsSpam,
        Status::ClosedAsDuplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Routed => "routed",
            Status::Answered => "answered",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Sent => "sent",
            Status::Published => "published",
            Status::ClosedAsSpam => "closed_as_spam",
            Status::ClosedAsDuplicate => "closed_as_duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the school's part is over: the answer went out, or the question was closed.
    /// The answer deadline no longer runs, and the clock of the contact data's erasure starts.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Sent | Status::Published | Status::ClosedAsSpam | Status::ClosedAsDuplicate
        )
    }

    /// What the asker sees when following the question: no internal steps.
    pub fn for_asker(self) -> AskerStatus {
        match self {
            Status::Received => AskerStatus::Received,
            Status::Routed | Status::Answered | Status::ChangesRequested | Status::Approved => {
                AskerStatus::InProgress
            }
            Status::Sent | Status::Published => AskerStatus::Answered,
            Status::ClosedAsSpam | Status::ClosedAsDuplicate => AskerStatus::Closed,
        }
    }
}

/// A question's status as its asker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AskerStatus {
    Received,
    InProgress,
    /// The answer was sent; it is shown with the status.
    Answered,
    Closed,
}

/// A step of a question's handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// To a department (again, while no answer was submitted).
    Route,
    /// The department's answer goes to the board.
    Submit,
    Approve,
    RequestChanges,
    /// The mail server accepted the e-mail, or the technical team posted the letter.
    Send,
    Publish,
    Unpublish,
    CloseAsSpam,
    CloseAsDuplicate,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Route => "route",
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::RequestChanges => "request_changes",
            Step::Send => "send",
            Step::Publish => "publish",
            Step::Unpublish => "unpublish",
            Step::CloseAsSpam => "close_as_spam",
            Step::CloseAsDuplicate => "close_as_duplicate",
        }
    }
}

/// Where `step` leads from `from`, or `None` when it cannot be taken there.
pub fn next(from: Status, step: Step) -> Option<Status> {
    use Status as S;
    match (step, from) {
        (Step::Route, S::Received | S::Routed) => Some(S::Routed),
        (Step::Submit, S::Routed | S::ChangesRequested) => Some(S::Answered),
        (Step::Approve, S::Answered) => Some(S::Approved),
        (Step::RequestChanges, S::Answered) => Some(S::ChangesRequested),
        (Step::Send, S::Approved) => Some(S::Sent),
        (Step::Publish, S::Sent) => Some(S::Published),
        (Step::Unpublish, S::Published) => Some(S::Sent),
        (Step::CloseAsSpam, S::Received | S::Routed) => Some(S::ClosedAsSpam),
        (Step::CloseAsDuplicate, S::Received | S::Routed) => Some(S::ClosedAsDuplicate),
        _ => None,
    }
}

/// Where the department may write the answer: before it goes to the board, and while the
/// board has it (the deputy or the chief may correct it before approving).
pub fn answer_editable(status: Status) -> bool {
    matches!(
        status,
        Status::Routed | Status::ChangesRequested | Status::Answered
    )
}

/// How the answer reaches the asker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyBy {
    Email,
    /// Only a postal address was given: the technical team prints and posts the letter.
    Post,
}

impl ReplyBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyBy::Email => "email",
            ReplyBy::Post => "post",
        }
    }

    pub fn parse(s: &str) -> Option<ReplyBy> {
        [ReplyBy::Email, ReplyBy::Post]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A new ticket code: 80 random bits as 16 characters in groups of four
/// (`7K2Q-9XMV-D4TB-0RHE`).
pub fn new_ticket() -> String {
    let code = random_code(10);
    let chars: Vec<&str> = (0..4).map(|i| &code[i * 4..i * 4 + 4]).collect();
    chars.join("-")
}

/// The ticket code as typed (any case, with or without dashes or spaces, O for 0, I or L for
/// 1) in its one written form, or `None` if it cannot be one.
pub fn normalise_ticket(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(16);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == 16).then_some(out)
}

/// What is stored of a ticket code: its SHA-256, so the table alone does not let anyone follow
/// someone else's question.
pub fn ticket_hash(typed: &str) -> Option<String> {
    let code = normalise_ticket(typed)?;
    Some(sha256_hex(&code))
}

/// A phone number as an asker writes it: digits with spaces, dots, dashes or brackets, an
/// optional leading `+`, 8 to 15 digits.
pub fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let rest_ok = s
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
    rest_ok && (8..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_and_only_the_documented_steps_exist() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        use Status as S;
        assert_eq!(next(S::Received, Step::Route), Some(S::Routed));
        assert_eq!(next(S::Routed, Step::Route), Some(S::Routed));
        assert_eq!(next(S::Answered, Step::Route), None);
        assert_eq!(next(S::Received, Step::Submit), None);
        assert_eq!(next(S::ChangesRequested, Step::Submit), Some(S::Answered));
        assert_eq!(next(S::Routed, Step::Approve), None);
        assert_eq!(next(S::Approved, Step::Publish), None);
        assert_eq!(next(S::Sent, Step::Publish), Some(S::Published));
        assert_eq!(next(S::Sent, Step::CloseAsSpam), None);
        for s in [S::Sent, S::Published, S::ClosedAsSpam, S::ClosedAsDuplicate] {
            assert!(s.is_closed());
            assert_eq!(next(s, Step::Route), None);
        }
    }

    #[test]
    fn a_ticket_is_sixteen_unambiguous_characters_and_reads_back_however_typed() {
        let t = new_ticket();
        assert_eq!(t.len(), 19);
        assert_eq!(normalise_ticket(&t).unwrap(), t.replace('-', ""));
        assert_ne!(new_ticket(), t);
        let typed = t.to_lowercase().replace('-', " ");
        assert_eq!(ticket_hash(&typed), ticket_hash(&t));
        assert_eq!(
            normalise_ticket("7k2q 9xmv d4tb orhe").as_deref(),
            Some("7K2Q9XMVD4TB0RHE")
        );
        assert_eq!(normalise_ticket("7K2Q-9XMV-D4TB"), None);
        assert_eq!(normalise_ticket("7K2Q-9XMV-D4TB-0RHU"), None);
        assert_eq!(normalise_ticket("../../etc/passwd"), None);
    }

    #[test]
    fn phones_as_people_write_them() {
        for ok in [
            "0912345678",
            "+84 912 345 678",
            "(0215) 3 812 345",
            "0912.345.678",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["12345", "phone", "09123456789012345", "09+12345678"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }
}
