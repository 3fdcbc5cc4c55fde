//! Before a sweep against the emulator: where its rate quotas should make
//! the service throttle, so that a user sees up front whether the levels
//! reach a knee (the emulator's models carry Bedrock's default tokens per
//! minute, in the emulator's minutes).

use bedrock_catalog::base_model_id;
use bedrock_catalog::tokens::estimate_tokens;
use bedrock_emulator::ProfileSet;

use super::SweepOptions;
use super::result::LevelKind;

/// Where one quota is expected to throttle the sweep's mix of calls.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaOnset {
    /// The quota's bucket (`meta.llama3-1-70b-instruct-v1:0 (latency-optimized)`).
    pub bucket: String,
    /// Its tokens per minute.
    pub tokens_per_minute: u64,
    /// Where it comes from.
    pub source: String,
    /// The offered rate (requests per second, real time, all scenarios
    /// together) above which its calls claim more than it refills.
    pub onset_per_s: f64,
}

/// The quotas the sweep's calls count against, with where each should
/// start throttling: a call claims its prompt's tokens (the emulator's
/// count) plus `maxTokens`, its scenario gets its weight's share of the
/// offered rate, and the emulator's minute lasts `time_scale` real
/// minutes. `None` when the emulator never throttles (time scale 0).
pub fn quota_onsets(
    options: &SweepOptions,
    profiles: &ProfileSet,
    time_scale: f64,
) -> Option<Vec<QuotaOnset>> {
    if time_scale <= 0.0 {
        return None;
    }
    let total_weight: f64 = options.scenarios.iter().map(|s| f64::from(s.weight)).sum();
    // Per bucket: the tokens claimed per offered call (weighted), the quota.
    let mut buckets: Vec<(String, u64, String, f64)> = Vec::new();
    for scenario in &options.scenarios {
        let model = profiles
            .lookup(&scenario.model_id)
            .unwrap_or_else(|| profiles.generic());
        let base = base_model_id(&scenario.model_id);
        let (quota, bucket) = model.quota_for(base, scenario.performance_config);
        let Some(tokens_per_minute) = quota.tokens_per_minute else {
            continue;
        };
        let prompt = &scenario.prompt;
        let text = estimate_tokens(&prompt.user_text)
            + prompt.system.as_deref().map_or(0, estimate_tokens);
        let claim = f64::from(text + model.input_token_overhead)
            + f64::from(scenario.expected_output_tokens);
        let share = f64::from(scenario.weight) / total_weight.max(1.0);
        let per_call = claim * share;
        match buckets.iter_mut().find(|b| b.0 == bucket) {
            Some(entry) => entry.3 += per_call,
            None => buckets.push((
                bucket,
                tokens_per_minute,
                model.sources.quota.describe(),
                per_call,
            )),
        }
    }
    let mut onsets: Vec<QuotaOnset> = buckets
        .into_iter()
        .filter(|b| b.3 > 0.0)
        .map(|(bucket, tokens_per_minute, source, per_call)| QuotaOnset {
            bucket,
            tokens_per_minute,
            source,
            onset_per_s: tokens_per_minute as f64 / 60.0 / time_scale / per_call,
        })
        .collect();
    onsets.sort_by(|a, b| a.onset_per_s.total_cmp(&b.onset_per_s));
    Some(onsets)
}

/// The lines a sweep prints about the quotas before its first step.
pub fn quota_lines(options: &SweepOptions, profiles: &ProfileSet, time_scale: f64) -> Vec<String> {
    let Some(onsets) = quota_onsets(options, profiles, time_scale) else {
        return vec![
            "note: at time scale 0 the emulator's quotas are never reached: the sweep will find no throttling (use a time scale above 0)".into(),
        ];
    };
    let Some(first) = onsets.first() else {
        return vec![
            "note: no quota applies to these models on the emulator: the sweep will find no throttling (set a `quota` in a profile file, BEDROCK_BENCH_EMULATOR_PROFILES)".into(),
        ];
    };
    let mut lines: Vec<String> = onsets
        .iter()
        .map(|onset| {
            format!(
                "emulator quota: {} {} tokens/min ({}): throttling expected from about {:.1} requests/s offered",
                onset.bucket,
                crate::table::format::count(onset.tokens_per_minute),
                onset.source,
                onset.onset_per_s
            )
        })
        .collect();
    if options.kind == LevelKind::Rate {
        let highest = options.levels.climb().last().copied().unwrap_or(0.0);
        if highest < first.onset_per_s {
            lines.push(format!(
                "note: the levels end at {highest:.1} requests/s, below the first quota's onset (about {:.1}/s): the sweep is unlikely to see throttling; raise the last level above it, or lower a quota in a profile file",
                first.onset_per_s
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Arrival, Experiment, Load, parse_scenarios};
    use crate::runner::{ProgressMode, StopSignal};
    use crate::sweep::{Levels, Slo};
    use std::sync::Arc;

    fn options(levels: &str) -> SweepOptions {
        let scenarios = parse_scenarios(
            r#"{"text_prompt": "Explain.", "expected_output_tokens": 50, "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain.", "expected_output_tokens": 50, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
            "s.jsonl",
            std::path::Path::new("."),
        )
        .expect("scenarios")
        .value;
        SweepOptions {
            scenarios,
            experiment: Experiment {
                load: Load {
                    arrival: Arrival::Poisson,
                    rate_per_s: Some(1.0),
                    duration_s: Some(1.0),
                    ..Load::default()
                },
                ..Experiment::default()
            },
            kind: LevelKind::Rate,
            levels: Levels::parse(levels, 2.0, 0.1).expect("levels"),
            step_duration_s: 10.0,
            pause_s: 0.0,
            slo: Slo::with_defaults(Vec::new()),
            out_dir: "unused".into(),
            seed: 1,
            max_calls: None,
            max_cost: None,
            prices: Arc::default(),
            progress: ProgressMode::Off,
            stop: StopSignal::new(),
        }
    }

    #[test]
    fn the_first_onset_is_the_quota_that_its_share_of_calls_fills_first() {
        let profiles = ProfileSet::builtin();
        let onsets = quota_onsets(&options("1/s..4/s"), &profiles, 1.0).expect("quotas");
        let first = &onsets[0];
        assert!(first.bucket.contains("latency-optimized"), "{onsets:?}");
        // Half the calls claim 50 tokens and the prompt's few from a
        // 40,000-token minute: about 666 tokens/s for (50 + a few) / 2 per
        // offered call.
        assert!(
            (18.0..27.0).contains(&first.onset_per_s),
            "{}",
            first.onset_per_s
        );
        // At time scale 0.1 the minute lasts 6 s: ten times the rate.
        let scaled = quota_onsets(&options("1/s..4/s"), &profiles, 0.1).expect("quotas");
        assert!((scaled[0].onset_per_s / first.onset_per_s - 10.0).abs() < 1e-9);
        let lines = quota_lines(&options("1/s..4/s"), &profiles, 1.0);
        assert!(
            lines
                .last()
                .expect("a note")
                .contains("below the first quota's onset")
        );
        let lines = quota_lines(&options("1/s..64/s"), &profiles, 1.0);
        assert!(!lines.iter().any(|l| l.contains("below")), "{lines:?}");
        assert!(quota_onsets(&options("1/s..4/s"), &profiles, 0.0).is_none());
    }
}
