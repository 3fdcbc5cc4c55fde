//! Publishing a sweep, in one order: `sweep.csv` after every step (so that
//! a sweep cut short keeps every step it finished), and at the end the
//! steps' table on the terminal, `sweep.csv` once more, the chart and the
//! page. A failure of one output is reported and the others are still
//! written. A length grid likewise: `length_grid.csv` after every cell,
//! and at the end the cells' table, the CSV, the heatmaps and the page.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{PublishError, PublishErrors};
use crate::export::{sweep_csv, table_csv};
use crate::report::sweep_page::{GridPage, GridPageFiles, SweepPage, SweepPageFiles};
use crate::sweep::grid_result::GridView;
use crate::sweep::result::{LevelKind, SweepStep};
use crate::tables;
use crate::terminal::table;

/// The sweep's CSV in its directory.
pub fn csv_path(dir: &Path) -> PathBuf {
    dir.join("sweep.csv")
}

/// Write the steps done so far (levels of `kind`) to `dir/sweep.csv`,
/// replacing it whole.
pub fn steps_so_far(dir: &Path, kind: LevelKind, steps: &[SweepStep]) -> Result<(), PublishError> {
    let path = csv_path(dir);
    sweep_csv::write_file(&path, kind, steps).map_err(|source| PublishError::Csv {
        label: "sweep CSV",
        path,
        source,
    })
}

/// What the end of a sweep wrote.
#[derive(Debug)]
pub struct PublishedSweep {
    /// `sweep.csv`, when it was written.
    pub csv: Option<PathBuf>,
    /// The page and its chart, when they were written.
    pub page: Option<SweepPageFiles>,
    /// What could not be written, in order.
    pub errors: PublishErrors,
}

/// Publish the end of a sweep whose `page` says what it found, into
/// `dir`: the steps' table on `err` (where the sweep prints), then
/// `sweep.csv`, the chart and the page, each announced as written. A
/// sweep without steps writes nothing.
pub fn publish(page: &SweepPage<'_>, dir: &Path, err: &mut dyn Write) -> PublishedSweep {
    let mut published = PublishedSweep {
        csv: None,
        page: None,
        errors: PublishErrors::default(),
    };
    if page.steps.is_empty() {
        return published;
    }
    let errors = &mut published.errors.0;
    let steps = tables::sweep::steps(page.knee.kind, page.steps);
    if let Err(source) = write!(err, "Steps:\n{}", table::render(&steps)) {
        errors.push(PublishError::Terminal { source });
    }
    match steps_so_far(dir, page.knee.kind, page.steps) {
        Ok(()) => {
            let path = csv_path(dir);
            let _ = writeln!(err, "wrote {}", path.display());
            published.csv = Some(path);
        }
        Err(error) => errors.push(error),
    }
    match page.write(dir) {
        Ok(files) => {
            let _ = writeln!(
                err,
                "wrote {} (chart: {}, {})",
                files.index.display(),
                files.svg.display(),
                files.png.display()
            );
            published.page = Some(files);
        }
        Err(source) => errors.push(PublishError::Report {
            dir: dir.to_path_buf(),
            source,
        }),
    }
    published
}

/// The length grid's CSV in the sweep's directory.
pub fn grid_csv_path(dir: &Path) -> PathBuf {
    dir.join(tables::length_grid::LENGTH_GRID_CSV)
}

/// Write the cells done so far to `dir/length_grid.csv`, replacing it
/// whole (a temporary file renamed over it).
pub fn grid_so_far(dir: &Path, grid: &GridView<'_>) -> Result<(), PublishError> {
    let path = grid_csv_path(dir);
    let partial = path.with_extension("csv.partial");
    let written = (|| {
        {
            let file = std::fs::File::create(&partial)?;
            let mut buffered = std::io::BufWriter::new(file);
            table_csv::write(&mut buffered, &tables::length_grid::cells(grid))?;
            buffered.flush()?;
            buffered.get_ref().sync_all()?;
        }
        std::fs::rename(&partial, &path)
    })();
    written.map_err(|source| PublishError::Csv {
        label: "length grid CSV",
        path,
        source,
    })
}

/// What the end of a length grid wrote.
#[derive(Debug)]
pub struct PublishedGrid {
    /// `length_grid.csv`, when it was written.
    pub csv: Option<PathBuf>,
    /// The page and its heatmaps, when they were written.
    pub page: Option<GridPageFiles>,
    /// What could not be written, in order.
    pub errors: PublishErrors,
}

/// Publish the end of a length grid whose `page` says what it found,
/// into `dir`: the cells' table on `err`, then `length_grid.csv`, the
/// heatmaps and the page, each announced as written. A grid without
/// cells writes nothing.
pub fn publish_grid(page: &GridPage<'_>, dir: &Path, err: &mut dyn Write) -> PublishedGrid {
    let mut published = PublishedGrid {
        csv: None,
        page: None,
        errors: PublishErrors::default(),
    };
    if page.grid.cells.is_empty() {
        return published;
    }
    let errors = &mut published.errors.0;
    let cells = tables::length_grid::cells(&page.grid);
    if let Err(source) = write!(err, "Length grid:\n{}", table::render(&cells)) {
        errors.push(PublishError::Terminal { source });
    }
    match grid_so_far(dir, &page.grid) {
        Ok(()) => {
            let path = grid_csv_path(dir);
            let _ = writeln!(err, "wrote {}", path.display());
            published.csv = Some(path);
        }
        Err(error) => errors.push(error),
    }
    match page.write(dir) {
        Ok(files) => {
            let charts: Vec<String> = files
                .heatmaps
                .iter()
                .map(|(svg, png)| format!("{}, {}", svg.display(), png.display()))
                .collect();
            let _ = writeln!(
                err,
                "wrote {} (heatmaps: {})",
                files.index.display(),
                charts.join("; ")
            );
            published.page = Some(files);
        }
        Err(source) => errors.push(PublishError::Report {
            dir: dir.to_path_buf(),
            source,
        }),
    }
    published
}
