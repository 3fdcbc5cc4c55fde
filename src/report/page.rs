//! The report page: one self-contained HTML document (inline style,
//! inline script, charts as `data:` PNG images; nothing is fetched).

use std::fmt::Write as _;

use super::assets::{CONTENT_SECURITY_POLICY, SCRIPT, STYLE};
use super::base64;
use super::criterion::CriterionReports;
use super::escape::{escape, href};
use super::html_table;
use super::mixed;
use super::settings;
use crate::analysis::Analysis;
use crate::plot::data::no_success_note;
use crate::plot::{Chart, ChartSet, Omitted, Section};
use crate::tables;
use crate::terminal::cost_note;

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The charts drawn for it.
    pub charts: &'a ChartSet,
    /// Its timestamp (the summary files' and the chart directory's).
    pub stamp: &'a str,
    /// criterion's reports found.
    pub criterion: &'a CriterionReports,
    /// Other files to link: (label, path relative to the report root).
    pub files: &'a [(String, String)],
    /// The chart directory relative to the report root (`plots/<ts>`).
    pub plots: &'a str,
    /// Prefix from the page to the report root (`""`, or `"../"` for
    /// the copy in `results-analysis/`).
    pub root: &'a str,
    /// When the page was generated (local time, for the reader).
    pub generated: &'a str,
}

