//! Standard vs optimized: the ratio of medians with its bootstrap
//! interval, repeatability, and fallback warnings.

use crate::analyze_support;

use analyze_support::{TempDir, ours, write_ours};
use bedrock_bench::analysis::{AnalyzeOptions, BootstrapOptions, analyze};

const NOVA: &str = "us.amazon.nova-pro-v1:0";

/// 201 standard calls and 201 optimized ones whose TTFT is exactly half
/// and whose decode is exactly twice as fast.
fn halved(dir: &std::path::Path) -> std::path::PathBuf {
    let mut rows: Vec<analyze_support::FixtureRow> = Vec::new();
    for i in 0..201 {
        // A spread of TTFTs from 0.4 to 1.4 s, in a scrambled order.
        let ttft = 0.4 + ((i * 37) % 201) as f64 / 200.0;
        let decode = 1.0 + ((i * 53) % 201) as f64 / 400.0;
        rows.push(ours(
            NOVA,
            "standard",
            &format!("s{i}"),
            ttft,
            ttft + decode,
            51,
        ));
        rows.push(ours(
            NOVA,
            "optimized",
            &format!("o{i}"),
            ttft / 2.0,
            ttft / 2.0 + decode / 2.0,
            51,
        ));
    }
    write_ours(dir, "20250708_112957", &rows)
}

#[test]
fn half_the_ttft_gives_a_ratio_of_one_half_inside_a_repeatable_interval() {
    let dir = TempDir::new("half");
    let file = halved(dir.path());
    let first = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let second = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert_eq!(
        first.comparisons, second.comparisons,
        "same seed, same intervals"
    );
    assert_eq!(first.comparisons.len(), 1);
    let c = &first.comparisons[0];
    assert_eq!((c.model.as_str(), c.region.as_str()), (NOVA, "us-east-2"));
    assert_eq!(
        (c.n_baseline, c.n_variant, c.mismatches),
        (201, 201, Some(0))
    );

    let ttft = *c.ttft();
    assert_eq!(ttft.ratio, Some(0.5));
    assert_eq!(ttft.baseline.map(|s| s / 2.0), ttft.variant);
    let (low, high) = (ttft.ci_low.unwrap(), ttft.ci_high.unwrap());
    assert!(low <= 0.5 && 0.5 <= high, "[{low}, {high}]");
    assert!(high - low < 0.3, "a useful interval: [{low}, {high}]");

    let otps = *c.generation_otps();
    let ratio = otps.ratio.unwrap();
    assert!((ratio - 2.0).abs() < 1e-9, "{ratio}");
    assert!(otps.ci_low.unwrap() <= ratio && ratio <= otps.ci_high.unwrap());

    // Another seed: another interval, the same point estimate.
    let other = AnalyzeOptions {
        bootstrap: BootstrapOptions {
            seed: 42,
            ..BootstrapOptions::default()
        },
        ..AnalyzeOptions::default()
    };
    let third = analyze(&[&file], &other).expect("analyze");
    assert_eq!(third.comparisons[0].ttft().ratio, Some(0.5));
    assert_ne!(third.comparisons[0].ttft().ci_low, ttft.ci_low);
}

#[test]
fn only_models_and_regions_with_both_configs_are_compared() {
    let dir = TempDir::new("pairs");
    let rows = vec![
        ours("a", "standard", "1", 0.5, 1.0, 50),
        ours("a", "optimized", "2", 0.25, 0.75, 50),
        ours("b", "standard", "3", 0.5, 1.0, 50),
        ours("c", "optimized", "4", 0.5, 1.0, 50),
    ];
    let file = write_ours(dir.path(), "x", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let models: Vec<&str> = analysis
        .comparisons
        .iter()
        .map(|c| c.model.as_str())
        .collect();
    assert_eq!(models, ["a"]);
    let c = &analysis.comparisons[0];
    assert_eq!(c.ttft().ratio, Some(0.5));
    // One value a side: every resample is the same.
    assert_eq!((c.ttft().ci_low, c.ttft().ci_high), (Some(0.5), Some(0.5)));
    assert_eq!(c.generation_otps().ratio, Some(1.0));
}

#[test]
fn optimized_requests_served_as_standard_are_counted_and_warned_about() {
    let dir = TempDir::new("fallback");
    let mut rows = Vec::new();
    for i in 0..10 {
        let mut row = ours(NOVA, "optimized", &format!("o{i}"), 0.3, 0.8, 50);
        if i < 3 {
            row.served_performance_config = "standard".into();
        }
        rows.push(row);
        rows.push(ours(NOVA, "standard", &format!("s{i}"), 0.5, 1.0, 50));
    }
    let file = write_ours(dir.path(), "x", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let optimized = &analysis.groups[0];
    assert_eq!(optimized.performance_config, "optimized");
    assert_eq!(
        (optimized.counts.fallbacks, optimized.counts.sent_optimized),
        (3, 10)
    );
    assert_eq!(analysis.groups[1].counts.fallbacks, 0);
    assert_eq!(analysis.comparisons[0].mismatches, Some(3));
    let warning = analysis
        .warnings
        .iter()
        .find(|w| w.contains("served as standard"))
        .expect("a fallback warning");
    assert!(
        warning.starts_with("3 of 10 ") && warning.contains(NOVA) && warning.contains("us-east-2"),
        "{warning}"
    );
}
