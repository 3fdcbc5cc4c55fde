//! Tests of the file loaders: the seed files, I/O errors, prompt files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// The Python tool's seed files, committed as test fixtures.
fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed")
        .join(name)
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "config-dev-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {path:?}: {e}"));
        Self(path)
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn seed_scenarios_load_unchanged() {
    let path = reference("seed_scenarios_config.jsonl");
    let loaded = load_scenarios(&path).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let scenarios = loaded.value;
    assert_eq!(scenarios.len(), 7);
    for (index, scenario) in scenarios.iter().enumerate() {
        assert_eq!(scenario.source.line, index + 1);
        assert_eq!(scenario.source.file, path.display().to_string());
        assert_eq!(
            scenario.prompt.user_text,
            "Explain the concept of machine learning in simple terms."
        );
        assert_eq!(scenario.prompt.source, PromptSource::Inline);
        assert_eq!(scenario.prompt.system, None);
        assert_eq!(scenario.expected_output_tokens, 50);
        assert_eq!(scenario.task_type, "Text-Generation");
    }
    let first = &scenarios[0];
    assert_eq!(first.model_id, "us.meta.llama3-1-70b-instruct-v1:0");
    assert_eq!(first.region, "us-east-2");
    assert_eq!(first.performance_config, Some(PerformanceConfig::Optimized));
    assert_eq!(
        first.name,
        "us.meta.llama3-1-70b-instruct-v1:0/optimized@us-east-2"
    );
    assert_eq!(
        scenarios[1].performance_config,
        Some(PerformanceConfig::Standard)
    );
    let last = &scenarios[6];
    assert_eq!(last.model_id, "apac.anthropic.claude-3-haiku-20240307-v1:0");
    assert_eq!(last.region, "ap-northeast-1");
    assert_eq!(last.performance_config, None);
    assert_eq!(last.reported_performance(), PerformanceConfig::Standard);
    assert_eq!(
        last.name,
        "apac.anthropic.claude-3-haiku-20240307-v1:0/standard@ap-northeast-1"
    );
}

#[test]
fn seed_experiment_loads_unchanged() {
    let path = reference("seed_experiment_config.jsonl");
    let loaded = load_experiment(&path).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let experiment = loaded.value;
    assert_eq!(
        experiment.source,
        SourceLocation::new(path.display().to_string(), 1)
    );
    assert_eq!(experiment.experiment_name, "testing-1");
    assert_eq!(
        experiment.sleep_between_invocations,
        std::time::Duration::from_secs(30)
    );
    assert_eq!(experiment.invocations_per_scenario, 10);
    assert_eq!(experiment.num_parallel_invocations, 4);
    assert_eq!(experiment.num_runs_per_experiment, 5);
    assert_eq!(experiment.temperature, Some(1.0));
    assert_eq!(experiment.top_p, Some(1.0));
    assert_eq!(experiment.top_k, Some(250));
    // Extensions keep their defaults.
    let defaults = Experiment::default();
    assert_eq!(experiment.target, None);
    assert_eq!(experiment.max_retries, defaults.max_retries);
    assert_eq!(experiment.max_calls, None);
    assert_eq!(experiment.call_timeout, defaults.call_timeout);
    assert_eq!(experiment.connection, ConnectionMode::Warm);
    assert_eq!(experiment.endpoint_url, None);
}

#[test]
fn missing_file_is_a_config_error_on_line_zero() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("absent.jsonl");
    let shown = path.display().to_string();
    for errors in [load_scenarios(&path).err(), load_experiment(&path).err()] {
        let errors = errors.unwrap_or_else(|| panic!("a missing file must not load"));
        assert_eq!(errors.len(), 1);
        let error = &errors.errors()[0];
        assert_eq!(error.location, SourceLocation::new(shown.clone(), 0));
        assert_eq!(error.field, None);
        assert_eq!(
            error.expected,
            "a readable regular file of at most 64 MiB (67108864 bytes)"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{shown}: expected a readable regular file of at most 64 MiB (67108864 bytes), found no such file"
            )
        );
    }
}

