//! Extraction in a child process.
//!
//! PDF and DOCX readers parse hostile bytes: a file can be built to loop
//! for ever, to unpack into gigabytes, or to crash the parser. The server
//! must survive all of these, and record why the file could not be read.
//! So extraction runs in a separate worker process: the kernel caps its
//! address space (`RLIMIT_AS`) and its CPU time (`RLIMIT_CPU`), the parent
//! kills it when a wall-clock deadline passes (a worker blocked without
//! using CPU would escape the CPU limit), it may not write files
//! (`RLIMIT_FSIZE` 0) or leave core dumps, and on Linux it dies with its
//! parent. Whatever happens to it becomes an [`EvidenceError`] with a
//! reason a documenter can read.
//!
//! The protocol is small: the worker is run with its own arguments, then
//! the media type and the file's path; it writes one JSON reply on
//! standard output (the [`Extraction`], or the failure) and exits.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{extract, EvidenceError, Extraction, MediaType};

/// How to start the worker: a program and the arguments that make it act
/// as the extraction worker (for example `vigil` and a hidden
/// subcommand). The media type and the file's path are appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The program to run.
    pub program: PathBuf,
    /// Its first arguments.
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// A worker run as `program` with no arguments of its own.
    pub fn new(program: impl Into<PathBuf>) -> WorkerCommand {
        WorkerCommand {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument before the media type and path.
    pub fn arg(mut self, arg: impl Into<OsString>) -> WorkerCommand {
        self.args.push(arg.into());
        self
    }
}

/// What one extraction may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock and CPU seconds.
    pub seconds: u64,
    /// Address space, in bytes. Below about 64 MiB the worker may not
    /// even start.
    pub memory_bytes: u64,
}

impl Default for Limits {
    /// 60 seconds and 1 GiB: a 500-page report is read well within both.
    fn default() -> Limits {
        Limits {
            seconds: 60,
            memory_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// The worker's answer on standard output.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Ok(Extraction),
    Malformed(String),
    Unsupported(MediaType),
    Failed(String),
}

/// Runs `worker` on the file at `path` under `limits`, and returns what it
/// extracted; see the module documentation.
pub fn extract_isolated(
    worker: &WorkerCommand,
    path: &Path,
    media_type: &MediaType,
    limits: Limits,
) -> Result<Extraction, EvidenceError> {
    if !media_type.is_supported() {
        return Err(EvidenceError::Unsupported(media_type.clone()));
    }
    let mut command = Command::new(&worker.program);
    command
        .args(&worker.args)
        .arg(media_type.mime())
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (memory, cpu) = (limits.memory_bytes, limits.seconds.max(1));
    // SAFETY: the closure runs in the child between fork and exec, and
    // only makes async-signal-safe system calls (setpgid, setrlimit,
    // prctl).
    unsafe {
        command.pre_exec(move || confine(memory, cpu));
    }
    let mut child = command.spawn().map_err(|source| EvidenceError::Spawn {
        program: worker.program.clone(),
        source,
    })?;

    // Read both pipes on threads, so that a worker filling one pipe while
    // the parent waits on the other cannot deadlock.
    let stdout_cap = limits.memory_bytes.max(64 * 1024 * 1024);
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stdout).take(stdout_cap + 1).read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
        // Drain the rest so the worker never blocks on a full pipe.
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        buf
    });

    let deadline = Instant::now() + Duration::from_secs(limits.seconds.max(1));
    let mut pause = Duration::from_millis(2);
    let mut killed = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                return Err(EvidenceError::Crashed(format!(
                    "could not wait for the worker ({e})"
                )));
            }
        }
        if Instant::now() >= deadline {
            // Kill the worker's whole process group: anything it started
            // would otherwise keep the pipes open and the reads waiting.
            // SAFETY: a plain system call; the group is the child's own
            // (set in `confine`), and the child is not yet reaped, so the
            // id cannot have been reused.
            unsafe {
                libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
            }
            let _ = child.kill();
            killed = true;
            break child.wait().map_err(|e| {
                EvidenceError::Crashed(format!("could not wait for the worker ({e})"))
            })?;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();

    if killed {
        return Err(EvidenceError::TimedOut {
            seconds: limits.seconds,
        });
    }
    if let Some(signal) = status.signal() {
        return Err(from_signal(signal, &stderr, limits));
    }
    if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        return Err(EvidenceError::OutOfMemory {
            bytes: limits.memory_bytes,
        });
    }
    if stdout.len() as u64 > stdout_cap {
        return Err(EvidenceError::Crashed(format!(
            "the worker's answer is larger than {} MiB",
            stdout_cap / (1024 * 1024)
        )));
    }
    match serde_json::from_slice::<Reply>(&stdout) {
        Ok(Reply::Ok(extraction)) => Ok(extraction),
        Ok(Reply::Malformed(reason)) => Err(EvidenceError::Malformed(reason)),
        Ok(Reply::Unsupported(media_type)) => Err(EvidenceError::Unsupported(media_type)),
        Ok(Reply::Failed(reason)) => Err(EvidenceError::Crashed(reason)),
        Err(_) => Err(EvidenceError::Crashed(format!(
            "the worker exited with {} without an answer{}",
            status
                .code()
                .map(|c| format!("code {c}"))
                .unwrap_or_else(|| "no code".into()),
            last_line(&stderr)
                .map(|l| format!(" ({l})"))
                .unwrap_or_default()
        ))),
    }
}

