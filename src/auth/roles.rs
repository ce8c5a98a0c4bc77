//! The editorial board's hierarchy (Quy chế Điều 3–5) as roles, and pure permission functions.
//! Handlers ask these; nothing else decides who may do what.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::workflow::{Status, Transition};

/// A staff member's role on the board (`DESIGN.md` §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Hiệu trưởng: forms the board, manages users and roles, reads everything.
    Principal,
    /// Trưởng ban biên tập: everything on content; categories; grants the deputy's delegation.
    EditorInChief,
    /// Phó trưởng ban: edits and reviews all content; publishes while delegated.
    DeputyEditor,
    /// Thành viên: writes; reviews only in assigned categories.
    BoardMember,
    /// Cộng tác viên: writes drafts and submits them.
    Contributor,
    /// Tổ kỹ thuật: media, backups, question routing, audit; no content approval.
    Technician,
    /// Bộ phận: drafts answers to questions routed to their department.
    DepartmentStaff,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Principal,
        Role::EditorInChief,
        Role::DeputyEditor,
        Role::BoardMember,
        Role::Contributor,
        Role::Technician,
        Role::DepartmentStaff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Principal => "principal",
            Role::EditorInChief => "editor_in_chief",
            Role::DeputyEditor => "deputy_editor",
            Role::BoardMember => "board_member",
            Role::Contributor => "contributor",
            Role::Technician => "technician",
            Role::DepartmentStaff => "department_staff",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

/// Who may see the staff directory.
pub fn can_list_users(actor: Role) -> bool {
    matches!(
        actor,
        Role::Principal | Role::EditorInChief | Role::DeputyEditor
    )
}

/// Whether `actor` may change an account whose role is `target` (and, when the role changes, the
/// new role too): the principal manages everyone; the chief and deputy manage contributors only.
pub fn can_manage_user(actor: Role, target: Role) -> bool {
    match actor {
        Role::Principal => true,
        Role::EditorInChief | Role::DeputyEditor => target == Role::Contributor,
        _ => false,
    }
}

/// Categories (lĩnh vực, chuyên mục) belong to the editor-in-chief.
pub fn can_manage_categories(actor: Role) -> bool {
    actor == Role::EditorInChief
}

/// API keys and webhooks for machine clients belong to the editor-in-chief and the technical
/// team (DESIGN §3).
pub fn can_manage_sync(actor: Role) -> bool {
    matches!(actor, Role::EditorInChief | Role::Technician)
}

/// Departments (bộ phận) belong to the principal.
pub fn can_manage_departments(actor: Role) -> bool {
    actor == Role::Principal
}

/// Only the editor-in-chief grants or revokes the deputy's standing publishing delegation.
pub fn can_set_publishing_delegation(actor: Role) -> bool {
    actor == Role::EditorInChief
}

/// Which citizens' questions a staff member sees (Điều 5.5): the technical team, which takes
/// them in, the board that approves the answers and the principal see all of them; department
/// staff see those routed to their department; other board members and contributors none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionScope<'a> {
    All,
    Department(&'a str),
    None,
}

pub fn questions_visible(role: Role, department: Option<&str>) -> QuestionScope<'_> {
    match role {
        Role::Principal | Role::EditorInChief | Role::DeputyEditor | Role::Technician => {
            QuestionScope::All
        }
        Role::DepartmentStaff => department.map_or(QuestionScope::None, QuestionScope::Department),
        Role::BoardMember | Role::Contributor => QuestionScope::None,
    }
}

/// Routing, closing as spam or duplicate, and posting letters: the technical team (and the
/// editor-in-chief, who may do everything on content).
pub fn can_take_in_questions(role: Role) -> bool {
    matches!(role, Role::Technician | Role::EditorInChief)
}

/// Writing and submitting an answer: staff of the department the question is routed to. The
/// deputy and the chief may correct a submitted answer before approving it (`approving`).
pub fn can_write_answer(
    role: Role,
    department: Option<&str>,
    routed_to: Option<&str>,
    approving: bool,
) -> bool {
    match role {
        Role::DepartmentStaff => department.is_some() && department == routed_to,
        Role::DeputyEditor | Role::EditorInChief => approving,
        _ => false,
    }
}

/// Approving an answer, sending it back, publishing it as an FAQ: the deputy (who handles
/// Q&A replies) and the editor-in-chief.
pub fn can_approve_answers(role: Role) -> bool {
    matches!(role, Role::DeputyEditor | Role::EditorInChief)
}

/// Reading an asker's name and contact details (recorded in the audit log every time): those
/// who send the answer.
pub fn can_read_contact(role: Role) -> bool {
    matches!(
        role,
        Role::Technician | Role::EditorInChief | Role::DeputyEditor
    )
}

