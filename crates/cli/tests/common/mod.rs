//! What the binary's tests share: running `vigil`, and a server started by
//! a test.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub fn vigil(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .env("VIGIL_DATA", data)
        .env("VIGIL_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("vigil runs")
}

/// A server started by a test, stopped when dropped.
pub struct Running {
    child: Child,
    pub base: String,
    /// What the server printed before its address (the demo's token).
    pub stderr_lines: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(data: &Path, command: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args([command, "--bind", "127.0.0.1:0"])
        .env("VIGIL_DATA", data)
        .env("VIGIL_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        if let Some(addr) = line.strip_prefix("vigil listening on ") {
            break addr.trim().to_string();
        }
        seen.push(line);
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Running {
        child,
        base,
        stderr_lines: seen,
    }
}
