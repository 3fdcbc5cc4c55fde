//! The prefill cost end to end: a raw CSV whose TTFT grows by 0.5 s per
//! 1,000 input tokens from 0.2 s (plus small deterministic noise) is
//! fitted back, and the publish step writes the prefill CSV, the table on
//! the terminal and on the page, and the chart; a run whose inputs do not
//! vary publishes none of them.

use crate::analyze_support;

use analyze_support::{FixtureRow, TempDir, ours, write_ours};
use bedrock_bench::analysis::{AnalyzeOptions, NoFit, analyze};
use bedrock_bench::export::prefill_csv;
use bedrock_bench::publish::analysis::{Destination, Published, publish};

const STAMP: &str = "20250708_130000";
const MODEL: &str = "us.amazon.nova-pro-v1:0";

/// 40 calls of `config`, five at each of 500, 1,000, ..., 4,000 input
/// tokens, TTFT = 0.2 s + 0.5 ms per token give or take 4 ms (the same
/// five deviations at every length, so that they do not tilt the line).
fn varied(config: &str) -> Vec<FixtureRow> {
    (0..40u32)
        .map(|i| {
            let input = 500 * (i % 8 + 1);
            let noise = f64::from(i / 8) * 0.002 - 0.004;
            let ttft = 0.2 + 0.0005 * f64::from(input) + noise;
            let mut row = ours(
                MODEL,
                config,
                &format!("{config}-{i}"),
                ttft,
                ttft + 1.0,
                50,
            );
            row.model_input_tokens = Some(input);
            row
        })
        .collect()
}

/// 10 calls of `config`, every one with the fixture's 10 input tokens.
fn constant(config: &str) -> Vec<FixtureRow> {
    (0..10u32)
        .map(|i| {
            let ttft = 0.3 + f64::from(i) / 1000.0;
            ours(
                MODEL,
                config,
                &format!("{config}-{i}"),
                ttft,
                ttft + 1.0,
                50,
            )
        })
        .collect()
}

/// Analyze `rows` and publish the analysis into `dir`: what was
/// published and the terminal's text.
fn published(dir: &TempDir, rows: &[FixtureRow]) -> (Published, String) {
    let csv = write_ours(&dir.path().join("results"), "20250708_125900", rows);
    let analysis = analyze(&[csv], &AnalyzeOptions::default()).expect("analyze");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let destination = Destination {
        out: dir.path(),
        stamp: STAMP,
        price_file: None,
    };
    let published = publish(&analysis, destination, &mut out, &mut err);
    assert!(published.errors.is_empty(), "{}", published.errors);
    (published, String::from_utf8(out).expect("UTF-8"))
}

#[test]
fn ttft_against_input_tokens_gives_back_the_prefill_cost() {
    let dir = TempDir::new("prefill-fit");
    let mut rows = varied("standard");
    rows.extend(constant("optimized"));
    let csv = write_ours(&dir.path().join("results"), "20250708_125900", &rows);
    let analysis = analyze(&[csv], &AnalyzeOptions::default()).expect("analyze");
    assert!(analysis.has_prefill_fit());
    assert_eq!(analysis.prefill.len(), 2);

    let optimized = &analysis.prefill[0];
    assert_eq!(optimized.performance_config, "optimized");
    assert_eq!(
        optimized.fit,
        Err(NoFit::TooFewLengths {
            calls: 10,
            lengths: 1
        })
    );

    let standard = &analysis.prefill[1];
    assert_eq!(standard.performance_config, "standard");
    let fit = standard.fit.expect("a fit of the varied inputs");
    assert_eq!(fit.calls, 40);
    assert_eq!(
        (fit.min_input_tokens, fit.max_input_tokens),
        (500.0, 4000.0)
    );
    // The noise does not tilt the line: the truth, to the microseconds
    // the raw CSV keeps, inside intervals that the noise makes wider
    // than nothing.
    assert!(
        (fit.slope_per_1k.value - 0.5).abs() < 1e-5,
        "{:?}",
        fit.slope_per_1k
    );
    assert!(fit.slope_per_1k.contains(0.5), "{:?}", fit.slope_per_1k);
    assert!(fit.slope_per_1k.high - fit.slope_per_1k.low > 1e-4);
    assert!(
        (fit.intercept.value - 0.2).abs() < 1e-5,
        "{:?}",
        fit.intercept
    );
    assert!(fit.intercept.contains(0.2), "{:?}", fit.intercept);
    assert!(fit.intercept.high - fit.intercept.low > 1e-4);
    assert!(
        fit.r_squared > 0.99 && fit.r_squared < 1.0,
        "{}",
        fit.r_squared
    );
    assert!(!fit.is_narrow());
}

