//! The three files: names, no overwriting, and the extended summary's
//! columns and numbers.

use crate::analyze_support;

use analyze_support::{TempDir, ours, python_header, python_row, write_ours};
use bedrock_bench::analysis::{AnalyzeOptions, Metric, analyze};
use bedrock_bench::export::{comparison_csv, extended_csv};

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).expect("read output")
}

/// Columns of a CSV line by header name.
fn field<'a>(header: &str, line: &'a str, column: &str) -> &'a str {
    let index = header
        .split(',')
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    line.split(',').nth(index).expect("field")
}

#[test]
fn files_are_never_overwritten() {
    let dir = TempDir::new("noclobber");
    let file = write_ours(
        &dir.path().join("results"),
        "r",
        &[ours("m", "standard", "i", 0.5, 1.0, 50)],
    );
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let out = dir.path().join("out");
    let first = analysis
        .write_files(&out, "20250708_112957")
        .expect("write");
    assert_eq!(
        first.summary,
        out.join("results-analysis/analysis_summary_20250708_112957.csv")
    );
    assert!(
        first
            .extended
            .ends_with("analysis_extended_20250708_112957.csv")
    );
    assert!(
        first
            .comparison
            .ends_with("analysis_comparison_20250708_112957.csv")
    );
    std::fs::write(&first.summary, "kept").expect("mark");

    let second = analysis
        .write_files(&out, "20250708_112957")
        .expect("write");
    assert!(
        second
            .summary
            .ends_with("analysis_summary_20250708_112957_2.csv")
    );
    assert!(
        second
            .comparison
            .ends_with("analysis_comparison_20250708_112957_2.csv")
    );
    assert_eq!(read(&first.summary), "kept", "the first file is untouched");

    // Any one of the three names taken moves all three to the next suffix.
    let stray = out.join("results-analysis/analysis_extended_20250708_112957_3.csv");
    std::fs::write(&stray, "stray").expect("stray");
    let third = analysis
        .write_files(&out, "20250708_112957")
        .expect("write");
    assert!(
        third
            .summary
            .ends_with("analysis_summary_20250708_112957_4.csv")
    );
    assert!(
        third
            .extended
            .ends_with("analysis_extended_20250708_112957_4.csv")
    );
    assert_eq!(read(&stray), "stray");
    assert!(read(&third.summary).starts_with("model,region,performance_config,sample_size,"));
}

#[test]
fn the_extended_summary_counts_everything_and_summarizes_every_metric() {
    let dir = TempDir::new("extended");
    let mut ok = ours("m", "optimized", "i1", 0.5, 1.5, 51);
    ok.time_to_response = Some(0.25);
    ok.server_latency_ms = Some(1400);
    ok.delta_offsets = "0.5 0.6 0.8".into();
    ok.target = "emulator".into();
    let mut fallback = ours("m", "optimized", "i2", 0.7, 1.7, 51);
    fallback.served_performance_config = "standard".into();
    fallback.delta_offsets = "0.7 1.0".into();
    fallback.server_latency_ms = Some(1600);
    let mut throttled = ours("m", "optimized", "i3", 0.0, 0.1, 0);
    throttled.api_call_status = "ThrottlingException".into();
    throttled.time_to_first_byte = None;
    throttled.model_output_tokens = None;
    throttled.delta_offsets = "0.01 9.0".into();
    let mut timeout = throttled.clone();
    timeout.api_call_status = "Timeout".into();
    timeout.attempt = 2;
    let file = write_ours(dir.path(), "r", &[ok, fallback, throttled, timeout]);

    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert!(analysis.is_simulated());
    let g = &analysis.groups[0];
    assert_eq!(g.targets, ["aws", "emulator"]);
    let gaps = g.metric(Metric::InterChunkGap).expect("gaps");
    // Successful attempts only: 0.1, 0.2 and 0.3 (not the throttle's 8.99).
    assert_eq!(gaps.count, 3);
    assert!((gaps.max - 0.3).abs() < 1e-9 && (gaps.min - 0.1).abs() < 1e-9);
    let server = g.metric(Metric::ServerLatency).expect("server latency");
    assert_eq!((server.min, server.max), (1.4, 1.6));
    assert_eq!(g.metric(Metric::TimeToResponse).map(|s| s.count), Some(1));

    let mut bytes = Vec::new();
    extended_csv::write(&mut bytes, &analysis.groups).expect("write");
    let text = String::from_utf8(bytes).expect("utf8");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let line = lines.next().expect("row");
    // The counts, 14 metrics of 9 statistics, 4 cost columns, then 6
    // schedule columns.
    assert_eq!(header.split(',').count(), 25 + 14 * 9 + 4 + 6);
    assert!(header.starts_with(
        "model,region,variant,performance_config,service_tier,cache,reasoning_budget_tokens,tools,api,endpoint,guardrail,targets,attempts,invocations,successes,errors,throttles,timeouts,failed_invocations,fallbacks,tier_downgrades,cache_unused,short_answers,warmups,thin_percentiles,ttft_n,ttft_mean,ttft_std,ttft_min,ttft_p50,ttft_p90,ttft_p95,ttft_p99,ttft_max,total_latency_n,"
    ));
    assert!(header.ends_with(
        "total_from_scheduled_p99,total_from_scheduled_max,calls_priced,unpriced_calls,cost_usd_total,cost_per_1k_calls_usd,scheduled_calls,dispatch_lag_p50_s,dispatch_lag_p99_s,dispatch_lag_max_s,queued_calls,queued_max_s"
    ));
    for (column, want) in [
        ("targets", "aws;emulator"),
        ("attempts", "4"),
        ("invocations", "3"),
        ("successes", "2"),
        ("errors", "2"),
        ("throttles", "1"),
        ("timeouts", "1"),
        ("failed_invocations", "1"),
        ("fallbacks", "1"),
        ("ttft_mean", "0.600000"),
        ("ttft_std", "0.141421"),
        // Two values: no tail percentile (a p90 needs 10).
        ("ttft_n", "2"),
        ("ttft_p90", ""),
        ("ttft_p99", ""),
        ("thin_percentiles", "p90 n<10; p95 n<20; p99 n<100"),
        ("variant", "optimized"),
        ("service_tier", "default"),
        ("cache", ""),
        ("tier_downgrades", "0"),
        ("generation_otps_p50", "50.000000"),
        ("tpot_max", "0.020000"),
        ("inter_chunk_gap_p50", "0.200000"),
        ("server_latency_mean", "1.500000"),
        ("time_to_response_std", ""),
        ("output_tokens_mean", "51.000000"),
        // A closed loop: no schedule.
        ("ttft_from_scheduled_n", "0"),
        ("ttft_from_scheduled_p50", ""),
        ("scheduled_calls", "0"),
        ("dispatch_lag_p99_s", ""),
    ] {
        assert_eq!(field(header, line, column), want, "{column}");
    }
    assert!(analysis.warnings.iter().any(|w| w.starts_with("1 of 2 ")));
}

