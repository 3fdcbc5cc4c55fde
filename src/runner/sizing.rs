//! A synthetic prompt sized with CountTokens before its call
//! (`exact_input_tokens`): the request then counts its target length
//! exactly where the model is counted, and the row records the count.
//! Sizing happens before t0, off the timed path; where the model is not
//! counted or CountTokens fails, the prompt keeps its estimated length and
//! `counted_input_tokens` stays empty.

use std::sync::Arc;

use aws_sdk_bedrockruntime::Client;
use bedrock_catalog::prices::Cost;

use super::shared::Shared;
use crate::call::{Counted, sized_prompt};
use crate::plan::{DrawnRequest, attempt_worst_case};

/// `drawn`, its prompt sized when the scenario asks for exact input
/// lengths, and the worst case its call reserves (the plan's, or the
/// sized request's own when that is dearer).
pub(super) async fn exact_length(
    shared: &Shared,
    client: &Client,
    scenario: usize,
    drawn: DrawnRequest,
) -> (DrawnRequest, Option<Cost>) {
    let planned = shared.worst_costs[scenario];
    let source = &shared.requests[scenario];
    let Some(target) = drawn
        .sent
        .target_input_tokens
        .filter(|_| source.exact_input())
    else {
        return (drawn, planned);
    };
    let answer = drawn.sent.target_output_tokens;
    let sized = sized_prompt(client, &drawn.spec, target, |tokens| {
        source.synthetic_text(tokens, answer)
    })
    .await;
    let Ok((text, Counted::Exact(counted))) = sized else {
        return (drawn, planned);
    };
    let DrawnRequest { spec, mut sent } = drawn;
    let mut spec = Arc::unwrap_or_clone(spec);
    spec.user_text = text;
    sent.counted_input_tokens = Some(counted);
    let own = attempt_worst_case(&spec, &shared.facts[scenario].prices);
    let worst = match (planned, own) {
        (Some(planned), Some(own)) => Some(planned.max(own)),
        _ => None,
    };
    (
        DrawnRequest {
            spec: Arc::new(spec),
            sent,
        },
        worst,
    )
}
