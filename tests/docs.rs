//! The generated documents are what the code generates: the references
//! in docs/reference/ (every subcommand's `--help`, every config key,
//! every raw CSV column) and the figures quoted from docs/figures/, as
//! `bedrock-bench docs --check` says (`figures` is its old name); and a
//! stale or missing reference fails that check until `docs` rewrites it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bench(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_root(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bb-docs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docs/figures")).expect("creates");
    dir
}

#[test]
fn the_committed_documents_are_what_the_code_generates() {
    let root = repository().display().to_string();
    let out = bench(&["docs", "--check", "--root", &root]);
    assert!(
        out.status.success(),
        "run `cargo run --release -- docs` and commit what it writes:\n{}",
        text(&out.stderr)
    );
}

#[test]
fn the_cli_reference_holds_each_help_exactly_as_printed() {
    let page = std::fs::read_to_string(repository().join("docs/reference/cli.md"))
        .expect("docs/reference/cli.md");
    let top = text(&bench(&["--help"]).stdout);
    let subcommands: Vec<&str> = top
        .split("Commands:\n")
        .nth(1)
        .expect("the top help lists the commands")
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(subcommands.len() >= 7, "{subcommands:?}");
    let mut blocks = vec![("bedrock-bench".to_string(), top.clone())];
    for name in &subcommands {
        let out = bench(&[name, "--help"]);
        assert!(out.status.success(), "{name} --help");
        blocks.push((format!("bedrock-bench {name}"), text(&out.stdout)));
    }
    for (heading, help) in blocks {
        let expected = format!("## {heading}\n\n```text\n{}\n```\n", help.trim_end());
        assert!(
            page.contains(&expected),
            "docs/reference/cli.md lacks `{heading} --help` as printed:\n{expected}"
        );
    }
}

#[test]
fn a_stale_or_missing_reference_fails_the_check_until_docs_rewrites_it() {
    let dir = temp_root("stale");
    let root = dir.display().to_string();
    std::fs::create_dir_all(dir.join("docs/reference")).expect("creates");
    std::fs::write(dir.join("docs/reference/raw-csv.md"), "# old\n").expect("writes");

    for name in ["docs", "figures"] {
        let out = bench(&[name, "--check", "--root", &root]);
        assert_eq!(out.status.code(), Some(1), "{name} --check");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("docs/reference/raw-csv.md: differs from what the code"),
            "{stderr}"
        );
        assert!(
            stderr.contains("docs/reference/cli.md: is missing"),
            "{stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("docs/reference/raw-csv.md")).expect("reads"),
        "# old\n",
        "--check writes nothing"
    );

    let out = bench(&["docs", "--root", &root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = bench(&["docs", "--check", "--root", &root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let columns = std::fs::read_to_string(dir.join("docs/reference/raw-csv.md")).expect("reads");
    assert!(
        columns.contains("| 1 | `time_to_first_byte` | s |"),
        "{columns}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
