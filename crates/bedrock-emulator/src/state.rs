//! State shared by every connection of one emulator.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::api_key::ApiKeys;
use super::connections::Connections;
use super::ground_truth::GroundTruthLog;
use super::guardrail_timing::GuardrailTiming;
use super::lateness::LatenessHistogram;
use super::limits::ConnectionLimits;
use super::profile_set::ProfileSet;
use super::prompt_cache::PromptCache;
use super::quota::InFlight;
use super::rate_quota::RateQuotas;
use super::request_bodies::RequestBodies;
use super::slow_down::SlowDown;
use precise_timer::PreciseTimer;

/// The longest delay the emulator schedules. Extreme but valid profile
/// values or time scales (a stall of 1e300 s) are clamped to it rather than
/// overflowing the clock.
pub const MAX_DELAY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Everything a request handler needs.
#[derive(Debug)]
pub struct Shared {
    /// The instant ground-truth times count from.
    pub epoch: Instant,
    /// The wall-clock time of `epoch`, so that other processes can place
    /// ground-truth times on their own clocks.
    pub epoch_wall: std::time::SystemTime,
    /// Multiplies every delay of every profile.
    pub time_scale: f64,
    /// Serve unknown model ids with the generic profile.
    pub accept_any_model: bool,
    /// Request bodies being read: their limits, the buffer they share,
    /// and their counts.
    pub bodies: Arc<RequestBodies>,
    /// The latency profiles.
    pub profiles: ProfileSet,
    /// Streams in flight per model.
    pub in_flight: Arc<InFlight>,
    /// Requests and tokens per minute per model.
    pub rate_quotas: RateQuotas,
    /// Every model's cached prompt prefixes.
    pub prompt_cache: PromptCache,
    /// Where ground truth goes.
    pub ground_truth: GroundTruthLog,
    /// Frame lateness.
    pub lateness: LatenessHistogram,
    /// Wakes streams at their frames' deadlines.
    pub timer: PreciseTimer,
    /// Open connections, their limits and counts.
    pub connections: Arc<Connections>,
    /// Slows requests down from some time after the start on.
    pub slow_down: Option<SlowDown>,
    /// The valid API keys (empty: any).
    pub api_keys: ApiKeys,
    /// A guardrail's check latencies.
    pub guardrail: GuardrailTiming,
    /// The words a guardrail blocks, in lower case.
    pub guardrail_blocked_words: Vec<String>,
    rng: Mutex<StdRng>,
    shutting_down: AtomicBool,
}

impl Shared {
    /// New state; `seed` makes every draw repeatable for the same order of
    /// requests.
    pub fn new(
        time_scale: f64,
        accept_any_model: bool,
        bodies: RequestBodies,
        profiles: ProfileSet,
        ground_truth: GroundTruthLog,
        seed: Option<u64>,
        limits: ConnectionLimits,
    ) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };
        Shared {
            epoch: Instant::now(),
            epoch_wall: std::time::SystemTime::now(),
            time_scale,
            accept_any_model,
            bodies: Arc::new(bodies),
            profiles,
            in_flight: Arc::new(InFlight::default()),
            rate_quotas: RateQuotas::default(),
            prompt_cache: PromptCache::default(),
            ground_truth,
            lateness: LatenessHistogram::default(),
            timer: PreciseTimer::start("emulator-timer"),
            connections: Arc::new(Connections::new(limits)),
            slow_down: None,
            api_keys: ApiKeys::default(),
            guardrail: GuardrailTiming::default(),
            guardrail_blocked_words: Vec::new(),
            rng: Mutex::new(rng),
            shutting_down: AtomicBool::new(false),
        }
    }

    /// Seconds from the emulator's start to `instant`.
    pub fn seconds_since_start(&self, instant: Instant) -> f64 {
        instant.saturating_duration_since(self.epoch).as_secs_f64()
    }

    /// The real delay for `model_s` seconds of model time: multiplied by
    /// the time scale, never negative, at most [`MAX_DELAY`].
    pub fn scaled(&self, model_s: f64) -> Duration {
        let real_s = model_s * self.time_scale;
        if real_s.is_nan() || real_s <= 0.0 {
            return Duration::ZERO;
        }
        Duration::try_from_secs_f64(real_s)
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY)
    }

    /// What the planned delays of a request that arrived at `arrived`
    /// are multiplied by ([`SlowDown`]): `None` when not slowed.
    pub fn slow_down_factor(&self, arrived: Instant) -> Option<f64> {
        self.slow_down?
            .factor_at(arrived.saturating_duration_since(self.epoch))
    }

    /// Real seconds in one minute of model time (0 at time scale 0).
    pub fn minute_s(&self) -> f64 {
        self.scaled(60.0).as_secs_f64()
    }

    /// The instant `model_s` seconds of model time after `start`.
    pub fn deadline(&self, start: Instant, model_s: f64) -> Instant {
        start.checked_add(self.scaled(model_s)).unwrap_or(start)
    }

    /// A generator for one request, seeded from the emulator's generator,
    /// and the request id drawn from it (UUID version 4 format).
    pub fn request_rng(&self) -> (StdRng, String) {
        let seed: u64 = {
            let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
            rng.random()
        };
        let mut rng = StdRng::seed_from_u64(seed);
        let bits: u128 = rng.random();
        let bits = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        );
        (rng, id)
    }

    /// Mark that the emulator is stopping: streams cut from now on are
    /// recorded as `shutdown`.
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Whether the emulator is stopping.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
}
