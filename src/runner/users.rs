//! The `concurrent` load: `concurrency` users, each starting its next
//! call as soon as its last one ends, so that that many calls are always
//! in flight (the closed-loop view of a service: what latency and
//! throughput N callers get), for `duration_s` and/or `max_calls`.
//!
//! - Each user picks each call's scenario by weight from its own seeded
//!   generator, so a seed repeats the mix.
//! - A call's scheduled instant is when its user was ready to send it
//!   (so `dispatch_lag_s` is the runtime's own delay, and the latencies
//!   from the schedule equal the latencies); nothing is queued.
//! - No retries, as in the open loop; the budgets are taken per call, and
//!   a refusal or a stop ends every user after its call in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::task::JoinSet;

use super::open_loop::call_once;
use super::shared::Shared;
use super::worker::RunSlot;
use crate::plan::{ArrivalPlan, ScenarioPick};
use crate::record::OpenLoopTimes;

/// Run `users` users over `plan` for run `run_index` (from 0) and wait
/// for their calls.
pub(super) async fn drive(
    shared: Arc<Shared>,
    slot: RunSlot,
    plan: &ArrivalPlan,
    users: u32,
    run_index: u32,
) {
    let started = slot.facts.started;
    let ends = plan
        .duration_s
        .map(|d| started + Duration::from_secs_f64(d));
    let calls = Arc::new(AtomicU64::new(0));
    let scenarios = ScenarioPick::new(&plan.weights);
    let mut tasks = JoinSet::new();
    for user in 0..users {
        let seed = shared
            .seed
            .wrapping_add(u64::from(run_index).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_add(u64::from(user).wrapping_mul(0xD1B5_4A32_D192_ED03))
            ^ 0x7573_6572_735f_6c6f;
        tasks.spawn(user_loop(UserLoop {
            shared: Arc::clone(&shared),
            slot: slot.clone(),
            user,
            rng: StdRng::seed_from_u64(seed),
            scenarios: scenarios.clone(),
            calls: Arc::clone(&calls),
            max_calls: plan.max_calls,
            ends,
        }));
    }
    while tasks.join_next().await.is_some() {}
}

struct UserLoop {
    shared: Arc<Shared>,
    slot: RunSlot,
    user: u32,
    rng: StdRng,
    scenarios: ScenarioPick,
    calls: Arc<AtomicU64>,
    max_calls: Option<u64>,
    ends: Option<Instant>,
}

impl UserLoop {
    fn must_stop(&self) -> bool {
        self.shared.must_stop()
            || self.shared.tally.budget_exhausted.load(Ordering::SeqCst)
            || self.ends.is_some_and(|end| Instant::now() >= end)
    }
}

async fn user_loop(mut user: UserLoop) {
    let mut own = 0u64;
    while !user.must_stop() {
        let number = user.calls.fetch_add(1, Ordering::SeqCst);
        if user.max_calls.is_some_and(|max| number >= max) {
            return;
        }
        own += 1;
        let scenario = user.scenarios.pick(&mut user.rng);
        let invocation_id = format!(
            "r{}-s{}-u{}-{own}",
            user.slot.facts.run,
            scenario + 1,
            user.user + 1
        );
        // The run's calls in the order they start: the draws' numbers.
        let draw = (u64::from(user.slot.facts.run) << 32) | number;
        let Some(drawn) = user.shared.plan_call(scenario, draw) else {
            return;
        };
        let times = OpenLoopTimes {
            scheduled: Instant::now(),
            queued: Duration::ZERO,
        };
        call_once(
            &user.shared,
            &user.slot,
            scenario,
            drawn,
            invocation_id,
            times,
        )
        .await;
    }
}
