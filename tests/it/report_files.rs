//! The charts and the report page of a fixed raw CSV (two models, one
//! about ten times slower, each standard and optimized; throttled and
//! failed attempts; a group with no successful call; fallbacks; a warm-up
//! call): every chart file exists and parses, the group without a
//! success gets its note, the page holds the banner, the tables, every
//! chart and only escaped data, and nothing is overwritten.

use crate::report_support;

use std::path::Path;

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::plot::boxplot::{BoxChart, BoxMetric};
use bedrock_bench::plot::data::chart_data;
use bedrock_bench::plot::{ChartSet, Section};
use bedrock_bench::publish::PublishError;
use bedrock_bench::publish::analysis::{Destination, Published, publish};
use bedrock_bench::report::{ReportFiles, write_report, write_report_with};
use report_support::{BROKEN, BROKEN_MESSAGE, FAST, SLOW, TempDir, analyzed};

const STAMP: &str = "20250708_120000";

fn report(dir: &Path) -> ReportFiles {
    let analysis = analyzed(dir);
    write_report_with(&analysis, dir, STAMP, &[]).expect("write the report")
}

/// Width and height from a PNG's IHDR chunk, after checking the
/// signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG signature"
    );
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR is the first chunk");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

/// The text of every `<text>` element of an SVG document.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect()
}

#[test]
fn every_chart_file_exists_and_parses() {
    let dir = TempDir::new("files");
    let files = report(dir.path());
    let charts: &ChartSet = &files.charts;
    assert_eq!(files.plots, dir.path().join("plots").join(STAMP));
    // comparison, 2 box plots, CDF, gaps, timeline, 5 groups.
    assert_eq!(charts.charts.len(), 11, "{:?}", names(charts));
    assert!(charts.omitted.is_empty(), "{:?}", charts.omitted);
    for chart in &charts.charts {
        assert!(chart.files.svg.starts_with(&files.plots));
        let png = std::fs::read(&chart.files.png).expect("PNG file");
        let (w, h) = png_size(&png);
        assert_eq!((w, h), (chart.rendered.width, chart.rendered.height));
        assert!(w >= 800 && h >= 150, "{}: {w}x{h}", chart.name);
        // The png crate decodes it, to the last row.
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().expect("PNG header");
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).expect("PNG data");
        assert!(
            pixels.iter().any(|&b| b < 128),
            "{}: something is drawn",
            chart.name
        );

        let svg = std::fs::read_to_string(&chart.files.svg).expect("SVG file");
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{}: SVG is not well-formed: {e}", chart.name));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
        assert_eq!(root.attribute("height"), Some(h.to_string().as_str()));
        assert!(
            !svg_texts(&svg).is_empty(),
            "{}: a chart has a title",
            chart.name
        );
    }
}

