//! Reading raw CSVs: which files, then a pipeline (one thread cuts files
//! into blocks at record boundaries, workers parse blocks into lean
//! attempts, the caller's thread merges them in file order).

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use bedrock_catalog::prices::PriceTable;
use csv::ByteRecord;

use super::blocks::{Blocks, count_newlines, record_end};
use super::dataset::Dataset;
use super::error::ReadError;
use super::error::RowError;
use super::merge::{BlockError, Item, merge_items};
use super::parse::{Columns, Part};
use super::tail::{Incomplete, ends_with_terminator};

/// How to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Parser threads; 0 means one per available core.
    pub threads: usize,
    /// Bytes per block handed to a parser (a block always ends at a record
    /// boundary, so a record longer than this makes a longer block).
    pub block_size: usize,
    /// Re-price every row from its tokens with these prices (`analyze
    /// --prices`), instead of reading its `cost_usd` cell. `None`: read
    /// `cost_usd` where a file has the column, else price with the
    /// built-in table.
    pub prices: Option<Arc<PriceTable>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            threads: 0,
            block_size: 4 << 20,
            prices: None,
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
    /// The file's last block: its last record may be cut short.
    last: bool,
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
        let prices = options.prices.clone();
        scope.spawn(move || cut_files(files, block_size, prices, job_tx, reader_tx, stop_ref));
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
    prices: Option<Arc<PriceTable>>,
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
            Ok(_) => Columns::from_header(path, &header)
                .map(|columns| columns.with_prices(prices.clone())),
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
            costs: columns.cost_source(),
        };
        if items.send((seq, start)).is_err() {
            return;
        }
        seq += 1;
        let mut data = first[header_end..].to_vec();
        drop(first);
        // One block read ahead, so that the last block is known as such.
        let mut next = blocks.next_block();
        loop {
            let ahead = match next {
                Ok(ahead) => ahead,
                Err(e) => {
                    let _ = items.send((seq, Item::Error(io(e))));
                    return;
                }
            };
            if !data.is_empty() {
                let job = Job {
                    seq,
                    columns: Arc::clone(&columns),
                    data,
                    last: ahead.is_none(),
                };
                if jobs.send(job).is_err() {
                    return;
                }
                seq += 1;
            }
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match ahead {
                Some(block) => data = block,
                None => break,
            }
            next = blocks.next_block();
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
        let item = parse_block(&job.columns, &job.data, job.last);
        // When the merger has stopped listening, keep draining jobs so that
        // the reader is never left blocked on a full queue.
        let _ = items.send((job.seq, item));
    }
}

/// Parse one block. Records are read one ahead, so that the last record
/// of a file's last block (`last`) is known and checked for being whole:
/// an incomplete one is skipped (and reported by the merger), never read
/// as a complete row.
fn parse_block(columns: &Columns, data: &[u8], last: bool) -> Item {
    let mut part = Part::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = ByteRecord::new();
    let mut ahead = ByteRecord::new();
    let mut error = None;
    let mut skipped = None;
    let not_csv = |e: csv::Error, line: u64| {
        let line = e.position().map_or(line, |p| p.line());
        (line, BlockError::Malformed(format!("not valid CSV: {e}")))
    };
    let mut more = match reader.read_byte_record(&mut record) {
        Ok(more) => more,
        Err(e) => {
            error = Some(not_csv(e, reader.position().line()));
            false
        }
    };
    while more {
        let following = reader.read_byte_record(&mut ahead);
        let is_last = last && matches!(following, Ok(false));
        let line = record.position().map_or(1, |p| p.line());
        if is_last {
            let incomplete = if !ends_with_terminator(data) {
                Some(Incomplete::NoTerminator)
            } else if record.len() < columns.fields {
                Some(Incomplete::Fields {
                    found: record.len(),
                    expected: columns.fields,
                })
            } else {
                None
            };
            if let Some(reason) = incomplete {
                skipped = Some((line, reason));
                break;
            }
        }
        if record.len() != columns.fields {
            let message = format!(
                "expected {} fields as in the header, found {}",
                columns.fields,
                record.len()
            );
            error = Some((line, BlockError::Malformed(message)));
            break;
        }
        match part.push(columns, &record) {
            Ok(()) => {}
            Err(RowError::Offsets { offsets, chunks }) if is_last => {
                skipped = Some((line, Incomplete::Offsets { offsets, chunks }));
                break;
            }
            Err(e) => {
                error = Some((line, BlockError::Row(e)));
                break;
            }
        }
        more = match following {
            Ok(more) => more,
            Err(e) => {
                error = Some(not_csv(e, reader.position().line()));
                break;
            }
        };
        std::mem::swap(&mut record, &mut ahead);
    }
    let lines = reader.position().line() - 1;
    Item::Block {
        part: Box::new(part),
        lines,
        error,
        skipped,
    }
}
