//! What a length grid found, apart from how it ran: each cell (an input
//! and an output length) with its step's statistics and its generation
//! speed. The grid's CSV, heatmaps and page read these types and nothing
//! of the engine.

use super::result::{LatencyMetric, LevelKind, SweepStep};

/// One cell of a length grid: the prompt's length and the answer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GridCell {
    /// Tokens of the synthetic prompt.
    pub input_tokens: u32,
    /// Tokens asked for (`maxTokens`).
    pub output_tokens: u32,
}

impl GridCell {
    /// The cell's directory under the sweep's: `cell-in1024-out256`.
    pub fn dir_name(&self) -> String {
        format!("cell-in{}-out{}", self.input_tokens, self.output_tokens)
    }

    /// `in 1024 / out 256 tokens`.
    pub fn describe(&self) -> String {
        format!(
            "in {} / out {} tokens",
            self.input_tokens, self.output_tokens
        )
    }
}

/// A cell done.
#[derive(Debug, Clone, PartialEq)]
pub struct CellResult {
    /// Its lengths.
    pub cell: GridCell,
    /// Its step: calls, statistics, SLO verdict, raw CSVs, cost.
    pub step: SweepStep,
    /// The median generation speed, `(out - 1) / (total - ttft)` tokens
    /// per second, from the analysis of the cell's raw CSV (`None`: no
    /// successful call had one, or the CSV could not be read).
    pub generation_otps_p50: Option<f64>,
    /// Why the cell's raw CSV could not be analyzed, if it could not.
    pub analysis_error: Option<String>,
}

impl CellResult {
    /// The `p`th percentile (50, 90, 95 or 99) of `metric` over the
    /// cell's successful calls.
    pub fn latency(&self, metric: LatencyMetric, p: u8) -> Option<f64> {
        self.step.stats.latency(metric)?.get(p)
    }

    /// Time to first token from the call's start, median, seconds.
    pub fn ttft_p50(&self) -> Option<f64> {
        self.latency(LatencyMetric::Ttft, 50)
    }

    /// The cell's SLO verdict in words: `met`, `interrupted` or
    /// `failed: <objectives>`.
    pub fn verdict(&self) -> String {
        if self.step.interrupted {
            "interrupted".into()
        } else if self.step.passed() {
            "met".into()
        } else {
            format!("failed: {}", self.step.failures.join("; "))
        }
    }
}

/// A length grid's cells and the one load they ran at.
#[derive(Debug, Clone, Copy)]
pub struct GridView<'a> {
    /// What the load is.
    pub kind: LevelKind,
    /// The load: requests per second or calls in flight.
    pub level: f64,
    /// The input lengths, in the order given.
    pub inputs: &'a [u32],
    /// The output lengths, in the order given.
    pub outputs: &'a [u32],
    /// The cells done, in the order they ran.
    pub cells: &'a [CellResult],
}

impl GridView<'_> {
    /// The cell of `input` and `output` tokens, if it ran.
    pub fn cell(&self, input: u32, output: u32) -> Option<&CellResult> {
        self.cells
            .iter()
            .find(|c| c.cell.input_tokens == input && c.cell.output_tokens == output)
    }
}
