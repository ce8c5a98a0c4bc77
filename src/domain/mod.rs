//! Pure logic with no I/O: Vietnamese text handling.

pub mod calendar;
pub mod category;
pub mod documents;
pub mod formats;
pub mod html;
pub mod links;
pub mod pages;
pub mod people;
pub mod privacy;
pub mod procedures;
pub mod questions;
pub mod resources;
pub mod search;
pub mod secrets;
pub mod text;
pub mod vietnamese;
pub mod workflow;
