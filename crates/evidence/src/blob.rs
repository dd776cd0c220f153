//! Content-addressed originals.
//!
//! A legal team must be able to show that a file is byte for byte the one
//! that was received. So an original is stored under its own SHA-256 and
//! never touched again: it is written to a temporary file in the store's
//! directory, flushed to disk, made read-only and only then given its name
//! with a rename that refuses to replace anything. A crash leaves either no
//! blob or a complete one (plus, at worst, a stray temporary file), never a
//! half-written blob under a real name. Storing the same bytes again finds
//! the existing blob and writes nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::EvidenceError;

/// Where originals live: `<dir>/<aa>/<bb>/<sha256>`, the first two pairs of
/// hexadecimal digits fanning the files out so that no directory holds
/// millions of entries.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

/// What [`BlobStore::put`] stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// The SHA-256 of the bytes, 64 lower-case hexadecimal digits.
    pub sha256: String,
    /// The size in bytes.
    pub size: u64,
    /// False when a blob with these bytes was already there (nothing was
    /// written): the same file received twice is one document.
    pub new: bool,
}

/// Reads and hashes in pieces of this size, so that a large video does not
/// have to fit in memory.
const CHUNK: usize = 256 * 1024;

impl BlobStore {
    /// Opens the store in `dir`, creating the directory (mode 0700: it holds
    /// testimony) if it does not exist.
    pub fn open(dir: impl Into<PathBuf>) -> Result<BlobStore, EvidenceError> {
        let dir = dir.into();
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| EvidenceError::io("create directory", &dir, e))?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| EvidenceError::io("set permissions on", &dir, e))?;
        }
        Ok(BlobStore { dir })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores `bytes`; see the module documentation for the guarantees.
    pub fn put(&self, bytes: &[u8]) -> Result<Stored, EvidenceError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let size = bytes.len() as u64;
        let path = self.path_unchecked(&sha256);
        if path.exists() {
            return Ok(Stored {
                sha256,
                size,
                new: false,
            });
        }
        let mut tmp = self.temp_file()?;
        tmp.write_all(bytes)
            .map_err(|e| EvidenceError::io("write", tmp.path(), e))?;
        self.commit(tmp, sha256, size)
    }

    /// Stores the file at `source`, hashing it while it is copied, so that
    /// a file of any size is read once and never held in memory.
    pub fn put_file(&self, source: impl AsRef<Path>) -> Result<Stored, EvidenceError> {
        let source = source.as_ref();
        let mut input = File::open(source).map_err(|e| EvidenceError::io("read", source, e))?;
        let mut tmp = self.temp_file()?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(EvidenceError::io("read", source, e)),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| EvidenceError::io("write", tmp.path(), e))?;
            size += n as u64;
        }
        let sha256 = hex::encode(hasher.finalize());
        if self.path_unchecked(&sha256).exists() {
            // Dropping the temporary file removes it.
            return Ok(Stored {
                sha256,
                size,
                new: false,
            });
        }
        self.commit(tmp, sha256, size)
    }

    /// Opens a stored original for reading.
    pub fn open_blob(&self, sha256: &str) -> Result<File, EvidenceError> {
        let path = self.path(sha256)?;
        File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => EvidenceError::BlobMissing(sha256.to_owned()),
            _ => EvidenceError::io("read", &path, e),
        })
    }

    /// Where the blob with this digest is (or would be) stored. Refuses
    /// anything but 64 lower-case hexadecimal digits, so that a digest
    /// taken from a request can never name a path outside the store.
    pub fn path(&self, sha256: &str) -> Result<PathBuf, EvidenceError> {
        if !is_digest(sha256) {
            return Err(EvidenceError::BadDigest(sha256.to_owned()));
        }
        Ok(self.path_unchecked(sha256))
    }

    /// Whether a blob with this digest is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).map(|p| p.is_file()).unwrap_or(false)
    }

    /// Hashes the stored blob again and says whether it still has the
    /// digest it is stored under: the check a legal team runs to show that
    /// nothing was altered since it was received.
    pub fn verify(&self, sha256: &str) -> Result<bool, EvidenceError> {
        let path = self.path(sha256)?;
        let mut file = self.open_blob(sha256)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(EvidenceError::io("read", &path, e)),
            }
        }
        Ok(hex::encode(hasher.finalize()) == sha256)
    }

    fn path_unchecked(&self, sha256: &str) -> PathBuf {
        self.dir
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256)
    }

    fn temp_file(&self) -> Result<NamedTempFile, EvidenceError> {
        tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(&self.dir)
            .map_err(|e| EvidenceError::io("create a temporary file in", &self.dir, e))
    }

    /// Flushes, seals (read-only) and names the temporary file.
    fn commit(
        &self,
        tmp: NamedTempFile,
        sha256: String,
        size: u64,
    ) -> Result<Stored, EvidenceError> {
        tmp.as_file()
            .sync_all()
            .map_err(|e| EvidenceError::io("flush", tmp.path(), e))?;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o444))
            .map_err(|e| EvidenceError::io("make read-only", tmp.path(), e))?;
        let path = self.path_unchecked(&sha256);
        let parent = path.parent().expect("a blob path has a parent");
        fs::create_dir_all(parent).map_err(|e| EvidenceError::io("create directory", parent, e))?;
        match tmp.persist_noclobber(&path) {
            Ok(_) => {}
            // Another writer stored the same bytes in the meantime: theirs
            // is identical, keep it.
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Ok(Stored {
                    sha256,
                    size,
                    new: false,
                });
            }
            Err(e) => return Err(EvidenceError::io("store", &path, e.error)),
        }
        // Make the new name itself durable.
        if let Ok(dir) = OpenOptions::new().read(true).open(parent) {
            let _ = dir.sync_all();
        }
        Ok(Stored {
            sha256,
            size,
            new: true,
        })
    }
}

fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_are_one_blob_and_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path().join("blobs")).unwrap();
        let a = store.put(b"testimony").unwrap();
        assert!(a.new);
        assert_eq!(a.size, 9);
        assert_eq!(
            a.sha256,
            "12b821b5f6dac33108382b6a023e735642ef04dab75954069c52efc7922f698f"
        );
        let b = store.put(b"testimony").unwrap();
        assert!(!b.new);
        assert_eq!(a.sha256, b.sha256);
        let path = store.path(&a.sha256).unwrap();
        assert!(path.starts_with(
            dir.path()
                .join("blobs")
                .join(&a.sha256[..2])
                .join(&a.sha256[2..4])
        ));
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
        let mut text = String::new();
        store
            .open_blob(&a.sha256)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "testimony");
        assert!(store.verify(&a.sha256).unwrap());
        // No temporary file is left behind.
        let stray: Vec<_> = fs::read_dir(store.dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".incoming-"))
            .collect();
        assert!(stray.is_empty());
    }

    #[test]
    fn put_file_streams_and_matches_put() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let big: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let src = dir.path().join("big.bin");
        fs::write(&src, &big).unwrap();
        let from_file = store.put_file(&src).unwrap();
        assert!(from_file.new);
        assert_eq!(from_file.size, big.len() as u64);
        assert_eq!(from_file.sha256, hex::encode(Sha256::digest(&big)));
        let again = store.put(&big).unwrap();
        assert!(!again.new);
        assert_eq!(again.sha256, from_file.sha256);
    }

    #[test]
    fn refuses_paths_that_are_not_digests() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        for bad in [
            "../../etc/passwd",
            "ABCDEF",
            &"A".repeat(64),
            &"a".repeat(63),
        ] {
            assert!(matches!(store.path(bad), Err(EvidenceError::BadDigest(_))));
        }
        let missing = "0".repeat(64);
        assert!(matches!(
            store.open_blob(&missing),
            Err(EvidenceError::BlobMissing(_))
        ));
        assert!(!store.contains(&missing));
    }

    #[test]
    fn an_existing_blob_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let stored = store.put(b"original").unwrap();
        let before = fs::metadata(store.path(&stored.sha256).unwrap())
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        store.put(b"original").unwrap();
        let after = fs::metadata(store.path(&stored.sha256).unwrap())
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
    }
}
