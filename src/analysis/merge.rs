//! Merging parsed blocks, in file order, into one [`Dataset`]: strings
//! and group keys re-interned, invocation ids made dataset-wide (every row
//! of the Python tool's files is its own invocation: that tool never
//! retries and reuses its ids), rows seen before counted once, a skipped
//! incomplete last row reported, the first error in file order reported
//! with its absolute line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use super::dataset::{Attempt, CostSource, Dataset, GroupKey, Source, SourceFormat};
use super::dedup::KeyKind;
use super::error::{ReadError, RowError};
use super::keys::KeyTable;
use super::parse::Part;
use super::seen::Seen;
use super::tail::Incomplete;

/// What the merging thread receives, in any order; merged by `seq`.
pub(super) enum Item {
    /// A file's header was read: the file's data blocks follow.
    Start {
        path: PathBuf,
        format: SourceFormat,
        header_lines: u64,
        /// Where the file's costs come from.
        costs: CostSource,
    },
    /// An empty file (not even a header).
    Empty {
        path: PathBuf,
    },
    /// A parsed block: `lines` is the number of line breaks it spans;
    /// `skipped`, the line (in the block) of an incomplete last row left
    /// out, and why.
    Block {
        part: Box<Part>,
        lines: u64,
        error: Option<(u64, BlockError)>,
        skipped: Option<(u64, Incomplete)>,
    },
    Error(ReadError),
}

pub(super) enum BlockError {
    Row(RowError),
    Malformed(String),
}

