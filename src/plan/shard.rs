//! One share of an experiment split among several processes (`run
//! --shard I/N`), one per machine: shard `I` of `N` makes the calls whose
//! number `k` (from 0) has `k mod N = I`, so the shards together make
//! exactly the calls of the whole experiment, each once.
//!
//! - Closed loop: invocation `n` (from 1) of every scenario in every run
//!   is shard `(n - 1) mod N`'s. Each shard makes its own warm-ups (they
//!   warm its own connections), numbered apart: shard `I`'s are
//!   `I * W + 1 ..= (I + 1) * W`.
//! - Open loop: the arrivals of the experiment, numbered across its runs
//!   (see `ArrivalPlan::for_shard_run`), every shard drawing all of them
//!   from the shared seed and keeping its own.
//! - Budgets: the whole experiment's; see [`Shard::budget`].

use std::fmt;
use std::str::FromStr;

/// The most shards an experiment can be split into.
pub const MAX_SHARDS: u32 = 10_000;

/// Shard `index` (from 0, as Kubernetes' `JOB_COMPLETION_INDEX`) of
/// `count` shards; always `index < count <= MAX_SHARDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// A `--shard` value that is not `I/N` with `0 <= I < N <= 10000`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "expected I/N, the shard's index from 0 (as Kubernetes' JOB_COMPLETION_INDEX) and the number of shards, 1 to {MAX_SHARDS}, such as 0/4 to 3/4{why}; found {found:?}"
)]
pub struct ShardError {
    /// What was wrong, after a semicolon (empty when the shape is wrong).
    why: String,
    /// The value given.
    found: String,
}

