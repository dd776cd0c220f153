//! The web interface end to end, in a real headless Chromium driven through
//! chromedriver: sign in, create a person named in three scripts, find them
//! with the search box, edit them, lose a race to another edit (the
//! conflict page), read the history, sign out. The same flow runs with
//! JavaScript on and off (the interface must not need it), and once with
//! the Chinese interface. Each step leaves a screenshot in
//! `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them). Without them the test says it skipped, except under CI, where it
//! fails.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const PASSWORD: &str = "a long browser test passphrase";

const CHINESE: &str = "黃之鋒";
const UYGHUR: &str = "ئىلھام توختى";
const LATIN: &str = "Joshua Wong";

/// A child process ended when dropped, by its own id.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, within: Duration) {
    let started = Instant::now();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            started.elapsed() < within,
            "nothing listens on port {port} after {within:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn vigil(data: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .env("VIGIL_DATA", data)
        .env("VIGIL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            writeln!(input, "{text}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "vigil {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A data directory with an editor who signs in with a password and has an
/// API token (the "second path" that changes a record behind the browser's
/// back), served by the real binary on a free port.
struct Vigil {
    base: String,
    token: String,
    _process: Process,
    _dir: tempfile::TempDir,
}

impl Vigil {
    fn start() -> Vigil {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        vigil(&data, &["init"], None);
        vigil(
            &data,
            &["user", "add", "--name", "ed", "--role", "editor"],
            Some(PASSWORD),
        );
        let token = vigil(
            &data,
            &["token", "create", "--user", "ed", "--role", "editor"],
            None,
        )
        .trim()
        .to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("VIGIL_DATA", &data)
            .env("VIGIL_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let base = loop {
            line.clear();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "vigil serve quit");
            if let Some((_, url)) = line.split_once("vigil listening on ") {
                break url.trim().to_string();
            }
        };
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Vigil {
            base,
            token,
            _process: Process(child),
            _dir: dir,
        }
    }
}

/// Where screenshots go: `target/screenshots/`.
fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One run of the flow: JavaScript on or off, and the interface language.
#[derive(Clone, Copy)]
struct Run {
    name: &'static str,
    javascript: bool,
    /// The browser's `Accept-Language`.
    accept_language: &'static str,
    /// What the interface must then say for "People" and for a conflict.
    people: &'static str,
    conflict: &'static str,
    search_button: &'static str,
}

const RUNS: [Run; 3] = [
    Run {
        name: "en-js",
        javascript: true,
        accept_language: "en-GB,en",
        people: "People",
        conflict: "Someone else changed this record",
        search_button: "Filter",
    },
    Run {
        name: "en-nojs",
        javascript: false,
        accept_language: "en-GB,en",
        people: "People",
        conflict: "Someone else changed this record",
        search_button: "Filter",
    },
    Run {
        name: "zh-nojs",
        javascript: false,
        accept_language: "zh-CN,zh",
        people: "人员",
        conflict: "此记录已被他人修改",
        search_button: "筛选",
    },
];

async fn browser(driver: &str, run: &Run, profile: &Path) -> Client {
    let mut prefs = json!({ "intl.accept_languages": run.accept_language });
    if !run.javascript {
        prefs["profile.managed_default_content_settings.javascript"] = json!(2);
    }
    let lang = run.accept_language.split(',').next().unwrap();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
                format!("--lang={lang}"),
                "--window-size=1280,1400",
            ],
            "prefs": prefs,
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(capabilities)
        .connect(driver)
        .await
        .expect("a Chromium session")
}

struct Flow<'a> {
    client: Client,
    run: &'a Run,
    base: String,
    step: u32,
    shots: Vec<PathBuf>,
}

