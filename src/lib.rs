//! ttdt: the content API behind a Vietnamese school's official information portal.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod mail;
pub mod media;
pub mod mirror;
pub mod openapi;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod webhooks;
