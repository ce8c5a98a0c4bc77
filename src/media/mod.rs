//! Media files: what an upload is, where the bytes go, and what is made of images. The upload
//! handler streams the request into a [`store::Spool`]; [`ingest`] decides what it holds and
//! prepares exactly what will be stored.

pub mod containers;
pub mod images;
pub mod store;

use std::io::BufReader;

use crate::domain::formats::{self, Format, MediaKind, Refusal, Sniff};
use crate::error::{ApiError, ApiResult};
use containers::Edit;
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

/// The copy to store: the upload itself, or the upload with its metadata blanked or its tags
/// dropped (a new file, with its own address).
fn rewrite(store: &dyn BlobStore, file: Spooled, edit: &Edit) -> ApiResult<Spooled> {
    use std::io::{Read, Seek, SeekFrom};
    let copy_err = |e| ApiError::io("cleaning an upload's metadata", e);
    let mut source = BufReader::new(file.reopen().map_err(io)?);
    let mut out = store.spool().map_err(copy_err)?;
    let copy = |source: &mut BufReader<std::fs::File>, out: &mut store::Spool, n: u64| {
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = n;
        while left > 0 {
            let chunk = &mut buf[..left.min(64 * 1024) as usize];
            source.read_exact(chunk)?;
            out.write(chunk)?;
            left -= chunk.len() as u64;
        }
        Ok::<_, std::io::Error>(())
    };
    match edit {
        Edit::None => return Ok(file),
        Edit::Keep(range) => {
            source.seek(SeekFrom::Start(range.start)).map_err(io)?;
            copy(&mut source, &mut out, range.end - range.start).map_err(copy_err)?;
        }
        Edit::Patch(patches) => {
            let mut at = 0;
            for patch in patches {
                copy(&mut source, &mut out, patch.at - at).map_err(copy_err)?;
                out.write(&patch.write).map_err(copy_err)?;
                let zeros = vec![0u8; patch.zeros.min(64 * 1024) as usize];
                let mut left = patch.zeros;
                while left > 0 {
                    let n = left.min(zeros.len() as u64) as usize;
                    out.write(&zeros[..n]).map_err(copy_err)?;
                    left -= n as u64;
                }
                let skipped = patch.write.len() as u64 + patch.zeros;
                source.seek_relative(skipped as i64).map_err(io)?;
                at = patch.at + skipped;
            }
            copy(&mut source, &mut out, file.size - at).map_err(copy_err)?;
        }
    }
    out.finish().map_err(copy_err)
}

/// Identifies an upload by its bytes, checks that its name and declared type agree, and for
/// images makes the cleaned original and the variants. Blocking: run it off the event loop.
///
/// A panic while reading the file (a decoder's bug met by a crafted file) refuses the file as
/// corrupt; it never becomes a server error.
pub fn ingest(store: &dyn BlobStore, upload: Upload, limits: &ImageLimits) -> ApiResult<Ingested> {
    let name = upload.name.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        identify_and_prepare(store, upload, limits)
    }))
    .unwrap_or_else(|_| {
        log::error!("reading the upload {name:?} panicked: refused as corrupt");
        Err(Refusal::Corrupt.into())
    })
}

fn identify_and_prepare(
    store: &dyn BlobStore,
    upload: Upload,
    limits: &ImageLimits,
) -> ApiResult<Ingested> {
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
        let (file, duration_seconds) = match format.kind {
            MediaKind::Audio | MediaKind::Video => {
                let found = containers::inspect(&mut reader()?, upload.file.size, format)?;
                let file = rewrite(store, upload.file, &found.edit)?;
                (file, found.duration_seconds)
            }
            _ => (upload.file, None),
        };
        return Ok(Ingested {
            format,
            source_sha256,
            file,
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