fn names(charts: &ChartSet) -> Vec<&str> {
    charts.charts.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn the_group_without_a_success_gets_a_note_chart_and_notes_in_the_others() {
    let dir = TempDir::new("note");
    let files = report(dir.path());
    let expected = "no successful call: 8 attempts, 6 throttled, 2 other errors";
    let notes: Vec<_> = files.charts.charts.iter().filter(|c| c.is_note).collect();
    assert_eq!(notes.len(), 1, "one note: the broken group");
    let note = notes[0];
    assert_eq!(note.section, Section::Group);
    let svg = std::fs::read_to_string(&note.files.svg).expect("svg");
    let texts = svg_texts(&svg).join("\n");
    assert!(texts.contains(expected), "{texts}");
    assert!(texts.contains(BROKEN), "the full model id: {texts}");
    // The box plots, the CDF and the gaps say so in place of the box.
    for name in ["box_ttft", "box_otps", "cdf_ttft", "gaps"] {
        let chart = files
            .charts
            .charts
            .iter()
            .find(|c| c.name == name)
            .expect(name);
        let texts = svg_texts(&chart.rendered.svg).join("\n");
        assert!(texts.contains(expected), "{name}: {texts}");
    }
    let html = std::fs::read_to_string(&files.index).expect("index.html");
    assert!(
        html.contains("No successful call: 8 attempts, 6 throttled, 2 other errors."),
        "the page says it too"
    );
}

#[test]
fn a_model_ten_times_slower_gets_log_axes() {
    let dir = TempDir::new("log");
    let analysis = analyzed(dir.path());
    let data = chart_data(&analysis);
    let fast = data
        .iter()
        .find(|g| g.stats.model == FAST && g.stats.performance_config == "standard")
        .expect("fast");
    let slow = data
        .iter()
        .find(|g| g.stats.model == SLOW && g.stats.performance_config == "standard")
        .expect("slow");
    let ratio = slow.ttft[slow.ttft.len() / 2] / fast.ttft[fast.ttft.len() / 2];
    assert!(
        ratio > 8.0,
        "the fixture's slow model is ~10x slower: {ratio}"
    );
    assert!(BoxChart::metric(&data, BoxMetric::Ttft).scale().is_log());
    // Labels are short and distinct.
    let labels: Vec<&str> = data.iter().map(|g| g.label.as_str()).collect();
    assert!(labels.contains(&"nova-pro-v1:0"), "{labels:?}");
    assert!(labels.iter().all(|l| l.chars().count() <= 30), "{labels:?}");
}

#[test]
fn the_page_has_the_banner_the_tables_every_chart_and_escaped_data() {
    let dir = TempDir::new("page");
    let files = report(dir.path());
    let html = std::fs::read_to_string(&files.index).expect("index.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("id=\"simulated\""), "emulator rows: banner");
    assert!(html.contains(
        "SIMULATED: these numbers come from an emulator (time scale not recorded), not from measurements on Amazon Bedrock"
    ));
    for table in ["summary", "comparison", "counts", "errors"] {
        assert!(
            html.contains(&format!("<table id=\"{table}\">")),
            "table {table}"
        );
    }
    // The Python tool's columns.
    assert!(html.contains("<th>TTFT_<wbr>p50</th>"));
    assert!(html.contains("<th>OTPS_<wbr>std</th>"));
    // Experiment settings from the rows.
    for text in ["report-fixture", "20250708_110000", "0.7", "emulator"] {
        assert!(html.contains(text), "{text}");
    }
    // Every chart, embedded, with links to its files.
    for chart in &files.charts.charts {
        assert!(
            html.contains(&format!("<figure id=\"chart-{}\">", chart.name)),
            "{}",
            chart.name
        );
        assert!(html.contains(&format!("plots/{STAMP}/{}.svg", chart.name)));
        assert!(html.contains(&format!("plots/{STAMP}/{}.png", chart.name)));
    }
    assert_eq!(
        html.matches("src=\"data:image/svg+xml;base64,").count(),
        files.charts.charts.len()
    );
    // Self-contained: no external resource of any kind.
    assert_eq!(html.matches(" src=\"").count(), files.charts.charts.len());
    for external in ["<link", "src=\"http", "url(", "@import"] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("Content-Security-Policy"));
    // Data is escaped: the model id and the error message hold markup.
    assert!(html.contains("us.example.&lt;b&gt;broken&lt;/b&gt;&amp;&quot;model&quot;-v1:0"));
    assert!(html.contains(
        "Rate exceeded &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; try later"
    ));
    assert!(!html.contains(BROKEN));
    assert!(!html.contains(BROKEN_MESSAGE));
    assert!(!html.contains("<b>broken"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    // Chart labels are mapped to model ids.
    assert!(html.contains("<code>nova-pro-v1:0</code>: <code>us.amazon.nova-pro-v1:0</code>"));
    // Throttles and errors per group.
    assert!(html.contains("<th>throttles</th>"));
    // The kept copy links one level up.
    let copy = std::fs::read_to_string(&files.copy).expect("copy");
    assert_eq!(
        files.copy,
        dir.path()
            .join("results-analysis")
            .join(format!("report_{STAMP}.html"))
    );
    assert!(copy.contains(&format!("href=\"../plots/{STAMP}/box_ttft.svg\"")));
    assert!(html.contains(&format!("href=\"plots/{STAMP}/box_ttft.svg\"")));
}

#[test]
fn earlier_charts_and_reports_are_kept_and_index_html_is_the_latest() {
    let dir = TempDir::new("keep");
    let analysis = analyzed(dir.path());
    let first = write_report_with(&analysis, dir.path(), STAMP, &[]).expect("first");
    let first_png = std::fs::read(&first.charts.charts[0].files.png).expect("png");
    let second = write_report_with(&analysis, dir.path(), STAMP, &[]).expect("second");
    assert_ne!(first.plots, second.plots);
    assert_eq!(
        second.plots,
        dir.path().join("plots").join(format!("{STAMP}_2"))
    );
    assert_ne!(first.copy, second.copy);
    assert!(first.copy.is_file() && second.copy.is_file());
    assert_eq!(
        std::fs::read(&first.charts.charts[0].files.png).expect("png"),
        first_png,
        "untouched"
    );
    assert_eq!(first.index, second.index);
    let index = std::fs::read_to_string(&second.index).expect("index");
    assert!(index.contains(&format!("plots/{STAMP}_2/")), "the latest");
    // No temporary file left behind.
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty());
}

