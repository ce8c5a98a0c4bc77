//! Content kinds (Quy chế Điều 7) and retention classes (Điều 10.2–10.3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a category holds, following the content list of Điều 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// Giới thiệu: the school, its organisation and leadership.
    Introduction,
    /// Hoạt động: school activities.
    Activities,
    /// Văn bản: legal and administrative documents.
    LegalDocuments,
    /// Chính sách: policies.
    Policy,
    /// Thủ tục hành chính: administrative procedure guides.
    Procedures,
    /// Dịch vụ công: public services.
    PublicServices,
    /// Tin tức: news.
    News,
    /// Tài nguyên dạy học: research, initiatives, e-learning, slides, teaching aids.
    TeachingResources,
    /// Liên kết: links to central, provincial and district sites.
    Links,
    /// Quảng cáo: announcements and ads.
    Ads,
}

impl CategoryKind {
    pub const ALL: [CategoryKind; 10] = [
        Self::Introduction,
        Self::Activities,
        Self::LegalDocuments,
        Self::Policy,
        Self::Procedures,
        Self::PublicServices,
        Self::News,
        Self::TeachingResources,
        Self::Links,
        Self::Ads,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Introduction => "introduction",
            Self::Activities => "activities",
            Self::LegalDocuments => "legal_documents",
            Self::Policy => "policy",
            Self::Procedures => "procedures",
            Self::PublicServices => "public_services",
            Self::News => "news",
            Self::TeachingResources => "teaching_resources",
            Self::Links => "links",
            Self::Ads => "ads",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Điều 10.3: the school's overview and leadership, legal documents, procedures and public
    /// services are kept permanently; everything else at most five years.
    pub fn default_retention(self) -> Retention {
        match self {
            Self::Introduction | Self::LegalDocuments | Self::Procedures | Self::PublicServices => {
                Retention::Permanent
            }
            _ => Retention::Limited {
                years: MAX_LIMITED_YEARS,
            },
        }
    }
}

pub const MAX_LIMITED_YEARS: i32 = 5;

/// The content kinds, each a resource of its own, and the categories each may be filed under:
/// an item goes only in a category of its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// News and posts: news, activities, policies, announcements (`/api/v1/articles`).
    Article,
    /// Legal and administrative documents, văn bản (`/api/v1/documents`).
    Document,
    /// Administrative procedure guides, thủ tục hành chính (`/api/v1/procedures`).
    Procedure,
    /// The school's standing pages, in a tree: giới thiệu chung, lịch sử, cơ cấu tổ chức,
    /// liên hệ, … (`/api/v1/pages`).
    Page,
    /// The leadership and staff directory: who holds which post, past holders with their
    /// terms (`/api/v1/leadership`).
    Person,
    /// Teaching resources: research, initiatives, e-lessons, slides, teaching aids, tests
    /// (`/api/v1/resources`).
    Resource,
    /// Links to central, provincial and district sites and the district's schools; kept by
    /// the chief and the technical team, without review (`/api/v1/links`).
    Link,
}

impl ContentKind {
    /// Every kind, for what runs over all of them (the scheduler, the search index).
    pub const ALL: [ContentKind; 7] = [
        ContentKind::Article,
        ContentKind::Document,
        ContentKind::Procedure,
        ContentKind::Page,
        ContentKind::Person,
        ContentKind::Resource,
        ContentKind::Link,
    ];

    /// The kind's name: the `kind` of its rows, its audit entries, its change-feed entries.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Document => "document",
            Self::Procedure => "procedure",
            Self::Page => "page",
            Self::Person => "person",
            Self::Resource => "resource",
            Self::Link => "link",
        }
    }

    /// The path segment of its resources: `/api/v1/{path}/{slug}` for the public,
    /// `/api/v1/editorial/{path}` for staff.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Article => "articles",
            Self::Document => "documents",
            Self::Procedure => "procedures",
            Self::Page => "pages",
            Self::Person => "leadership",
            Self::Resource => "resources",
            Self::Link => "links",
        }
    }

    /// What its items are called in messages (plural), in Vietnamese and English.
    pub fn noun(self) -> (&'static str, &'static str) {
        match self {
            Self::Article => ("bài viết", "articles"),
            Self::Document => ("văn bản", "documents"),
            Self::Procedure => ("thủ tục hành chính", "procedure guides"),
            Self::Page => ("trang", "pages"),
            Self::Person => ("người trong danh bạ", "people in the directory"),
            Self::Resource => ("tài nguyên dạy học", "teaching resources"),
            Self::Link => ("liên kết", "links"),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn category_kinds(self) -> &'static [CategoryKind] {
        match self {
            Self::Article => &[
                CategoryKind::News,
                CategoryKind::Activities,
                CategoryKind::Policy,
                CategoryKind::Ads,
            ],
            Self::Document => &[CategoryKind::LegalDocuments],
            Self::Procedure => &[CategoryKind::Procedures, CategoryKind::PublicServices],
            Self::Page | Self::Person => &[CategoryKind::Introduction],
            Self::Resource => &[CategoryKind::TeachingResources],
            Self::Link => &[CategoryKind::Links],
        }
    }

    pub fn accepts(self, category: CategoryKind) -> bool {
        self.category_kinds().contains(&category)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetentionClass {
    /// Kept for good; items cannot be deleted.
    Permanent,
    /// Archived (never deleted) after `retention_years`, at most 5.
    Limited,
}

impl RetentionClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Permanent => "permanent",
            Self::Limited => "limited",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Permanent,
    Limited { years: i32 },
}

impl Retention {
    pub fn class(self) -> RetentionClass {
        match self {
            Self::Permanent => RetentionClass::Permanent,
            Self::Limited { .. } => RetentionClass::Limited,
        }
    }

    pub fn years(self) -> Option<i32> {
        match self {
            Self::Permanent => None,
            Self::Limited { years } => Some(years),
        }
    }

    /// Reads the stored pair back; anything unexpected counts as permanent (the safe side).
    pub fn from_stored(class: &str, years: Option<i32>) -> Self {
        match (class, years) {
            ("limited", Some(years)) => Self::Limited { years },
            _ => Self::Permanent,
        }
    }
}
