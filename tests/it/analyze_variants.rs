//! Statistics never merge two variants: rows that differ in service tier,
//! in what they did with the prompt cache, in reasoning budget or in tools
//! are summarized apart, and each group's name says its variant (the
//! Python tool's summary shows it in `performance_config`).

use crate::analyze_support;

use analyze_support::{FixtureRow, TempDir, ours, write_ours};
use bedrock_bench::analysis::{AnalyzeOptions, analyze};

const NOVA: &str = "us.amazon.nova-pro-v1:0";

fn variant(invocation: &str, ttft: f64, edit: impl Fn(&mut FixtureRow)) -> FixtureRow {
    let mut row = ours(NOVA, "standard", invocation, ttft, ttft + 1.0, 50);
    edit(&mut row);
    row
}

#[test]
fn each_variant_is_its_own_group() {
    let dir = TempDir::new("variants");
    let mut rows = Vec::new();
    for i in 0..3 {
        rows.push(variant(&format!("plain{i}"), 0.5, |_| {}));
        rows.push(variant(&format!("prio{i}"), 0.4, |row| {
            row.service_tier = "priority".into();
            row.served_service_tier = "priority".into();
        }));
        rows.push(variant(&format!("write{i}"), 0.9, |row| {
            row.prompt_cache = "system".into();
            row.cache_write_input_tokens = Some(2048);
            row.cache_read_input_tokens = Some(0);
        }));
        rows.push(variant(&format!("read{i}"), 0.3, |row| {
            row.prompt_cache = "system".into();
            row.cache_read_input_tokens = Some(2048);
        }));
        rows.push(variant(&format!("think{i}"), 2.0, |row| {
            row.reasoning_budget_tokens = Some(2048);
        }));
        rows.push(variant(&format!("tools{i}"), 0.6, |row| {
            row.tools = "tools:any".into();
        }));
    }
    let file = write_ours(dir.path(), "20250708_112957", &rows);
    let analysis = analyze(&[file.as_path()], &AnalyzeOptions::default()).expect("analyze");
    let mut groups: Vec<(String, u64, f64)> = analysis
        .summary
        .iter()
        .map(|row| {
            (
                row.performance_config.clone(),
                row.sample_size,
                row.ttft_p50.expect("a median"),
            )
        })
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let expected = [
        ("standard", 0.5),
        ("standard+cache:read", 0.3),
        ("standard+cache:write", 0.9),
        ("standard+priority", 0.4),
        ("standard+think2048", 2.0),
        ("standard+tools:any", 0.6),
    ];
    assert_eq!(groups.len(), expected.len(), "{groups:?}");
    for ((label, n, ttft), (want_label, want_ttft)) in groups.iter().zip(expected) {
        assert_eq!((label.as_str(), *n), (want_label, 3), "{groups:?}");
        assert!((ttft - want_ttft).abs() < 1e-9, "{label}: {ttft}");
    }
}
