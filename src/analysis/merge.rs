//! Merging parsed blocks, in file order, into one [`Dataset`]: strings
//! and group keys re-interned, invocation ids made dataset-wide, the first
//! error in file order reported with its absolute line.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use super::dataset::{Attempt, Dataset, GroupKey, Source, SourceFormat};
use super::error::{FieldError, ReadError};
use super::hash::FxBuild;
use super::parse::Part;

/// What the merging thread receives, in any order; merged by `seq`.
pub(super) enum Item {
    /// A file's header was read: the file's data blocks follow.
    Start {
        path: PathBuf,
        format: SourceFormat,
        header_lines: u64,
    },
    /// An empty file (not even a header).
    Empty {
        path: PathBuf,
    },
    /// A parsed block: `lines` is the number of line breaks it spans.
    Block {
        part: Box<Part>,
        lines: u64,
        error: Option<(u64, BlockError)>,
    },
    Error(ReadError),
}

pub(super) enum BlockError {
    Field(FieldError),
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

/// `invocation_id`s of one file -> dense indices, without an allocation
/// per id: the bytes live in one arena, the map goes from the hash
/// (computed by the parsers) to the first index with that hash, and
/// `next` chains the others.
#[derive(Default)]
struct Invocations {
    arena: Vec<u8>,
    spans: Vec<(usize, usize)>,
    first: HashMap<u64, u32, FxBuild>,
    next: Vec<u32>,
}

impl Invocations {
    fn clear(&mut self) {
        *self = Invocations::default();
    }

    /// The file-local index of `bytes` (with hash `hash`), added when new.
    fn index(&mut self, bytes: &[u8], hash: u64) -> u32 {
        let mut at = self.first.get(&hash).copied();
        let mut last = None;
        while let Some(i) = at {
            let (start, end) = self.spans[i as usize];
            if &self.arena[start..end] == bytes {
                return i;
            }
            last = Some(i);
            at = match self.next[i as usize] {
                u32::MAX => None,
                n => Some(n),
            };
        }
        let i = self.spans.len() as u32;
        let start = self.arena.len();
        self.arena.extend_from_slice(bytes);
        self.spans.push((start, self.arena.len()));
        self.next.push(u32::MAX);
        match last {
            Some(l) => self.next[l as usize] = i,
            None => {
                self.first.insert(hash, i);
            }
        }
        i
    }
}

#[derive(Default)]
struct Merger {
    dataset: Dataset,
    /// The current file's invocation ids; global index = `base` + local.
    invocations: Invocations,
    base: u32,
    /// Line of the next block's first record, in the current file.
    line: u64,
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
            } => {
                self.invocations.clear();
                self.base = self.dataset.invocations;
                self.line = 1 + header_lines;
                self.dataset.sources.push(Source {
                    path,
                    format,
                    rows: 0,
                    empty_performance_config: 0,
                    settings: Default::default(),
                });
                Ok(())
            }
            Item::Block { part, lines, error } => {
                let path = match self.dataset.sources.last() {
                    Some(source) => source.path.clone(),
                    None => PathBuf::new(),
                };
                if let Some((relative, error)) = error {
                    let line = self.line + relative - 1;
                    return Err(match error {
                        BlockError::Field(e) => ReadError::BadValue {
                            path,
                            line,
                            column: e.column,
                            expected: e.expected,
                            found: e.found,
                        },
                        BlockError::Malformed(message) => ReadError::Malformed {
                            path,
                            line,
                            message,
                        },
                    });
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
        for (row, attempt) in part.attempts.iter().enumerate() {
            let local = self
                .invocations
                .index(part.invocation(row), part.invocation_hashes[row]);
            let invocation = self.base + local;
            data.invocations = data.invocations.max(invocation + 1);
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
            src.rows += part.attempts.len() as u64;
            src.empty_performance_config += part.empty_config;
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
        self.dataset
    }
}
