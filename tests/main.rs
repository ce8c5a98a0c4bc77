//! The one integration test binary: every test starts the real app on a fresh database.

mod helpers;

mod articles;
mod auth;
mod categories;
mod compression;
mod concurrency;
mod demo;
mod departments;
mod documents;
mod errors;
mod feedback;
mod feeds;
mod jwt_attacks;
mod kinds;
mod links;
mod media;
mod media_memory;
mod migrations;
mod mirror;
mod openapi;
mod pages;
mod people;
mod procedures;
mod project;
mod questions;
mod quickstart;
mod resources;
mod search;
mod storage;
mod sync;
mod users;
mod webhooks;