#[test]
fn the_summary_files_name_the_chart_directory_and_are_linked() {
    let dir = TempDir::new("stamp");
    let analysis = analyzed(dir.path());
    let files = analysis
        .write_files(dir.path(), STAMP)
        .expect("summary files");
    let report = write_report(&analysis, dir.path(), &files).expect("report");
    assert_eq!(report.plots, dir.path().join("plots").join(STAMP));
    let html = std::fs::read_to_string(&report.index).expect("index");
    assert!(html.contains(&format!(
        "href=\"results-analysis/analysis_summary_{STAMP}.csv\""
    )));
    // The page says where its costs come from, as the terminal does.
    let note = bedrock_bench::terminal::cost_note(&analysis, None);
    let words = note
        .split(" (")
        .next()
        .unwrap_or_default()
        .replace('\'', "&#39;");
    assert!(note.starts_with("Costs: "), "{note}");
    assert!(
        html.contains(&format!("<p class=\"note\" id=\"cost-source\">{words}")),
        "the cost note is on the page: {words}"
    );
    // A second analysis in the same second: the files get `_2`, so do the
    // charts.
    let files = analysis.write_files(dir.path(), STAMP).expect("again");
    let report = write_report(&analysis, dir.path(), &files).expect("report");
    assert_eq!(
        report.plots,
        dir.path().join("plots").join(format!("{STAMP}_2"))
    );
}

#[test]
fn criterion_reports_are_linked_only_when_they_exist() {
    let dir = TempDir::new("criterion");
    let analysis = analyzed(dir.path());
    let none = write_report_with(&analysis, dir.path(), STAMP, &[]).expect("report");
    let html = std::fs::read_to_string(&none.index).expect("index");
    assert!(!html.contains("href=\"criterion/"));
    assert!(html.contains("No criterion report"));

    // What criterion writes for `<model>/<config>` x ttft x region.
    let criterion = dir.path().join("criterion");
    let bench = criterion
        .join("us.amazon.nova-pro-v1_0_standard")
        .join("ttft")
        .join("us-east-2");
    std::fs::create_dir_all(bench.join("new")).expect("dirs");
    std::fs::create_dir_all(bench.join("report")).expect("dirs");
    std::fs::write(bench.join("report").join("index.html"), "<html></html>").expect("report");
    std::fs::write(
        bench.join("new").join("benchmark.json"),
        r#"{"group_id":"us.amazon.nova-pro-v1:0/standard","function_id":"ttft","value_str":"us-east-2","throughput":null,"full_id":"us.amazon.nova-pro-v1:0/standard/ttft/us-east-2","directory_name":"us.amazon.nova-pro-v1_0_standard/ttft/us-east-2","title":"us.amazon.nova-pro-v1:0/standard/ttft/us-east-2"}"#,
    )
    .expect("json");
    // A benchmark without its report page is not linked.
    let other = criterion.join("other").join("ttft").join("us-west-2");
    std::fs::create_dir_all(other.join("new")).expect("dirs");
    std::fs::write(
        other.join("new").join("benchmark.json"),
        r#"{"group_id":"other","function_id":"ttft","value_str":"us-west-2"}"#,
    )
    .expect("json");
    std::fs::create_dir_all(criterion.join("report")).expect("dirs");
    std::fs::write(criterion.join("report").join("index.html"), "<html></html>").expect("index");

    let some = write_report_with(&analysis, dir.path(), "20250708_130000", &[]).expect("report");
    let html = std::fs::read_to_string(&some.index).expect("index");
    assert!(html.contains("href=\"criterion/report/index.html\""));
    assert!(html.contains(
        "href=\"criterion/us.amazon.nova-pro-v1_0_standard/ttft/us-east-2/report/index.html\""
    ));
    assert!(html.contains("us.amazon.nova-pro-v1:0/standard"));
    assert!(!html.contains("criterion/other/"));
    let copy = std::fs::read_to_string(&some.copy).expect("copy");
    assert!(copy.contains("href=\"../criterion/report/index.html\""));
}

