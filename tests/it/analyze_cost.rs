//! `analyze`'s costs, on hand-written raw CSVs: per group the exact total
//! of the `cost_usd` cells and the cost per 1,000 calls (an empty cell of
//! a successful call counted as unpriced, never as 0); per comparison the
//! ratio of the mean costs; files without `cost_usd` priced from their
//! tokens with the built-in table, and every row re-priced with a price
//! file when one is given.

use crate::analyze_support;

use std::sync::Arc;

use analyze_support::{TempDir, python_header, python_row};
use bedrock_bench::analysis::{AnalyzeOptions, Axis, CostSource, MixPolicy, ReadOptions, analyze};
use bedrock_bench::config::parse_price_file;
use bedrock_bench::export::{comparison_csv, extended_csv};
use bedrock_catalog::prices::{Cost, PriceKey, PriceTable, TokenUsage};

const NOVA: &str = "us.amazon.nova-pro-v1:0";

fn options(prices: Option<PriceTable>) -> AnalyzeOptions {
    AnalyzeOptions {
        mix: MixPolicy::Together,
        read: ReadOptions {
            prices: prices.map(Arc::new),
            ..ReadOptions::default()
        },
        ..AnalyzeOptions::default()
    }
}

/// The Python tool's columns, then `service_tier` and `cost_usd`.
fn file_with_costs(dir: &TempDir) -> std::path::PathBuf {
    let mut text = format!("{},service_tier,cost_usd\n", python_header());
    let rows = [
        ("0.5", "1.0", "d1", "Success", "", "0.001"),
        ("0.6", "1.1", "d2", "Success", "", "0.002"),
        ("0.7", "1.2", "d3", "Success", "", "0.003"),
        // A success whose cost is unknown: unpriced, not 0.
        ("0.7", "1.2", "d4", "Success", "", ""),
        // A throttle reported no usage: neither priced nor unpriced.
        ("", "0.1", "d5", "ThrottlingException", "", ""),
        ("0.4", "0.9", "p1", "Success", "priority", "0.0035"),
        ("0.4", "0.9", "p2", "Success", "priority", "0.0035"),
    ];
    for (ttft, total, id, status, tier, cost) in rows {
        let (input, output) = if status == "Success" {
            ("10", "50")
        } else {
            ("", "")
        };
        text.push_str(&python_row(
            ttft, total, input, output, NOVA, "standard", id, status,
        ));
        text.push_str(&format!(",{tier},{cost}\n"));
    }
    dir.write("costs.csv", &text)
}

fn pico(usd: &str) -> u64 {
    usd.parse::<Cost>().expect("amount").picodollars()
}

#[test]
fn group_costs_are_exact_sums_and_unknown_is_never_zero() {
    let dir = TempDir::new("cost-groups");
    let path = file_with_costs(&dir);
    let analysis = analyze(&[&path], &options(None)).expect("analyzed");
    assert_eq!(analysis.dataset.sources()[0].costs, CostSource::Column);
    let group = |label: &str| {
        analysis
            .groups
            .iter()
            .find(|g| g.performance_config == label)
            .unwrap_or_else(|| panic!("group {label}"))
    };
    let default = group("standard");
    assert_eq!(default.cost.priced, 3);
    assert_eq!(default.cost.unpriced, 1);
    assert_eq!(
        default.cost.total(),
        Some(Cost::from_picodollars(pico("0.006")))
    );
    assert_eq!(
        default.cost.per_1k_calls().map(|c| c.to_string()),
        Some("2".into())
    );
    let priority = group("standard+priority");
    assert_eq!(priority.cost.priced, 2);
    assert_eq!(priority.cost.unpriced, 0);
    assert_eq!(
        priority.cost.total().map(|c| c.to_string()),
        Some("0.007".into())
    );
    assert_eq!(
        priority.cost.per_1k_calls().map(|c| c.to_string()),
        Some("3.5".into())
    );

    // The extended CSV: the four cost columns, then the open loop's
    // schedule columns.
    let header = extended_csv::columns();
    let record = extended_csv::record(default);
    let at = |name: &str| {
        let i = header.iter().position(|h| h == name).expect(name);
        record[i].clone()
    };
    assert_eq!(at("calls_priced"), "3");
    assert_eq!(at("unpriced_calls"), "1");
    assert_eq!(at("cost_usd_total"), "0.006");
    assert_eq!(at("cost_per_1k_calls_usd"), "2");
    let schedule = extended_csv::SCHEDULE_COLUMNS.len();
    let costs = header.len() - schedule - 4..header.len() - schedule;
    assert_eq!(header[costs], extended_csv::COST_COLUMNS);
    assert_eq!(
        header[header.len() - schedule..],
        extended_csv::SCHEDULE_COLUMNS
    );

    // The comparison default vs priority: the ratio of the mean costs.
    let pair = analysis
        .comparisons
        .iter()
        .find(|c| c.axis == Axis::ServiceTier)
        .expect("a service tier comparison");
    assert_eq!(pair.cost_ratio(), Some(1.75));
    let header = comparison_csv::columns();
    let record = comparison_csv::record(pair);
    let n = header.len();
    assert_eq!(header[n - 3..], comparison_csv::COST_COLUMNS);
    assert_eq!(record[n - 3..], ["2", "3.5", "1.750000"]);
}

