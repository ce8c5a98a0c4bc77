//! Authentication and authorisation: who the caller is (JWT, passwords, refresh tokens) and what
//! their role lets them do (pure functions in `roles`).

pub mod extractor;
pub mod jwt;
pub mod password;
pub mod ratelimit;
pub mod roles;

pub use extractor::Actor;
pub use roles::Role;
