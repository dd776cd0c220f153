//! Store, index and file work runs on tokio's blocking threads, never on
//! the few async ones: a slow query must not stall every other request.
//! One helper for the API and the pages; each turns a [`Failure`] into
//! its own answer (a problem document, an error page).

/// Why blocking work gave no value.
#[derive(Debug)]
pub enum Failure<E> {
    /// The work returned an error.
    Failed(E),
    /// The work panicked; the panic is in the log.
    Panicked,
}

/// Runs `work` on a blocking thread.
pub async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, Failure<E>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(Failure::Failed),
        Err(e) => {
            tracing::error!(error = %e, "a blocking task panicked");
            Err(Failure::Panicked)
        }
    }
}
