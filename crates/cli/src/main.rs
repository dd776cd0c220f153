//! The `vigil` command: one binary to initialise, serve, import and export.

mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "vigil",
    version,
    about = "Self-hosted human rights documentation and monitoring"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives. Every command that touches the store takes it.
#[derive(Args, Clone)]
pub struct DataDir {
    /// Data directory (created if missing by `init` and `demo`).
    #[arg(
        long = "data",
        env = "VIGIL_DATA",
        default_value = "./vigil-data",
        global = true
    )]
    pub path: PathBuf,
}

#[derive(Args, Clone)]
pub struct Bind {
    /// Address to listen on. Keep it on 127.0.0.1 unless a TLS reverse proxy fronts vigil.
    #[arg(long, env = "VIGIL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

#[derive(Subcommand)]
enum Command {
    /// Create a data directory and its first administrator; prints the administrator's token.
    Init {
        #[command(flatten)]
        data: DataDir,
        /// Name of the administrator account.
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// Serve the API from an existing data directory.
    Serve {
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        bind: Bind,
    },
    /// Load the demo dataset into a data directory (created or reused) and serve it.
    Demo {
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        bind: Bind,
    },
    /// Manage bearer tokens for the API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage accounts that sign in to the web interface.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Find people by a name in any script or spelling, best first, with why each matched.
    Match {
        #[command(flatten)]
        data: DataDir,
        /// The name: 伊力哈木·土赫提, Ilham Toxti, ئىلھام توختى, WONG Chi-fung, ...
        name: String,
        /// Year of birth, if known: a different one lowers a candidate.
        #[arg(long)]
        birth_year: Option<i32>,
        /// female, male, other or unknown.
        #[arg(long)]
        sex: Option<String>,
        /// Where the person lives or comes from, in any script (遂宁,
        /// Suining): a different one lowers a candidate.
        #[arg(long)]
        place: Option<String>,
        #[arg(long, default_value = "10")]
        limit: usize,
    },
    /// Find likely duplicate people for review, and merge the near-certain ones.
    Duplicates {
        #[command(subcommand)]
        command: DuplicatesCommand,
    },
    /// Import JSON Lines or CSV files, all or nothing.
    Import(ImportArgs),
    /// Export records as JSON Lines or CSV, streaming, with no size cap.
    Export(ExportArgs),
    /// Keep documents (PDF, HTML, DOCX, Markdown, text, images) and read
    /// their text; prints each document's id, a tab and the file name.
    Ingest {
        #[command(flatten)]
        data: DataDir,
        /// Who may see them: public, internal (default) or restricted.
        #[arg(long, default_value = "internal")]
        confidentiality: String,
        /// The source record these files are the text of.
        #[arg(long)]
        source: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Full-text search over records, claims and documents, in English,
    /// Chinese or Uyghur.
    Search {
        #[command(flatten)]
        data: DataDir,
        query: String,
        #[arg(long, default_value = "20")]
        limit: usize,
    },
    /// Rebuilds the search index from the store.
    Reindex {
        #[command(flatten)]
        data: DataDir,
    },
    /// Reads one file's text for the server, in a process of its own with
    /// a time and memory limit (used internally).
    #[command(hide = true)]
    ExtractWorker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new token for a user (created with ROLE if new) on one line of stdout.
    Create {
        #[command(flatten)]
        data: DataDir,
        #[arg(long)]
        user: String,
        /// admin, editor or viewer.
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum DuplicatesCommand {
    /// Look up every person's names in the name index and keep the likely
    /// duplicate pairs (score 0.6 or more) for review in the web interface.
    Scan {
        #[command(flatten)]
        data: DataDir,
    },
    /// Merge the pairs of the last scan that score 0.9 or more with no
    /// conflicting facts, unless someone decided anything about them or
    /// decided that either side is not the same person. Prints each merge.
    AutoMerge {
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from standard input (one line) when
    /// it is not a terminal; otherwise one is generated and printed once.
    Add {
        #[command(flatten)]
        data: DataDir,
        #[arg(long)]
        name: String,
        /// admin, editor or viewer.
        #[arg(long)]
        role: String,
    },
    /// Set a new password for an account, read from standard input (or generated).
    Password {
        #[command(flatten)]
        data: DataDir,
        #[arg(long)]
        name: String,
    },
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub data: DataDir,
    /// Check everything and report every problem, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Kind of record in the files (required for CSV): persons, organizations, places, events, sources, claims.
    #[arg(long)]
    pub kind: Option<String>,
    /// Character encoding (utf-8, utf-16le, windows-1252, macintosh, ...); detected when not given.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Map a column of the file to one of ours: --map "Date of Birth=birth_date"; "=-" drops a column.
    #[arg(long = "map", value_name = "THEIRS=OURS", value_parser = vigil_ingest::ReadOptions::parse_map_arg)]
    pub map: Vec<(String, String)>,
    /// Give a field the same value in every row: --set type=un_review.upr.
    #[arg(long = "set", value_name = "FIELD=VALUE", value_parser = vigil_ingest::ReadOptions::parse_set_arg)]
    pub set: Vec<(String, String)>,
    /// Files to import (.jsonl or .csv).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataDir,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Only this kind (required for CSV, which holds one kind per file).
    #[arg(long)]
    pub kind: Option<String>,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// mimalloc instead of the system allocator: an import hands millions of
/// small strings from the reading thread to the preparing and writing
/// ones, and glibc's allocator spent a third of the import's time on
/// them (`cargo bench -p vigil-bench --bench import`, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::ExtractWorker { args } = cli.command {
        // Before logging starts: the worker's output is its answer.
        return vigil_evidence::worker_main(args);
    }
    commands::init_logging();
    let result = match cli.command {
        Command::Init { data, admin } => commands::init(&data, &admin),
        Command::Serve { data, bind } => commands::serve(&data, &bind),
        Command::Demo { data, bind } => commands::demo(&data, &bind),
        Command::Token {
            command: TokenCommand::Create { data, user, role },
        } => commands::token_create(&data, &user, &role),
        Command::User {
            command: UserCommand::Add { data, name, role },
        } => commands::user_add(&data, &name, &role),
        Command::User {
            command: UserCommand::Password { data, name },
        } => commands::user_password(&data, &name),
        Command::Match {
            data,
            name,
            birth_year,
            sex,
            place,
            limit,
        } => commands::find_by_name(&data, &name, birth_year, sex, place, limit),
        Command::Duplicates {
            command: DuplicatesCommand::Scan { data },
        } => commands::duplicates_scan(&data),
        Command::Duplicates {
            command: DuplicatesCommand::AutoMerge { data },
        } => commands::duplicates_auto_merge(&data),
        Command::Import(args) => commands::import(&args),
        Command::Export(args) => commands::export(&args),
        Command::Ingest {
            data,
            confidentiality,
            source,
            files,
        } => commands::ingest(&data, &confidentiality, source.as_deref(), &files),
        Command::Search { data, query, limit } => commands::search(&data, &query, limit),
        Command::Reindex { data } => commands::reindex(&data),
        Command::ExtractWorker { .. } => unreachable!("handled above"),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