#[test]
fn generation_otps_is_derived_for_the_python_tools_files() {
    let dir = TempDir::new("derived");
    let text = format!(
        "{}\n{}\n{}\n",
        python_header(),
        python_row("0.5", "1.5", "10", "51", "m", "", "1", "Success"),
        python_row("0.5", "2.5", "10", "1", "m", "", "2", "Success"),
    );
    let file = dir.write("run.csv", &text);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let g = &analysis.groups[0];
    // (51 - 1) / (1.5 - 0.5) = 50; one output token has no decode rate.
    let generation = g.metric(Metric::GenerationOtps).expect("generation otps");
    assert_eq!((generation.count, generation.mean), (1, 50.0));
    assert_eq!(g.metric(Metric::Tpot).map(|s| s.mean), Some(0.02));
    assert!(g.metric(Metric::InterChunkGap).is_none());
    assert!(g.metric(Metric::ServerLatency).is_none());
    let otps = g.metric(Metric::Otps).expect("otps");
    assert_eq!((otps.min, otps.max), (0.4, 34.0));
}

#[test]
fn the_comparison_file_has_one_row_per_model_and_region() {
    let dir = TempDir::new("cmpfile");
    let file = write_ours(
        dir.path(),
        "r",
        &[
            ours("m", "standard", "1", 0.5, 1.5, 51),
            ours("m", "optimized", "2", 0.25, 0.75, 51),
        ],
    );
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    let mut bytes = Vec::new();
    comparison_csv::write(&mut bytes, &analysis.comparisons).expect("write");
    let text = String::from_utf8(bytes).expect("utf8");
    assert_eq!(
        text,
        "model,region,axis,baseline,variant,n_baseline,n_variant,\
         ttft_p50_baseline,ttft_p50_variant,ttft_p50_ratio,ttft_p50_ratio_ci_low,ttft_p50_ratio_ci_high,\
         time_to_first_text_p50_baseline,time_to_first_text_p50_variant,time_to_first_text_p50_ratio,time_to_first_text_p50_ratio_ci_low,time_to_first_text_p50_ratio_ci_high,\
         generation_otps_p50_baseline,generation_otps_p50_variant,generation_otps_p50_ratio,generation_otps_p50_ratio_ci_low,generation_otps_p50_ratio_ci_high,\
         total_latency_p50_baseline,total_latency_p50_variant,total_latency_p50_ratio,total_latency_p50_ratio_ci_low,total_latency_p50_ratio_ci_high,\
         mismatches,cost_per_1k_calls_usd_baseline,cost_per_1k_calls_usd_variant,cost_ratio\n\
         m,us-east-2,performance_config,standard,optimized,1,1,\
         0.500000,0.250000,0.500000,0.500000,0.500000,\
         ,,,,,\
         50.000000,100.000000,2.000000,2.000000,2.000000,\
         1.500000,0.750000,0.500000,0.500000,0.500000,\
         0,,,\n"
    );
}
