//! Pure logic with no I/O: Vietnamese text handling.

pub mod category;
pub mod text;