impl Shard {
    /// Shard `index` of `count`; an error naming both when `index` is not
    /// below `count` or `count` is not 1 to [`MAX_SHARDS`].
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        let error = |why: String| ShardError {
            why,
            found: format!("{index}/{count}"),
        };
        if count == 0 || count > MAX_SHARDS {
            return Err(error(format!(
                " (the number of shards {count} is not 1 to {MAX_SHARDS})"
            )));
        }
        if index >= count {
            return Err(error(format!(
                " (the index {index} is not below {count}: indices count from 0, so the last of {count} shards is {}/{count})",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// The shard's index, from 0.
    pub fn index(self) -> u32 {
        self.index
    }

    /// The number of shards.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether call number `k` (from 0) is this shard's: `k mod N = I`.
    pub fn owns(self, k: u64) -> bool {
        k % u64::from(self.count) == u64::from(self.index)
    }

    /// How many of calls `0..total` are this shard's: `total / N`,
    /// rounded up for the first `total mod N` shards. The shares of all
    /// the shards add up to `total`.
    pub fn share_of(self, total: u64) -> u64 {
        let index = u64::from(self.index);
        if total <= index {
            0
        } else {
            (total - index - 1) / u64::from(self.count) + 1
        }
    }

    /// This shard's part of a budget of `max` (calls, or picodollars)
    /// that the shards' plans use `own` (this shard's) and `all` (every
    /// shard's together) of: its own plan, plus its
    /// [share](Shard::share_of) of what the plans leave (for retries).
    /// The parts of all the shards add up to `max`. `None` when the plans
    /// together need more than `max`.
    pub fn budget(self, max: u64, own: u64, all: u64) -> Option<u64> {
        let spare = max.checked_sub(all)?;
        Some(own.saturating_add(self.share_of(spare)))
    }

    /// This shard's part of an open-loop rate, `rate_per_s / N`, as text
    /// with at most 3 decimals: `6.667`, `10`.
    pub fn rate_share(self, rate_per_s: f64) -> String {
        let text = format!("{:.3}", rate_per_s / f64::from(self.count));
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }

    /// What the shard's raw CSVs add to their names:
    /// `run_<run id>_shard-<I>-of-<N>.csv`.
    pub fn file_suffix(self) -> String {
        format!("_shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    /// `I/N`, as `--shard` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// `I/N`: two decimal numbers (digits only) around one slash.
    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let error = |why: &str| ShardError {
            why: why.to_string(),
            found: text.to_string(),
        };
        let Some((index, count)) = text.split_once('/') else {
            return Err(error(""));
        };
        let number = |part: &str, what: &str| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error(&format!(" ({what} {part:?} is not a whole number)")));
            }
            part.parse::<u32>()
                .map_err(|_| error(&format!(" ({what} {part} is too large)")))
        };
        let index = number(index, "the index")?;
        let count = number(count, "the number of shards")?;
        Shard::new(index, count).map_err(|e| ShardError {
            found: text.to_string(),
            ..e
        })
    }
}

/// The numbers (from 1) of a scenario's `total` invocations that `shard`
/// makes (every one without a shard), in order.
pub fn invocations(shard: Option<Shard>, total: u32) -> impl Iterator<Item = u32> {
    (1..=total).filter(move |n| shard.is_none_or(|s| s.owns(u64::from(*n - 1))))
}

/// The numbers of the `per_shard` warm-ups `shard` makes before a
/// scenario's invocations: `1..=per_shard` without a shard; shard `I`'s
/// are `I * per_shard + 1 ..= (I + 1) * per_shard`, so that warm-up ids
/// never repeat across shards.
pub fn warmups(shard: Option<Shard>, per_shard: u32) -> impl Iterator<Item = u32> {
    let first = shard.map_or(0, |s| s.index.saturating_mul(per_shard));
    (1..=per_shard).map(move |n| first.saturating_add(n))
}

/// A seed for `shard`'s own random draws that must differ between shards
/// (retry jitter: shards throttled together must not retry together);
/// `seed` itself without a shard.
pub fn own_seed(shard: Option<Shard>, seed: u64) -> u64 {
    seed ^ shard.map_or(0, |s| u64::from(s.index) << 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_values_parse_and_print_back() {
        for (text, index, count) in [("0/1", 0, 1), ("3/4", 3, 4), ("9999/10000", 9999, 10000)] {
            let shard: Shard = text.parse().expect(text);
            assert_eq!((shard.index(), shard.count()), (index, count));
            assert_eq!(shard.to_string(), text);
        }
        assert_eq!("007/010".parse::<Shard>(), Shard::new(7, 10));
        assert_eq!(Shard::new(1, 3).unwrap().file_suffix(), "_shard-1-of-3");
        assert_eq!(Shard::new(1, 3).unwrap().rate_share(20.0), "6.667");
        assert_eq!(Shard::new(1, 2).unwrap().rate_share(20.0), "10");
    }

    #[test]
    fn every_bad_value_says_what_is_expected_and_what_was_found() {
        for (text, why) in [
            ("", "found \"\""),
            ("3", "found \"3\""),
            ("1-4", "found \"1-4\""),
            ("/4", "the index \"\" is not a whole number"),
            ("1/", "the number of shards \"\" is not a whole number"),
            ("-1/4", "the index \"-1\" is not a whole number"),
            ("+1/4", "the index \"+1\" is not a whole number"),
            (" 1/4", "the index \" 1\" is not a whole number"),
            (
                "1/4/5",
                "the number of shards \"4/5\" is not a whole number",
            ),
            ("a/4", "the index \"a\" is not a whole number"),
            ("1.5/4", "the index \"1.5\" is not a whole number"),
            ("99999999999/4", "the index 99999999999 is too large"),
            ("0/0", "the number of shards 0 is not 1 to 10000"),
            ("0/10001", "the number of shards 10001 is not 1 to 10000"),
            ("4/4", "the index 4 is not below 4"),
            ("$(JOB_COMPLETION_INDEX)/4", "is not a whole number"),
        ] {
            let message = text.parse::<Shard>().expect_err(text).to_string();
            assert!(
                message.starts_with("expected I/N, the shard's index from 0"),
                "{message}"
            );
            assert!(message.contains(why), "{text}: {message}");
            assert!(message.ends_with(&format!("found {text:?}")), "{message}");
        }
        let message = Shard::new(4, 4).expect_err("4/4").to_string();
        assert!(message.contains("the last of 4 shards is 3/4"), "{message}");
    }

    #[test]
    fn the_shares_partition_the_calls() {
        for count in [1u32, 2, 3, 7] {
            for total in [0u64, 1, 2, 3, 10, 11, 100] {
                let shards: Vec<Shard> =
                    (0..count).map(|i| Shard::new(i, count).unwrap()).collect();
                let shares: Vec<u64> = shards.iter().map(|s| s.share_of(total)).collect();
                assert_eq!(shares.iter().sum::<u64>(), total);
                for (shard, share) in shards.iter().zip(&shares) {
                    let owned = (0..total).filter(|&k| shard.owns(k)).count() as u64;
                    assert_eq!(owned, *share, "{shard} of {total}");
                    assert!(*share <= total.div_ceil(u64::from(count)));
                }
            }
        }
        let last = Shard::new(9999, 10000).unwrap();
        assert_eq!(last.share_of(u64::MAX), u64::MAX / 10000);
    }

    #[test]
    fn budgets_add_up_to_the_maximum() {
        let shards: Vec<Shard> = (0..3).map(|i| Shard::new(i, 3).unwrap()).collect();
        // Plans of 4, 3 and 3 calls under a maximum of 20.
        let parts: Vec<u64> = shards
            .iter()
            .zip([4, 3, 3])
            .map(|(s, own)| s.budget(20, own, 10).unwrap())
            .collect();
        assert_eq!(parts, [8, 6, 6]);
        assert_eq!(shards[0].budget(9, 4, 10), None);
        assert_eq!(shards[2].budget(10, 3, 10), Some(3));
    }

    #[test]
    fn invocations_and_warm_ups_are_numbered_apart() {
        assert_eq!(invocations(None, 4).collect::<Vec<_>>(), [1, 2, 3, 4]);
        let shard = |i| Some(Shard::new(i, 3).unwrap());
        assert_eq!(invocations(shard(0), 10).collect::<Vec<_>>(), [1, 4, 7, 10]);
        assert_eq!(invocations(shard(2), 10).collect::<Vec<_>>(), [3, 6, 9]);
        assert_eq!(warmups(None, 2).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(warmups(shard(0), 2).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(warmups(shard(2), 2).collect::<Vec<_>>(), [5, 6]);
        assert_eq!(warmups(shard(1), 0).count(), 0);
        assert_eq!(own_seed(None, 5), 5);
        assert_ne!(own_seed(shard(1), 5), own_seed(shard(2), 5));
        assert_eq!(own_seed(shard(0), 5), 5);
    }
}
