//! `sweep.csv`: the sweep's steps ([`crate::tables::sweep`], where its
//! columns are described) as CSV, written again after every step so that
//! a sweep cut short keeps every step it finished.

use std::io::Write;
use std::path::Path;

use crate::sweep::result::{LevelKind, SweepStep};
use crate::tables::sweep::steps as steps_table;

pub use crate::tables::sweep::{STEP_COLUMNS, TAIL_COLUMNS, thin_percentiles};

/// Every column, in order.
pub fn columns() -> Vec<String> {
    steps_table(LevelKind::Rate, &[]).csv_header()
}

/// Write `steps` (levels of `kind`) as CSV to `out`.
pub fn write<W: Write>(out: W, kind: LevelKind, steps: &[SweepStep]) -> std::io::Result<()> {
    super::table_csv::write(out, &steps_table(kind, steps))
}

/// Write `steps` to `path` whole: a temporary file renamed over it, so
/// the file is never seen half written.
pub fn write_file(path: &Path, kind: LevelKind, steps: &[SweepStep]) -> std::io::Result<()> {
    let partial = path.with_extension("csv.partial");
    {
        let file = std::fs::File::create(&partial)?;
        let mut buffered = std::io::BufWriter::new(file);
        write(&mut buffered, kind, steps)?;
        buffered.flush()?;
        buffered.get_ref().sync_all()?;
    }
    std::fs::rename(&partial, path)
}
