//! Every chart tells apart every group it draws, with four variants of one
//! model (standard, optimized, the priority and the flex tier) beside a
//! second model: each chart's SVG is parsed, and each legend entry's
//! swatch (the shapes drawn just before its text) must have its own
//! colour (and pattern), and the series drawn in the chart must be in
//! that colour and pattern. A variant has one colour on every chart.

use crate::report_support;

use std::collections::{HashMap, HashSet};

use bedrock_bench::analysis::{Analysis, AnalyzeOptions, analyze};
use bedrock_bench::plot::{Chart, ChartSet};
use bedrock_bench::report::write_report_with;
use report_support::TempDir;
use report_support::fixture::{FixtureRow, write_rows};
use roxmltree::{Document, Node};

const TIERED: &str = "us.amazon.nova-pro-v1:0";
const OTHER: &str = "us.meta.llama3-1-70b-instruct-v1:0";

/// (model, performance config, service tier, TTFT, decode rate).
const GROUPS: [(&str, &str, &str, f64, f64); 6] = [
    (TIERED, "standard", "", 0.40, 80.0),
    (TIERED, "standard", "priority", 0.30, 110.0),
    (TIERED, "standard", "flex", 0.80, 50.0),
    (TIERED, "optimized", "", 0.25, 140.0),
    (OTHER, "standard", "", 0.60, 40.0),
    (OTHER, "optimized", "", 0.45, 90.0),
];

/// The variant labels of [`GROUPS`], as the analysis names them.
const VARIANTS: [&str; 4] = [
    "standard",
    "optimized",
    "standard+flex",
    "standard+priority",
];

fn rows() -> Vec<FixtureRow> {
    let mut rows = Vec::new();
    let mut start = 0.0;
    for round in 0..30 {
        for (g, &(model, config, tier, ttft, rate)) in GROUPS.iter().enumerate() {
            start += 1.5;
            // Spread that differs per group and per call, exact to the
            // microsecond.
            let jitter = ((round * 7 + g * 3) % 11) as f64 / 100.0;
            let first = ((ttft + jitter) * 1e6).round() / 1e6;
            let output = 60u32;
            let offsets: Vec<f64> = (0..20)
                .map(|k| ((first + k as f64 * 3.0 / rate) * 1e6).round() / 1e6)
                .collect();
            let total = offsets[19] + 0.01;
            rows.push(FixtureRow {
                time_to_first_byte: Some(first),
                time_to_last_byte: Some((total * 1e6).round() / 1e6),
                job_timestamp_iso: format!(
                    "2025-07-08T12:{:02}:{:02}.000000Z",
                    (start / 60.0) as u32,
                    (start % 60.0) as u32
                ),
                configured_output_tokens_for_request: 100,
                model_input_tokens: Some(30),
                model_output_tokens: Some(output),
                model: model.into(),
                region: "us-east-1".into(),
                invocation_id: format!("g{g}-i{round}"),
                api_call_status: "Success".into(),
                experiment_name: "groups".into(),
                performance_config: config.into(),
                performance_config_sent: if config == "optimized" {
                    "optimized".into()
                } else {
                    String::new()
                },
                served_performance_config: config.into(),
                service_tier: tier.into(),
                served_service_tier: tier.into(),
                timestamp: "20250708_120000".into(),
                run_count: 1,
                target: "aws".into(),
                scenario: format!("g{g}"),
                attempt: 1,
                start_offset_s: Some(start),
                phase: "run".into(),
                delta_offsets: offsets
                    .iter()
                    .map(|o| format!("{o:.6}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                ..FixtureRow::default()
            });
        }
    }
    rows
}

fn analyzed(dir: &std::path::Path) -> Analysis {
    let csv = write_rows(&dir.join("results"), "20250708_120000", &rows());
    analyze(&[csv], &AnalyzeOptions::default()).expect("analyze")
}

fn chart<'a>(charts: &'a ChartSet, name: &str) -> &'a Chart {
    charts
        .charts
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no chart {name}"))
}

fn text_of(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
        .trim()
        .to_string()
}

/// How a shape is painted: its colour and whether it is a stroke or a fill.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Paint {
    tag: String,
    color: String,
}

fn paint(node: Node<'_, '_>) -> Paint {
    let color = match node.tag_name().name() {
        "polyline" | "line" => node.attribute("stroke"),
        _ => node.attribute("fill"),
    };
    Paint {
        tag: node.tag_name().name().to_string(),
        color: color.unwrap_or("").to_uppercase(),
    }
}

