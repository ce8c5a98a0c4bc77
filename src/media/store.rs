//! Where media bytes live: content-addressed by SHA-256, behind an interface so an object store
//! can replace the local disk.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

/// A file being written, with the SHA-256 and size of what has been written so far.
pub struct Spool {
    file: NamedTempFile,
    hasher: Sha256,
    size: u64,
}

impl Spool {
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file so far, to read back (for identification and decoding).
    pub fn reopen(&self) -> io::Result<File> {
        self.file.reopen()
    }

    /// Ends writing: the bytes' address and size.
    pub fn finish(self) -> io::Result<Spooled> {
        let Spool { file, hasher, size } = self;
        file.as_file().sync_all()?;
        Ok(Spooled {
            file,
            sha256: hex(&hasher.finalize()),
            size,
        })
    }
}

/// A complete temporary file and its address; dropped without `put`, it is deleted.
pub struct Spooled {
    file: NamedTempFile,
    pub sha256: String,
    pub size: u64,
}

impl Spooled {
    pub fn reopen(&self) -> io::Result<File> {
        self.file.reopen()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `s` is a SHA-256 as we write them (64 lower-case hex digits): the only names a
/// store ever builds paths from.
pub fn is_address(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Content-addressed storage. Names are SHA-256 addresses computed by the server, never
/// anything a client sent.
pub trait BlobStore: Send + Sync {
    /// A new temporary file for an upload or a derived image.
    fn spool(&self) -> io::Result<Spool>;
    /// Stores a finished file under its address, atomically; when those bytes are already
    /// stored, keeps the stored copy (and marks it as just used, so a sweep leaves it alone).
    fn put(&self, file: Spooled) -> io::Result<()>;
    /// Opens stored bytes for reading, with a path for the file server.
    fn open(&self, sha256: &str) -> io::Result<(File, PathBuf)>;
    fn delete(&self, sha256: &str) -> io::Result<()>;
    /// Every stored address with its last use.
    fn list(&self) -> io::Result<Vec<(String, SystemTime)>>;
    /// Removes temporary files nobody has written to for `idle` (left by an upload the
    /// process was killed during); returns how many. An upload in progress keeps writing to
    /// its file, so it is never one of them.
    fn remove_stale_temporaries(&self, idle: std::time::Duration) -> io::Result<usize>;
}

/// Temporaries older than this are leftovers, at start as in the sweep (several instances may
/// share the media directory: one starting must not take another's upload in progress).
pub const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Files under one directory: `ab/cd/abcd…` (two levels of fan-out), temporaries under `tmp/`
/// on the same file system so that storing is a rename.
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    /// Opens the directory, removing the temporaries an interrupted upload left.
    pub fn open(root: &Path) -> io::Result<Self> {
        fs::create_dir_all(root.join("tmp"))?;
        let disk = LocalDisk {
            root: root.to_owned(),
        };
        let removed = disk.remove_stale_temporaries(STALE_TEMPORARY)?;
        if removed > 0 {
            log::info!("removed {removed} temporary file(s) left by interrupted uploads");
        }
        Ok(disk)
    }

    fn path_of(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_address(sha256) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a content address",
            ));
        }
        Ok(self
            .root
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256))
    }
}

impl BlobStore for LocalDisk {
    fn spool(&self) -> io::Result<Spool> {
        Ok(Spool {
            file: NamedTempFile::new_in(self.root.join("tmp"))?,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    fn put(&self, file: Spooled) -> io::Result<()> {
        let path = self.path_of(&file.sha256)?;
        if path.exists() {
            File::options()
                .append(true)
                .open(&path)?
                .set_modified(SystemTime::now())?;
            return Ok(());
        }
        let dir = path.parent().expect("a blob path has a parent");
        fs::create_dir_all(dir)?;
        file.file.persist(&path).map_err(|e| e.error)?;
        // The rename is durable once the directory is.
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    fn open(&self, sha256: &str) -> io::Result<(File, PathBuf)> {
        let path = self.path_of(sha256)?;
        Ok((File::open(&path)?, path))
    }

    fn delete(&self, sha256: &str) -> io::Result<()> {
        match fs::remove_file(self.path_of(sha256)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn remove_stale_temporaries(&self, idle: std::time::Duration) -> io::Result<usize> {
        let cutoff = SystemTime::now() - idle;
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("tmp"))? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file() && meta.modified()? < cutoff {
                match fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }

    fn list(&self) -> io::Result<Vec<(String, SystemTime)>> {
        let mut found = Vec::new();
        for level1 in fs::read_dir(&self.root)? {
            let level1 = level1?;
            if level1.file_name() == "tmp" || !level1.file_type()?.is_dir() {
                continue;
            }
            for level2 in fs::read_dir(level1.path())? {
                for blob in fs::read_dir(level2?.path())? {
                    let blob = blob?;
                    let name = blob.file_name().to_string_lossy().into_owned();
                    if is_address(&name) {
                        found.push((name, blob.metadata()?.modified()?));
                    }
                }
            }
        }
        Ok(found)
    }
}