#[test]
fn a_missing_file_names_the_file_it_most_likely_misspells() {
    let dir = TempDir::new("close-match");
    let existing = dir.write("scenarios_config.jsonl", "{}");
    dir.write("experiment_config.jsonl", "{}");
    let missing = dir.0.join("scenario_config.jsonl");
    let error = load_scenarios(&missing).expect_err("missing").to_string();
    assert_eq!(
        error,
        format!(
            "{}: expected a readable regular file of at most 64 MiB (67108864 bytes), found no such file (did you mean {}?)",
            missing.display(),
            existing.display()
        )
    );
    let text = r#"{"prompt_file": "promt.txt", "model_id": "m", "region": "us-east-2"}"#;
    dir.write("prompt.txt", "Hi");
    let errors = parse_scenarios(text, "s.jsonl", &dir.0).expect_err("missing prompt");
    assert!(
        errors.to_string().ends_with(&format!(
            ": no such file (did you mean {}?)",
            dir.0.join("prompt.txt").display()
        )),
        "{errors}"
    );
}

#[test]
fn a_byte_that_is_not_utf8_is_reported_at_its_line() {
    let dir = TempDir::new("binary");
    let path = dir.write(
        "scenarios.jsonl",
        b"{\"text_prompt\": \"a\", \"model_id\": \"m\", \"region\": \"us-east-2\"}\n\n{\"text_prompt\": \"\xff\"}\n",
    );
    let errors = load_scenarios(&path)
        .err()
        .unwrap_or_else(|| panic!("must not load"));
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.errors()[0].expected, "UTF-8 text");
    assert_eq!(errors.errors()[0].location.line, 3);
    assert!(errors.errors()[0].found.contains("0xFF"), "{errors}");
}

#[test]
fn prompt_files_are_relative_to_the_scenarios_file() {
    let dir = TempDir::new("prompts");
    dir.write("conf/prompts/user.txt", "Line one.\nLine two.\n\n");
    dir.write("conf/prompts/system.txt", "You are terse.\r\n");
    let absolute = dir.write("elsewhere/abs.txt", "Absolute prompt.");
    let scenarios = format!(
        "{}\n{}\n",
        r#"{"prompt_file": "prompts/user.txt", "system_prompt_file": "prompts/system.txt", "model_id": "m", "region": "us-east-2"}"#,
        serde_json::json!({"prompt_file": absolute, "model_id": "m", "region": "us-east-2"}),
    );
    let path = dir.write("conf/scenarios.jsonl", scenarios);
    let loaded = load_scenarios(&path).unwrap_or_else(|errors| panic!("{errors}"));
    let first = &loaded.value[0].prompt;
    assert_eq!(first.user_text, "Line one.\nLine two.");
    assert_eq!(first.system.as_deref(), Some("You are terse."));
    assert_eq!(
        first.source,
        PromptSource::File(dir.0.join("conf").join("prompts/user.txt"))
    );
    let second = &loaded.value[1].prompt;
    assert_eq!(second.user_text, "Absolute prompt.");
    assert_eq!(second.source, PromptSource::File(absolute));
}

#[test]
fn unusable_prompt_files_are_errors_naming_the_field() {
    let dir = TempDir::new("bad-prompts");
    dir.write("latin1.txt", b"caf\xe9\n");
    dir.write("empty.txt", "\n\n");
    let scenarios = [
        r#"{"prompt_file": "missing.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"prompt_file": "latin1.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"prompt_file": "empty.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"text_prompt": "x", "system_prompt_file": "missing.txt", "model_id": "m", "region": "us-east-2"}"#,
    ]
    .join("\n");
    let path = dir.write("scenarios.jsonl", scenarios);
    let errors = load_scenarios(&path)
        .err()
        .unwrap_or_else(|| panic!("must not load"));
    let shown = path.display().to_string();
    let found: Vec<(usize, Option<&str>)> = errors
        .errors()
        .iter()
        .map(|error| (error.location.line, error.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (1, Some("prompt_file")),
            (2, Some("prompt_file")),
            (3, Some("prompt_file")),
            (4, Some("system_prompt_file")),
        ]
    );
    let text: Vec<String> = errors.errors().iter().map(ToString::to_string).collect();
    let missing = dir.0.join("missing.txt");
    assert!(
        text[0].starts_with(&format!(
            "{shown}:1: field `prompt_file`: expected a readable regular UTF-8 text file \
             of at most 16 MiB (16777216 bytes), found \"missing.txt\" ({}): ",
            missing.display()
        )),
        "{}",
        text[0]
    );
    assert!(
        text[1].contains(": not UTF-8 (invalid utf-8 sequence"),
        "{}",
        text[1]
    );
    assert!(
        text[2].contains("expected a file with a non-empty prompt, found \"empty.txt\""),
        "{}",
        text[2]
    );
}