/// The legend entry whose text satisfies `is_label`: the shapes drawn
/// just before that text (its swatch). Exactly one such text must exist.
fn swatch<'a, 'i>(doc: &'a Document<'i>, is_label: impl Fn(&str) -> bool) -> Vec<Node<'a, 'i>> {
    let elements: Vec<Node> = doc
        .root_element()
        .children()
        .filter(|n| n.is_element())
        .collect();
    let at: Vec<usize> = elements
        .iter()
        .enumerate()
        .filter(|(_, n)| n.has_tag_name("text") && is_label(&text_of(**n)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        at.len(),
        1,
        "one legend text among {:?}",
        elements
            .iter()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| text_of(*n))
            .collect::<Vec<_>>()
    );
    // The swatch: the shapes on the text's row just left of it.
    let text = elements[at[0]];
    let number = |name: &str| -> f64 {
        text.attribute(name)
            .and_then(|v| v.parse().ok())
            .expect("a text position")
    };
    let (tx, ty) = (number("x"), number("y"));
    let shapes: Vec<Node> = elements[..at[0]]
        .iter()
        .copied()
        .filter(|n| {
            let (x, y) = centre(*n);
            (y - ty).abs() <= 10.0 && x < tx && x >= tx - 45.0
        })
        .collect();
    assert!(!shapes.is_empty(), "the legend entry has a swatch");
    shapes
}

/// The centre of a shape, in pixels.
fn centre(node: Node<'_, '_>) -> (f64, f64) {
    let number = |name: &str| -> f64 {
        node.attribute(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    match node.tag_name().name() {
        "rect" => (
            number("x") + number("width") / 2.0,
            number("y") + number("height") / 2.0,
        ),
        "circle" => (number("cx"), number("cy")),
        "polyline" => {
            let points: Vec<(f64, f64)> = node
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            let n = points.len().max(1) as f64;
            (
                points.iter().map(|p| p.0).sum::<f64>() / n,
                points.iter().map(|p| p.1).sum::<f64>() / n,
            )
        }
        _ => (f64::NAN, f64::NAN),
    }
}

/// The one colour of a swatch's shapes.
fn swatch_color(shapes: &[Node<'_, '_>]) -> String {
    let colors: HashSet<String> = shapes.iter().map(|n| paint(*n).color).collect();
    assert_eq!(colors.len(), 1, "a swatch has one colour: {colors:?}");
    colors.into_iter().next().unwrap_or_default()
}

fn all_distinct<T: std::hash::Hash + Eq + std::fmt::Debug>(what: &str, items: &[T]) {
    let set: HashSet<&T> = items.iter().collect();
    assert_eq!(set.len(), items.len(), "{what}: {items:?}");
}

/// The box charts: one legend entry per variant in its own colour, and a
/// box of that colour for each model that has the variant.
fn box_colors(chart: &Chart) -> HashMap<String, String> {
    let doc = Document::parse(&chart.rendered.svg).expect("svg");
    let mut colors = HashMap::new();
    for variant in VARIANTS {
        let shapes = swatch(&doc, |t| t == variant);
        let color = swatch_color(&shapes);
        let models = GROUPS
            .iter()
            .filter(|(_, config, tier, _, _)| label(config, tier) == variant)
            .count();
        let boxes = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("rect")
                    && n.attribute("opacity") == Some("0.35")
                    && paint(*n).color == color
            })
            .count();
        assert_eq!(
            boxes, models,
            "{}: {variant} is drawn in its legend colour {color}",
            chart.name
        );
        colors.insert(variant.to_string(), color);
    }
    let list: Vec<&String> = colors.values().collect();
    all_distinct(&format!("{}: variant colours", chart.name), &list);
    colors
}

fn label(config: &str, tier: &str) -> String {
    if tier.is_empty() {
        config.to_string()
    } else {
        format!("{config}+{tier}")
    }
}

