//! The editorial workflow (Quy chế Điều 5.1–5.3, DESIGN §4) as a pure state machine, shared by
//! every content kind.
//!
//! `status` describes the working copy. Whether the public sees the item is separate: a published
//! item that is edited goes back to `draft` for review while its last published revision stays
//! live, until a newer one is published.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    ChangesRequested,
    Approved,
    Scheduled,
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Submitted,
        Status::ChangesRequested,
        Status::Approved,
        Status::Scheduled,
        Status::Published,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The author may still change it without a reviewer.
    pub fn is_open_for_author(self) -> bool {
        matches!(self, Status::Draft | Status::ChangesRequested)
    }
}

/// A workflow step, each its own endpoint (`POST …/{id}/submit`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Approve,
    RequestChanges,
    Reject,
    /// Publish now, or schedule when `publish_at` is in the future.
    Publish,
    /// The scheduler publishing a scheduled item whose time has come.
    PublishScheduled,
    Unpublish,
    Archive,
    /// An edit sent an approved, scheduled or published item back to draft for review.
    Reopen,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Approve => "approve",
            Transition::RequestChanges => "request_changes",
            Transition::Reject => "reject",
            Transition::Publish => "publish",
            Transition::PublishScheduled => "publish_scheduled",
            Transition::Unpublish => "unpublish",
            Transition::Archive => "archive",
            Transition::Reopen => "reopen",
        }
    }

    pub const ALL: [Transition; 9] = [
        Transition::Submit,
        Transition::Approve,
        Transition::RequestChanges,
        Transition::Reject,
        Transition::Publish,
        Transition::PublishScheduled,
        Transition::Unpublish,
        Transition::Archive,
        Transition::Reopen,
    ];

    pub fn parse(s: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Review decisions carry a mandatory comment.
    pub fn needs_comment(self) -> bool {
        matches!(self, Transition::RequestChanges | Transition::Reject)
    }
}

/// Where `transition` leads from `from`, or `None` when it is not allowed from there.
/// `scheduled` says the publish time lies in the future; `live` that a published revision is
/// on the public site (an item being re-edited can still be taken down); `reviewed` that the
/// kind is reviewed before publishing: a kind that is not (links) has no review steps, is
/// published from its draft, and goes back to draft when taken down.
pub fn next(
    from: Status,
    transition: Transition,
    scheduled: bool,
    live: bool,
    reviewed: bool,
) -> Option<Status> {
    use Status::*;
    use Transition as T;
    if !reviewed {
        return match (transition, from) {
            (T::Publish, Draft) => Some(if scheduled { Scheduled } else { Published }),
            (T::PublishScheduled, Scheduled) => Some(Published),
            (T::Unpublish, Published | Scheduled) => Some(Draft),
            (T::Unpublish, Draft) if live => Some(Draft),
            (T::Reopen, Scheduled | Published) => Some(Draft),
            (T::Archive, Draft | Scheduled | Published) => Some(Archived),
            _ => None,
        };
    }
    match (transition, from) {
        (T::Submit, Draft | ChangesRequested) => Some(Submitted),
        (T::Approve, Submitted) => Some(Approved),
        (T::RequestChanges, Submitted) => Some(ChangesRequested),
        (T::Reject, Submitted) => Some(Draft),
        (T::Publish, Approved) => Some(if scheduled { Scheduled } else { Published }),
        (T::PublishScheduled, Scheduled) => Some(Published),
        (T::Unpublish, Published | Scheduled) => Some(Approved),
        (T::Unpublish, Draft | Submitted | ChangesRequested | Approved) if live => Some(from),
        (T::Reopen, Approved | Scheduled | Published) => Some(Draft),
        (T::Archive, Draft | Submitted | ChangesRequested | Approved | Scheduled | Published) => {
            Some(Archived)
        }
        _ => None,
    }
}

/// The status after the working copy is edited: approved, scheduled and published items need a
/// new review; a reviewer's fix during review keeps it in review.
pub fn after_edit(from: Status) -> Status {
    match from {
        Status::Approved | Status::Scheduled | Status::Published => Status::Draft,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_reaches_published() {
        let mut s = Status::Draft;
        for t in [Transition::Submit, Transition::Approve, Transition::Publish] {
            s = next(s, t, false, false, true).unwrap();
        }
        assert_eq!(s, Status::Published);
        assert_eq!(
            next(Status::Approved, Transition::Publish, true, false, true),
            Some(Status::Scheduled)
        );
        assert_eq!(
            next(
                Status::Scheduled,
                Transition::PublishScheduled,
                false,
                false,
                true
            ),
            Some(Status::Published)
        );
    }

    #[test]
    fn nothing_skips_review() {
        for from in [Status::Draft, Status::ChangesRequested, Status::Submitted] {
            assert_eq!(
                next(from, Transition::Publish, false, false, true),
                None,
                "{from:?}"
            );
        }
        assert_eq!(
            next(Status::Draft, Transition::Approve, false, false, true),
            None
        );
        assert_eq!(
            next(Status::Archived, Transition::Submit, false, false, true),
            None
        );
        assert_eq!(
            next(Status::Archived, Transition::Archive, false, false, true),
            None
        );
    }

    #[test]
    fn a_kind_without_review_publishes_from_its_draft_and_has_no_review_steps() {
        use Status::*;
        use Transition as T;
        assert_eq!(
            next(Draft, T::Publish, false, false, false),
            Some(Published)
        );
        assert_eq!(next(Draft, T::Publish, true, false, false), Some(Scheduled));
        assert_eq!(
            next(Published, T::Unpublish, false, true, false),
            Some(Draft)
        );
        assert_eq!(
            next(Published, T::Archive, false, true, false),
            Some(Archived)
        );
        for t in [T::Submit, T::Approve, T::RequestChanges, T::Reject] {
            for from in Status::ALL {
                assert_eq!(
                    next(from, t, false, false, false),
                    None,
                    "{t:?} from {from:?}"
                );
            }
        }
        assert_eq!(next(Archived, T::Publish, false, false, false), None);
    }

    #[test]
    fn review_outcomes() {
        assert_eq!(
            next(
                Status::Submitted,
                Transition::RequestChanges,
                false,
                false,
                true
            ),
            Some(Status::ChangesRequested)
        );
        assert_eq!(
            next(Status::Submitted, Transition::Reject, false, false, true),
            Some(Status::Draft)
        );
        assert_eq!(after_edit(Status::Published), Status::Draft);
        assert_eq!(
            next(Status::Draft, Transition::Unpublish, false, true, true),
            Some(Status::Draft)
        );
        assert_eq!(
            next(Status::Draft, Transition::Unpublish, false, false, true),
            None
        );
        assert_eq!(after_edit(Status::Submitted), Status::Submitted);
    }
}
