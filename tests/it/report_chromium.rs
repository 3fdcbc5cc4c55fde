//! The report page in a real browser: headless Chromium loads
//! `index.html` from a `file://` URL (no server, no network), and the
//! page's own script records whether every image decoded and whether any
//! load error happened; `--dump-dom` hands that back. Console messages
//! (which the page never writes) would show on Chromium's log.
//!
//! Needs Chromium (Debian: `apt-get install -y chromium`; or point
//! `CHROMIUM` at a Chrome or Chromium binary). When it is missing the tests
//! are skipped and say so on the terminal; with
//! `BEDROCK_BENCH_REQUIRE_EXTERNAL=1` (as in CI) they fail instead.

use crate::child_guard;
use crate::external;
use crate::report_support;

use child_guard::ChildGuard;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bedrock_bench::report::assets::SCRIPT;
use bedrock_bench::report::write_report_with;
use report_support::{TempDir, analyzed};

/// Names Chromium goes by on `PATH`.
const NAMES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

const DEADLINE: Duration = Duration::from_secs(120);

/// The Chromium binary: `CHROMIUM`, or the first of [`NAMES`] on `PATH`.
fn find_chromium() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    if let Some(dirs) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&dirs) {
            for name in NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    Err(format!(
        "Chromium is needed to check the HTML report in a browser, and none was found on PATH \
         (looked for {NAMES:?}). Install it (Debian/Ubuntu: `apt-get install -y chromium`) \
         or set CHROMIUM=<path to a Chromium or Chrome binary>"
    ))
}

/// Chromium, or `None` when the test must be skipped (see `external`).
fn chromium(test: &str) -> Option<PathBuf> {
    let found = find_chromium();
    external::available(test, found.as_ref().err().cloned()).ok()?;
    found.ok()
}

/// A `file://` URL of an absolute path.
fn file_url(path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).expect("the page exists");
    let text = absolute.to_str().expect("a UTF-8 path");
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'?')
        .add(b'<')
        .add(b'>');
    format!(
        "file://{}",
        percent_encoding::utf8_percent_encode(text, PATH)
    )
}

/// What one headless Chromium run printed.
struct Run {
    stdout: String,
    stderr: String,
}

/// Run headless Chromium on `url` with `extra` arguments, in a fresh
/// profile under `work`, with nothing that reaches the network.
fn run_chromium(browser: &Path, work: &Path, url: &str, extra: &[String]) -> Run {
    let profile = work.join("profile");
    std::fs::create_dir_all(&profile).expect("profile dir");
    let stdout_path = work.join("stdout.txt");
    let stderr_path = work.join("stderr.txt");
    let stdout = std::fs::File::create(&stdout_path).expect("stdout file");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            // Let the load event and its handler run before the dump.
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    let mut guard = ChildGuard::spawn(&mut command)
        .unwrap_or_else(|e| panic!("starting {:?}: {e}", command.get_program()));
    let child = guard.child();
    let started = Instant::now();
    let status = loop {
        match child.try_wait().expect("waiting for chromium") {
            Some(status) => break status,
            None if started.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within {DEADLINE:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let run = Run {
        stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
    };
    assert!(
        status.success(),
        "chromium failed ({status}):\n{}",
        run.stderr
    );
    run
}

/// The value of attribute `name` on the dumped `<body>`.
fn body_attribute<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let body = &dom[dom.find("<body")?..];
    let body = &body[..body.find('>')?];
    let start = body.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &body[start..];
    Some(&rest[..rest.find('"')?])
}

/// Lines of Chromium's log that are console messages of the page.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains("CONSOLE")).collect()
}

#[test]
fn the_report_loads_with_every_image_and_no_console_error() {
    let Some(browser) = chromium("the_report_loads_with_every_image_and_no_console_error") else {
        return;
    };
    let dir = TempDir::new("chromium");
    let analysis = analyzed(dir.path());
    let files = write_report_with(&analysis, dir.path(), "20250708_120000", &[]).expect("report");
    let work = dir.path().join("chromium-dom");
    let run = run_chromium(
        &browser,
        &work,
        &file_url(&files.index),
        &["--dump-dom".to_string()],
    );
    let dom = &run.stdout;
    assert!(
        dom.contains("bedrock-bench report"),
        "the page was dumped:\n{dom:.500}"
    );
    let console = console_lines(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    assert_eq!(
        body_attribute(dom, "data-images-loaded"),
        Some("all"),
        "every image decoded"
    );
    let expected = files.charts.charts.len().to_string();
    assert_eq!(
        body_attribute(dom, "data-image-count"),
        Some(expected.as_str())
    );
    assert_eq!(body_attribute(dom, "data-page-errors"), Some("none"));
    // The kept copy, one directory down, loads as well.
    let work = dir.path().join("chromium-copy");
    let run = run_chromium(
        &browser,
        &work,
        &file_url(&files.copy),
        &["--dump-dom".to_string()],
    );
    assert_eq!(
        body_attribute(&run.stdout, "data-images-loaded"),
        Some("all")
    );
    assert!(console_lines(&run.stderr).is_empty(), "{}", run.stderr);
}

#[test]
fn the_checks_notice_a_broken_image_and_a_console_message() {
    let Some(browser) = chromium("the_checks_notice_a_broken_image_and_a_console_message") else {
        return;
    };
    // The same script on a page with a broken image and a console
    // message: the checks are not vacuous.
    let dir = TempDir::new("chromium-broken");
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script>{SCRIPT}</script></head>\
             <body><img alt=\"good\" src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\">\
             <img alt=\"broken\" src=\"data:image/png;base64,AAAA\">\
             <script>console.error('boom from the test page')</script></body></html>"
        ),
    )
    .expect("page");
    let run = run_chromium(
        &browser,
        &dir.path().join("chromium"),
        &file_url(&page),
        &["--dump-dom".to_string()],
    );
    assert_eq!(
        body_attribute(&run.stdout, "data-images-loaded"),
        Some("missing: broken")
    );
    assert_eq!(body_attribute(&run.stdout, "data-image-count"), Some("2"));
    assert_ne!(
        body_attribute(&run.stdout, "data-page-errors"),
        Some("none")
    );
}

#[test]
fn a_screenshot_of_the_report_is_taken() {
    let Some(browser) = chromium("a_screenshot_of_the_report_is_taken") else {
        return;
    };
    let dir = TempDir::new("chromium-shot");
    let analysis = analyzed(dir.path());
    let files = write_report_with(&analysis, dir.path(), "20250708_120000", &[]).expect("report");
    let shot = dir.path().join("page.png");
    let run = run_chromium(
        &browser,
        &dir.path().join("chromium"),
        &file_url(&files.index),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1400,2000".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    let bytes =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}):\n{}", run.stderr));
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (1400, 2000));
    assert!(console_lines(&run.stderr).is_empty(), "{}", run.stderr);
}
