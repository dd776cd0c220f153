//! Web pages under load: the demo dataset plus 100,000 generated records
//! (50,000 persons and 50,000 events), served by the release `vigil serve`
//! binary, measured from outside its process by `wrk` at 32 concurrent
//! connections, signed in as a viewer.
//!
//! Run: `cargo bench -p vigil-bench --bench web` (needs `wrk` on the PATH:
//! `apt-get install wrk`). Options: `--records N` (default 100000),
//! `--duration 10s`, `--connections 32`, `--threads 2`, `--keep` (leave
//! the data directory and server log behind). The binary is
//! `$VIGIL_BIN` if set, else `target/release/vigil`, built first if missing
//! (`cargo build --release -p vigil`).

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use vigil_bench::write_persons_and_events;

const PASSWORD: &str = "bench viewer passphrase";

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|p| args.get(p + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The release binary: `$VIGIL_BIN`, or `target/release/vigil` (built now
/// if it is missing or older than this bench).
fn vigil_binary() -> PathBuf {
    if let Ok(path) = std::env::var("VIGIL_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "vigil", "--bin", "vigil"])
        .current_dir(workspace_root())
        .status()
        .expect("running cargo build");
    assert!(status.success(), "building the release vigil binary failed");
    target.join("release/vigil")
}

fn vigil(bin: &Path, data: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(bin)
        .args(args)
        .env("VIGIL_DATA", data)
        .env("VIGIL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running vigil");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            writeln!(input, "{text}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "vigil {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The person with the most events in a JSON Lines text (the heaviest
/// person page of that data).
fn busiest_person(text: &str) -> (String, usize) {
    let mut events: HashMap<String, usize> = HashMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["kind"] == "event" {
            for p in v["participants"].as_array().into_iter().flatten() {
                if let Some(id) = p["person"].as_str() {
                    *events.entry(id.to_string()).or_default() += 1;
                }
            }
        }
    }
    events
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `vigil serve` on a free port, with its log (the default level: one line
/// per request, as an operator would run it) going to a file.
fn serve(bin: &Path, data: &Path, log: &Path) -> Server {
    let mut child = Command::new(bin)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("VIGIL_DATA", data)
        .env_remove("VIGIL_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting vigil serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let base = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "vigil serve exited before listening"
        );
        if let Some(at) = line.find("vigil listening on ") {
            break line[at + "vigil listening on ".len()..].trim().to_string();
        }
    };
    let mut file = std::fs::File::create(log).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut file));
    Server { child, base }
}

/// Signs in through the page, as a browser does; returns the session cookie.
fn sign_in(base: &str, user: &str) -> String {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(format!("{base}/login")).send().unwrap();
    let csrf_cookie = set_cookie(&form, "vigil_csrf");
    let token = csrf_cookie.split_once('=').unwrap().1.to_string();
    let signed_in = client
        .post(format!("{base}/login"))
        .header("cookie", &csrf_cookie)
        .form(&[
            ("name", user),
            ("password", PASSWORD),
            ("csrf", &token),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), 303, "sign-in failed");
    set_cookie(&signed_in, "vigil_session")
}

/// `name=value` of a response's `Set-Cookie` for `name`.
fn set_cookie(response: &reqwest::blocking::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_string()
}

/// One page fetched once with the session: it must be a 200 that shows the
/// signed-in viewer (wrk counts 3xx as success, so check first).
fn check_page(base: &str, path: &str, cookie: &str, user: &str) -> usize {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let body = r.text().unwrap();
    assert!(body.contains(user), "{path} is not signed in");
    body.len()
}

#[derive(Debug, Default)]
struct Wrk {
    requests: u64,
    seconds: f64,
    rate: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    socket_errors: u64,
    non_2xx_3xx: u64,
}

/// `12.34us`, `5.6ms`, `1.2s` → milliseconds.
fn millis(text: &str) -> f64 {
    let text = text.trim();
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("s") {
        (n, 1000.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().unwrap_or(f64::NAN) * factor
}

fn parse_wrk(output: &str) -> Wrk {
    let mut w = Wrk::default();
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => w.p50_ms = millis(v),
            ["90%", v] => w.p90_ms = millis(v),
            ["99%", v] => w.p99_ms = millis(v),
            ["Latency", _avg, _stdev, max, ..] => w.max_ms = millis(max),
            ["Requests/sec:", v] => w.rate = v.parse().unwrap_or(0.0),
            [n, "requests", "in", secs, ..] => {
                w.requests = n.parse().unwrap_or(0);
                w.seconds = millis(secs.trim_end_matches(',')) / 1000.0;
            }
            ["Socket", "errors:", rest @ ..] => {
                w.socket_errors = rest
                    .iter()
                    .filter_map(|t| t.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => w.non_2xx_3xx = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    w
}

fn wrk(url: &str, cookie: &str, threads: &str, connections: &str, duration: &str) -> Wrk {
    let out = Command::new("wrk")
        .args([
            "-t",
            threads,
            "-c",
            connections,
            "-d",
            duration,
            "--latency",
        ])
        .args(["-H", &format!("Cookie: {cookie}")])
        .args(["-H", "Accept-Language: en"])
        .arg(url)
        .output()
        .expect("running wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "wrk failed: {text}");
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        println!("{text}");
    }
    parse_wrk(&text)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let records: u64 = arg(&args, "--records", "100000").parse().unwrap();
    let duration = arg(&args, "--duration", "10s");
    let connections = arg(&args, "--connections", "32");
    let threads = arg(&args, "--threads", "2");
    if Command::new("wrk").arg("--version").output().is_err() {
        panic!("wrk is not installed: apt-get install wrk");
    }
    let bin = vigil_binary();
    let dir = tempfile::tempdir().expect("temporary directory");
    // `--keep`: leave the data directory for a look afterwards.
    let root = if args.iter().any(|a| a == "--keep") {
        let kept = dir.keep();
        println!("keeping {}", kept.display());
        kept
    } else {
        dir.path().to_path_buf()
    };
    let data = root.join("data");

    let started = Instant::now();
    vigil(&bin, &data, &["init"], None);
    let demo = root.join("demo.jsonl");
    std::fs::write(&demo, vigil_demo::DEMO_JSONL).unwrap();
    vigil(&bin, &data, &["import", demo.to_str().unwrap()], None);
    let generated = root.join("generated.jsonl");
    write_persons_and_events(&generated, records / 2).expect("generating records");
    vigil(&bin, &data, &["import", generated.to_str().unwrap()], None);
    vigil(
        &bin,
        &data,
        &["user", "add", "--name", "bench-viewer", "--role", "viewer"],
        Some(PASSWORD),
    );
    let (person, person_events) = busiest_person(&std::fs::read_to_string(&generated).unwrap());
    let (demo_person, demo_events) = busiest_person(vigil_demo::DEMO_JSONL);
    println!(
        "data: the demo dataset + {records} generated records, imported in {:.1} s; vigil {}",
        started.elapsed().as_secs_f64(),
        bin.display()
    );

    let log = root.join("serve.log");
    let server = serve(&bin, &data, &log);
    let cookie = sign_in(&server.base, "bench-viewer");
    let pages = [
        ("/persons".to_string(), "list: /persons".to_string()),
        (
            format!("/persons/{person}"),
            format!("person: generated, /persons/<id> ({person_events} events)"),
        ),
        (
            format!("/persons/{demo_person}"),
            format!("person: demo, /persons/<id> ({demo_events} events)"),
        ),
        ("/".to_string(), "dashboard: /".to_string()),
        (
            "/events?type=detention".to_string(),
            "filtered list: /events?type=detention".to_string(),
        ),
    ];
    println!(
        "wrk -t {threads} -c {connections} -d {duration} --latency, signed in as a viewer, against {}",
        server.base
    );
    println!(
        "{:<44} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9} {:>7}",
        "page", "bytes", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s", "errors"
    );
    let mut worst_p99: f64 = 0.0;
    let mut errors = 0;
    for (path, label) in &pages {
        let bytes = check_page(&server.base, path, &cookie, "bench-viewer");
        // Warm up: the first requests fill caches (SQLite pages, summaries).
        wrk(
            &format!("{}{path}", server.base),
            &cookie,
            &threads,
            &connections,
            "2s",
        );
        let w = wrk(
            &format!("{}{path}", server.base),
            &cookie,
            &threads,
            &connections,
            &duration,
        );
        let e = w.socket_errors + w.non_2xx_3xx;
        errors += e;
        worst_p99 = worst_p99.max(w.p99_ms);
        println!(
            "{label:<44} {bytes:>9} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>9.0} {:>7}",
            w.p50_ms, w.p90_ms, w.p99_ms, w.max_ms, w.rate, e
        );
        assert!(w.requests > 0, "wrk made no requests against {path}");
        // The session still holds after the run (so no request was a visitor's).
        check_page(&server.base, path, &cookie, "bench-viewer");
    }
    drop(server);
    println!("worst p99: {worst_p99:.2} ms (aim: under 50 ms); errors: {errors} (aim: none)");
}
