use super::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::Normal;

fn point(input_tokens: f64, ttft: f64) -> PrefillPoint {
    PrefillPoint { input_tokens, ttft }
}

/// TTFT = intercept + slope * input, at every input of `inputs`.
fn line(intercept: f64, slope: f64, inputs: &[f64]) -> Vec<PrefillPoint> {
    inputs
        .iter()
        .map(|&x| point(x, intercept + slope * x))
        .collect()
}

#[test]
fn a_perfect_line_gives_back_its_intercept_and_slope_exactly() {
    // Numbers a binary float holds exactly: 0.25 s plus 1/1024 s per
    // token, at 256, 512, ..., 2048 tokens.
    let inputs: Vec<f64> = (1..=8).map(|k| 256.0 * f64::from(k)).collect();
    let fit = fit(&line(0.25, 1.0 / 1024.0, &inputs)).expect("a fit");
    assert_eq!(fit.calls, 8);
    assert_eq!(fit.intercept.value, 0.25);
    assert_eq!(fit.slope_per_1k.value, 1000.0 / 1024.0);
    // No residual: the intervals are the estimates.
    assert_eq!((fit.intercept.low, fit.intercept.high), (0.25, 0.25));
    assert_eq!(
        (fit.slope_per_1k.low, fit.slope_per_1k.high),
        (0.9765625, 0.9765625)
    );
    assert_eq!(fit.r_squared, 1.0);
    assert_eq!(
        (fit.min_input_tokens, fit.max_input_tokens),
        (256.0, 2048.0)
    );
    assert!(!fit.is_narrow());
    assert_eq!(fit.note(), None);
    assert_eq!(fit.ttft_at(1024.0), 1.25);
}

#[test]
fn noisy_data_gets_intervals_that_contain_the_truth() {
    let mut rng = StdRng::seed_from_u64(25);
    let noise = Normal::new(0.0, 0.02).expect("a normal distribution");
    let points: Vec<PrefillPoint> = (0..200)
        .map(|i| {
            let x = f64::from(500 + (i * 37) % 4000);
            point(x, 0.2 + 0.0005 * x + rng.sample(noise))
        })
        .collect();
    let fit = fit(&points).expect("a fit");
    assert_eq!(fit.calls, 200);
    assert!(fit.intercept.contains(0.2), "{:?}", fit.intercept);
    assert!(fit.slope_per_1k.contains(0.5), "{:?}", fit.slope_per_1k);
    // The intervals are of the size 200 calls with 20 ms of noise give,
    // not wide enough to contain anything.
    let slope_width = fit.slope_per_1k.high - fit.slope_per_1k.low;
    assert!(slope_width > 0.0 && slope_width < 0.01, "{slope_width}");
    let intercept_width = fit.intercept.high - fit.intercept.low;
    assert!(
        intercept_width > 0.0 && intercept_width < 0.02,
        "{intercept_width}"
    );
    assert!(
        fit.r_squared > 0.9 && fit.r_squared < 1.0,
        "{}",
        fit.r_squared
    );
}

#[test]
fn the_intervals_cover_the_truth_95_times_in_100_with_few_calls() {
    // With 8 calls (6 degrees of freedom) the normal quantile 1.96 in
    // place of t's 2.447 would cover the truth about 90% of the time.
    let mut rng = StdRng::seed_from_u64(7);
    let noise = Normal::new(0.0, 0.05).expect("a normal distribution");
    let inputs = [100.0, 400.0, 800.0, 1600.0, 100.0, 400.0, 800.0, 1600.0];
    let trials = 2000;
    let (mut slopes, mut intercepts) = (0, 0);
    for _ in 0..trials {
        let points: Vec<PrefillPoint> = inputs
            .iter()
            .map(|&x| point(x, 0.3 + 0.0002 * x + rng.sample(noise)))
            .collect();
        let fit = fit(&points).expect("a fit");
        slopes += usize::from(fit.slope_per_1k.contains(0.2));
        intercepts += usize::from(fit.intercept.contains(0.3));
    }
    for covered in [slopes, intercepts] {
        let share = covered as f64 / f64::from(trials);
        assert!((0.93..=0.97).contains(&share), "{share}");
    }
}

