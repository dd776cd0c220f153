//! An index directory that does not `fsync` on every commit, and knows when
//! that may have cost data.
//!
//! Why: tantivy's `MmapDirectory` syncs every file of a new segment, the
//! directory and `meta.json` on each commit: about fifteen `fsync`s, 60–80
//! ms on this project's machines, against 3 ms for the same commit in
//! memory. The store calls `commit` after every write batch, and SQLite
//! itself runs with `synchronous=NORMAL` (a commit is not synced either).
//! The index is derived data, so instead of paying for durability on every
//! commit it detects the one case where unsynced writes can be lost, an
//! operating-system crash or power loss (a process crash leaves them in the
//! page cache), and then rebuilds:
//!
//! - before the first unsynced write of a process, a marker file holding
//!   the kernel's boot id is written and synced;
//! - [`LazySyncDirectory::sync_all`] (called when the index is dropped)
//!   syncs every file and removes the marker;
//! - at open, a marker from another boot means the machine went down with
//!   unsynced index files: the index is wiped and reported as needing a
//!   rebuild.
//!
//! Where the boot id cannot be read (not Linux), the plain `MmapDirectory`
//! is used and every commit is synced.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// The marker file: present while unsynced writes may exist.
pub const MARKER: &str = "vigil-search-unsynced";

/// This boot of the machine, or `None` where the kernel does not say.
pub fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Did the machine go down (another boot) while this index had unsynced
/// writes?
pub fn lost_unsynced_writes(root: &Path, boot: &str) -> bool {
    match std::fs::read_to_string(root.join(MARKER)) {
        Ok(marked) => marked.trim() != boot,
        Err(_) => false,
    }
}

#[derive(Clone, Debug)]
pub struct LazySyncDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    boot: String,
    /// Whether the marker is on disk; held while it is written or removed.
    marked: Arc<Mutex<bool>>,
}

impl LazySyncDirectory {
    pub fn new(inner: MmapDirectory, root: &Path, boot: String) -> Self {
        LazySyncDirectory {
            inner,
            root: root.to_path_buf(),
            boot,
            marked: Arc::new(Mutex::new(false)),
        }
    }

    /// Writes (and syncs) the marker before the first unsynced write.
    fn mark(&self) -> io::Result<()> {
        let mut marked = self.marked.lock().unwrap_or_else(|e| e.into_inner());
        if *marked {
            return Ok(());
        }
        let path = self.root.join(MARKER);
        let mut f = File::create(&path)?;
        f.write_all(self.boot.as_bytes())?;
        f.sync_all()?;
        File::open(&self.root)?.sync_all()?;
        *marked = true;
        Ok(())
    }

    /// Syncs every file of the index and the directory, then removes the
    /// marker: after this, nothing is lost if the machine goes down. Call
    /// it with no writer open (no file half written).
    pub fn sync_all(&self) -> io::Result<()> {
        let mut marked = self.marked.lock().unwrap_or_else(|e| e.into_inner());
        if !*marked {
            return Ok(());
        }
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            if entry.file_type()?.is_file() && entry.file_name() != MARKER {
                match File::open(entry.path()) {
                    Ok(f) => f.sync_all()?,
                    // Garbage-collected meanwhile.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        File::open(&self.root)?.sync_all()?;
        std::fs::remove_file(self.root.join(MARKER))?;
        File::open(&self.root)?.sync_all()?;
        *marked = false;
        Ok(())
    }
}

/// A file writer that flushes to the page cache and does not sync.
struct UnsyncedFile(File);

impl Write for UnsyncedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for UnsyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for LazySyncDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let wrap = |e: io::Error| OpenWriteError::wrap_io_error(e, path.to_path_buf());
        self.mark().map_err(wrap)?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    wrap(e)
                }
            })?;
        Ok(BufWriter::new(Box::new(UnsyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    /// Write to a temporary file and rename it over the target (atomic for
    /// readers), without syncing.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mark()?;
        let target = self.root.join(path);
        let mut tmp = tempfile_in(&self.root)?;
        tmp.1.write_all(data)?;
        tmp.1.flush()?;
        std::fs::rename(&tmp.0, &target)
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// A new file with a unique name in `dir` (for `atomic_write`).
fn tempfile_in(dir: &Path) -> io::Result<(PathBuf, File)> {
    use std::sync::atomic::AtomicU64;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".vigil-tmp-{}-{n}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}
