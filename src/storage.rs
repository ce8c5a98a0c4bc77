//! The disks ttdt writes to (the database's directory and the media directory): how much room
//! is left, and whether writes are failing for lack of it. A full disk is a known condition:
//! writes answer 507 `insufficient_storage`, reads go on, the operator is told once, and
//! `/readyz` shows it until there is room again.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Free space under which a disk that ran full is still called full.
const ROOM_AGAIN: u64 = 1024 * 1024;

#[derive(Debug)]
pub struct StorageWatch {
    dirs: Vec<PathBuf>,
    /// The database's files are among `dirs` (SQLite): their free space says whether writes
    /// can succeed. A PostgreSQL server's disk is not ours to measure.
    database_local: bool,
    full: AtomicBool,
}

impl StorageWatch {
    pub fn new(dirs: Vec<PathBuf>, database_local: bool) -> Self {
        Self {
            dirs,
            database_local,
            full: AtomicBool::new(false),
        }
    }

    /// A write went through: whatever was full has room again.
    pub fn write_succeeded(&self) {
        if self.full.load(Ordering::Relaxed) && self.full.swap(false, Ordering::AcqRel) {
            log::warn!("storage has room again: writes succeed");
        }
    }

    /// A write failed for lack of space: logged for the operator once, not per request.
    pub fn report_full(&self, cause: &dyn std::fmt::Display) {
        if !self.full.swap(true, Ordering::AcqRel) {
            log::error!(
                "storage full ({cause}): writes answer 507 until space is freed; reads go on"
            );
        }
    }

    /// The smallest room left to an unprivileged writer on any of the directories, in bytes
    /// (`None` if none could be measured).
    pub fn free_bytes(&self) -> Option<u64> {
        self.dirs
            .iter()
            .filter_map(|dir| rustix::fs::statvfs(dir).ok())
            .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
            .min()
    }

    /// Whether writes are failing for lack of space: until one succeeds, or, when everything
    /// is on local disks, until they have room again (said in the log).
    pub fn is_full(&self) -> bool {
        if !self.full.load(Ordering::Acquire) {
            return false;
        }
        if !self.database_local {
            return true;
        }
        match self.free_bytes() {
            Some(free) if free >= ROOM_AGAIN => {
                if self.full.swap(false, Ordering::AcqRel) {
                    log::warn!(
                        "storage has room again ({} MiB free): writes resume",
                        free / (1024 * 1024)
                    );
                }
                false
            }
            _ => true,
        }
    }
}
