//! Reading raw CSVs: which files, then a pipeline (one thread cuts files
//! into blocks at record boundaries, workers parse blocks into lean
//! attempts, the caller's thread merges them in file order).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use csv::ByteRecord;

use super::dataset::{Attempt, Dataset, GroupKey, Source, SourceFormat};
use super::error::{FieldError, ReadError};
use super::hash::FxBuild;
use super::parse::{Columns, Part};

/// How to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Parser threads; 0 means one per available core.
    pub threads: usize,
    /// Bytes per block handed to a parser (a block always ends at a record
    /// boundary, so a record longer than this makes a longer block).
    pub block_size: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            threads: 0,
            block_size: 4 << 20,
        }
    }
}

/// The CSV files behind `paths`: a file is taken as is, a directory means
/// every `*.csv` directly inside it, sorted by name. A path named twice is
/// read once (with a warning). Errors when a path does not exist or when
/// no file is found at all.
pub fn csv_files<P: AsRef<Path>>(paths: &[P]) -> Result<(Vec<PathBuf>, Vec<String>), ReadError> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let io = |source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ReadError::NotFound {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(io(e)),
        };
        if meta.is_dir() {
            let mut inside = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io)? {
                let entry_path = entry.map_err(io)?.path();
                let is_csv = entry_path
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
                if is_csv && entry_path.is_file() {
                    inside.push(entry_path);
                }
            }
            inside.sort();
            if inside.is_empty() && paths.len() > 1 {
                warnings.push(format!("{}: no *.csv file inside", path.display()));
            }
            files.extend(inside);
        } else {
            files.push(path.to_path_buf());
        }
    }
    let mut seen = HashSet::new();
    let mut unique = Vec::with_capacity(files.len());
    for file in files {
        let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if seen.insert(canonical) {
            unique.push(file);
        } else {
            warnings.push(format!("{}: named twice, read once", file.display()));
        }
    }
    if unique.is_empty() {
        return Err(ReadError::NoInput {
            paths: paths.iter().map(|p| p.as_ref().to_path_buf()).collect(),
        });
    }
    Ok((unique, warnings))
}

/// Read every raw CSV behind `paths` (see [`csv_files`]) with default
/// options.
pub fn read_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Dataset, ReadError> {
    read_paths_with(paths, &ReadOptions::default())
}

/// Read every raw CSV behind `paths` (see [`csv_files`]).
pub fn read_paths_with<P: AsRef<Path>>(
    paths: &[P],
    options: &ReadOptions,
) -> Result<Dataset, ReadError> {
    let (files, warnings) = csv_files(paths)?;
    let mut dataset = read_files(&files, options)?;
    dataset.warnings.splice(0..0, warnings);
    Ok(dataset)
}

/// A block of records of one file, for a parser.
struct Job {
    seq: u64,
    columns: Arc<Columns>,
    data: Vec<u8>,
}

/// What the merging thread receives, in any order; merged by `seq`.
enum Item {
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

enum BlockError {
    Field(FieldError),
    Malformed(String),
}

/// Read `files` in order into one dataset.
pub fn read_files(files: &[PathBuf], options: &ReadOptions) -> Result<Dataset, ReadError> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let block_size = options.block_size.max(1);
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = sync_channel::<Job>(threads * 2);
    let job_rx = Mutex::new(job_rx);
    let (item_tx, item_rx) = channel::<(u64, Item)>();

    std::thread::scope(|scope| {
        let reader_tx = item_tx.clone();
        let stop_ref = &stop;
        scope.spawn(move || cut_files(files, block_size, job_tx, reader_tx, stop_ref));
        for _ in 0..threads {
            let tx = item_tx.clone();
            let rx = &job_rx;
            scope.spawn(move || parse_blocks(rx, tx, stop_ref));
        }
        drop(item_tx);
        merge_items(item_rx, &stop)
    })
}

/// The reader: cut each file into record-aligned blocks.
fn cut_files(
    files: &[PathBuf],
    block_size: usize,
    jobs: SyncSender<Job>,
    items: Sender<(u64, Item)>,
    stop: &AtomicBool,
) {
    let mut seq = 0u64;
    for path in files {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let io = |source| ReadError::Io {
            path: path.clone(),
            source,
        };
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) => {
                let _ = items.send((seq, Item::Error(io(e))));
                return;
            }
        };
        let mut blocks = Blocks::new(file, block_size);
        let first = match blocks.next_block() {
            Ok(Some(block)) => block,
            Ok(None) => {
                let _ = items.send((seq, Item::Empty { path: path.clone() }));
                seq += 1;
                continue;
            }
            Err(e) => {
                let _ = items.send((seq, Item::Error(io(e))));
                return;
            }
        };
        let header_end = record_end(&first).unwrap_or(first.len());
        let header_lines = count_newlines(&first[..header_end]);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&first[..header_end]);
        let mut header = ByteRecord::new();
        let columns = match reader.read_byte_record(&mut header) {
            Ok(_) => Columns::from_header(path, &header),
            Err(e) => Err(ReadError::Malformed {
                path: path.clone(),
                line: 1,
                message: format!("unreadable header: {e}"),
            }),
        };
        let columns = match columns {
            Ok(columns) => Arc::new(columns),
            Err(e) => {
                let _ = items.send((seq, Item::Error(e)));
                return;
            }
        };
        let start = Item::Start {
            path: path.clone(),
            format: columns.format,
            header_lines,
        };
        if items.send((seq, start)).is_err() {
            return;
        }
        seq += 1;
        let mut data = first[header_end..].to_vec();
        drop(first);
        loop {
            if !data.is_empty() {
                let job = Job {
                    seq,
                    columns: Arc::clone(&columns),
                    data,
                };
                if jobs.send(job).is_err() {
                    return;
                }
                seq += 1;
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
            data = match blocks.next_block() {
                Ok(Some(block)) => block,
                Ok(None) => break,
                Err(e) => {
                    let _ = items.send((seq, Item::Error(io(e))));
                    return;
                }
            };
        }
    }
}