#[test]
fn every_chart_tells_four_variants_of_one_model_apart() {
    let dir = TempDir::new("groups");
    let analysis = analyzed(dir.path());
    assert_eq!(analysis.groups.len(), GROUPS.len());
    let files = write_report_with(&analysis, dir.path(), "stamp", &[]).expect("report");
    let charts = &files.charts;

    // Box plots: the same colour per variant on all three.
    let ttft = box_colors(chart(charts, "box_ttft"));
    assert_eq!(box_colors(chart(charts, "box_otps")), ttft);
    assert_eq!(box_colors(chart(charts, "gaps")), ttft);

    // The CDF: every group its own colour, its variant's pattern; each
    // legend entry's line is drawn in the plot in that colour and
    // pattern.
    let cdf = chart(charts, "cdf_ttft");
    let doc = Document::parse(&cdf.rendered.svg).expect("svg");
    let mut styles = Vec::new();
    let mut dashed_by_variant: HashMap<String, HashSet<bool>> = HashMap::new();
    for g in &analysis.groups {
        let short = if g.model == TIERED {
            "nova-pro"
        } else {
            "llama3"
        };
        let entry = swatch(&doc, |t| {
            t.contains(short) && t.contains(&format!("· {} (n=30)", g.performance_config))
        });
        let color = swatch_color(&entry);
        let dashed = entry.len() > 1;
        let drawn: Vec<Node> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke-width") == Some("2")
                    && paint(*n).color == color
            })
            .collect();
        assert!(
            !drawn.is_empty(),
            "{}: its line is drawn",
            g.performance_config
        );
        if dashed {
            assert!(drawn.len() > 10, "a patterned line is drawn in pieces");
        } else {
            assert_eq!(drawn.len(), 1, "a solid line is one polyline");
        }
        dashed_by_variant
            .entry(g.performance_config.clone())
            .or_default()
            .insert(dashed);
        styles.push(color);
    }
    all_distinct("CDF line colours", &styles);
    for (variant, patterns) in &dashed_by_variant {
        assert_eq!(patterns.len(), 1, "{variant} has one pattern on the CDF");
    }
    assert_eq!(dashed_by_variant["standard"], HashSet::from([false]));
    assert_eq!(dashed_by_variant["optimized"], HashSet::from([true]));

    // The histograms: bars in their variant's colour (as on the box
    // plots).
    for chart in charts.charts.iter().filter(|c| c.name.starts_with("hist_")) {
        let group = &analysis.groups[chart.group.expect("a group")];
        let doc = Document::parse(&chart.rendered.svg).expect("svg");
        let bars: HashSet<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("opacity") == Some("0.8"))
            .map(|n| paint(n).color)
            .collect();
        assert_eq!(
            bars,
            HashSet::from([ttft[&group.performance_config].clone()]),
            "{}",
            chart.name
        );
        // Its markers: mean, p50, p90, each drawn as its swatch.
        for (marker, count) in [("mean ", 2), ("p50 ", 2), ("p90 ", 2)] {
            let mut found = 0;
            let texts: Vec<String> = doc
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .map(text_of)
                .filter(|t| t.starts_with(marker))
                .collect();
            for text in &texts {
                let entry = swatch(&doc, |t| t == text);
                let color = swatch_color(&entry);
                assert!(
                    doc.descendants()
                        .filter(|n| n.has_tag_name("polyline") && paint(*n).color == color)
                        .count()
                        > 2 * entry.len(),
                    "{}: the {marker}marker is drawn in its legend colour",
                    chart.name
                );
                found += 1;
            }
            assert_eq!(found, count, "{}: {marker}in both panels", chart.name);
        }
    }

    // The tier comparison: one row per pair, named by its variant, and a
    // legend of the verdict colours that are drawn.
    let comparison = chart(charts, "comparison_service_tier");
    let doc = Document::parse(&comparison.rendered.svg).expect("svg");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(text_of)
        .collect();
    for variant in ["standard+flex", "standard+priority"] {
        assert!(
            texts.iter().any(|t| t.ends_with(&format!("· {variant}"))),
            "a row for {variant}: {texts:?}"
        );
    }
    let verdicts: Vec<String> = ["better with", "worse with", "no clear difference"]
        .iter()
        .map(|start| swatch_color(&swatch(&doc, |t| t.starts_with(start))))
        .collect();
    all_distinct("verdict colours", &verdicts);
    for point in doc.descendants().filter(|n| n.has_tag_name("circle")) {
        let color = paint(point).color;
        assert!(
            verdicts.contains(&color),
            "every point's colour is in the legend: {color} not in {verdicts:?}"
        );
    }

    // The timeline: one panel per group, each captioned with its group.
    let timeline = chart(charts, "timeline");
    let doc = Document::parse(&timeline.rendered.svg).expect("svg");
    let captions: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(text_of)
        .filter(|t| t.contains(": 30 calls"))
        .collect();
    assert_eq!(captions.len(), GROUPS.len(), "{captions:?}");
    all_distinct("timeline panels", &captions);
}
