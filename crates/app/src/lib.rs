//! vigil's application layer: the use cases that the server and the CLI
//! both run, on a [`vigil_store::Store`] and the files beside it.
//!
//! - [`documents`]: receive a document (keep the original, read its text
//!   in a child process, store it with its paragraphs).
//! - [`search`]: the full-text index, following the store's change feed.
//! - [`names`]: the name index, following the store's name keys, and the
//!   folding of merged records into one person.
//! - [`duplicates`]: the scan for likely duplicate people.
//! - [`disputes`]: the claims that contradict each other.
//!
//! Nothing here knows of HTTP. Who may see what is an [`Access`], which
//! the server derives from the signed-in account and the CLI grants to
//! the operator.

mod access;
pub mod disputes;
pub mod documents;
pub mod duplicates;
pub mod names;
pub mod search;

pub use access::Access;
pub use documents::{Arrival, Evidence, IngestError};
pub use names::{fold_clusters, fold_for, PersonIndex};
pub use search::{Search, SearchFailure};
