//! Input lengths counted before a call: through the emulator's CountTokens
//! with the real SDK, the count is what the call is then billed, a
//! synthetic prompt sized to a counted length is billed exactly that, and
//! a model the service does not count falls back to the estimate and says
//! why.

use crate::common;

use bedrock_bench::call::{
    CallSpec, CallStatus, Counted, count_input_tokens, counts_tokens, sized_synthetic_prompt,
    timed_converse_stream,
};
use common::features::{SONNET_4, fast_profiles};
use common::*;

fn sonnet(user_text: &str) -> CallSpec {
    let mut spec = CallSpec::new(SONNET_4, user_text, 8);
    spec.system = Some("Answer in one short paragraph.".into());
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_is_what_the_call_is_then_billed() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let client = clients(&emulator).client("us-east-1");
    let spec = sonnet(&"Explain the concept of machine learning in simple terms. ".repeat(30));
    assert!(counts_tokens(&spec.model_id));
    let counted = count_input_tokens(&client, &spec).await.expect("a count");
    let Counted::Exact(tokens) = counted else {
        panic!("counted by the service: {counted:?}");
    };
    let record = timed_converse_stream(&client, &spec).await;
    assert_eq!(
        record.status,
        CallStatus::Success,
        "{:?}",
        record.error_message
    );
    assert_eq!(record.usage.expect("usage").input_tokens, tokens);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synthetic_prompt_sized_by_counting_is_billed_its_target() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let client = clients(&emulator).client("us-east-1");
    for target in [200, 1_500, 6_000] {
        let (text, counted) = sized_synthetic_prompt(&client, &sonnet(""), target)
            .await
            .expect("sized");
        assert_eq!(counted, Counted::Exact(target), "target {target}");
        let record = timed_converse_stream(&client, &sonnet(&text)).await;
        assert_eq!(
            record.status,
            CallStatus::Success,
            "{:?}",
            record.error_message
        );
        assert_eq!(record.usage.expect("usage").input_tokens, target);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_the_service_does_not_count_is_estimated_and_says_so() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let client = clients(&emulator).client("us-east-1");
    let spec = CallSpec::new(NOVA_PRO, "Hello there, how are you?", 8);
    assert!(!counts_tokens(NOVA_PRO));
    let counted = count_input_tokens(&client, &spec)
        .await
        .expect("an estimate");
    let Counted::Estimated { tokens, why } = counted else {
        panic!("estimated: {counted:?}");
    };
    assert_eq!(
        tokens,
        bedrock_catalog::tokens::estimate_tokens("Hello there, how are you?")
    );
    assert!(why.contains("does not list token counting"), "{why}");
    // No call reached the emulator for it.
    assert!(emulator.ground_truth().is_empty());
}
