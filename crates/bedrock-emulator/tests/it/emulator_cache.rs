//! Prompt caching through the SDK: a prefix written, then read, with the
//! usage fields and the ground truth, a faster first token on a hit, the
//! 1-hour TTL, prefixes under the model's minimum, and models without
//! caching.

use crate::common;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{
    CachePointBlock, CachePointType, CacheTtl, SystemContentBlock,
};
use bedrock_catalog::tokens::synthetic_prompt;
use common::features::*;
use common::*;

fn cache_point(ttl: Option<CacheTtl>) -> SystemContentBlock {
    SystemContentBlock::CachePoint(
        CachePointBlock::builder()
            .r#type(CachePointType::Default)
            .set_ttl(ttl)
            .build()
            .expect("cache point"),
    )
}

async fn ask(client: &Client, model: &str, system_tokens: u32, ttl: Option<CacheTtl>) -> Collected {
    let output = client
        .converse_stream()
        .model_id(model)
        .system(SystemContentBlock::Text(synthetic_prompt(system_tokens)))
        .system(cache_point(ttl))
        .messages(user("What do the notes say?"))
        .send()
        .await
        .expect("stream");
    collect(output).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_is_written_once_then_read_and_the_hit_is_faster() {
    // Prefill costs 0.5 ms per uncached token: 3,000 tokens = 1.5 s of
    // model time, 0.3 s at this time scale.
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"ttft_per_input_token_s": 0.0005}}}"#),
        0.2,
    );
    let client = client_for(&emulator);
    let started = std::time::Instant::now();
    let write = ask(&client, SONNET_4, 3000, None).await;
    let write_ttft = write.first_delta_at.expect("delta") - started;
    let usage = write.usage.clone().expect("usage");
    assert_eq!(usage.cache_write_input_tokens(), Some(3000));
    assert_eq!(usage.cache_read_input_tokens(), Some(0));
    assert_eq!(usage.cache_details().len(), 1);
    assert_eq!(usage.cache_details()[0].ttl().as_str(), "5m");
    assert_eq!(usage.cache_details()[0].input_tokens(), 3000);
    let question = usage.input_tokens();
    assert!(question > 0 && question < 20, "{question}");
    assert_eq!(
        usage.total_tokens(),
        usage.input_tokens() + usage.output_tokens() + 3000
    );

    let started = std::time::Instant::now();
    let read = ask(&client, SONNET_4, 3000, None).await;
    let read_ttft = read.first_delta_at.expect("delta") - started;
    let usage = read.usage.clone().expect("usage");
    assert_eq!(usage.cache_read_input_tokens(), Some(3000));
    assert_eq!(usage.cache_write_input_tokens(), Some(0));
    assert!(usage.cache_details().is_empty());
    assert_eq!(usage.input_tokens(), question);
    assert!(
        write_ttft.as_secs_f64() - read_ttft.as_secs_f64() > 0.15,
        "write {write_ttft:?}, read {read_ttft:?}"
    );

    let truth_write = ground_truth_for(&emulator, write.request_id.as_deref().expect("id"));
    let truth_read = ground_truth_for(&emulator, read.request_id.as_deref().expect("id"));
    assert_eq!(
        (
            truth_write.cache_write_input_tokens,
            truth_write.cache_read_input_tokens
        ),
        (3000, 0)
    );
    assert_eq!(
        (
            truth_read.cache_write_input_tokens,
            truth_read.cache_read_input_tokens
        ),
        (0, 3000)
    );
    assert!(
        truth_write.planned_ttft_s.expect("ttft") > truth_read.planned_ttft_s.expect("ttft") + 0.25
    );

    // The same prefix on another model is another cache entry.
    let other = ask(&client, SONNET_4_5, 3000, None).await;
    assert_eq!(
        other.usage.expect("usage").cache_write_input_tokens(),
        Some(3000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ttls_minimums_and_models_without_caching() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let hour = ask(&client, SONNET_4, 2000, Some(CacheTtl::OneHour)).await;
    let usage = hour.usage.expect("usage");
    assert_eq!(usage.cache_details()[0].ttl().as_str(), "1h");

    // Under Sonnet 4's 1,024-token minimum: nothing cached, fields zero.
    let short = ask(&client, SONNET_4, 500, None).await;
    let usage = short.usage.expect("usage");
    assert_eq!(usage.cache_write_input_tokens(), Some(0));
    assert_eq!(usage.cache_read_input_tokens(), Some(0));
    assert!(usage.input_tokens() >= 500);

    let refused = client
        .converse_stream()
        .model_id(LLAMA_8B)
        .system(SystemContentBlock::Text(synthetic_prompt(2000)))
        .system(cache_point(None))
        .messages(user("What do the notes say?"))
        .send()
        .await
        .expect_err("no caching on Llama");
    assert!(
        error_message(&refused).contains("cachePoint"),
        "{}",
        error_message(&refused)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_reads_do_not_count_toward_the_tokens_quota() {
    // 60,000 tokens per minute, a bucket of 5 s: 5,000 tokens, refilled at
    // 1,000 tokens per second. A 4,000-token prefix is written once (it
    // counts), then read 20 times in a row: reads claim only the question
    // and the answer, so none is throttled; 20 writes of it would be.
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"anthropic.claude-sonnet-4-20250514-v1:0": {"quota": {"tokens_per_minute": 60000, "burst_s": 5}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let write = ask(&client, SONNET_4, 4000, None).await;
    assert!(write.error.is_none(), "{:?}", write.error);
    assert_eq!(
        write.usage.expect("usage").cache_write_input_tokens(),
        Some(4000)
    );
    for _ in 0..20 {
        let read = ask(&client, SONNET_4, 4000, None).await;
        assert!(read.error.is_none(), "{:?}", read.error);
        assert_eq!(
            read.usage.expect("usage").cache_read_input_tokens(),
            Some(4000)
        );
    }
    // A prefix that is not cached claims its whole prompt: two writes in a
    // row do not fit the bucket.
    let first = client
        .converse_stream()
        .model_id(SONNET_4)
        .system(SystemContentBlock::Text(synthetic_prompt(4500)))
        .system(cache_point(None))
        .messages(user("What do the notes say?"))
        .inference_config(max_tokens(10))
        .send()
        .await;
    let second = client
        .converse_stream()
        .model_id(SONNET_4)
        .system(SystemContentBlock::Text(synthetic_prompt(4600)))
        .system(cache_point(None))
        .messages(user("What do the notes say?"))
        .inference_config(max_tokens(10))
        .send()
        .await;
    assert!(
        first.is_err() || second.is_err(),
        "two uncached 4,500-token prompts fit a 5,000-token bucket"
    );
    assert!(
        emulator
            .ground_truth()
            .iter()
            .filter(|t| t.faults == ["tokens_per_minute"])
            .count()
            >= 1
    );
}
