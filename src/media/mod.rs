//! Media files: what an upload is, where the bytes go, and what is made of images. The upload
//! handler streams the request into a [`store::Spool`]; [`ingest`] decides what it holds and
//! prepares exactly what will be stored.

pub mod duration;
pub mod images;
pub mod store;

use std::io::BufReader;

use crate::domain::formats::{self, Format, MediaKind, Refusal, Sniff};
use crate::error::{ApiError, ApiResult};
use images::{Encoded, ImageLimits};
use store::{BlobStore, Spooled};

/// A received file, not yet accepted.
pub struct Upload {
    pub file: Spooled,
    /// What its first bytes said.
    pub sniff: Sniff,
    /// The cleaned file name.
    pub name: String,
    /// The part's `Content-Type`, if any.
    pub declared_type: Option<String>,
}

/// An accepted file, ready to store.
pub struct Ingested {
    pub format: &'static Format,
    /// The uploaded bytes' SHA-256.
    pub source_sha256: String,
    /// What is stored: the upload itself, or for an image its re-encoded pixels.
    pub file: Spooled,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// For audio and video, when the container says.
    pub duration_seconds: Option<i32>,
    pub variants: Vec<(String, Encoded)>,
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::io("reading an upload back", e)
}

/// Identifies an upload by its bytes, checks that its name and declared type agree, and for
/// images makes the cleaned original and the variants. Blocking: run it off the event loop.
pub fn ingest(store: &dyn BlobStore, upload: Upload, limits: &ImageLimits) -> ApiResult<Ingested> {
    let extension = formats::extension_of(&upload.name);
    let reader = || upload.file.reopen().map(BufReader::new).map_err(io);
    let format = match upload.sniff {
        Sniff::Refused(refusal) => return Err(refusal.into()),
        Sniff::Known(format) => format,
        Sniff::Zip => formats::identify_zip(reader()?, upload.file.size)?,
        Sniff::Compound => formats::identify_compound(reader()?)?,
        Sniff::Text => formats::identify_text(reader()?, extension.as_deref())?,
    };
    if !formats::agrees(
        format,
        extension.as_deref(),
        upload.declared_type.as_deref(),
    ) {
        return Err(Refusal::Mismatch.into());
    }
    let source_sha256 = upload.file.sha256.clone();
    if format.kind != MediaKind::Image {
        let duration_seconds = match format.kind {
            MediaKind::Audio | MediaKind::Video => {
                duration::seconds(upload.file.reopen().map_err(io)?, format)
            }
            _ => None,
        };
        return Ok(Ingested {
            format,
            source_sha256,
            file: upload.file,
            width: None,
            height: None,
            duration_seconds,
            variants: Vec::new(),
        });
    }
    let source = upload.file.reopen().map_err(io)?;
    let processed = images::process(store, source, format, limits)?;
    Ok(Ingested {
        format,
        source_sha256,
        width: Some(processed.original.width),
        height: Some(processed.original.height),
        duration_seconds: None,
        file: processed.original.file,
        variants: processed.variants,
    })
}
