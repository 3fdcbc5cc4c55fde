//! Comparisons along every variant axis: each pair of groups one axis
//! apart is compared (baseline: standard, the default tier, a cache write,
//! no reasoning, no tools), a clear difference gives an interval that
//! excludes 1, what was asked and not served (a tier downgrade, a cache
//! point that never hit) is counted and warned, and tail percentiles of
//! too few values are not presented.

mod analyze_support;

use analyze_support::{FixtureRow, TempDir, ours, write_ours};
use bedrock_bench::analysis::{AnalyzeOptions, Axis, CacheState, Metric, analyze};
use bedrock_bench::export::extended_csv;
use bedrock_bench::terminal;

const NOVA: &str = "us.amazon.nova-pro-v1:0";

/// `n` calls of one variant: TTFT spread around `ttft`, first text at
/// `text` seconds after the TTFT (reasoning first when > 0).
fn calls(
    tag: &str,
    n: usize,
    ttft: f64,
    text_after: f64,
    edit: impl Fn(&mut FixtureRow),
) -> Vec<FixtureRow> {
    (0..n)
        .map(|i| {
            let t = ttft * (0.9 + 0.2 * ((i * 7) % n) as f64 / n as f64);
            let first_text = t + text_after;
            let mut row = ours(
                NOVA,
                "standard",
                &format!("{tag}{i}"),
                t,
                first_text + 1.0,
                51,
            );
            row.time_to_first_text = Some(first_text);
            if text_after > 0.0 {
                row.reasoning_time = Some(text_after);
            }
            edit(&mut row);
            row
        })
        .collect()
}

fn cached(read: u32, write: u32) -> impl Fn(&mut FixtureRow) {
    move |row| {
        row.prompt_cache = "system".into();
        row.cache_read_input_tokens = Some(read);
        row.cache_write_input_tokens = Some(write);
    }
}

/// One group per axis value, 40 calls each.
fn every_axis() -> Vec<FixtureRow> {
    let mut rows = Vec::new();
    rows.extend(calls("plain", 40, 0.5, 0.0, |_| {}));
    rows.extend(calls("opt", 40, 0.3, 0.0, |row| {
        row.performance_config = "optimized".into();
        row.served_performance_config = "optimized".into();
    }));
    rows.extend(calls("prio", 40, 0.35, 0.0, |row| {
        row.service_tier = "priority".into();
        row.served_service_tier = "priority".into();
    }));
    rows.extend(calls("write", 40, 0.9, 0.0, cached(0, 2048)));
    rows.extend(calls("read", 40, 0.3, 0.0, cached(2048, 0)));
    rows.extend(calls("think", 40, 0.5, 2.0, |row| {
        row.reasoning_budget_tokens = Some(2048);
    }));
    rows.extend(calls("tools", 40, 0.5, 0.0, |row| {
        row.tools = "tools:any".into();
    }));
    rows
}

