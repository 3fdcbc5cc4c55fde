//! Secrets never reach the files: an endpoint that echoes the request's
//! headers (Authorization with the SigV4 credential and signature, the
//! security token) in its error message gets them redacted in the raw CSV.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{ConnectionMode, Experiment, parse_scenarios};
use bedrock_bench::plan::PlanInput;
use bedrock_bench::runner::{self, RunControls};

/// Answer every request with a 400 ValidationException whose message is
/// the request head, verbatim (what a careless proxy does).
fn start_echo_server(stop: Arc<AtomicBool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    listener.set_nonblocking(true).expect("non-blocking");
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let message =
                serde_json::json!({ "message": format!("Bad request. You sent: {head}") })
                    .to_string();
            let response = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-amzn-ErrorType: ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/\r\nx-amzn-RequestId: 11111111-2222-3333-4444-555555555555\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{message}",
                message.len()
            );
            let mut stream = reader.into_inner();
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn echoed_credentials_are_redacted_in_the_raw_csv() {
    let stop = Arc::new(AtomicBool::new(false));
    let url = start_echo_server(Arc::clone(&stop));
    let dir = std::env::temp_dir().join(format!("bb-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let scenarios = parse_scenarios(
        "{\"text_prompt\": \"Hi\", \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n",
        "s.jsonl",
        Path::new("."),
    )
    .expect("scenarios")
    .value;
    let experiment = Experiment {
        invocations_per_scenario: 2,
        max_retries: 0,
        call_timeout: Duration::from_secs_f64(10.0),
        ..Experiment::default()
    };
    let plan = PlanInput::new(scenarios, experiment).seed(1).build();
    let clients = Arc::new(Clients::for_endpoint(&url, ConnectionMode::Warm));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let summary = runtime
        .block_on(runner::run(clients, &plan, RunControls::new(dir.clone())))
        .expect("the run completes");
    stop.store(true, Ordering::Relaxed);
    assert_eq!(summary.failures, 2, "both calls failed with the echo");
    let text = std::fs::read_to_string(&summary.files[0].path).expect("raw CSV");
    assert!(
        text.contains("Bad request. You sent: POST /model/"),
        "the message itself is kept: {text}"
    );
    assert!(text.contains("[REDACTED]"), "{text}");
    // The emulator credentials' access key id and the SigV4 signature.
    assert!(!text.contains("AKIDBEDROCKBENCHEMU"), "{text}");
    assert!(
        !text.contains("Signature=0") && !text.contains("Signature=a"),
        "{text}"
    );
    let signature_hex = text
        .split("Signature=")
        .skip(1)
        .any(|rest| rest.chars().take(64).all(|c| c.is_ascii_hexdigit()));
    assert!(!signature_hex, "no signature survives: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_old_file_with_an_echoed_credential_does_not_publish_it_in_the_report() {
    let dir = std::env::temp_dir().join(format!("bb-secrets-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let header = "time_to_first_byte,time_to_last_byte,job_timestamp_iso,configured_output_tokens_for_request,model_input_tokens,model_output_tokens,model,region,invocation_id,api_call_status,full_error_message,temperature,top_p,top_k,experiment_name,task_type,performance_config,timestamp,run_count";
    let leak = "Denied. Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-2/bedrock/aws4_request";
    let text = format!(
        "{header}\n0.5,1.0,2026-11-30T10:00:00Z,50,10,50,m,us-east-2,0,Success,Success,,,,e,t,standard,2026-11-30 10:00:00,1\n,0.1,2026-11-30T10:00:01Z,50,,,m,us-east-2,1,AccessDeniedException,\"{leak}\",,,,e,t,standard,2026-11-30 10:00:00,1\n"
    );
    let csv = dir.join("run_old.csv");
    std::fs::write(&csv, text).expect("csv");
    let analysis =
        bedrock_bench::analysis::analyze(&[&csv], &Default::default()).expect("analyzes");
    let files = analysis
        .write_files(&dir, "20261130_100000")
        .expect("files");
    let report = bedrock_bench::report::write_report(&analysis, &dir, &files).expect("report");
    let page = std::fs::read_to_string(&report.index).expect("page");
    assert!(
        page.contains("AccessDeniedException"),
        "the error is reported"
    );
    assert!(
        !page.contains("AKIAIOSFODNN7EXAMPLE"),
        "no access key id on the page"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
