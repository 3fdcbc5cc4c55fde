//! Laying a plan's deltas out in time: the first at the TTFT, each next one
//! its tokens' worth of token-times later, each gap jittered.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// What one `contentBlockDelta` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// Answer text: `tokens` words from word number `first_token`.
    Text {
        /// The first word's number in the answer.
        first_token: u32,
    },
    /// Reasoning text (`reasoningContent.text`), numbered likewise.
    Reasoning {
        /// The first word's number in the reasoning.
        first_token: u32,
    },
    /// The reasoning block's `reasoningContent.signature`.
    Signature,
    /// A piece of the tool input JSON (`toolUse.input`): bytes
    /// `from..to` of the planned tool call's input JSON.
    ToolInput {
        /// Start byte.
        from: usize,
        /// End byte.
        to: usize,
    },
}

/// One `contentBlockDelta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedChunk {
    /// Offset from the request's arrival, seconds.
    pub at_s: f64,
    /// Output tokens it carries.
    pub tokens: u32,
    /// Its `contentBlockIndex`.
    pub block: u32,
    /// What it carries.
    pub kind: ChunkKind,
}

/// A standard normal draw.
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// Lays chunks out in time.
pub struct Timeline<'a, R: Rng> {
    /// The chunks so far.
    pub chunks: Vec<PlannedChunk>,
    /// The time of the last chunk (the TTFT before the first), seconds.
    pub at: f64,
    /// Seconds per token at the decode rate.
    pub per_token: f64,
    /// The decode jitter (log-normal sigma of each gap).
    pub sigma_j: f64,
    /// The request's generator.
    pub rng: &'a mut R,
}

impl<R: Rng> Timeline<'_, R> {
    /// Log-normal factor with mean 1 (exactly 1 when the jitter is zero).
    pub fn jitter(&mut self) -> f64 {
        let sigma = self.sigma_j;
        (sigma * standard_normal(self.rng) - sigma * sigma / 2.0).exp()
    }

    /// Add a chunk `tokens` token-times after the previous one (the first
    /// chunk goes at the current time, the TTFT).
    pub fn push(&mut self, tokens: u32, block: u32, kind: ChunkKind) {
        if !self.chunks.is_empty() {
            self.at += f64::from(tokens.max(1)) * self.per_token * self.jitter();
        }
        self.chunks.push(PlannedChunk {
            at_s: self.at,
            tokens,
            block,
            kind,
        });
    }

    /// Chunks of at most `per_chunk` tokens for `total` tokens.
    pub fn push_run(
        &mut self,
        total: u32,
        per_chunk: u32,
        block: u32,
        kind: impl Fn(u32) -> ChunkKind,
    ) {
        let mut sent = 0;
        while sent < total {
            let tokens = (total - sent).min(per_chunk);
            self.push(tokens, block, kind(sent));
            sent += tokens;
        }
    }

    /// The tool input `json` in pieces of at most `per_chunk` of its
    /// `tokens`, cut after `sent` of them when `maxTokens` leaves fewer
    /// (`sent <= tokens`): the pieces cover the first `sent / tokens` of
    /// its characters. Returns the text streamed.
    pub fn push_tool_input(
        &mut self,
        json: &str,
        tokens: u32,
        sent: u32,
        per_chunk: u32,
        block: u32,
    ) -> String {
        let sent = sent.min(tokens);
        let bounds: Vec<usize> = json
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(json.len()))
            .collect();
        let n_chars = bounds.len() - 1;
        let streamed_chars = if sent == tokens {
            n_chars
        } else {
            (n_chars as u64 * u64::from(sent) / u64::from(tokens.max(1))) as usize
        };
        let pieces = sent.div_ceil(per_chunk.max(1)).max(1) as usize;
        let mut done = 0u32;
        for piece in 0..pieces {
            let from = bounds[streamed_chars * piece / pieces];
            let to = bounds[streamed_chars * (piece + 1) / pieces];
            let share = (sent - done).min(per_chunk);
            self.push(share, block, ChunkKind::ToolInput { from, to });
            done += share;
        }
        json[..bounds[streamed_chars]].to_string()
    }
}
