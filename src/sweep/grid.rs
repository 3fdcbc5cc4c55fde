//! The length grid's settings: the input and output lengths given by
//! `--grid-input` and `--grid-output`, their cells in the order they run
//! (input lengths outer, output lengths inner), and each cell's
//! scenarios (the file's scenarios with a synthetic prompt of the cell's
//! input length, asking for the cell's output length).
//!
//! ```text
//! --grid-input 128,1024,8192 --grid-output 64,256   six cells:
//!   (128, 64) (128, 256) (1024, 64) (1024, 256) (8192, 64) (8192, 256)
//! ```

use thiserror::Error;

use super::grid_result::GridCell;
use crate::config::{Prompt, PromptSource, Scenario};

/// The longest input length a cell may ask for, tokens (a scenario's
/// `synthetic_input_tokens` ceiling).
pub const MAX_GRID_INPUT_TOKENS: u32 = crate::config::MAX_SYNTHETIC_INPUT_TOKENS;

/// The longest output length a cell may ask for, tokens (a scenario's
/// `expected_output_tokens` ceiling).
pub const MAX_GRID_OUTPUT_TOKENS: u32 = crate::config::MAX_EXPECTED_OUTPUT_TOKENS;

/// The most lengths on one axis of the grid.
pub const MAX_GRID_LENGTHS: usize = 50;

/// The most cells of a grid (one step each).
pub const MAX_GRID_CELLS: usize = 400;

/// A grid flag or a scenario the grid cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GridError {
    /// An item of a grid flag is not a length in its bounds.
    #[error(
        "{flag} {value:?}: item {position} is {item:?}; expected a whole number of tokens from 1 to {max}"
    )]
    BadLength {
        /// `--grid-input` or `--grid-output`.
        flag: &'static str,
        /// The whole value given.
        value: String,
        /// The item's 1-based position in the list.
        position: usize,
        /// The item as given.
        item: String,
        /// The longest length allowed.
        max: u32,
    },
    /// A length is listed twice.
    #[error("{flag} {value:?}: {length} is listed twice; expected each length once")]
    Repeated {
        /// `--grid-input` or `--grid-output`.
        flag: &'static str,
        /// The whole value given.
        value: String,
        /// The repeated length.
        length: u32,
    },
    /// A flag lists too many lengths.
    #[error("{flag} {value:?}: {count} lengths; expected at most {MAX_GRID_LENGTHS}")]
    TooManyLengths {
        /// `--grid-input` or `--grid-output`.
        flag: &'static str,
        /// The whole value given.
        value: String,
        /// How many it lists.
        count: usize,
    },
    /// The grid has too many cells.
    #[error(
        "--grid-input and --grid-output make {cells} cells; expected at most {MAX_GRID_CELLS} (one step each)"
    )]
    TooManyCells {
        /// Inputs times outputs.
        cells: usize,
    },
    /// One grid flag without the other.
    #[error("{given} needs {missing}: a length grid takes both")]
    Half {
        /// The flag given.
        given: &'static str,
        /// The flag missing.
        missing: &'static str,
    },
    /// The load is a range or several levels.
    #[error("{option} {value:?}: a length grid runs at one load: give one rate or one concurrency")]
    NotOneLoad {
        /// `--rates` or `--concurrencies`.
        option: &'static str,
        /// The value given.
        value: String,
    },
    /// A scenario holds a conversation, whose turns the grid cannot size.
    #[error(
        "{location}: expected a single-turn scenario in a length grid (each cell sets the prompt's length), found a conversation in {scenario:?}"
    )]
    Conversation {
        /// `file:line` of the scenario.
        location: String,
        /// Its name.
        scenario: String,
    },
}

/// `--grid-input` and `--grid-output`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthGrid {
    /// Input lengths, tokens, in the order given (the outer loop).
    pub inputs: Vec<u32>,
    /// Output lengths, tokens, in the order given (the inner loop).
    pub outputs: Vec<u32>,
}

impl LengthGrid {
    /// The grid of both flags' values; one without the other is an error,
    /// neither is `Ok(None)`.
    pub fn from_flags(
        input: Option<&str>,
        output: Option<&str>,
    ) -> Result<Option<LengthGrid>, GridError> {
        match (input, output) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(GridError::Half {
                given: "--grid-input",
                missing: "--grid-output",
            }),
            (None, Some(_)) => Err(GridError::Half {
                given: "--grid-output",
                missing: "--grid-input",
            }),
            (Some(input), Some(output)) => {
                let grid = LengthGrid {
                    inputs: parse_lengths("--grid-input", input, MAX_GRID_INPUT_TOKENS)?,
                    outputs: parse_lengths("--grid-output", output, MAX_GRID_OUTPUT_TOKENS)?,
                };
                let cells = grid.inputs.len() * grid.outputs.len();
                if cells > MAX_GRID_CELLS {
                    return Err(GridError::TooManyCells { cells });
                }
                Ok(Some(grid))
            }
        }
    }

    /// Every cell in the order it runs: input lengths outer, output
    /// lengths inner.
    pub fn cells(&self) -> Vec<GridCell> {
        self.inputs
            .iter()
            .flat_map(|&input_tokens| {
                self.outputs.iter().map(move |&output_tokens| GridCell {
                    input_tokens,
                    output_tokens,
                })
            })
            .collect()
    }
}

/// A comma-separated list of lengths from 1 to `max`, each once.
pub fn parse_lengths(flag: &'static str, value: &str, max: u32) -> Result<Vec<u32>, GridError> {
    let mut lengths: Vec<u32> = Vec::new();
    for (index, item) in value.split(',').enumerate() {
        let length = item
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| GridError::BadLength {
                flag,
                value: value.to_string(),
                position: index + 1,
                item: item.trim().to_string(),
                max,
            })?;
        if lengths.contains(&length) {
            return Err(GridError::Repeated {
                flag,
                value: value.to_string(),
                length,
            });
        }
        lengths.push(length);
    }
    if lengths.len() > MAX_GRID_LENGTHS {
        return Err(GridError::TooManyLengths {
            flag,
            value: value.to_string(),
            count: lengths.len(),
        });
    }
    Ok(lengths)
}

/// The scenarios a grid can use: none holds a conversation.
pub fn check_scenarios(scenarios: &[Scenario]) -> Result<(), GridError> {
    match scenarios.iter().find(|s| s.conversation.is_some()) {
        Some(scenario) => Err(GridError::Conversation {
            location: scenario.source.to_string(),
            scenario: scenario.name.clone(),
        }),
        None => Ok(()),
    }
}

/// The scenarios of `cell`: each of `scenarios` with its user text a
/// synthetic prompt of the cell's input length (its system prompt kept)
/// and `maxTokens` the cell's output length.
pub fn cell_scenarios(scenarios: &[Scenario], cell: GridCell) -> Vec<Scenario> {
    let user_text = bedrock_catalog::tokens::synthetic_prompt(cell.input_tokens);
    scenarios
        .iter()
        .map(|scenario| {
            let mut scenario = scenario.clone();
            scenario.prompt = Prompt {
                user_text: user_text.clone(),
                system: scenario.prompt.system.take(),
                source: PromptSource::Synthetic {
                    input_tokens: cell.input_tokens,
                },
            };
            scenario.expected_output_tokens = cell.output_tokens;
            scenario.output_tokens = None;
            scenario
        })
        .collect()
}

#[cfg(test)]
mod tests;
