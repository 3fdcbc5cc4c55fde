//! Whether numbers were simulated by the emulator, and at which time
//! scale: from the rows' own `target` and `time_scale` columns for an
//! analysis, or from the target of a run in progress. Every place that
//! shows such numbers (terminal, report page, charts) says it in these
//! words.

use super::dataset::Dataset;
use super::settings::Distinct;

/// Numbers that come from the emulator, not from Amazon Bedrock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulation {
    /// The emulator's time scales recorded, as numbers in their shortest
    /// form (`0.05`), in order of first appearance; empty when none was
    /// recorded (an emulator this tool did not start).
    pub time_scales: Vec<String>,
    /// Whether more time scales were seen than kept.
    pub more: bool,
    /// `Some((emulator calls, all calls))` when only some of the calls
    /// were made on the emulator (files analyzed together with
    /// `--mixed`); `None` when every call was.
    pub partly: Option<(u64, u64)>,
}

impl Simulation {
    /// The simulation behind `dataset`: `None` when no row was made on the
    /// emulator. The time scales are those of the files with emulator
    /// rows.
    pub fn of(dataset: &Dataset) -> Option<Simulation> {
        let emulator = dataset.sym("emulator")?;
        let attempts = dataset.attempts();
        let on_emulator = attempts.iter().filter(|a| a.target == emulator).count() as u64;
        if on_emulator == 0 {
            return None;
        }
        let mut scales = Distinct::default();
        for source in dataset.sources() {
            if source
                .settings
                .targets
                .values
                .iter()
                .any(|t| t == "emulator")
            {
                scales.extend(&source.settings.time_scales);
            }
        }
        let mut time_scales: Vec<String> = Vec::new();
        for value in &scales.values {
            let value = shortest(value);
            if !time_scales.contains(&value) {
                time_scales.push(value);
            }
        }
        let all = attempts.len() as u64;
        Some(Simulation {
            time_scales,
            more: scales.more,
            partly: (on_emulator < all).then_some((on_emulator, all)),
        })
    }

    /// The simulation of a run whose every call goes to the emulator, at
    /// `time_scale` (`None`: not known here, an emulator elsewhere).
    pub fn of_run(time_scale: Option<f64>) -> Simulation {
        Simulation {
            time_scales: time_scale
                .map(|scale| vec![shortest(&scale.to_string())])
                .unwrap_or_default(),
            more: false,
            partly: None,
        }
    }

    /// The one time scale, when there is exactly one and it is a number.
    pub fn single_scale(&self) -> Option<f64> {
        match (self.time_scales.as_slice(), self.more) {
            ([one], false) => one.parse().ok(),
            _ => None,
        }
    }

    /// `time scale 0.05`, `time scales 0.05, 1` or `time scale not
    /// recorded`.
    pub fn scale_text(&self) -> String {
        let more = if self.more { ", ..." } else { "" };
        match self.time_scales.as_slice() {
            [] => "time scale not recorded".to_string(),
            [one] if !self.more => format!("time scale {one}"),
            all => format!("time scales {}{more}", all.join(", ")),
        }
    }

    /// The short note drawn on every chart:
    /// `SIMULATED (emulator, time scale 0.05): not measured on Amazon Bedrock`.
    pub fn note(&self) -> String {
        match self.partly {
            None => format!(
                "SIMULATED (emulator, {}): not measured on Amazon Bedrock",
                self.scale_text()
            ),
            Some((emulator, all)) => format!(
                "PARTLY SIMULATED ({emulator} of {all} calls on the emulator, {}): not all measured on Amazon Bedrock",
                self.scale_text()
            ),
        }
    }

    /// What the scale does to the numbers, in words: `every latency 0.05 x
    /// its profile's, so tokens per second 20 x higher`; empty at scale 1
    /// or when the scale is not one known number.
    pub fn effect(&self) -> String {
        match self.single_scale() {
            Some(scale) if scale > 0.0 && scale != 1.0 => {
                let (direction, factor) = if scale < 1.0 {
                    ("higher", 1.0 / scale)
                } else {
                    ("lower", scale)
                };
                format!(
                    "every latency {} x its profile's, so tokens per second {} x {direction}",
                    shortest(&scale.to_string()),
                    significant(factor)
                )
            }
            _ => String::new(),
        }
    }

    /// The sentence for the terminal and the report's banner:
    /// `SIMULATED: these numbers come from the built-in emulator at time
    /// scale 0.05 (every latency 0.05 x its profile's, ...), not from
    /// measurements on Amazon Bedrock`.
    pub fn sentence(&self) -> String {
        let source = if self.time_scales.is_empty() {
            format!("an emulator ({})", self.scale_text())
        } else {
            let effect = self.effect();
            let effect = if effect.is_empty() {
                String::new()
            } else {
                format!(" ({effect})")
            };
            format!("the built-in emulator at {}{effect}", self.scale_text())
        };
        match self.partly {
            None => format!(
                "SIMULATED: these numbers come from {source}, not from measurements on Amazon Bedrock"
            ),
            Some((emulator, all)) => format!(
                "PARTLY SIMULATED: {emulator} of these {all} calls come from {source}, not from measurements on Amazon Bedrock"
            ),
        }
    }
}

/// A number in its shortest form (`0.050` is `0.05`); other text as is.
fn shortest(value: &str) -> String {
    match value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => format!("{n}"),
        _ => value.trim().to_string(),
    }
}

/// Up to three significant digits, without trailing zeros: `20`, `3.33`.
fn significant(value: f64) -> String {
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_is_said_with_what_it_does() {
        let s = Simulation::of_run(Some(0.05));
        assert_eq!(s.scale_text(), "time scale 0.05");
        assert_eq!(
            s.note(),
            "SIMULATED (emulator, time scale 0.05): not measured on Amazon Bedrock"
        );
        assert_eq!(
            s.sentence(),
            "SIMULATED: these numbers come from the built-in emulator at time scale 0.05 (every latency 0.05 x its profile's, so tokens per second 20 x higher), not from measurements on Amazon Bedrock"
        );
        let one = Simulation::of_run(Some(1.0));
        assert_eq!(
            one.sentence(),
            "SIMULATED: these numbers come from the built-in emulator at time scale 1, not from measurements on Amazon Bedrock"
        );
        let unknown = Simulation::of_run(None);
        assert!(
            unknown
                .sentence()
                .contains("an emulator (time scale not recorded)")
        );
        assert_eq!(significant(1.0 / 0.3), "3.33");
        assert_eq!(shortest("0.050"), "0.05");
    }

    #[test]
    fn mixed_scales_and_partial_simulation_say_so() {
        let s = Simulation {
            time_scales: vec!["0.05".into(), "1".into()],
            more: false,
            partly: Some((40, 100)),
        };
        assert_eq!(s.scale_text(), "time scales 0.05, 1");
        assert_eq!(s.effect(), "");
        assert!(s.note().starts_with("PARTLY SIMULATED (40 of 100 calls"));
        assert!(
            s.sentence()
                .starts_with("PARTLY SIMULATED: 40 of these 100 calls come from")
        );
    }
}
