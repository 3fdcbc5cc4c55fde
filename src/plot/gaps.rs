//! The distribution of inter-chunk gaps (time between consecutive
//! `contentBlockDelta` events) per model, as box plots in milliseconds.

use super::boxplot::{BoxChart, Member, slots};
use super::data::{BoxStats, GroupData, variants};

/// The gap box chart, or `None` when no file has `delta_offsets` (the
/// Python tool's files do not).
pub fn gap_chart(data: &[GroupData<'_>]) -> Option<BoxChart> {
    if data.iter().all(|g| g.gaps.is_none()) {
        return None;
    }
    let ms = |s: BoxStats| BoxStats {
        count: s.count,
        min: s.min * 1000.0,
        p5: s.p5 * 1000.0,
        p25: s.p25 * 1000.0,
        p50: s.p50 * 1000.0,
        p75: s.p75 * 1000.0,
        p95: s.p95 * 1000.0,
        max: s.max * 1000.0,
    };
    let variants = variants(data);
    let slots = slots(data, |g| Member {
        config: g.stats.performance_config.clone(),
        color: variants.color(&g.stats.performance_config),
        stats: g.gaps.map(ms),
        note: if g.has_no_success() {
            g.no_success_note()
        } else {
            "no inter-chunk gaps (fewer than two chunks per call)".to_string()
        },
    });
    Some(BoxChart {
        title: "Inter-chunk gaps by model".to_string(),
        subtitle: "every gap of every successful call".to_string(),
        x_desc: "gap between consecutive chunks (ms)".to_string(),
        slots,
    })
}
