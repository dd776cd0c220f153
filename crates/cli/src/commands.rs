//! What each subcommand does. `main.rs` only parses arguments.

use std::fs;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use vigil_app::Access;
use vigil_ingest::{CsvWriter, JsonlWriter, ReadOptions, RecordReader};
use vigil_model::Kind;
use vigil_store::prelude::*;
use vigil_store::{ImportItem, ImportOutcome, ImportProblem, Role, SqliteStore, Store, StoreError};

use crate::{Bind, DataDir, ExportArgs, ExportFormat, ImportArgs};

const DATABASE_FILE: &str = "vigil.sqlite3";

pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("VIGIL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_target(false)
        .init();
}

fn database_path(data: &DataDir) -> PathBuf {
    data.path.join(DATABASE_FILE)
}

/// Opens the store of an existing data directory.
fn open_store(data: &DataDir) -> Result<SqliteStore> {
    let db = database_path(data);
    if !db.exists() {
        bail!(
            "{} is not a vigil data directory (no {DATABASE_FILE}); run `vigil init --data {}` first, or point --data / VIGIL_DATA at one",
            data.path.display(),
            data.path.display()
        );
    }
    SqliteStore::open(&db).with_context(|| format!("opening {}", db.display()))
}

/// Creates the data directory, readable by its owner only: it holds
/// testimony and the identities of people at risk.
fn create_data_dir(path: &Path) -> Result<()> {
    fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting permissions of {}", path.display()))?;
    }
    Ok(())
}

