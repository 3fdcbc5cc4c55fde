//! The layout of a test binary made of modules (`tests/it/main.rs` in each
//! crate; the harness's tests include this file too): every test file
//! beside `main.rs` must be one of its modules, or its tests never run.

use std::collections::BTreeSet;
use std::path::Path;

/// The module names `main` declares (`mod NAME;` lines, with or without
/// `pub` and a `#[path]` attribute on the line before).
pub fn declared_modules(main: &str) -> BTreeSet<String> {
    main.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            line.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(|name| name.trim().to_string())
        })
        .collect()
}

/// The modules the directory `dir` holds besides `main.rs`: each `NAME.rs`
/// file and each `NAME/` folder with a `mod.rs`.
pub fn modules_in(dir: &Path) -> BTreeSet<String> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut modules = BTreeSet::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
            .path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(stem) = name.strip_suffix(".rs") {
            if stem != "main" {
                modules.insert(stem.to_string());
            }
        } else if path.join("mod.rs").is_file() {
            modules.insert(name.to_string());
        }
    }
    modules
}

/// Panics, naming each file, when a module of `dir` is not declared in
/// `main` (the text of `dir/main.rs`).
pub fn assert_every_file_is_a_module(dir: &str, main: &str) {
    let declared = declared_modules(main);
    let missing: Vec<String> = modules_in(Path::new(dir))
        .into_iter()
        .filter(|module| !declared.contains(module))
        .collect();
    assert!(
        missing.is_empty(),
        "{dir}/main.rs does not declare {missing:?}: add `mod NAME;` for each, or their tests never run"
    );
}

#[test]
fn a_module_is_declared_by_its_mod_line_only() {
    let main = "//! mod not_this;\nmod a;\npub mod b;\n#[path = \"x/y.rs\"]\nmod c;\nmod d { }\n";
    let declared = declared_modules(main);
    assert_eq!(
        declared.into_iter().collect::<Vec<_>>(),
        ["a", "b", "c"],
        "a comment or an inline module is not a file's declaration"
    );
}