impl Page<'_> {
    /// The whole document.
    pub fn html(&self) -> String {
        let mut out = String::with_capacity(
            self.charts
                .charts
                .iter()
                .map(|c| c.rendered.svg.len() * 4 / 3 + 1024)
                .sum::<usize>()
                + 64 * 1024,
        );
        self.head(&mut out);
        out.push_str("<body>\n");
        out.push_str(&mixed::banner(self.analysis));
        if let Some(simulation) = self.analysis.simulation() {
            let _ = writeln!(
                out,
                "<div class=\"banner\" id=\"simulated\">{}</div>",
                escape(&simulation.sentence())
            );
        }
        out.push_str("<main>\n");
        self.header(&mut out);
        self.settings(&mut out);
        self.warnings(&mut out);
        out.push_str(&mixed::section(self.analysis));
        self.summary(&mut out);
        self.comparison(&mut out);
        self.failures(&mut out);
        self.prefill(&mut out);
        self.windows(&mut out);
        self.section(
            &mut out,
            "distributions",
            "TTFT and OTPS by model",
            &[Section::Distributions],
        );
        self.section(&mut out, "cdf", "TTFT tails", &[Section::Cdf]);
        self.section(&mut out, "gaps", "Inter-chunk gaps", &[Section::Gaps]);
        self.section(
            &mut out,
            "timeline",
            "Calls over time",
            &[Section::Timeline],
        );
        self.groups(&mut out);
        self.criterion_links(&mut out);
        self.footer(&mut out);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    fn head(&self, out: &mut String) {
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <title>bedrock-bench report {}</title>\n<style>{}</style>\n<script>{}</script>\n</head>\n",
            escape(CONTENT_SECURITY_POLICY),
            escape(self.stamp),
            STYLE,
            SCRIPT
        );
    }

    fn header(&self, out: &mut String) {
        let mut prefill = if self.analysis.has_prefill_fit() {
            "<a href=\"#prefill\">Prefill</a>"
        } else {
            ""
        }
        .to_string();
        if self.analysis.windows.is_some() {
            prefill.push_str("<a href=\"#windows\">Time windows</a>");
        }
        let _ = write!(
            out,
            "<header>\n<h1>bedrock-bench report</h1>\n\
             <p class=\"meta\">Analysis {} · generated {} · ConverseStream latency per model, region and performance config</p>\n\
             <nav><a href=\"#settings\">Experiment</a><a href=\"#summary\">Summary</a>\
             <a href=\"#comparison\">Comparisons</a><a href=\"#failures\">Failures</a>{}\
             <a href=\"#distributions\">Distributions</a><a href=\"#cdf\">Tails</a>\
             <a href=\"#gaps\">Gaps</a><a href=\"#timeline\">Timeline</a>\
             <a href=\"#groups\">Per group</a><a href=\"#criterion\">criterion</a></nav>\n</header>\n",
            escape(self.stamp),
            escape(self.generated),
            prefill
        );
    }

    fn settings(&self, out: &mut String) {
        out.push_str("<section id=\"settings\">\n<h2>Experiment</h2>\n<div class=\"scroll\"><table class=\"settings\">\n");
        for (label, value) in settings::rows(self.analysis) {
            let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", escape(label), value);
        }
        let renamed: Vec<String> = self
            .charts
            .labels
            .iter()
            .filter(|(model, label)| model != label)
            .map(|(model, label)| {
                format!(
                    "<code>{}</code>: <code>{}</code>",
                    escape(label),
                    escape(model)
                )
            })
            .collect();
        if !renamed.is_empty() {
            let _ = writeln!(
                out,
                "<tr><th>model names in charts</th><td>{}</td></tr>",
                renamed.join("<br>")
            );
        }
        out.push_str("</table></div>\n</section>\n");
    }

    fn warnings(&self, out: &mut String) {
        if self.analysis.warnings.is_empty() {
            return;
        }
        out.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
        for w in &self.analysis.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n</section>\n");
    }

    fn summary(&self, out: &mut String) {
        out.push_str(
            "<section id=\"summary\">\n<h2>Summary</h2>\n\
             <p class=\"hint\">The Python tool's summary: successful calls only (warm-up calls left out); \
             seconds, tokens, tokens/s; p50/p90 by linear interpolation, std with n&minus;1, rounded to 3 places. \
             A p90 of fewer than 10 values shows <code>n&lt;10</code> (the summary CSV keeps the number). \
             Highlighted rows: no successful call.</p>\n",
        );
        out.push_str(&html_table::html(&tables::summary::summary(
            &self.analysis.summary,
            &self.analysis.groups,
        )));
        out.push_str("</section>\n");
    }

    fn comparison(&self, out: &mut String) {
        out.push_str("<section id=\"comparison\">\n<h2>Comparisons</h2>\n");
        let _ = writeln!(
            out,
            "<p class=\"note\" id=\"cost-source\">{}</p>",
            escape(&cost_note(self.analysis, None))
        );
        if self.analysis.comparisons.is_empty() {
            out.push_str(
                "<p class=\"note\">No model and region has two groups one variant axis apart \
                 (standard vs optimized, default tier vs another, cache write vs read, no reasoning vs a budget, \
                 no tools vs tools): nothing to compare.</p>\n",
            );
        } else {
            out.push_str(
                "<p class=\"hint\">Pairs of groups of one model and region that differ in exactly one variant axis. \
                 Ratio of medians variant / baseline with a bootstrap 95% confidence interval; the baseline is \
                 standard, the default tier, a cache write, no reasoning, no tools. \
                 Time ratios below 1: the variant is faster; generation-OTPS ratio above 1: the variant decodes faster. \
                 Mismatches: calls not served what they asked on that axis (fallbacks, tier downgrades, cache points that never hit).</p>\n",
            );
            out.push_str(&html_table::html(&tables::comparisons::comparisons(
                &self.analysis.comparisons,
            )));
        }
        self.figures(out, &[Section::Comparison]);
        out.push_str("</section>\n");
    }

    fn failures(&self, out: &mut String) {
        out.push_str(
            "<section id=\"failures\">\n<h2>Attempts and failures per group</h2>\n\
             <p class=\"hint\">Every attempt counts, retries included. Highlighted rows: no successful call.</p>\n",
        );
        out.push_str(&html_table::html(&tables::groups::groups(
            &self.analysis.groups,
        )));
        let turns = tables::turns::turns(&self.analysis.groups);
        if !turns.rows.is_empty() {
            out.push_str(
                "<h3 id=\"turns\">Latency by turn</h3>\n<p class=\"hint\">Conversations: each turn's successful calls, TTFT and total latency (seconds), and its <code>model_input_tokens</code> (the uncached input: a turn that reads the prompt cache counts only what it did not read; <code>context_tokens</code> in the raw CSV is the whole conversation sent).</p>\n",
            );
            out.push_str(&html_table::html(&turns));
        }
        let cache = tables::cache::cache(&self.analysis.groups);
        if !cache.rows.is_empty() {
            out.push_str(
                "<h3 id=\"cache\">Prompt cache</h3>\n<p class=\"hint\">Successful calls that used the prompt cache; hits read it (<code>cache_read_input_tokens</code> &gt; 0). TTFT p50 of hits and misses, seconds.</p>\n",
            );
            out.push_str(&html_table::html(&cache));
        }
        let schedule = tables::schedule::schedule(&self.analysis.groups);
        if !schedule.rows.is_empty() {
            out.push_str(
                "<h3 id=\"schedule\">Open-loop schedule</h3>\n<p class=\"hint\">Dispatch lag: how late calls started after their scheduled instant (ms). Held by cap: calls <code>max_concurrency</code> made wait. Latencies in seconds; from the schedule they include that wait.</p>\n",
            );
            out.push_str(&html_table::html(&schedule));
        }
        let merged = settings::merged(self.analysis);
        if !merged.errors.is_empty() {
            out.push_str("<h3>Error messages</h3>\n");
            out.push_str(&html_table::html(&tables::errors::errors(&merged.errors)));
            if merged.other_errors > 0 {
                let _ = writeln!(
                    out,
                    "<p class=\"hint\">{} more failed calls with other messages.</p>",
                    merged.other_errors
                );
            }
        }
        out.push_str("</section>\n");
    }

    /// The prefill cost, when a group has a fit: the table and the chart.
    fn prefill(&self, out: &mut String) {
        if !self.analysis.has_prefill_fit() {
            return;
        }
        out.push_str(
            "<section id=\"prefill\">\n<h2>Prefill cost</h2>\n\
             <p class=\"hint\">TTFT against input tokens (<code>model_input_tokens</code>), least squares over the successful calls \
             (warm-up calls left out): TTFT = intercept + slope &times; input tokens. The intercept in seconds, the slope in \
             milliseconds per 1,000 input tokens, each with its 95% confidence interval (t distribution, n&minus;2 degrees of freedom). \
             A fit needs 8 calls and 3 distinct input lengths; over a narrow range (the longest input under twice the shortest) \
             the slope is uncertain.</p>\n",
        );
        out.push_str(&html_table::html(&tables::prefill::prefill(
            &self.analysis.prefill,
        )));
        self.figures(out, &[Section::Prefill]);
        out.push_str("</section>\n");
    }

    /// The time windows (`analyze --window`): the drift table and the
    /// chart of TTFT per window.
    fn windows(&self, out: &mut String) {
        let Some(windows) = &self.analysis.windows else {
            return;
        };
        let _ = write!(
            out,
            "<section id=\"windows\">\n<h2>Time windows</h2>\n\
             <p class=\"hint\">The run cut into {} windows of {} from its first call's start (the rows' own start instants: \
             with a time-scaled emulator, real seconds of the run, not simulated ones); each call belongs to the window its start falls in. \
             Drift: the successful calls of the first quarter of the windows pooled against those of the last quarter (at least one window each; \
             4 windows and 8 calls a side needed), TTFT p50 and total latency p50 as a change last / first with a bootstrap 95% interval, \
             as <code>compare</code> computes them. A group drifts when the whole interval lies beyond no change: its statistics then \
             mix two services. Every window of every group is in the time windows CSV.</p>\n",
            windows.count,
            escape(&crate::analysis::windows::seconds(windows.width_s)),
        );
        if let Some(note) = windows.note() {
            let _ = writeln!(out, "<p class=\"note\">{}.</p>", escape(&note));
        }
        out.push_str(&html_table::html(&tables::windows::drift(windows)));
        self.figures(out, &[Section::Windows]);
        out.push_str("</section>\n");
    }

    fn section(&self, out: &mut String, id: &str, title: &str, sections: &[Section]) {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>",
            escape(id),
            escape(title)
        );
        self.figures(out, sections);
        out.push_str("</section>\n");
    }

    fn figures(&self, out: &mut String, sections: &[Section]) {
        for chart in self
            .charts
            .charts
            .iter()
            .filter(|c| sections.contains(&c.section))
        {
            self.figure(out, chart);
        }
        for omitted in self
            .charts
            .omitted
            .iter()
            .filter(|o| sections.contains(&o.section))
        {
            omitted_note(out, omitted);
        }
    }

    fn figure(&self, out: &mut String, chart: &Chart) {
        let file = |ext: &str| format!("{}{}/{}.{}", self.root, self.plots, chart.name, ext);
        let _ = write!(
            out,
            "<figure id=\"chart-{}\">\n<img alt=\"{}\" width=\"{}\" height=\"{}\" src=\"data:image/svg+xml;base64,{}\">\n\
             <figcaption>{} · <a href=\"{}\">SVG</a> · <a href=\"{}\">PNG</a></figcaption>\n</figure>\n",
            escape(&chart.name),
            escape(&chart.title),
            chart.rendered.width,
            chart.rendered.height,
            // The SVG: a fraction of the PNG's size, and the browser draws
            // its text with real font hinting.
            base64::encode(chart.rendered.svg.as_bytes()),
            escape(&chart.title),
            href(&file("svg")),
            href(&file("png")),
        );
    }

    fn groups(&self, out: &mut String) {
        out.push_str(
            "<section id=\"groups\">\n<h2>Per group: TTFT and OTPS histograms</h2>\n\
             <p class=\"hint\">Mean, p50 and p90 computed on every successful call; the p90 is drawn from 10 calls on.</p>\n",
        );
        for chart in self
            .charts
            .charts
            .iter()
            .filter(|c| c.section == Section::Group)
        {
            let stats = chart.group.and_then(|i| self.analysis.groups.get(i));
            if let Some(g) = stats {
                let _ = writeln!(
                    out,
                    "<h3 id=\"group-{}\">{} · {} · {}</h3>",
                    escape(&chart.name),
                    escape(&g.model),
                    escape(&g.region),
                    escape(&g.performance_config)
                );
                if g.counts.successes == g.counts.warmups {
                    let note = no_success_note(&g.counts);
                    let _ = writeln!(
                        out,
                        "<p class=\"note\">{}{}. No histogram can be drawn.</p>",
                        escape(&note[..1].to_uppercase()),
                        escape(&note[1..])
                    );
                }
            }
            self.figure(out, chart);
        }
        out.push_str("</section>\n");
    }

    fn criterion_links(&self, out: &mut String) {
        out.push_str("<section id=\"criterion\">\n<h2>criterion reports</h2>\n");
        let c = self.criterion;
        if c.index.is_none() && c.benchmarks.is_empty() {
            out.push_str(
                "<p class=\"hint\">No criterion report in this report directory (they are written by <code>cargo bench</code>).</p>\n</section>\n",
            );
            return;
        }
        if let Some(index) = &c.index {
            let _ = writeln!(
                out,
                "<p><a href=\"{}\">All criterion benchmarks</a></p>",
                href(&format!("{}{}", self.root, index))
            );
        }
        if !c.benchmarks.is_empty() {
            out.push_str("<div class=\"scroll\"><table id=\"criterion-links\">\n<thead><tr><th>group (model/config)</th><th>metric</th><th>region</th><th>report</th></tr></thead>\n<tbody>\n");
            for b in &c.benchmarks {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"id\">{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">report</a></td></tr>",
                    escape(&b.group),
                    escape(&b.function),
                    escape(&b.value),
                    href(&format!("{}{}", self.root, b.href))
                );
            }
            out.push_str("</tbody></table></div>\n");
        }
        out.push_str("</section>\n");
    }

    fn footer(&self, out: &mut String) {
        out.push_str("<footer>\n");
        let links: Vec<String> = self
            .files
            .iter()
            .map(|(label, path)| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    href(&format!("{}{}", self.root, path)),
                    escape(label)
                )
            })
            .collect();
        if !links.is_empty() {
            let _ = writeln!(out, "<p>Files of this analysis: {}</p>", links.join(" · "));
        }
        let _ = write!(
            out,
            "<p>Charts as SVG and PNG in <code>{}</code>. Made by bedrock-bench {}.</p>\n</footer>\n",
            escape(self.plots),
            escape(env!("CARGO_PKG_VERSION"))
        );
    }
}

fn omitted_note(out: &mut String, omitted: &Omitted) {
    let _ = writeln!(
        out,
        "<p class=\"note\"><strong>{}</strong>: not drawn: {}.</p>",
        escape(&omitted.title),
        escape(&omitted.reason)
    );
}