/// A FIFO at `path`, made by mkfifo(1).
fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn side_files_that_are_not_regular_or_too_large_are_refused_at_once() {
    let dir = TempDir::new("side-files");
    mkfifo(&dir.0.join("pipe.txt"));
    dir.write("big.txt", vec![b'a'; 16 * 1024 * 1024 + 1]);
    let scenarios = [
        r#"{"prompt_file": "pipe.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"prompt_file": "/dev/zero", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"text_prompt": "x", "system_prompt_file": "big.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"text_prompt": "x", "tool_config": "pipe.txt", "model_id": "m", "region": "us-east-2"}"#,
        r#"{"text_prompt": "x", "tool_config": "/dev/zero", "model_id": "m", "region": "us-east-2"}"#,
    ]
    .join("\n");
    let path = dir.write("scenarios.jsonl", scenarios);
    let errors = load_scenarios(&path)
        .err()
        .unwrap_or_else(|| panic!("must not load"));
    let text: Vec<String> = errors.errors().iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 5, "{text:#?}");
    let fifo = dir.0.join("pipe.txt");
    assert!(
        text[0].ends_with(&format!(
            "field `prompt_file`: expected a readable regular UTF-8 text file of at most 16 MiB (16777216 bytes), found \"pipe.txt\" ({}): a FIFO (named pipe), not a regular file",
            fifo.display()
        )),
        "{}",
        text[0]
    );
    assert!(
        text[1].ends_with("found \"/dev/zero\": a character device, not a regular file"),
        "{}",
        text[1]
    );
    assert!(
        text[2].contains("field `system_prompt_file`")
            && text[2].ends_with(": 16777217 bytes, more than the cap of 16 MiB (16777216 bytes)"),
        "{}",
        text[2]
    );
    assert!(
        text[3].contains("field `tool_config`: expected a regular JSON file of at most 16 MiB")
            && text[3].ends_with("a FIFO (named pipe), not a regular file"),
        "{}",
        text[3]
    );
    assert!(
        text[4].ends_with("a character device, not a regular file"),
        "{}",
        text[4]
    );
    // The config files themselves, and the price file, are read the same way.
    let error = load_scenarios(&fifo).expect_err("a FIFO").to_string();
    assert!(
        error.ends_with("a FIFO (named pipe), not a regular file"),
        "{error}"
    );
    let error = load_experiment("/dev/zero")
        .expect_err("a device")
        .to_string();
    assert!(
        error.ends_with("found a character device, not a regular file"),
        "{error}"
    );
    let error = crate::config::load_price_file(&fifo)
        .expect_err("a FIFO")
        .to_string();
    assert!(
        error.ends_with("a FIFO (named pipe), not a regular file"),
        "{error}"
    );
}

#[test]
fn experiment_file_loads_from_disk() {
    let dir = TempDir::new("experiment");
    let path = dir.write("experiment.jsonl", "{\"top_k\": 7}\n{\"ignored\": true}\n");
    let loaded = load_experiment(&path).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(loaded.value.top_k, Some(7));
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].location.line, 2);
}

#[test]
fn temp_dirs_are_cleaned_up() {
    let dir = TempDir::new("cleanup");
    let path = dir.0.clone();
    assert!(path.exists());
    drop(dir);
    assert!(!path.exists());
}
