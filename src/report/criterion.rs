//! Links to criterion's HTML reports under `<out>/criterion/`, found on
//! disk: the overall index, and every benchmark that has a
//! `report/index.html`, named by its `new/benchmark.json`.

use std::path::Path;

use serde::Deserialize;

/// One benchmark's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchmarkReport {
    /// criterion's group id (`<model>/<performance_config>`).
    pub group: String,
    /// The function id (the metric: `ttft`, `total_latency`, `otps`).
    pub function: String,
    /// The parameter (the region).
    pub value: String,
    /// Path of `report/index.html` relative to the report root, with `/`.
    pub href: String,
}

/// The criterion reports that exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CriterionReports {
    /// `criterion/report/index.html`, when it exists.
    pub index: Option<String>,
    /// Per-benchmark reports, sorted by group, function and value.
    pub benchmarks: Vec<BenchmarkReport>,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

/// Names of the subdirectories of `dir` (UTF-8 names only), sorted.
fn subdirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// Find criterion's reports under `<out>/criterion`.
pub fn find(out: &Path) -> CriterionReports {
    let root = out.join("criterion");
    let mut reports = CriterionReports::default();
    if root.join("report").join("index.html").is_file() {
        reports.index = Some("criterion/report/index.html".to_string());
    }
    // criterion/<group>/<function>/<value>/{new/benchmark.json, report/index.html}
    for group in subdirs(&root) {
        if group == "report" {
            continue;
        }
        for function in subdirs(&root.join(&group)) {
            if function == "report" {
                continue;
            }
            for value in subdirs(&root.join(&group).join(&function)) {
                let dir = root.join(&group).join(&function).join(&value);
                if !dir.join("report").join("index.html").is_file() {
                    continue;
                }
                let Some(json) = std::fs::read(dir.join("new").join("benchmark.json"))
                    .ok()
                    .and_then(|bytes| serde_json::from_slice::<BenchmarkJson>(&bytes).ok())
                else {
                    continue;
                };
                reports.benchmarks.push(BenchmarkReport {
                    group: json.group_id,
                    function: json.function_id.unwrap_or_default(),
                    value: json.value_str.unwrap_or_default(),
                    href: format!("criterion/{group}/{function}/{value}/report/index.html"),
                });
            }
        }
    }
    reports
        .benchmarks
        .sort_by(|a, b| (&a.group, &a.function, &a.value).cmp(&(&b.group, &b.function, &b.value)));
    reports
}
