//! Links to other sites (Điều 7.6): the groups a portal shows them in.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a linked site belongs, in the order a portal lists the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkGroup {
    /// Trung ương: the ministry, the government portal.
    Central,
    /// Tỉnh: the province and its education department.
    Province,
    /// Huyện: the district and its education office.
    District,
    /// Trường trong huyện: the other schools of the district.
    DistrictSchools,
    /// Khác.
    Other,
}

impl LinkGroup {
    pub const ALL: [LinkGroup; 5] = [
        Self::Central,
        Self::Province,
        Self::District,
        Self::DistrictSchools,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Central => "central",
            Self::Province => "province",
            Self::District => "district",
            Self::DistrictSchools => "district_schools",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Central => "Trung ương",
            Self::Province => "Tỉnh",
            Self::District => "Huyện",
            Self::DistrictSchools => "Trường trong huyện",
            Self::Other => "Khác",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_stored_as_their_serde_names_in_portal_order() {
        for g in LinkGroup::ALL {
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
            assert_eq!(LinkGroup::parse(g.as_str()), Some(g));
        }
        let mut sorted = LinkGroup::ALL;
        sorted.sort();
        assert_eq!(sorted, LinkGroup::ALL);
    }
}