pub fn init(data: &DataDir, admin: &str) -> Result<ExitCode> {
    if database_path(data).exists() {
        bail!(
            "{} is already a vigil data directory; use `vigil token create --user NAME --role admin` for another token",
            data.path.display()
        );
    }
    create_data_dir(&data.path)?;
    let store = SqliteStore::open(database_path(data))?;
    store.create_user(admin, Role::Admin)?;
    let token = store.create_token(admin)?;
    eprintln!(
        "Created {} with administrator `{admin}`. Their API token (shown once):",
        data.path.display()
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

pub fn token_create(data: &DataDir, user: &str, role: &str) -> Result<ExitCode> {
    let role = Role::from_str(role).map_err(anyhow::Error::msg)?;
    let store = open_store(data)?;
    match store.user(user)? {
        None => {
            store.create_user(user, role)?;
        }
        Some(existing) if existing.role != role => bail!(
            "user `{user}` exists with the {} role, not {role}; a token carries its user's role",
            existing.role
        ),
        Some(_) => {}
    }
    println!("{}", store.create_token(user)?);
    Ok(ExitCode::SUCCESS)
}

/// A password from standard input when it is piped, or a generated one that
/// is printed once (it is not stored anywhere in clear).
fn read_or_generate_password() -> Result<(String, bool)> {
    if io::stdin().is_terminal() {
        return Ok((generate_password(), true));
    }
    let mut line = String::new();
    io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Ok((generate_password(), true));
    }
    Ok((password, false))
}

/// 24 characters from a 32-letter alphabet (120 bits), in groups of six:
/// strong, and easy to type from a printout.
fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(6)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub fn user_add(data: &DataDir, name: &str, role: &str) -> Result<ExitCode> {
    let role = Role::from_str(role).map_err(anyhow::Error::msg)?;
    let store = open_store(data)?;
    let (password, generated) = read_or_generate_password()?;
    if password.chars().count() < vigil_store::MIN_PASSWORD_CHARS {
        bail!(
            "a password has at least {} characters",
            vigil_store::MIN_PASSWORD_CHARS
        );
    }
    store.create_user(name, role)?;
    store.set_password(name, &password)?;
    eprintln!("Added {role} `{name}`.");
    if generated {
        eprintln!("Their password (shown once):");
        println!("{password}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn user_password(data: &DataDir, name: &str) -> Result<ExitCode> {
    let store = open_store(data)?;
    if store.user(name)?.is_none() {
        bail!("there is no user named `{name}`");
    }
    let (password, generated) = read_or_generate_password()?;
    store.set_password(name, &password)?;
    eprintln!("Password of `{name}` changed.");
    if generated {
        println!("{password}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints one line per candidate: score, id, the matched name, then why.
/// The command line is the operator's own: it sees every record.
pub fn find_by_name(
    data: &DataDir,
    name: &str,
    birth_year: Option<i32>,
    sex: Option<String>,
    place: Option<String>,
    limit: usize,
) -> Result<ExitCode> {
    let store = open_store(data)?;
    let index = vigil_app::PersonIndex::build(&store)?;
    let facts = vigil_names::Facts {
        birth_year,
        sex,
        place: place.as_deref().and_then(vigil_names::place_key),
    };
    let hits = index.search(&store, name, &facts, Access::OPERATOR, limit)?;
    let hits = vigil_app::fold_for(&store, Access::OPERATOR, hits)?;
    if hits.is_empty() {
        eprintln!("no one found under any spelling of {name:?}");
        return Ok(ExitCode::FAILURE);
    }
    for hit in hits {
        let why: Vec<String> = hit.reasons.iter().map(|r| r.explanation()).collect();
        let conflicts = if hit.conflicts.is_empty() {
            String::new()
        } else {
            format!("\tbut: {}", hit.conflicts.join(", "))
        };
        println!(
            "{:.2}\t{}\t{}{conflicts}",
            hit.score,
            hit.id,
            why.join("; ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A person's label for the operator's terminal.
fn person_label(store: &dyn Store, id: vigil_model::RecordId) -> Result<String> {
    Ok(store
        .get(Kind::Person, id)?
        .map(|r| r.body.label())
        .unwrap_or_else(|| "(deleted)".into()))
}

/// Finds likely duplicate people and keeps them for review; one line per
/// pair: score, both ids and names, why, and what disagrees.
pub fn duplicates_scan(data: &DataDir) -> Result<ExitCode> {
    let store = open_store(data)?;
    let pairs = vigil_app::duplicates::scan(&store)?;
    for p in &pairs {
        let why: Vec<&str> = p.reasons.iter().map(|r| r.explanation.as_str()).collect();
        let conflicts = if p.conflicts.is_empty() {
            String::new()
        } else {
            format!("\tbut: {}", p.conflicts.join(", "))
        };
        println!(
            "{:.2}\t{} {}\t{} {}\t{}{conflicts}",
            p.score,
            p.a,
            person_label(&store, p.a)?,
            p.b,
            person_label(&store, p.b)?,
            why.join("; ")
        );
    }
    let n = pairs.len();
    store.set_duplicate_candidates(pairs)?;
    eprintln!("{n} likely duplicate pair(s) kept for review at /duplicates.");
    Ok(ExitCode::SUCCESS)
}

/// Applies the automatic merges the rules allow and prints each one.
pub fn duplicates_auto_merge(data: &DataDir) -> Result<ExitCode> {
    let store = open_store(data)?;
    let merged = store.auto_merge()?;
    for m in &merged {
        println!(
            "merged\t{:.2}\t{} {}\t{} {}",
            m.score,
            m.a,
            person_label(&store, m.a)?,
            m.b,
            person_label(&store, m.b)?
        );
    }
    eprintln!(
        "{} automatic merge(s); each can be undone on the person's page.",
        merged.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn serve(data: &DataDir, bind: &Bind) -> Result<ExitCode> {
    let store = open_store(data)?;
    run_server(Arc::new(store), options(data)?, bind)
}

/// Where a data directory keeps its originals, and how their text is read:
/// by this same binary, in a child process with limits.
pub fn evidence(data: &DataDir) -> Result<Arc<vigil_app::Evidence>> {
    let dir = data.path.join("originals");
    let blobs = vigil_evidence::BlobStore::open(&dir)
        .with_context(|| format!("opening the evidence store {}", dir.display()))?;
    let exe = std::env::current_exe().context("finding the vigil binary to read documents with")?;
    Ok(Arc::new(vigil_app::Evidence {
        blobs,
        worker: vigil_evidence::WorkerCommand::new(exe).arg("extract-worker"),
        limits: vigil_evidence::Limits::default(),
    }))
}

/// Documents and the search index of a data directory.
pub fn options(data: &DataDir) -> Result<vigil_server::Options> {
    Ok(vigil_server::Options {
        evidence: Some(evidence(data)?),
        search: Some(Arc::new(search_index(data)?)),
    })
}

fn search_index(data: &DataDir) -> Result<vigil_app::Search> {
    let dir = data.path.join("search");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    vigil_app::Search::open(&dir).with_context(|| {
        format!(
            "opening the search index {}; `vigil reindex` rebuilds it",
            dir.display()
        )
    })
}

/// Prints the hits for a query: kind, id (document and paragraph for a
/// passage), then the snippet with the matched words in [brackets].
pub fn search(data: &DataDir, query: &str, limit: usize) -> Result<ExitCode> {
    let store = open_store(data)?;
    let index = search_index(data)?;
    index.catch_up(&store)?;
    let filters = vigil_search::Filters {
        max_confidentiality: vigil_model::Confidentiality::Restricted.rank(),
        ..vigil_search::Filters::default()
    };
    let results = index.search(query, &filters, limit, 0)?;
    if results.hits.is_empty() {
        eprintln!("nothing found for {query:?}");
        return Ok(ExitCode::FAILURE);
    }
    for hit in &results.hits {
        let mut snippet = String::new();
        let mut at = 0;
        for &(a, b) in &hit.snippet.highlights {
            snippet.push_str(&hit.snippet.text[at..a]);
            snippet.push('[');
            snippet.push_str(&hit.snippet.text[a..b]);
            snippet.push(']');
            at = b;
        }
        snippet.push_str(&hit.snippet.text[at..]);
        let place = match (&hit.document, hit.paragraph) {
            (Some(d), Some(p)) => format!("{d}#{p}"),
            _ => hit.id.clone(),
        };
        println!("{}\t{place}\t{}", hit.kind, snippet.replace('\n', " "));
    }
    eprintln!("{} found", results.total);
    Ok(ExitCode::SUCCESS)
}

/// Rebuilds the search index from the store.
pub fn reindex(data: &DataDir) -> Result<ExitCode> {
    let store = open_store(data)?;
    let index = search_index(data)?;
    let started = std::time::Instant::now();
    let n = index.rebuild(&store)?;
    eprintln!(
        "indexed {n} records and paragraphs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Keeps each file and reads its text; one line per file (id, tab, name).
/// A file that fails does not stop the others; the exit code says.
pub fn ingest(
    data: &DataDir,
    confidentiality: &str,
    source: Option<&str>,
    files: &[PathBuf],
) -> Result<ExitCode> {
    let store = open_store(data)?;
    let evidence = evidence(data)?;
    let confidentiality: vigil_model::Confidentiality = serde_json::from_value(
        serde_json::Value::String(confidentiality.to_string()),
    )
    .map_err(|_| {
        anyhow::anyhow!(
            "--confidentiality is public, internal or restricted, not {confidentiality:?}"
        )
    })?;
    let source = source
        .map(|s| s.parse::<vigil_model::RecordId>())
        .transpose()
        .map_err(|_| anyhow::anyhow!("--source takes the id of a source record"))?;
    let progress = indicatif::ProgressBar::new(files.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .expect("valid progress template"),
    );
    let mut failed = 0;
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        progress.set_message(name.clone());
        let arrival = vigil_app::Arrival {
            file_name: name.clone(),
            confidentiality,
            source,
        };
        match evidence.ingest_file(&store, file, arrival, "cli") {
            Ok((doc, _)) => {
                progress.suspend(|| println!("{}\t{}", doc.id, name));
                if let Some(reason) = &doc.error {
                    failed += 1;
                    progress.suspend(|| {
                        eprintln!(
                            "{}: kept, but its text could not be read: {reason}",
                            file.display()
                        )
                    });
                }
            }
            Err(e) => {
                failed += 1;
                progress.suspend(|| eprintln!("{}: {e}", file.display()));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The account the demo prints a token for.
const DEMO_ADMIN: &str = "demo-admin";

pub fn demo(data: &DataDir, bind: &Bind) -> Result<ExitCode> {
    create_data_dir(&data.path)?;
    let store = SqliteStore::open(database_path(data))?;
    let outcome = import_demo(&store)?;
    eprintln!(
        "Demo data in {}: {} records added, {} updated, {} already there.",
        data.path.display(),
        outcome.created,
        outcome.updated,
        outcome.unchanged
    );
    if store.user(DEMO_ADMIN)?.is_none() {
        store.create_user(DEMO_ADMIN, Role::Admin)?;
    }
    let token = store.create_token(DEMO_ADMIN)?;
    let password = generate_password();
    store.set_password(DEMO_ADMIN, &password)?;
    eprintln!(
        "Sign in at http://{}/login as `{DEMO_ADMIN}` with the password {password}",
        bind.bind
    );
    eprintln!("Administrator token for this session:\n  {token}");
    eprintln!(
        "Try:\n  curl -H 'Authorization: Bearer {token}' http://{}/api/v1/persons",
        bind.bind
    );
    run_server(Arc::new(store), options(data)?, bind)
}

/// Loads the demo dataset; loading it again changes nothing.
pub fn import_demo(store: &dyn Store) -> Result<ImportOutcome> {
    let mut items = vigil_demo::DEMO_JSONL
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| -> Result<ImportItem, ImportProblem> {
            let origin = format!("demo.jsonl:{}", i + 1);
            let problem = |message: String| ImportProblem {
                origin: origin.clone(),
                field: None,
                message,
            };
            let value: serde_json::Value =
                serde_json::from_str(line).map_err(|e| problem(e.to_string()))?;
            let kind = value["kind"]
                .as_str()
                .and_then(|k| Kind::from_str(k).ok())
                .ok_or_else(|| problem("no kind".into()))?;
            let id = value["id"]
                .as_str()
                .and_then(|i| i.parse().ok())
                .ok_or_else(|| problem("no id".into()))?;
            let body =
                vigil_model::Body::from_json(kind, value).map_err(|e| problem(e.to_string()))?;
            Ok(ImportItem { id, body, origin })
        });
    let outcome = store.import(&mut items, false, "demo")?;
    if !outcome.committed {
        let problems: Vec<String> = outcome
            .problems
            .iter()
            .take(10)
            .map(ToString::to_string)
            .collect();
        bail!(
            "the demo dataset does not load (a bug in this build):\n{}",
            problems.join("\n")
        );
    }
    Ok(outcome)
}

/// How long a stopping server waits for requests still running.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

fn run_server(
    store: Arc<dyn Store>,
    options: vigil_server::Options,
    bind: &Bind,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind.bind)
            .await
            .with_context(|| format!("listening on {}; is another server using it? choose one with --bind", bind.bind))?;
        let local = listener.local_addr()?;
        // Plain text on its own line: scripts and tests read the address.
        eprintln!("vigil listening on http://{local}");
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = vigil_server::serve_with(listener, store, options, async {
            shutdown_signal().await;
            let _ = stopping.send(());
        });
        // Every write is a transaction, so stopping mid-request loses
        // nothing; waiting for ever on a slow request would.
        let grace = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = server => result?,
            _ = grace => tracing::warn!("stopped without waiting longer for requests still running"),
        }
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

fn parse_kind(kind: &Option<String>) -> Result<Option<Kind>> {
    kind.as_deref()
        .map(Kind::from_str)
        .transpose()
        .map_err(anyhow::Error::from)
}

/// Yields the records of several files in turn, as store import items, and
/// moves a progress bar along.
struct Items {
    readers: std::vec::IntoIter<RecordReader>,
    current: Option<RecordReader>,
    progress: Option<ProgressBar>,
    done_bytes: u64,
}

impl Iterator for Items {
    type Item = Result<ImportItem, ImportProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let reader = match &mut self.current {
                Some(r) => r,
                None => {
                    self.current = Some(self.readers.next()?);
                    continue;
                }
            };
            match reader.next() {
                Some(result) => {
                    if let Some(bar) = &self.progress {
                        bar.set_position(self.done_bytes + reader.bytes_read());
                    }
                    let file = reader.file().to_string();
                    return Some(match result {
                        Ok(parsed) => Ok(ImportItem {
                            id: parsed.id,
                            body: parsed.body,
                            origin: format!("{file}:{}", parsed.line),
                        }),
                        Err(e) => Err(ImportProblem {
                            origin: match e.line {
                                Some(line) => format!("{}:{line}", e.file),
                                None => e.file.clone(),
                            },
                            field: e.field.clone(),
                            message: e.message.clone(),
                        }),
                    });
                }
                None => {
                    self.done_bytes += reader.total_bytes().unwrap_or(0);
                    self.current = None;
                }
            }
        }
    }
}

pub fn import(args: &ImportArgs) -> Result<ExitCode> {
    let options = ReadOptions {
        kind: parse_kind(&args.kind)?,
        encoding: args.encoding.clone(),
        map: args.map.clone(),
        set: args.set.clone(),
    };
    let store = open_store(&args.data)?;
    let readers = args
        .files
        .iter()
        .map(|f| vigil_ingest::open(f, &options))
        .collect::<Result<Vec<_>, _>>()?;
    let total: u64 = readers.iter().filter_map(|r| r.total_bytes()).sum();
    let progress = io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut items = Items {
        readers: readers.into_iter(),
        current: None,
        progress: progress.clone(),
        done_bytes: 0,
    };
    let outcome = store.import(&mut items, args.dry_run, &format!("import:{}", whoami()))?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for problem in &outcome.problems {
        eprintln!("{problem}");
    }
    let summary = format!(
        "{} created, {} updated, {} unchanged",
        outcome.created, outcome.updated, outcome.unchanged
    );
    if !outcome.problems.is_empty() {
        eprintln!(
            "{} problem(s) found; nothing was imported{}",
            outcome.problems.len(),
            if args.dry_run { " (dry run)" } else { "" }
        );
        return Ok(ExitCode::FAILURE);
    }
    if args.dry_run {
        eprintln!("dry run: no problems; an import would give {summary}");
    } else {
        eprintln!("imported: {summary}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Who ran an import, for the history. The OS user, never a secret.
fn whoami() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "cli".into())
}

pub fn export(args: &ExportArgs) -> Result<ExitCode> {
    let kind = parse_kind(&args.kind)?;
    let store = open_store(&args.data)?;
    let out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let out = BufWriter::new(out);
    let kinds: Vec<Kind> = match kind {
        Some(k) => vec![k],
        None => Kind::ALL.to_vec(),
    };
    let written = match args.format {
        ExportFormat::Jsonl => {
            let mut writer = JsonlWriter::new(out);
            let n = store.export(&kinds, &mut |r| {
                writer
                    .write(&r)
                    .map_err(|e| StoreError::Sink(e.to_string()))
            })?;
            writer.finish()?.flush()?;
            n
        }
        ExportFormat::Csv => {
            let Some(kind) = kind else {
                bail!("a CSV file holds one kind of record: add --kind persons (or organizations, places, events, sources, claims), or use --format jsonl");
            };
            let mut writer = CsvWriter::new(kind, out);
            let n = store.export(&kinds, &mut |r| {
                writer
                    .write(&r)
                    .map_err(|e| StoreError::Sink(e.to_string()))
            })?;
            writer.finish()?.flush()?;
            n
        }
    };
    eprintln!("exported {written} records");
    Ok(ExitCode::SUCCESS)
}