#[test]
fn the_python_tools_files_get_a_note_instead_of_gaps_and_a_timeline_from_their_timestamps() {
    // No extended columns: no delta_offsets, no start_offset_s; the
    // timeline places calls by job_timestamp_iso.
    let dir = TempDir::new("python");
    let header = bedrock_bench::record::Column::PYTHON
        .map(bedrock_bench::record::Column::name)
        .join(",");
    let mut text = format!("{header}\n");
    for (i, ttft) in [0.5, 0.6, 0.7, 0.55].iter().enumerate() {
        text.push_str(&format!(
            "{ttft},{},2025-07-08 11:29:5{i},100,10,50,us.amazon.nova-pro-v1:0,us-east-2,inv{i},Success,,0,0.9,,exp,qa,standard,20250708_112957,1\n",
            ttft + 1.0
        ));
    }
    let csv = dir.path().join("python.csv");
    std::fs::write(&csv, text).expect("csv");
    let analysis = analyze(&[&csv], &AnalyzeOptions::default()).expect("analyze");
    assert!(!analysis.is_simulated());
    let files = write_report_with(&analysis, dir.path(), STAMP, &[]).expect("report");
    let omitted: Vec<Section> = files.charts.omitted.iter().map(|o| o.section).collect();
    assert_eq!(omitted, [Section::Comparison, Section::Gaps]);
    let data = bedrock_bench::plot::data::chart_data(&analysis);
    let starts: Vec<f64> = data[0].timeline.points.iter().map(|p| p.start).collect();
    assert_eq!(starts, [0.0, 1.0, 2.0, 3.0], "seconds since the first call");
    let html = std::fs::read_to_string(&files.index).expect("index");
    assert!(!html.contains("id=\"simulated\""), "measured: no banner");
    let timeline = files
        .charts
        .charts
        .iter()
        .find(|c| c.section == Section::Timeline)
        .expect("a timeline");
    assert!(timeline.rendered.svg.contains("since the first call"));
    assert!(html.contains("2025-07-08 11:29:50"), "time span");
}