impl Flow<'_> {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits until the browser is on a page whose path satisfies `ok`.
    async fn wait_for_path(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if ok(&path) {
                return path;
            }
            if started.elapsed() > Duration::from_secs(15) {
                panic!("[{}] waited for {what}; still on {path}", self.run.name);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.unwrap();
        let path = screenshot_dir().join(format!("{}-{:02}-{name}.png", self.run.name, self.step));
        std::fs::write(&path, png).unwrap();
        self.shots.push(path);
    }

    async fn fill(&self, name: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(&format!("[name=\"{name}\"]")))
            .await
            .unwrap_or_else(|e| panic!("[{}] no field {name}: {e}", self.run.name));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks what `css` matches and waits until the page it was on is
    /// gone: a form posted back to its own address changes no URL.
    async fn click(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("[{}] nothing matches {css}: {e}", self.run.name))
            .click()
            .await
            .unwrap();
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "[{}] clicking {css} led nowhere",
                self.run.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// What the API says of a person, and a PUT of it with one field changed:
/// another editor saving while the browser's form is open.
async fn change_behind_the_browsers_back(vigil: &Vigil, id: &str, description: &str) {
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/persons/{id}", vigil.base);
    let mut record: Value = http
        .get(&url)
        .bearer_auth(&vigil.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = record["version"].as_u64().unwrap();
    record["description"] = json!(description);
    let r = http
        .put(&url)
        .bearer_auth(&vigil.token)
        .header("if-match", format!("\"{version}\""))
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn flow(driver: &str, run: &Run) -> Vec<PathBuf> {
    let vigil = Vigil::start();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(driver, run, profile.path()).await;
    let mut f = Flow {
        client,
        run,
        base: vigil.base.clone(),
        step: 0,
        shots: Vec::new(),
    };
    let tag = run.name;

    // JavaScript is really on or off in this browser.
    f.client
        .goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await
        .unwrap();
    let js = f.client.title().await.unwrap();
    assert_eq!(js, if run.javascript { "on" } else { "off" }, "[{tag}]");

    // A visitor sees the public view, in the browser's language.
    f.goto("/").await;
    assert!(
        f.text().await.contains(run.people),
        "[{tag}] interface language"
    );
    f.shot("dashboard-visitor").await;

    // Signing in from a page that needs it comes back to that page.
    f.goto("/persons/new").await;
    f.wait_for_path("the sign-in page", |p| p.starts_with("/login"))
        .await;
    f.fill("name", "ed").await;
    f.fill("password", PASSWORD).await;
    f.shot("sign-in").await;
    f.click("form[action=\"/login\"] button[type=submit]").await;
    f.wait_for_path("the new-person form", |p| p == "/persons/new")
        .await;

    // A person named in Chinese and in Uyghur (Arabic script).
    f.fill("names/0/text", CHINESE).await;
    f.fill("names/1/text", UYGHUR).await;
    f.fill("birth_date", "1996-10-13").await;
    f.fill("description", "Created in the browser.").await;
    f.shot("new-person").await;
    f.click("form.record button[type=submit]").await;
    let record = f
        .wait_for_path("the new record", |p| {
            p.starts_with("/persons/") && !p.ends_with("/new")
        })
        .await;
    let id = record.trim_start_matches("/persons/").to_string();
    let text = f.text().await;
    assert!(
        text.contains(CHINESE) && text.contains(UYGHUR),
        "[{tag}] {text}"
    );
    f.shot("created").await;

    // Found by the search box of the list, by its Uyghur name.
    f.goto("/persons").await;
    f.fill("q", "ئىلھام").await;
    let button = f
        .client
        .find(Locator::Css("form.filters button"))
        .await
        .unwrap();
    assert_eq!(
        button.text().await.unwrap().trim(),
        run.search_button,
        "[{tag}]"
    );
    f.click("form.filters button").await;
    f.wait_for_path("the search result", |p| p.starts_with("/persons?"))
        .await;
    f.shot("search").await;
    let link = format!("table.records a[href=\"/persons/{id}\"]");
    f.click(&link).await;
    f.wait_for_path("the record", |p| p == record).await;

    // Edited: a third name, in Latin script, and a new description.
    f.click(&format!("a[href=\"/persons/{id}/edit\"]")).await;
    f.wait_for_path("the edit form", |p| p.ends_with("/edit"))
        .await;
    f.fill("names/2/text", LATIN).await;
    f.fill("description", "Edited in the browser.").await;
    f.shot("edit").await;
    f.click("form.record button[type=submit]").await;
    f.wait_for_path("the record after saving", |p| p == record)
        .await;
    let text = f.text().await;
    assert!(
        text.contains(LATIN) && text.contains("Edited in the browser."),
        "[{tag}] {text}"
    );
    f.shot("edited").await;

    // A stale edit: the form is opened, someone else saves, then this
    // form is sent. The conflict page shows both versions.
    f.goto(&format!("/persons/{id}/edit")).await;
    change_behind_the_browsers_back(&vigil, &id, "Changed through the API meanwhile.").await;
    f.fill("description", "The browser's late edit.").await;
    f.click("form.record button[type=submit]").await;
    f.wait_for_path("the conflict page", |p| p.ends_with("/edit"))
        .await;
    let text = f.text().await;
    assert!(
        text.contains(run.conflict),
        "[{tag}] no conflict page: {text}"
    );
    assert!(
        text.contains("The browser's late edit.")
            && text.contains("Changed through the API meanwhile."),
        "[{tag}] both versions: {text}"
    );
    f.shot("conflict").await;

    // The history: created, edited in the browser, changed by the API.
    f.goto(&format!("/persons/{id}/history")).await;
    let source = f.source().await;
    for needle in [
        "Created in the browser.",
        "Edited in the browser.",
        "Changed through the API meanwhile.",
    ] {
        assert!(source.contains(needle), "[{tag}] history lacks {needle}");
    }
    assert!(
        !source.contains("The browser's late edit."),
        "[{tag}] the stale edit was saved"
    );
    f.shot("history").await;

    // Signing out: back to the public view, where this internal record is
    // not to be found.
    f.click("form[action=\"/logout\"] button[type=submit]")
        .await;
    f.wait_for_path("the dashboard", |p| p == "/").await;
    assert!(
        f.client
            .find(Locator::Css("form[action=\"/logout\"]"))
            .await
            .is_err(),
        "[{tag}] still signed in"
    );
    f.goto(&record).await;
    let text = f.text().await;
    assert!(
        !text.contains(CHINESE),
        "[{tag}] a visitor sees an internal record"
    );
    f.shot("signed-out").await;

    let shots = std::mem::take(&mut f.shots);
    f.client.close().await.unwrap();
    shots
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interface_in_a_real_browser() {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{CHROMEDRIVER} or {CHROMIUM} is missing: apt-get install chromium chromium-driver"
            );
        }
        println!("skipped: {CHROMEDRIVER} or {CHROMIUM} is missing (apt-get install chromium chromium-driver)");
        return;
    }
    let port = free_port();
    let _driver = Process(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver"),
    );
    wait_for_port(port, Duration::from_secs(20));
    let driver = format!("http://127.0.0.1:{port}");
    let mut shots = Vec::new();
    for run in &RUNS {
        shots.extend(flow(&driver, run).await);
    }
    println!("screenshots:");
    for s in &shots {
        println!("  {}", s.display());
    }
}