#[test]
fn every_pair_one_axis_apart_is_compared_with_its_baseline() {
    let dir = TempDir::new("axes");
    let file = write_ours(dir.path(), "20250708_112957", &every_axis());
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let pairs: Vec<(Axis, &str, &str, u64, u64)> = analysis
        .comparisons
        .iter()
        .map(|c| {
            (
                c.axis,
                c.baseline.as_str(),
                c.variant.as_str(),
                c.n_baseline,
                c.n_variant,
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (Axis::PerformanceConfig, "standard", "optimized", 40, 40),
            (Axis::ServiceTier, "standard", "standard+priority", 40, 40),
            (
                Axis::Cache,
                "standard+cache:write",
                "standard+cache:read",
                40,
                40
            ),
            (Axis::Reasoning, "standard", "standard+think2048", 40, 40),
            (Axis::Tools, "standard", "standard+tools:any", 40, 40),
        ]
    );
    let values: Vec<(&str, &str)> = analysis
        .comparisons
        .iter()
        .map(|c| (c.baseline_value.as_str(), c.variant_value.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("standard", "optimized"),
            ("default", "priority"),
            ("write", "read"),
            ("none", "2048"),
            ("none", "tools:any"),
        ]
    );
    // The variant's axis columns in the extended summary.
    let think = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+think2048")
        .expect("think group");
    assert_eq!(think.variant.reasoning_budget_tokens, Some(2048));
    assert_eq!(think.variant.service_tier, None);
    assert_eq!(think.variant.reported_tier(), "default");
    assert_eq!(think.variant.cache, None);
    let read = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+cache:read")
        .expect("read group");
    let row = extended_csv::record(read);
    let header = extended_csv::columns();
    let at = |name: &str| row[header.iter().position(|c| c == name).expect(name)].clone();
    assert_eq!(
        (
            at("variant"),
            at("performance_config"),
            at("service_tier"),
            at("cache"),
            at("reasoning_budget_tokens"),
            at("tools")
        ),
        (
            "standard+cache:read".to_string(),
            "standard".to_string(),
            "default".to_string(),
            "read".to_string(),
            String::new(),
            String::new()
        )
    );
}

#[test]
fn a_clear_difference_gives_an_interval_that_excludes_one() {
    let dir = TempDir::new("clear");
    let file = write_ours(dir.path(), "20250708_112957", &every_axis());
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let find = |axis: Axis| {
        analysis
            .comparisons
            .iter()
            .find(|c| c.axis == axis)
            .expect("a comparison")
    };
    // Priority answers in 0.7 of the time: the whole interval is below 1.
    let tier = find(Axis::ServiceTier).ttft();
    let (ratio, high) = (tier.ratio.unwrap(), tier.ci_high.unwrap());
    assert!((ratio - 0.7).abs() < 0.05, "{ratio}");
    assert!(high < 1.0, "{tier:?}");
    // A read answers in a third of a write's time.
    let cache = find(Axis::Cache).ttft();
    assert!(cache.ci_high.unwrap() < 1.0, "{cache:?}");
    // Reasoning: the first delta comes as soon, the first text 2 s later.
    let think = find(Axis::Reasoning);
    let first_delta = think.ttft();
    assert!(
        first_delta.ci_low.unwrap() <= 1.0 && 1.0 <= first_delta.ci_high.unwrap(),
        "{first_delta:?}"
    );
    let text = think.ratio(Metric::TimeToFirstText).expect("compared");
    assert!(text.ci_low.unwrap() > 1.0, "{text:?}");
    // No tools vs tools: the same TTFT, an interval around 1.
    let tools = find(Axis::Tools).ttft();
    assert!(tools.ci_low.unwrap() <= 1.0 && 1.0 <= tools.ci_high.unwrap());
    // The same seed, the same intervals.
    let again = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert_eq!(again.comparisons, analysis.comparisons);
    // Reasoning time is a metric of its own.
    let think_group = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+think2048")
        .expect("think group");
    let reasoning = think_group
        .metric(Metric::ReasoningTime)
        .expect("reasoning time");
    assert!((reasoning.p50 - 2.0).abs() < 1e-6, "{reasoning:?}");
}

#[test]
fn a_tier_downgrade_is_counted_compared_and_warned() {
    let dir = TempDir::new("downgrade");
    let mut rows = calls("plain", 20, 0.5, 0.0, |_| {});
    rows.extend(calls("prio", 20, 0.4, 0.0, |row| {
        row.service_tier = "priority".into();
        row.served_service_tier = "priority".into();
    }));
    rows.extend(calls("down", 3, 0.5, 0.0, |row| {
        row.service_tier = "priority".into();
        row.served_service_tier = "default".into();
    }));
    let file = write_ours(dir.path(), "20250708_112957", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let prio = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+priority")
        .expect("priority group");
    assert_eq!(
        (prio.counts.tier_downgrades, prio.counts.successes),
        (3, 23)
    );
    let comparison = &analysis.comparisons[0];
    assert_eq!(comparison.axis, Axis::ServiceTier);
    assert_eq!(comparison.mismatches, Some(3));
    let warning = analysis
        .warnings
        .iter()
        .find(|w| w.contains("served at another tier"))
        .expect("a downgrade warning");
    assert!(
        warning.starts_with("3 of 23 successful requests sent with service tier priority"),
        "{warning}"
    );
    assert!(warning.contains("served_service_tier"), "{warning}");
    let row = extended_csv::record(prio);
    let header = extended_csv::columns();
    let at = header
        .iter()
        .position(|c| c == "tier_downgrades")
        .expect("column");
    assert_eq!(row[at], "3");
}

#[test]
fn a_cache_point_that_never_hit_is_counted_and_warned() {
    let dir = TempDir::new("cachemiss");
    let mut rows = calls("write", 12, 0.9, 0.0, cached(0, 2048));
    rows.extend(calls("read", 12, 0.3, 0.0, cached(2048, 0)));
    rows.extend(calls("never", 4, 0.5, 0.0, cached(0, 0)));
    let file = write_ours(dir.path(), "20250708_112957", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let never = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+cache:none")
        .expect("the calls that neither read nor wrote");
    assert_eq!(never.variant.cache, Some(CacheState::Unused));
    assert_eq!(never.counts.cache_unused, 4);
    let write = analysis
        .groups
        .iter()
        .find(|g| g.performance_config == "standard+cache:write")
        .expect("write group");
    assert_eq!(write.counts.cache_unused, 0);
    let cache: Vec<_> = analysis
        .comparisons
        .iter()
        .filter(|c| c.axis == Axis::Cache)
        .collect();
    assert_eq!(cache.len(), 1, "write vs read only");
    assert_eq!(cache[0].mismatches, Some(4));
    assert!(
        analysis.warnings.iter().any(|w| w.starts_with(
            "4 of 4 successful requests sent a cache point but neither read nor wrote the prompt cache"
        ) && w.contains("lengthen the shared prefix")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn tail_percentiles_of_too_few_values_are_not_presented() {
    let dir = TempDir::new("thin");
    let mut rows = calls("nine", 9, 0.5, 0.0, |_| {});
    rows.extend(calls("ten", 10, 0.4, 0.0, |row| {
        row.performance_config = "optimized".into();
    }));
    let file = write_ours(dir.path(), "20250708_112957", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let header = extended_csv::columns();
    let col = |name: &str| header.iter().position(|c| c == name).expect(name);
    let by_label = |label: &str| {
        let g = analysis
            .groups
            .iter()
            .find(|g| g.performance_config == label)
            .expect(label);
        extended_csv::record(g)
    };
    let nine = by_label("standard");
    assert_eq!(nine[col("ttft_n")], "9");
    assert_eq!(nine[col("ttft_p90")], "", "a p90 needs 10 values");
    assert!(!nine[col("ttft_p50")].is_empty());
    assert_eq!(
        nine[col("thin_percentiles")],
        "p90 n<10; p95 n<20; p99 n<100"
    );
    let ten = by_label("optimized");
    assert!(!ten[col("ttft_p90")].is_empty(), "10 values: a p90");
    assert_eq!(ten[col("ttft_p95")], "");
    assert_eq!(ten[col("thin_percentiles")], "p95 n<20; p99 n<100");

    // The terminal marks the thin p90, and prints the other.
    let text = terminal::overview(&analysis);
    let standard_line = text
        .lines()
        .find(|l| l.contains("| standard ") && l.contains("|           9 |"))
        .expect("the standard summary row");
    assert!(standard_line.contains("n<10"), "{standard_line}");
    let optimized_line = text
        .lines()
        .find(|l| l.contains("| optimized ") && l.contains("|          10 |"))
        .expect("the optimized summary row");
    assert!(!optimized_line.contains("n<10"), "{optimized_line}");
    // The Python tool's summary keeps its numbers, thin or not.
    let summary = analysis
        .summary
        .iter()
        .find(|r| r.performance_config == "standard")
        .expect("standard row");
    assert_eq!(summary.sample_size, 9);
    assert!(summary.ttft_p90.is_some());
}

#[test]
fn the_report_has_one_comparison_chart_per_axis_and_marks_thin_p90s() {
    let dir = TempDir::new("axesreport");
    let mut rows = every_axis();
    // A group of 5 calls: its p90 is not presented.
    rows.extend(calls("few", 5, 0.5, 0.0, |row| {
        row.service_tier = "flex".into();
        row.served_service_tier = "flex".into();
    }));
    let file = write_ours(dir.path(), "20250708_112957", &rows);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let files =
        bedrock_bench::report::write_report_with(&analysis, dir.path(), "20250708_112958", &[])
            .expect("report");
    let mut names: Vec<&str> = files
        .charts
        .charts
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| n.starts_with("comparison"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "comparison",
            "comparison_cache",
            "comparison_reasoning_budget_tokens",
            "comparison_service_tier",
            "comparison_tools",
        ]
    );
    let tier = files
        .charts
        .charts
        .iter()
        .find(|c| c.name == "comparison_service_tier")
        .expect("tier chart");
    let svg = std::fs::read_to_string(&tier.files.svg).expect("svg");
    assert!(
        svg.contains("standard+flex"),
        "two pairs: rows name the variant"
    );
    let page = std::fs::read_to_string(&files.index).expect("index.html");
    assert!(page.contains("standard+think2048"), "the comparisons table");
    assert!(
        page.contains("<td class=\"num\">n&lt;10</td>"),
        "a thin p90"
    );
}
