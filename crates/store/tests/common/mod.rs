//! The store's behaviour suite runs against the role traits, once per
//! implementation. A test is a function taking a [`Harness`]; each test
//! file ends with `store_suite!(name, ...)`, which makes one `#[test]` of
//! each function per implementation. A second implementation (PostgreSQL,
//! an encrypting layer) adds one opener here and one line to the macro, and
//! runs the same suite unchanged.

#![allow(dead_code)]

use std::path::Path;

use vigil_store::{SqliteStore, Store};

/// Opens (creating if needed) the store kept in a directory.
pub type Opener = fn(&Path) -> Box<dyn Store>;

/// A place for one test's store, which it can open, close and open again.
pub struct Harness {
    dir: tempfile::TempDir,
    opener: Opener,
}

impl Harness {
    pub fn new(opener: Opener) -> Harness {
        Harness {
            dir: tempfile::tempdir().expect("a temporary directory"),
            opener,
        }
    }

    /// The test's store: the same data every time it is opened.
    pub fn open(&self) -> Box<dyn Store> {
        (self.opener)(self.dir.path())
    }
}

pub fn sqlite(dir: &Path) -> Box<dyn Store> {
    Box::new(SqliteStore::open(dir.join("vigil.sqlite3")).expect("the SQLite store opens"))
}

/// One `#[test]` per implementation for each named test function.
macro_rules! store_suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    super::$test(&crate::common::Harness::new(crate::common::sqlite));
                }
            )*
        }
    };
}