/// Merge items in `seq` order into a dataset; the first error in file
/// order wins.
pub(super) fn merge_items(
    items: Receiver<(u64, Item)>,
    stop: &AtomicBool,
) -> Result<Dataset, ReadError> {
    let mut merger = Merger::default();
    let mut pending: BTreeMap<u64, Item> = BTreeMap::new();
    let mut next = 0u64;
    for (seq, item) in items {
        pending.insert(seq, item);
        while let Some(item) = pending.remove(&next) {
            if let Err(e) = merger.take(item) {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
            next += 1;
        }
    }
    Ok(merger.finish())
}

#[derive(Default)]
struct Merger {
    dataset: Dataset,
    /// The current file's invocation ids; global index = `base` + local.
    invocations: KeyTable,
    base: u32,
    /// The current file's format.
    format: Option<SourceFormat>,
    /// Line of the next block's first record, in the current file.
    line: u64,
    /// Every row's duplicate key seen so far.
    seen: Seen,
    /// Rows counted once: (file, file of the first occurrence, how they
    /// are the same) -> rows.
    repeats: BTreeMap<(u32, u32, KeyKind), u64>,
}

impl Merger {
    fn take(&mut self, item: Item) -> Result<(), ReadError> {
        match item {
            Item::Error(e) => Err(e),
            Item::Empty { path } => {
                self.dataset.warnings.push(format!(
                    "{}: empty file (no header), skipped",
                    path.display()
                ));
                Ok(())
            }
            Item::Start {
                path,
                format,
                header_lines,
                costs,
            } => {
                self.invocations = KeyTable::default();
                self.base = self.dataset.invocations;
                self.format = Some(format);
                self.line = 1 + header_lines;
                self.dataset.sources.push(Source {
                    path,
                    format,
                    rows: 0,
                    repeated_rows: 0,
                    incomplete_last_row: None,
                    empty_performance_config: 0,
                    costs,
                    settings: Default::default(),
                });
                Ok(())
            }
            Item::Block {
                part,
                lines,
                error,
                skipped,
            } => {
                let path = match self.dataset.sources.last() {
                    Some(source) => source.path.clone(),
                    None => PathBuf::new(),
                };
                if let Some((relative, error)) = error {
                    let line = self.line + relative - 1;
                    return Err(match error {
                        BlockError::Row(RowError::Field(e)) => ReadError::BadValue {
                            path,
                            line,
                            column: e.column,
                            expected: e.expected,
                            found: e.found,
                        },
                        BlockError::Row(RowError::Offsets { offsets, chunks }) => {
                            ReadError::Inconsistent {
                                path,
                                line,
                                column: "delta_offsets",
                                other: "chunk_count",
                                expected: format!("{chunks} offsets (chunk_count is {chunks})"),
                                found: format!("{offsets} offsets"),
                            }
                        }
                        BlockError::Malformed(message) => ReadError::Malformed {
                            path,
                            line,
                            message,
                        },
                    });
                }
                if let Some((relative, reason)) = skipped {
                    let line = self.line + relative - 1;
                    self.dataset.warnings.push(format!(
                        "{}:{line}: the last row is incomplete: {reason}; skipped",
                        path.display()
                    ));
                    if let Some(source) = self.dataset.sources.last_mut() {
                        source.incomplete_last_row = Some(line);
                    }
                }
                self.line += lines;
                self.merge_part(part, &path)
            }
        }
    }

    fn merge_part(&mut self, part: Box<Part>, path: &Path) -> Result<(), ReadError> {
        let too_large = |what| ReadError::TooLarge {
            path: path.to_path_buf(),
            what,
        };
        let data = &mut self.dataset;
        let source = data.sources.len().saturating_sub(1) as u32;
        let strings: Vec<u32> = part.strings.list.iter().map(|s| data.intern(s)).collect();
        let keys: Vec<u32> = part
            .keys
            .iter()
            .map(|k| {
                data.key_id(GroupKey {
                    model: strings[k[0] as usize],
                    region: strings[k[1] as usize],
                    performance_config: strings[k[2] as usize],
                })
            })
            .collect();
        let gap_base = data.gaps.len();
        if gap_base + part.gaps.len() > u32::MAX as usize {
            return Err(too_large("more than 4 billion inter-chunk gaps"));
        }
        if data.attempts.len() + part.attempts.len() > u32::MAX as usize {
            return Err(too_large("more than 4 billion rows"));
        }
        data.gaps.extend_from_slice(&part.gaps);
        data.attempts.reserve(part.attempts.len());
        let python = self.format == Some(SourceFormat::Python);
        let (mut rows, mut repeated, mut empty_config) = (0u64, 0u64, 0u64);
        for (row, attempt) in part.attempts.iter().enumerate() {
            let key = part.row_key(row);
            if let Some((kind, first)) = self.seen.repeat_of(key, part.row_key_hashes[row], source)
            {
                *self.repeats.entry((source, first, kind)).or_default() += 1;
                repeated += 1;
                continue;
            }
            let local = if python {
                None
            } else {
                self.invocations
                    .id(part.invocation(row), part.invocation_hashes[row])
                    .map(|(id, _)| self.base + id)
            };
            // The Python tool never retries: every row is a call.
            let invocation = local.unwrap_or(data.invocations);
            data.invocations = data.invocations.max(invocation + 1);
            rows += 1;
            if attempt.had_empty_config() {
                empty_config += 1;
            }
            data.attempts.push(Attempt {
                group: keys[attempt.group as usize],
                source,
                invocation,
                status: strings[attempt.status as usize],
                target: strings[attempt.target as usize],
                gaps_start: attempt.gaps_start + gap_base as u32,
                ..*attempt
            });
        }
        if let Some(src) = data.sources.last_mut() {
            src.rows += rows;
            src.repeated_rows += repeated;
            src.empty_performance_config += empty_config;
            src.settings.merge(&part.watched.settings());
        }
        Ok(())
    }

    fn finish(mut self) -> Dataset {
        let notes: Vec<String> = self
            .dataset
            .sources
            .iter()
            .filter(|s| s.empty_performance_config > 0)
            .map(|s| {
                format!(
                    "{}: {} rows with an empty performance_config counted as standard (the Python tool's analysis dropped them)",
                    s.path.display(),
                    s.empty_performance_config
                )
            })
            .collect();
        self.dataset.warnings.extend(notes);
        let sources = &self.dataset.sources;
        let name = |i: u32| {
            sources
                .get(i as usize)
                .map_or_else(String::new, |s| s.path.display().to_string())
        };
        for (&(later, first, kind), &rows) in &self.repeats {
            let what = match (rows == 1, later == first) {
                (true, true) => "row repeats an earlier row of the same file".to_string(),
                (false, true) => "rows repeat earlier rows of the same file".to_string(),
                (true, false) => format!("row repeats a row of {}", name(first)),
                (false, false) => format!("rows repeat rows of {}", name(first)),
            };
            self.dataset.warnings.push(format!(
                "{}: {rows} {what} ({}); counted once",
                name(later),
                kind.reason()
            ));
        }
        self.dataset
    }
}