/// Which feedback a staff member sees and may mark handled (Điều 5.4): feedback on content
/// goes to the board (the chief, the deputy) and to the item's author; feedback on the site to
/// the technical team; the principal and the chief see all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackScope<'a> {
    pub content: bool,
    pub site: bool,
    /// Content feedback on items this account wrote.
    pub author: &'a str,
}

pub fn feedback_visible(role: Role, user_id: &str) -> FeedbackScope<'_> {
    let (content, site) = match role {
        Role::Principal | Role::EditorInChief => (true, true),
        Role::DeputyEditor => (true, false),
        Role::Technician => (false, true),
        Role::BoardMember | Role::Contributor | Role::DepartmentStaff => (false, false),
    };
    FeedbackScope {
        content,
        site,
        author: user_id,
    }
}

/// Reading a feedback sender's name and e-mail, to reply (recorded in the audit log).
pub fn can_read_feedback_contact(role: Role) -> bool {
    matches!(
        role,
        Role::EditorInChief | Role::DeputyEditor | Role::Technician
    )
}

/// Who is asking, as the permission rules need it (from the access token's claims).
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub id: &'a str,
    pub role: Role,
    /// Categories a board member reviews.
    pub categories: &'a [String],
    /// The deputy's publishing delegation.
    pub publish: bool,
}

/// How a kind's items reach the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workflow {
    /// Written by the board and contributors, reviewed before publishing (Điều 5.1–5.3).
    Reviewed,
    /// Kept by the roles named, who publish without review (links, Điều 7.6); the principal
    /// reads them as everything.
    Managed(&'static [Role]),
}

/// What the rules need to know about a content item.
#[derive(Debug, Clone, Copy)]
pub struct ItemRef<'a> {
    pub author_id: &'a str,
    pub category_id: &'a str,
    pub status: Status,
    pub workflow: Workflow,
}

impl Caller<'_> {
    fn owns(&self, item: &ItemRef<'_>) -> bool {
        self.id == item.author_id
    }

    fn reviews(&self, item: &ItemRef<'_>) -> bool {
        self.categories.iter().any(|c| c == item.category_id)
    }
}

/// Writers: the chief, the deputy, board members and contributors (Điều 5).
pub fn can_create_content(role: Role) -> bool {
    matches!(
        role,
        Role::EditorInChief | Role::DeputyEditor | Role::BoardMember | Role::Contributor
    )
}

/// Who writes new items of a kind: the writers of a reviewed kind, the keepers of a managed one.
pub fn can_create(workflow: Workflow, role: Role) -> bool {
    match workflow {
        Workflow::Reviewed => can_create_content(role),
        Workflow::Managed(keepers) => keepers.contains(&role),
    }
}

/// Staff who write content, and the technical team, upload media.
pub fn can_upload_media(role: Role) -> bool {
    can_create_content(role) || role == Role::Technician
}

/// A media item's uploader, the deputy, the editor-in-chief and the technical team change or
/// delete it.
pub fn can_manage_media(caller: &Caller<'_>, uploaded_by: &str) -> bool {
    caller.id == uploaded_by
        || matches!(
            caller.role,
            Role::EditorInChief | Role::DeputyEditor | Role::Technician
        )
}

/// A set of content items described by who wrote them and where they are filed: the one
/// description both a per-item check (`contains`) and a list's SQL filter are built from, so
/// the two cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    All,
    /// Items written by `author`, or filed under one of `categories`.
    AuthorOrCategories {
        author: &'a str,
        categories: &'a [String],
    },
    /// Items written by `author`.
    Author {
        author: &'a str,
    },
    /// Items filed under one of `categories` and not written by `author`.
    CategoriesNotBy {
        categories: &'a [String],
        author: &'a str,
    },
    Nothing,
}

impl Scope<'_> {
    pub fn contains(&self, item: &ItemRef<'_>) -> bool {
        let filed = |categories: &[String]| categories.iter().any(|c| c == item.category_id);
        match *self {
            Scope::All => true,
            Scope::AuthorOrCategories { author, categories } => {
                item.author_id == author || filed(categories)
            }
            Scope::Author { author } => item.author_id == author,
            Scope::CategoriesNotBy { categories, author } => {
                filed(categories) && item.author_id != author
            }
            Scope::Nothing => false,
        }
    }
}

