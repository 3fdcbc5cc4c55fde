//! The emulator's clock for a call starts when the request is whole, as
//! Bedrock's model does: a prompt uploaded slowly does not make the first
//! delta late in the ground truth, which records both instants (headers
//! read, body complete).

use crate::common;

use std::time::{Duration, Instant};

use common::raw_http::{RawConnection, RawRequest, valid_body};
use common::*;

/// The profile's fixed TTFT.
const TTFT: f64 = 0.05;
/// The body goes out in this many pieces...
const PIECES: usize = 6;
/// ...this far apart: about 300 ms of upload.
const PIECE_GAP: Duration = Duration::from_millis(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upload_starts_the_plan_when_the_body_is_complete() {
    // 5 one-token deltas, the first TTFT after the body, then every 10 ms.
    let profile = fixed_profile(TTFT, 100.0, 1, 1000);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", valid_body(5));
    let body = request.body.clone();
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    connection.write(&request.head()).await.expect("the head");
    let head_sent = Instant::now();
    let piece = body.len().div_ceil(PIECES);
    for chunk in body.chunks(piece) {
        tokio::time::sleep(PIECE_GAP).await;
        connection.write(chunk).await.expect("a piece of the body");
    }
    let body_sent = Instant::now();
    let response = connection.read_response().await.expect("the stream");
    let answered = body_sent.elapsed();
    assert_eq!(
        response.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    let upload = body_sent.duration_since(head_sent);
    assert!(upload >= PIECE_GAP * PIECES as u32, "{upload:?}");
    // The whole answer (TTFT 50 ms, then 4 deltas 10 ms apart and the end)
    // comes after the body, not 300 ms sooner.
    assert!(
        answered.as_secs_f64() >= TTFT + 0.05 - 0.002,
        "{answered:?}"
    );

    let truth = emulator
        .ground_truth()
        .into_iter()
        .next()
        .expect("one ground-truth record");
    assert_eq!(truth.outcome, "complete", "{truth:?}");
    // Both instants are recorded, the upload between them.
    let complete = truth.body_complete_s.expect("body_complete_s");
    let uploading = complete - truth.received_s;
    assert!(
        uploading >= (PIECE_GAP * (PIECES as u32 - 1)).as_secs_f64(),
        "the body took {uploading} s after the headers: {truth:?}"
    );
    assert_eq!(truth.plan_start_s(), complete);
    // The plan counts from the body's completion, and so does lateness: the
    // first delta is on time, not late by the upload.
    let planned = truth.planned_ttft_s.expect("planned TTFT");
    assert!((planned - TTFT).abs() < 1e-6, "{truth:?}");
    let first = truth.first_delta_written_s.expect("first delta") - complete;
    assert!(
        (TTFT - 1e-4..TTFT + 0.03).contains(&first),
        "first delta {first} s after the body: {truth:?}"
    );
    let lateness = truth.max_frame_lateness_s.expect("lateness");
    assert!(lateness < 0.03, "lateness {lateness} s: {truth:?}");
    assert!(
        (truth.planned_total_s.expect("planned total") - (TTFT + 0.05)).abs() < 1e-6,
        "{truth:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_completes_records_no_body_instant() {
    let profile = fixed_profile(TTFT, 100.0, 1, 1000);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", valid_body(5));
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    connection.write(&request.head()).await.expect("the head");
    connection
        .write(&request.body[..10])
        .await
        .expect("10 bytes of the body");
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(connection);
    let truth = {
        let mut found = None;
        for _ in 0..200 {
            if let Some(truth) = emulator.ground_truth().into_iter().next() {
                found = Some(truth);
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        found.expect("a record for the abandoned request")
    };
    assert_eq!(truth.body_complete_s, None, "{truth:?}");
    assert_eq!(truth.planned_ttft_s, None, "{truth:?}");
    assert_eq!(truth.plan_start_s(), truth.received_s);
}