/// Applies the limits in the child. Runs between fork and exec.
fn confine(memory: u64, cpu_seconds: u64) -> std::io::Result<()> {
    fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
        let limit = libc::rlimit {
            rlim_cur: soft as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // SAFETY: a plain system call with a valid pointer.
        if unsafe { libc::setrlimit(resource, &limit) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    // A process group of its own, so that a timeout kills everything the
    // worker started.
    // SAFETY: setpgid(0, 0) only changes the calling process.
    if unsafe { libc::setpgid(0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    set(libc::RLIMIT_AS, memory, memory)?;
    // The soft limit sends SIGXCPU, the hard one a second later SIGKILL.
    set(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)?;
    set(libc::RLIMIT_CORE, 0, 0)?;
    set(libc::RLIMIT_FSIZE, 0, 0)?;
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    Ok(())
}

fn from_signal(signal: i32, stderr: &str, limits: Limits) -> EvidenceError {
    if signal == libc::SIGXCPU || signal == libc::SIGKILL {
        return EvidenceError::TimedOut {
            seconds: limits.seconds,
        };
    }
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return EvidenceError::OutOfMemory {
            bytes: limits.memory_bytes,
        };
    }
    if stderr.contains("overflowed its stack") {
        return EvidenceError::Malformed(
            "the file is nested too deeply to be read (the reader ran out of stack); it may be damaged or built to crash readers".into(),
        );
    }
    let name = match signal {
        libc::SIGSEGV => "a memory fault (SIGSEGV)".to_owned(),
        libc::SIGABRT => "an abort (SIGABRT)".to_owned(),
        libc::SIGBUS => "a bus error (SIGBUS)".to_owned(),
        libc::SIGILL => "an illegal instruction (SIGILL)".to_owned(),
        other => format!("signal {other}"),
    };
    EvidenceError::Crashed(format!(
        "the worker was stopped by {name}{}",
        last_line(stderr)
            .map(|l| format!(" ({l})"))
            .unwrap_or_default()
    ))
}

fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

/// The worker's entry point: `args` are the media type and the file's path
/// (whatever came before them on the command line is the caller's). Reads
/// the file, extracts it and writes the JSON reply on standard output.
/// Exits 0 when it extracted, 3 when the file could not be read (the
/// reason is in the reply), 2 on a usage error.
pub fn worker_main<I, S>(args: I) -> ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let [media_type, path] = args.as_slice() else {
        eprintln!("usage: vigil-extract-worker MEDIA-TYPE FILE");
        return ExitCode::from(2);
    };
    let media_type = MediaType::from_mime(&media_type.to_string_lossy());
    // Panics are caught and reported in the reply; the default hook
    // would only add noise on standard error.
    std::panic::set_hook(Box::new(|_| {}));
    let reply = match std::fs::read(path) {
        Err(e) => Reply::Failed(format!("could not read {}: {e}", Path::new(path).display())),
        Ok(bytes) => match std::panic::catch_unwind(|| extract(&bytes, &media_type)) {
            Ok(Ok(extraction)) => Reply::Ok(extraction),
            Ok(Err(EvidenceError::Malformed(reason))) => Reply::Malformed(reason),
            Ok(Err(EvidenceError::Unsupported(m))) => Reply::Unsupported(m),
            Ok(Err(other)) => Reply::Failed(other.to_string()),
            Err(panic) => Reply::Failed(format!(
                "the reader crashed on this file ({})",
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no detail".into())
            )),
        },
    };
    let ok = matches!(reply, Reply::Ok(_));
    let mut stdout = std::io::stdout().lock();
    if serde_json::to_writer(&mut stdout, &reply).is_err() || stdout.flush().is_err() {
        return ExitCode::from(4);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}