#[test]
fn the_publish_step_writes_the_prefill_csv_table_and_chart() {
    let dir = TempDir::new("prefill-publish");
    let mut rows = varied("standard");
    rows.extend(constant("optimized"));
    let (published, stdout) = published(&dir, &rows);

    // The fourth CSV, with the other three's stamp.
    let names: Vec<String> = published
        .csvs
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["summary", "extended", "comparison", "prefill"]
            .map(|s| format!("analysis_{s}_{STAMP}.csv"))
    );
    let text = std::fs::read_to_string(&published.csvs[3]).expect("the prefill CSV");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(header, prefill_csv::columns());
    let field = |line: &str, column: &str| -> String {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader
            .records()
            .next()
            .expect("a record")
            .expect("a CSV record");
        let at = header
            .iter()
            .position(|h| *h == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        record[at].to_string()
    };
    let optimized = lines.next().expect("the optimized row");
    assert_eq!(field(optimized, "performance_config"), "optimized");
    assert_eq!(field(optimized, "calls"), "10");
    assert_eq!(field(optimized, "slope_s_per_1k_tokens"), "");
    assert_eq!(
        field(optimized, "note"),
        "no fit: 1 distinct input length(s) among 10 calls, 3 needed"
    );
    let standard = lines.next().expect("the standard row");
    assert!(lines.next().is_none(), "one row per group");
    assert_eq!(field(standard, "calls"), "40");
    assert_eq!(field(standard, "input_tokens_min"), "500");
    assert_eq!(field(standard, "input_tokens_max"), "4000");
    let number = |column: &str| -> f64 {
        field(standard, column)
            .parse()
            .unwrap_or_else(|_| panic!("{column} is a number"))
    };
    assert!(number("slope_s_per_1k_tokens_ci_low") <= 0.5);
    assert!(number("slope_s_per_1k_tokens_ci_high") >= 0.5);
    assert!((number("intercept_s") - 0.2).abs() < 1e-5);
    assert_eq!(field(standard, "note"), "");

    // The terminal's table, in milliseconds per 1,000 tokens.
    assert!(
        stdout.contains("Prefill cost (TTFT against input tokens"),
        "{stdout}"
    );
    assert!(stdout.contains("| 500 to 4,000 "), "{stdout}");
    assert!(stdout.contains("ms_per_1k_tokens [95% CI]"), "{stdout}");

    // The page: its section, its table, its chart, its CSV linked.
    let report = published.report.expect("the charts and the page");
    let html = std::fs::read_to_string(&report.index).expect("index");
    assert!(html.contains("<section id=\"prefill\">"), "prefill section");
    assert!(
        html.contains("<a href=\"#prefill\">Prefill</a>"),
        "nav link"
    );
    assert!(html.contains("id=\"prefill-table\""), "the prefill table");
    assert!(html.contains("500 to 4,000"), "the range covered");
    assert!(
        html.contains(&format!(
            "href=\"results-analysis/analysis_prefill_{STAMP}.csv\""
        )),
        "the CSV linked"
    );
    assert!(html.contains("id=\"chart-prefill\""), "the chart");
    let chart = report
        .charts
        .charts
        .iter()
        .find(|c| c.name == "prefill")
        .expect("the prefill chart");
    let svg = std::fs::read_to_string(&chart.files.svg).expect("the SVG");
    assert!(svg.contains("TTFT against input tokens"), "its title");
    assert!(svg.contains("40 calls, TTFT = 0.2"), "its caption");
    assert!(chart.files.png.is_file());
}

#[test]
fn inputs_that_do_not_vary_publish_no_prefill_cost() {
    let dir = TempDir::new("prefill-none");
    let mut rows = constant("standard");
    rows.extend(constant("optimized"));
    let (published, stdout) = published(&dir, &rows);
    assert_eq!(published.csvs.len(), 3, "{:?}", published.csvs);
    assert!(!stdout.contains("Prefill cost"), "{stdout}");
    let report = published.report.expect("the charts and the page");
    assert!(report.charts.charts.iter().all(|c| c.name != "prefill"));
    let html = std::fs::read_to_string(&report.index).expect("index");
    for absent in [
        "id=\"prefill\"",
        "#prefill",
        "prefill-table",
        "analysis_prefill_",
    ] {
        assert!(!html.contains(absent), "{absent}");
    }
}