#[test]
fn a_group_without_a_priced_call_has_empty_amounts() {
    let dir = TempDir::new("cost-none");
    let mut text = format!("{},cost_usd\n", python_header());
    text.push_str(&python_row(
        "0.5", "1.0", "10", "50", NOVA, "standard", "a", "Success",
    ));
    text.push_str(",\n");
    let path = dir.write("none.csv", &text);
    let analysis = analyze(&[&path], &options(None)).expect("analyzed");
    let g = &analysis.groups[0];
    assert_eq!((g.cost.priced, g.cost.unpriced), (0, 1));
    let header = extended_csv::columns();
    let record = extended_csv::record(g);
    let schedule = extended_csv::SCHEDULE_COLUMNS.len();
    assert_eq!(
        record[header.len() - schedule - 4..header.len() - schedule],
        ["0", "1", "", ""]
    );
}

#[test]
fn files_without_cost_usd_are_priced_with_the_built_in_table_and_prices_reprice_every_row() {
    let dir = TempDir::new("cost-reprice");
    let mut text = format!("{}\n", python_header());
    for (i, output) in [50u64, 40, 30].into_iter().enumerate() {
        text.push_str(&python_row(
            "0.5",
            "1.0",
            "12",
            &output.to_string(),
            NOVA,
            "optimized",
            &format!("i{i}"),
            "Success",
        ));
        text.push('\n');
    }
    let path = dir.write("python.csv", &text);
    let usage = |output| TokenUsage {
        input: 12,
        output,
        ..TokenUsage::default()
    };
    let key = PriceKey::of(
        NOVA,
        None,
        Some(bedrock_catalog::PerformanceConfig::Optimized),
    );

    // No cost_usd column: the built-in table, at the row's performance config.
    let analysis = analyze(&[&path], &options(None)).expect("analyzed");
    assert_eq!(analysis.dataset.sources()[0].costs, CostSource::Builtin);
    let builtin = PriceTable::builtin();
    let expected: Cost = [50, 40, 30]
        .map(|o| builtin.cost(&key, &usage(o)).expect("built-in price"))
        .into_iter()
        .sum();
    let g = &analysis.groups[0];
    assert_eq!((g.cost.priced, g.cost.total()), (3, Some(expected)));

    // A price file: 2 in / 8 out for Nova Pro optimized, exactly.
    let entries = parse_price_file(
        r#"{"model": "amazon.nova-pro-v1:0", "performance_config": "optimized", "input": 2, "output": 8}"#,
        "prices.jsonl",
    )
    .expect("price file");
    let analysis = analyze(
        &[&path],
        &options(Some(PriceTable::with_overrides(entries))),
    )
    .expect("analyzed");
    assert_eq!(analysis.dataset.sources()[0].costs, CostSource::PriceFile);
    let g = &analysis.groups[0];
    let exact = (12 * 3 * 2_000_000) + (120 * 8_000_000);
    assert_eq!(g.cost.total(), Some(Cost::from_picodollars(exact)));
    assert_eq!(
        g.cost.per_1k_calls(),
        Some(Cost::from_picodollars(exact * 1000 / 3))
    );
}

#[test]
fn one_hour_cache_writes_are_repriced_at_the_one_hour_price() {
    let dir = TempDir::new("cost-ttl");
    let sonnet = "us.anthropic.claude-sonnet-4-20250514-v1:0";
    let mut text = format!(
        "{},prompt_cache,cache_read_input_tokens,cache_write_input_tokens\n",
        python_header()
    );
    for (id, cache) in [("f1", "system/5m"), ("h1", "system/1h")] {
        text.push_str(&python_row(
            "0.5", "1.0", "10", "20", sonnet, "standard", id, "Success",
        ));
        text.push_str(&format!(",{cache},0,1000\n"));
    }
    let path = dir.write("ttl.csv", &text);
    let analysis = analyze(&[&path], &options(None)).expect("analyzed");
    // Both rows write the cache: one group (`+cache:write`).
    assert_eq!(analysis.groups.len(), 1);
    // Sonnet 4: 10 in x $3, 20 out x $15, 1,000 written x $3.75 (5m) or $6 (1h)
    // per million tokens.
    let base = 10 * 3_000_000 + 20 * 15_000_000;
    let total = analysis.groups[0]
        .cost
        .total()
        .expect("priced")
        .picodollars();
    assert_eq!(total, 2 * base + 1000 * 3_750_000 + 1000 * 6_000_000);
}