#[test]
fn bedrock_bench_analyze_prints_where_the_report_is() {
    let dir = TempDir::new("cli");
    let csv = report_support::write_fixture(&dir.path().join("results"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bedrock-bench"))
        .arg("analyze")
        .arg(&csv)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .output()
        .expect("run bedrock-bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = dir.path().join("reports").join("index.html");
    assert!(
        stdout.contains(&format!("Report: {}", index.display())),
        "{stdout}"
    );
    assert!(stdout.contains("Charts: "), "{stdout}");
    assert!(index.is_file());
    let plots: Vec<_> = std::fs::read_dir(dir.path().join("reports").join("plots"))
        .expect("plots")
        .collect();
    assert_eq!(plots.len(), 1);
}

/// Publish the fixture's analysis into `dir` (stamp [`STAMP`]); what was
/// published, with the text printed on stdout and on stderr.
fn published(dir: &Path) -> (Published, String, String) {
    let analysis = analyzed(dir);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let destination = Destination {
        out: dir,
        stamp: STAMP,
        price_file: None,
    };
    let published = publish(&analysis, destination, &mut out, &mut err);
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    (published, text(out), text(err))
}

/// The paths listed after `Wrote:`, as printed.
fn listed(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .skip_while(|l| *l != "Wrote:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect()
}

#[test]
fn publishing_writes_the_tables_the_csvs_the_charts_and_the_page_in_one_order() {
    let dir = TempDir::new("publish");
    let (published, stdout, _) = published(dir.path());
    assert!(published.errors.is_empty(), "{}", published.errors);
    let names: Vec<String> = published
        .csvs
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["summary", "extended", "comparison"].map(|s| format!("analysis_{s}_{STAMP}.csv"))
    );
    for csv in &published.csvs {
        assert!(csv.starts_with(dir.path().join("results-analysis")));
        assert!(std::fs::metadata(csv).expect("CSV").len() > 0, "{csv:?}");
    }
    let report = published.report.expect("the charts and the page");
    assert_eq!(report.plots, dir.path().join("plots").join(STAMP));
    let html = std::fs::read_to_string(&report.index).expect("index");
    for name in &names {
        assert!(
            html.contains(&format!("href=\"results-analysis/{name}\"")),
            "{name}"
        );
    }
    // The banner, the tables and the cost note first; then the charts,
    // the page and the CSVs, whose list is last but for the banner.
    let at = |needle: &str| {
        stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {stdout}"))
    };
    assert!(at("SIMULATED") < at("Costs: "), "{stdout}");
    assert!(at("Costs: ") < at("Charts: "), "{stdout}");
    assert!(at("Charts: ") < at("Report: "), "{stdout}");
    assert!(at("Report: ") < at("Wrote:"), "{stdout}");
    let paths: Vec<String> = published
        .csvs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(listed(&stdout), paths);
    assert!(stdout.rfind("SIMULATED") > Some(at("Wrote:")), "{stdout}");
}

#[test]
fn a_report_that_cannot_be_written_does_not_keep_the_csvs_from_being_written() {
    let dir = TempDir::new("publish-plots");
    // The charts' directory cannot be made: a file is in the way.
    std::fs::write(dir.path().join("plots"), "in the way").expect("file");
    let (published, stdout, _) = published(dir.path());
    assert!(published.report.is_none());
    assert_eq!(published.csvs.len(), 3, "{}", published.errors);
    assert!(published.csvs.iter().all(|p| p.is_file()));
    assert!(
        matches!(published.errors.0.as_slice(), [PublishError::Report { .. }]),
        "{:?}",
        published.errors
    );
    let message = published.errors.to_string();
    assert!(message.contains("plots"), "{message}");
    assert_eq!(listed(&stdout).len(), 3, "{stdout}");
    assert!(!stdout.contains("Report: "), "{stdout}");
}

#[test]
fn csvs_that_cannot_be_created_do_not_keep_the_tables_and_charts_from_being_written() {
    let dir = TempDir::new("publish-csv");
    // The CSVs' directory cannot be made: a file is in the way.
    std::fs::write(dir.path().join("results-analysis"), "in the way").expect("file");
    let (published, stdout, _) = published(dir.path());
    assert!(published.csvs.is_empty());
    // The charts were drawn; only the page's kept copy (also under
    // results-analysis/) fails with them.
    assert!(dir.path().join("plots").join(STAMP).is_dir());
    assert!(
        matches!(
            published.errors.0.as_slice(),
            [PublishError::CreateCsvs { .. }, PublishError::Report { .. }]
        ),
        "{:?}",
        published.errors
    );
    assert!(
        published.errors.to_string().contains("results-analysis"),
        "{}",
        published.errors
    );
    assert!(
        stdout.contains("Costs: "),
        "the tables were printed: {stdout}"
    );
    assert!(!stdout.contains("Wrote:"), "{stdout}");
}
