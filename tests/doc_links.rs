//! Every relative link of the documents resolves: README.md,
//! CONTRIBUTING.md, ARCHITECTURE.md, every `*.md` under docs/ and
//! examples/, and each crate's README.md. A link's file must exist, and
//! its `#anchor` must be a heading of the target (or of the same page), by
//! GitHub's rules: the heading's text lowercased, punctuation dropped
//! (hyphens and underscores kept), each space a `-`, a repeated heading
//! `-1`, `-2`... Links with a scheme (`https:`, `mailto:`) are not
//! followed: tests never reach the network.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// GitHub's anchor for a heading whose text is `heading`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Every anchor of the Markdown `text`: its headings' slugs, repeated
/// ones numbered as GitHub numbers them.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let base = slug(&heading.take().unwrap_or_default());
                let count = seen.entry(base.clone()).or_insert(0);
                out.push(if *count == 0 {
                    base.clone()
                } else {
                    format!("{base}-{count}")
                });
                *count += 1;
            }
            _ => {}
        }
    }
    out
}

/// Every link and image destination of `text`, with its line (from 1).
fn links(text: &str) -> Vec<(usize, String)> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                Some((line_of(range.start), dest_url.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// `path` without `.` and `..` components (it need not exist).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the links of `documents` (paths under `root`), one
/// line each: `file:line: link: why`.
fn broken_links(root: &Path, documents: &[PathBuf]) -> Vec<String> {
    let mut anchor_cache: BTreeMap<PathBuf, Option<Vec<String>>> = BTreeMap::new();
    let mut anchors_of = |path: &Path| -> Option<Vec<String>> {
        anchor_cache
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok().map(|t| anchors(&t)))
            .clone()
    };
    let mut problems = Vec::new();
    for document in documents {
        let name = document.strip_prefix(root).unwrap_or(document).display();
        let Ok(text) = std::fs::read_to_string(document) else {
            problems.push(format!("{name}: cannot be read"));
            continue;
        };
        for (line, link) in links(&text) {
            let has_scheme = link.split_once(':').is_some_and(|(scheme, _)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            });
            if has_scheme || link.starts_with("//") {
                continue;
            }
            let (file, fragment) = match link.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                document.clone()
            } else if let Some(absolute) = file.strip_prefix('/') {
                root.join(absolute)
            } else {
                normalized(&document.parent().unwrap_or(root).join(file))
            };
            if !target.starts_with(root) {
                problems.push(format!("{name}:{line}: {link}: leaves the repository"));
                continue;
            }
            if !target.exists() {
                problems.push(format!("{name}:{line}: {link}: no such file"));
                continue;
            }
            let Some(fragment) = fragment else { continue };
            if target.extension().is_none_or(|e| e != "md") {
                problems.push(format!(
                    "{name}:{line}: {link}: an anchor into a file that is not Markdown"
                ));
                continue;
            }
            match anchors_of(&target) {
                Some(found) if found.iter().any(|a| a == fragment) => {}
                Some(_) => problems.push(format!(
                    "{name}:{line}: {link}: no heading with the anchor `#{fragment}` in {}",
                    target.strip_prefix(root).unwrap_or(&target).display()
                )),
                None => problems.push(format!("{name}:{line}: {link}: cannot be read")),
            }
        }
    }
    problems
}

/// Every `*.md` under `dir`, at any depth.
fn markdown_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            markdown_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The documents whose links are checked.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
        .iter()
        .map(|name| root.join(name))
        .collect();
    markdown_under(&root.join("docs"), &mut out);
    markdown_under(&root.join("examples"), &mut out);
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for entry in crates.filter_map(Result::ok) {
            let readme = entry.path().join("README.md");
            if readme.is_file() {
                out.push(readme);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_relative_link_and_anchor_of_the_documents_resolves() {
    let root = repository();
    let documents = documents(root);
    for name in [
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
        "docs/SUMMARY.md",
    ] {
        assert!(documents.contains(&root.join(name)), "{name} is checked");
        assert!(root.join(name).is_file(), "{name} exists");
    }
    assert!(
        documents.len() > 20,
        "the guides, references and explanations are checked: {documents:?}"
    );
    let problems = broken_links(root, &documents);
    assert!(
        problems.is_empty(),
        "{} broken link(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn anchors_follow_githubs_rules() {
    let text = "# How accurate is it?\n\n## `scenarios_config.jsonl`\n\n## Raw CSV\n\n## Raw CSV\n\n### Summary CSV (the Python tool's)\n\n## bedrock-bench run\n\n## A_b & c -- d\n\n## Raw CSV\n";
    assert_eq!(
        anchors(text),
        [
            "how-accurate-is-it",
            "scenarios_configjsonl",
            "raw-csv",
            "raw-csv-1",
            "summary-csv-the-python-tools",
            "bedrock-bench-run",
            "a_b--c----d",
            "raw-csv-2",
        ]
    );
}

#[test]
fn a_missing_file_or_anchor_is_named_with_its_line() {
    let dir = std::env::temp_dir().join(format!("bb-doc-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docs")).expect("creates");
    std::fs::write(dir.join("docs/b.md"), "# B page\n\n## Part two\n").expect("writes");
    std::fs::write(
        dir.join("README.md"),
        "# Top\n\n[ok](docs/b.md#part-two) [self](#top) [web](https://example.com/x)\n\
         [gone](docs/c.md)\n\n| a | b |\n| --- | --- |\n| [bad anchor](docs/b.md#part-three) | x |\n\
         [out](../elsewhere.md) [self bad](#nope)\n",
    )
    .expect("writes");
    let problems = broken_links(&dir, &[dir.join("README.md"), dir.join("docs/b.md")]);
    assert_eq!(
        problems,
        [
            "README.md:4: docs/c.md: no such file",
            "README.md:8: docs/b.md#part-three: no heading with the anchor `#part-three` in docs/b.md",
            "README.md:9: ../elsewhere.md: leaves the repository",
            "README.md:9: #nope: no heading with the anchor `#nope` in README.md",
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