#[test]
fn too_few_calls_or_lengths_give_no_fit() {
    let seven = line(
        0.2,
        0.001,
        &[100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0],
    );
    assert_eq!(fit(&seven), Err(NoFit::TooFewCalls { calls: 7 }));
    assert_eq!(fit(&[]), Err(NoFit::TooFewCalls { calls: 0 }));
    let two_lengths = line(0.2, 0.001, &[100.0, 200.0].repeat(10));
    assert_eq!(
        fit(&two_lengths),
        Err(NoFit::TooFewLengths {
            calls: 20,
            lengths: 2
        })
    );
    let one_length = line(0.2, 0.001, &[100.0; 12]);
    assert_eq!(
        fit(&one_length),
        Err(NoFit::TooFewLengths {
            calls: 12,
            lengths: 1
        })
    );
    let three_lengths = line(0.2, 0.001, &[100.0, 200.0, 300.0, 100.0].repeat(2));
    assert!(fit(&three_lengths).is_ok());
    assert_eq!(
        NoFit::TooFewCalls { calls: 7 }.to_string(),
        "no fit: 7 successful call(s) with a TTFT and input tokens, 8 needed"
    );
    assert_eq!(
        NoFit::TooFewLengths {
            calls: 20,
            lengths: 2
        }
        .to_string(),
        "no fit: 2 distinct input length(s) among 20 calls, 3 needed"
    );
}

#[test]
fn a_narrow_range_is_noted() {
    let narrow = fit(&line(
        0.2,
        0.001,
        &[1000.0, 1100.0, 1500.0, 1900.0].repeat(2),
    ))
    .expect("fit");
    assert!(narrow.is_narrow());
    assert_eq!(
        narrow.note().as_deref(),
        Some(
            "narrow range: the longest input is 1.90x the shortest (under 2x), the slope is uncertain"
        )
    );
    let wide = fit(&line(
        0.2,
        0.001,
        &[1000.0, 1500.0, 2000.0, 1000.0].repeat(2),
    ))
    .expect("fit");
    assert!(!wide.is_narrow(), "twice the shortest is wide enough");
    let group = GroupPrefill {
        model: "m".into(),
        region: "r".into(),
        performance_config: "standard".into(),
        fit: Err(NoFit::TooFewLengths {
            calls: 9,
            lengths: 1,
        }),
    };
    assert_eq!(
        group.note(),
        "no fit: 1 distinct input length(s) among 9 calls, 3 needed"
    );
    assert_eq!(group.calls(), 9);
}

#[test]
fn constant_ttft_has_no_r_squared() {
    let flat = fit(&line(0.4, 0.0, &[100.0, 200.0, 300.0, 400.0].repeat(2))).expect("fit");
    assert_eq!(flat.slope_per_1k.value, 0.0);
    assert_eq!(flat.intercept.value, 0.4);
    assert!(flat.r_squared.is_nan());
}

#[test]
fn the_t_quantile_matches_the_tables() {
    for (df, expected) in [(1, 12.706), (10, 2.228), (100, 1.984)] {
        let t = t_quantile_975(df);
        assert!((t - expected).abs() < 5e-4, "df {df}: {t}");
    }
    // Six decimals, on both sides of the table's end (values by numerical
    // integration of t's density).
    for (df, expected) in [
        (2, 4.302653),
        (17, 2.109816),
        (30, 2.042272),
        (31, 2.039513),
        (50, 2.008559),
        (100, 1.983972),
        (1000, 1.962339),
    ] {
        let t = t_quantile_975(df);
        assert!((t - expected).abs() < 2e-6, "df {df}: {t}");
    }
    assert!((t_quantile_975(1_000_000_000) - 1.959964).abs() < 1e-6);
    assert!(t_quantile_975(0).is_nan());
}
