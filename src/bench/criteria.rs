//! criterion's side of `cargo bench`: three instances (TTFT, total
//! latency, OTPS) configured for one recorded call per sample, the
//! recorded values handed to them group by group, and `--list`.

use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, SamplingMode};

use super::plan::{BenchGroup, BenchMember, benchmark_id};
use super::replay::Replay;
use super::{BOOTSTRAP_RESAMPLES, BenchArgs, BenchSetup, NOISE_THRESHOLD, SIGNIFICANCE_LEVEL};
use crate::call::CallRecord;
use crate::measurement::{CallMetric, Otps, TotalLatency, Ttft};

/// The three criterion instances, one per measurement.
pub(super) struct Criteria {
    ttft: Criterion<Ttft>,
    total: Criterion<TotalLatency>,
    otps: Criterion<Otps>,
}

fn configure<M: Measurement>(
    criterion: Criterion<M>,
    samples: usize,
    setup: &BenchSetup,
    args: &BenchArgs,
) -> Criterion<M> {
    let mut criterion = criterion
        .sample_size(samples)
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1))
        .noise_threshold(NOISE_THRESHOLD)
        .significance_level(SIGNIFICANCE_LEVEL)
        .nresamples(BOOTSTRAP_RESAMPLES);
    if let Some(dir) = &setup.criterion_dir {
        criterion = criterion.output_directory(dir);
    }
    if setup.criterion_reads_process_args {
        return criterion.configure_from_args();
    }
    if let Some(name) = &args.save_baseline {
        criterion = criterion.save_baseline(name.clone());
    }
    if let Some((name, strict)) = &args.baseline {
        criterion = criterion.retain_baseline(name.clone(), *strict);
    }
    if let Some(filter) = &args.filter {
        criterion = criterion.with_filter(filter.clone());
    }
    criterion
}

impl Criteria {
    pub(super) fn new(samples: usize, setup: &BenchSetup, args: &BenchArgs) -> Self {
        Criteria {
            ttft: configure(
                Criterion::default().with_measurement(Ttft),
                samples,
                setup,
                args,
            ),
            total: configure(
                Criterion::default().with_measurement(TotalLatency),
                samples,
                setup,
                args,
            ),
            otps: configure(
                Criterion::default().with_measurement(Otps),
                samples,
                setup,
                args,
            ),
        }
    }

    pub(super) fn bench_group(
        &mut self,
        group: &BenchGroup,
        records: &[Vec<CallRecord>],
        samples: usize,
    ) {
        bench_metric(&mut self.ttft, group, records, samples);
        bench_metric(&mut self.total, group, records, samples);
        bench_metric(&mut self.otps, group, records, samples);
    }

    pub(super) fn final_summary(&self) {
        self.ttft.final_summary();
    }
}

fn bench_metric<M: CallMetric>(
    criterion: &mut Criterion<M>,
    group: &BenchGroup,
    records: &[Vec<CallRecord>],
    samples: usize,
) {
    // A member whose calls have no value of this metric (Converse's
    // time to first token) has no benchmark of it.
    let measured: Vec<(&BenchMember, Vec<Duration>)> = group
        .members
        .iter()
        .map(|m| (m, records[m.scenario].iter().filter_map(M::value).collect()))
        .filter(|(_, values): &(_, Vec<Duration>)| !values.is_empty())
        .collect();
    if measured.is_empty() {
        return;
    }
    let mut bench_group = criterion.benchmark_group(&group.id);
    bench_group
        .sample_size(samples)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1));
    for (member, values) in measured {
        let mut replay = Replay::new(benchmark_id(group, M::NAME, member), values);
        bench_group.bench_function(BenchmarkId::new(M::NAME, &member.label), |b| {
            replay.routine(b)
        });
    }
    bench_group.finish();
}

/// `--list`: name every selected benchmark, the way criterion lists them.
pub(super) fn list(groups: &[BenchGroup], wanted: &[bool]) {
    for group in groups {
        for metric in [Ttft::NAME, TotalLatency::NAME, Otps::NAME] {
            for member in group.members.iter().filter(|m| wanted[m.scenario]) {
                println!("{}: benchmark", benchmark_id(group, metric, member));
            }
        }
    }
}