/// The working copies a caller may see (unpublished states, revisions, history): the
/// principal, chief and deputy all; a board member their own and their categories'; a
/// contributor their own. Everyone else none, and gets a 404 as if the item did not exist.
pub fn working_copies<'a>(c: &Caller<'a>, workflow: Workflow) -> Scope<'a> {
    if let Workflow::Managed(keepers) = workflow {
        return if keepers.contains(&c.role) || c.role == Role::Principal {
            Scope::All
        } else {
            Scope::Nothing
        };
    }
    match c.role {
        Role::Principal | Role::EditorInChief | Role::DeputyEditor => Scope::All,
        Role::BoardMember => Scope::AuthorOrCategories {
            author: c.id,
            categories: c.categories,
        },
        Role::Contributor => Scope::Author { author: c.id },
        _ => Scope::Nothing,
    }
}

/// The items a caller reviews (approves, asks changes of, rejects): the chief and deputy all;
/// a board member those in their categories, never their own work (Điều 5.3).
pub fn reviewed_items<'a>(c: &Caller<'a>, workflow: Workflow) -> Scope<'a> {
    if workflow != Workflow::Reviewed {
        return Scope::Nothing;
    }
    match c.role {
        Role::EditorInChief | Role::DeputyEditor => Scope::All,
        Role::BoardMember => Scope::CategoriesNotBy {
            categories: c.categories,
            author: c.id,
        },
        _ => Scope::Nothing,
    }
}

/// Whether the caller may see the item's working copy: [`working_copies`] holds it.
pub fn can_see_working_copy(c: &Caller<'_>, item: &ItemRef<'_>) -> bool {
    working_copies(c, item.workflow).contains(item)
}

/// Contributors change only their own drafts; board members their own drafts and anything in
/// the categories they review; the chief and deputy anything. Archived items are frozen.
pub fn can_edit(c: &Caller<'_>, item: &ItemRef<'_>) -> bool {
    if item.status == Status::Archived {
        return false;
    }
    if let Workflow::Managed(keepers) = item.workflow {
        return keepers.contains(&c.role);
    }
    match c.role {
        Role::EditorInChief | Role::DeputyEditor => true,
        Role::BoardMember => (c.owns(item) && item.status.is_open_for_author()) || c.reviews(item),
        Role::Contributor => c.owns(item) && item.status.is_open_for_author(),
        _ => false,
    }
}

/// Whether the caller's role allows `transition` on the item (the state machine decides
/// separately whether it is possible from the item's status).
pub fn can_transition(c: &Caller<'_>, item: &ItemRef<'_>, transition: Transition) -> bool {
    // A managed kind's keepers take every step; the state machine knows it has no review.
    if let Workflow::Managed(keepers) = item.workflow {
        return keepers.contains(&c.role)
            && !matches!(
                transition,
                Transition::PublishScheduled | Transition::Reopen
            );
    }
    match transition {
        Transition::Submit => can_edit(c, item),
        // Review before publish: board members review their fields, never their own work.
        Transition::Approve | Transition::RequestChanges | Transition::Reject => {
            reviewed_items(c, item.workflow).contains(item)
        }
        // The chief publishes; the deputy only by the chief's standing delegation (Điều 5.2).
        Transition::Publish | Transition::Unpublish | Transition::Archive => match c.role {
            Role::EditorInChief => true,
            Role::DeputyEditor => c.publish,
            _ => false,
        },
        // Done by the system: the scheduler, or an edit of an approved item.
        Transition::PublishScheduled | Transition::Reopen => false,
    }
}

/// Who may delete an item that never went public: the editor-in-chief, or its author while
/// it is still their draft. (What may be deleted at all is the machine's rule.)
pub fn can_delete(c: &Caller<'_>, item: &ItemRef<'_>) -> bool {
    if let Workflow::Managed(keepers) = item.workflow {
        return keepers.contains(&c.role);
    }
    c.role == Role::EditorInChief
        || (can_create_content(c.role) && c.owns(item) && item.status.is_open_for_author())
}

/// "Waiting for my review": submitted items this caller may decide on.
pub fn can_review(c: &Caller<'_>, item: &ItemRef<'_>) -> bool {
    item.status == Status::Submitted && reviewed_items(c, item.workflow).contains(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_the_principal_manages_the_board() {
        for target in Role::ALL {
            assert!(can_manage_user(Role::Principal, target));
            let chief = can_manage_user(Role::EditorInChief, target);
            assert_eq!(chief, target == Role::Contributor, "{target}");
            assert_eq!(can_manage_user(Role::DeputyEditor, target), chief);
            for other in [
                Role::BoardMember,
                Role::Contributor,
                Role::Technician,
                Role::DepartmentStaff,
            ] {
                assert!(!can_manage_user(other, target));
            }
        }
    }
}