/// A worker: parse blocks until there are no more.
fn parse_blocks(jobs: &Mutex<Receiver<Job>>, items: Sender<(u64, Item)>, stop: &AtomicBool) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        if stop.load(Ordering::Relaxed) {
            continue;
        }
        let item = parse_block(&job.columns, &job.data);
        // When the merger has stopped listening, keep draining jobs so that
        // the reader is never left blocked on a full queue.
        let _ = items.send((job.seq, item));
    }
}

fn parse_block(columns: &Columns, data: &[u8]) -> Item {
    let mut part = Part::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = ByteRecord::new();
    let mut error = None;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(reader.position().line(), |p| p.line());
                error = Some((line, BlockError::Malformed(format!("not valid CSV: {e}"))));
                break;
            }
        }
        let line = record.position().map_or(1, |p| p.line());
        if record.len() != columns.fields {
            let message = format!(
                "expected {} fields as in the header, found {}",
                columns.fields,
                record.len()
            );
            error = Some((line, BlockError::Malformed(message)));
            break;
        }
        if let Err(e) = part.push(columns, &record) {
            error = Some((line, BlockError::Field(e)));
            break;
        }
    }
    let lines = reader.position().line() - 1;
    Item::Block {
        part: Box::new(part),
        lines,
        error,
    }
}

/// Merge items in `seq` order into a dataset; the first error in file
/// order wins.
fn merge_items(items: Receiver<(u64, Item)>, stop: &AtomicBool) -> Result<Dataset, ReadError> {
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

/// Reads a file in blocks that end at record boundaries.
struct Blocks {
    file: File,
    block_size: usize,
    carry: Vec<u8>,
    eof: bool,
}

impl Blocks {
    fn new(file: File, block_size: usize) -> Blocks {
        Blocks {
            file,
            block_size,
            carry: Vec::new(),
            eof: false,
        }
    }

    /// The next block: whole records only (but the last block of the file,
    /// which is whatever remains). `None` at the end.
    fn next_block(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = self.block_size.max(buf.len() + 1);
        loop {
            if !self.eof && buf.len() < want {
                buf.reserve_exact(want - buf.len());
                let wanted = (want - buf.len()) as u64;
                let got = (&mut self.file).take(wanted).read_to_end(&mut buf)?;
                if (got as u64) < wanted {
                    self.eof = true;
                }
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            match last_record_end(&buf) {
                Some(end) => {
                    self.carry = buf[end..].to_vec();
                    buf.truncate(end);
                    return Ok(Some(buf));
                }
                // One record longer than the block: read more.
                None => want = buf.len() * 2,
            }
        }
    }
}

fn count_quotes(bytes: &[u8]) -> usize {
    // 64 bytes at a time into a u8 counter: vectorizes well.
    let mut chunks = bytes.chunks_exact(64);
    let mut total = 0usize;
    for chunk in &mut chunks {
        let n: u8 = chunk.iter().map(|&b| u8::from(b == b'"')).sum();
        total += usize::from(n);
    }
    total + chunks.remainder().iter().filter(|&&b| b == b'"').count()
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Just past the last line break outside quotes (the buffer starts outside
/// quotes). In RFC 4180 CSV a line break is inside a quoted field exactly
/// when an odd number of `"` precede it.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    let mut at = buf.iter().rposition(|&b| b == b'\n')?;
    let mut quotes = count_quotes(&buf[..at]);
    loop {
        if quotes % 2 == 0 {
            return Some(at + 1);
        }
        let previous = buf[..at].iter().rposition(|&b| b == b'\n')?;
        quotes -= count_quotes(&buf[previous..at]);
        at = previous;
    }
}

/// Just past the first line break outside quotes.
fn record_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_at_line_breaks_outside_quotes() {
        let buf = b"a,b\n1,\"x\ny\"\n2,\"z\n";
        assert_eq!(record_end(buf), Some(4));
        // The last line break is inside an open quote: cut after `y"\n`.
        assert_eq!(last_record_end(buf), Some(12));
        assert_eq!(last_record_end(b"a,\"b\nc"), None);
        assert_eq!(last_record_end(b"a,b"), None);
        assert_eq!(record_end(b"a,\"b\nc\"\n"), Some(8));
    }
}
