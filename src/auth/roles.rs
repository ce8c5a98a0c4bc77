//! The editorial board's hierarchy (Quy chế Điều 3–5) as roles, and pure permission functions.
//! Handlers ask these; nothing else decides who may do what.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// Departments (bộ phận) belong to the principal.
pub fn can_manage_departments(actor: Role) -> bool {
    actor == Role::Principal
}

/// Only the editor-in-chief grants or revokes the deputy's standing publishing delegation.
pub fn can_set_publishing_delegation(actor: Role) -> bool {
    actor == Role::EditorInChief
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
