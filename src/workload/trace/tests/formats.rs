//! Each format, detected and named, read to the exact instant.

use std::time::Duration;

use super::{instants, ms, open};
use crate::workload::trace::{TraceFormat, TraceRecord};

const AZURE: &str = "TIMESTAMP,ContextTokens,GeneratedTokens\n\
2023-11-16 18:15:46,4808,10\n\
2023-11-16 18:15:46.680590,3180,8\n\
2023-11-16 18:15:47.361180,110,27\n\
2023-11-16 18:15:47.4,7,1\n\
2023-11-16 18:15:47.400000001,7,0\n\
2023-11-16 18:15:48.5000000,900,300\n";

#[test]
fn azure_is_detected_and_read_with_any_fractional_digits() {
    let trace = open("azure", "azure.csv", AZURE, None).unwrap();
    assert_eq!(trace.format(), TraceFormat::Azure);
    assert_eq!(
        instants(&trace),
        vec![
            Duration::ZERO,
            Duration::from_nanos(680_590_000),
            Duration::from_nanos(1_361_180_000),
            ms(1400),
            Duration::from_nanos(1_400_000_001),
            ms(2500),
        ]
    );
    let gap = trace.records()[2].at - trace.records()[1].at;
    assert_eq!(gap, Duration::from_nanos(680_590_000));
    let first = &trace.records()[0];
    assert_eq!(
        (first.input_tokens, first.output_tokens, first.line),
        (4808, 10, 2)
    );
    assert_eq!(trace.max_input_tokens(), 4808);
    assert_eq!(trace.max_output_tokens(), 300);
    assert_eq!(trace.session_count(), 0);
    assert!(
        trace
            .records()
            .iter()
            .all(|record| record.hash_ids.is_empty())
    );
}

#[test]
fn azure_is_read_when_named() {
    let trace = open("azure-named", "azure.csv", AZURE, Some(TraceFormat::Azure)).unwrap();
    assert_eq!(trace.format(), TraceFormat::Azure);
    assert_eq!(trace.len(), 6);
}

#[test]
fn burstgpt_columns_are_found_by_name_and_failures_counted() {
    let text = "Model,Response tokens,Timestamp,Session ID,Request tokens,Total tokens,Log Type\n\
ChatGPT,120,5,s1,472,592,Conversation log\n\
GPT-4,0,5,s2,30,30,API log\n\
ChatGPT,7,12.25,s1,100,107,Conversation log\n\
ChatGPT,0,13,,100,100,API log\n";
    for format in [None, Some(TraceFormat::BurstGpt)] {
        let trace = open("burstgpt", "burst.csv", text, format).unwrap();
        assert_eq!(trace.format(), TraceFormat::BurstGpt);
        assert_eq!(instants(&trace), vec![ms(0), ms(0), ms(7250), ms(8000)]);
        let lengths: Vec<(u32, u32)> = trace
            .records()
            .iter()
            .map(|record| (record.input_tokens, record.output_tokens))
            .collect();
        assert_eq!(lengths, vec![(472, 120), (30, 0), (100, 7), (100, 0)]);
        assert_eq!(trace.zero_output_count(), 2);
        assert_eq!(trace.session_count(), 2);
        assert_eq!(trace.records()[0].session_id.as_deref(), Some("s1"));
        assert_eq!(trace.records()[3].session_id, None);
    }
}

#[test]
fn burstgpt_without_sessions() {
    let text = "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n\
0,ChatGPT,472,18,490,Conversation log\n\
1,GPT-4,1024,0,1024,API log\n";
    let trace = open("burstgpt-plain", "burst.csv", text, None).unwrap();
    assert_eq!(trace.format(), TraceFormat::BurstGpt);
    assert_eq!(trace.session_count(), 0);
    assert_eq!(trace.zero_output_count(), 1);
    assert_eq!(trace.arrival_rate(), Some(2.0));
}

#[test]
fn mooncake_hash_ids_are_kept_and_other_keys_ignored() {
    let text = "{\"timestamp\": 0, \"input_length\": 6758, \"output_length\": 12, \"hash_ids\": [46, 47, 48]}\n\
{\"timestamp\": 1500, \"input_length\": 40, \"output_length\": 0, \"note\": {\"any\": [1]}}\n\
{\"timestamp\": 1500.5, \"input_length\": 41, \"output_length\": 3, \"hash_ids\": []}\n\
{\"timestamp\": 27000, \"input_length\": 1000, \"output_length\": 5, \"hash_ids\": [18446744073709551615]}\n";
    for format in [None, Some(TraceFormat::Mooncake)] {
        let trace = open("mooncake", "trace.jsonl", text, format).unwrap();
        assert_eq!(trace.format(), TraceFormat::Mooncake);
        assert_eq!(
            instants(&trace),
            vec![ms(0), ms(1500), Duration::from_micros(1_500_500), ms(27000)]
        );
        assert_eq!(trace.records()[0].hash_ids, vec![46, 47, 48]);
        assert!(trace.records()[1].hash_ids.is_empty());
        assert_eq!(trace.records()[3].hash_ids, vec![u64::MAX]);
        assert_eq!(trace.span(), ms(27000));
        assert_eq!(trace.zero_output_count(), 1);
    }
}

#[test]
fn a_trace_starts_at_its_first_record() {
    let text = "{\"timestamp\": 5000, \"input_length\": 1, \"output_length\": 1}\n\
{\"timestamp\": 5250, \"input_length\": 1, \"output_length\": 1}\n";
    let trace = open("rebased", "trace.jsonl", text, None).unwrap();
    assert_eq!(instants(&trace), vec![ms(0), ms(250)]);
}

#[test]
fn plain_csv_with_only_the_required_columns() {
    let text = "arrival_s,input_tokens,output_tokens\n0,812,120\n0.25,95,40\n1.5,1650,300\n";
    for format in [None, Some(TraceFormat::Plain)] {
        let trace = open("plain-csv", "trace.csv", text, format).unwrap();
        assert_eq!(trace.format(), TraceFormat::Plain);
        assert_eq!(instants(&trace), vec![ms(0), ms(250), ms(1500)]);
        assert_eq!(trace.records()[2].input_tokens, 1650);
        assert_eq!(trace.records()[2].line, 4);
        assert_eq!(trace.session_count(), 0);
    }
}

#[test]
fn plain_csv_with_the_optional_columns_in_any_order() {
    let text = "hash_ids,output_tokens,session_id,arrival_s,input_tokens\n\
1 2 3,120,chat-1,0,812\n\
,40,,0.25,95\n\
1 2 3 4,300,chat-1,1.5,1650\n";
    let trace = open("plain-csv-all", "trace.csv", text, None).unwrap();
    assert_eq!(
        trace.records()[0],
        TraceRecord {
            at: Duration::ZERO,
            input_tokens: 812,
            output_tokens: 120,
            session_id: Some("chat-1".to_owned()),
            hash_ids: vec![1, 2, 3],
            line: 2,
        }
    );
    assert_eq!(trace.records()[1].session_id, None);
    assert!(trace.records()[1].hash_ids.is_empty());
    assert_eq!(trace.records()[2].hash_ids, vec![1, 2, 3, 4]);
    assert_eq!(trace.session_count(), 1);
}

#[test]
fn plain_json_lines_with_and_without_the_optional_keys() {
    let text = "{\"arrival_s\": 0, \"input_tokens\": 812, \"output_tokens\": 120, \"session_id\": \"chat-1\", \"hash_ids\": [1, 2, 3]}\n\
{\"arrival_s\": 0.25, \"input_tokens\": 95, \"output_tokens\": 40}\n\
{\"arrival_s\": 2, \"input_tokens\": 5, \"output_tokens\": 0, \"session_id\": 7, \"hash_ids\": null}\n";
    for format in [None, Some(TraceFormat::Plain)] {
        let trace = open("plain-jsonl", "trace.jsonl", text, format).unwrap();
        assert_eq!(trace.format(), TraceFormat::Plain);
        assert_eq!(instants(&trace), vec![ms(0), ms(250), ms(2000)]);
        assert_eq!(trace.records()[0].hash_ids, vec![1, 2, 3]);
        assert_eq!(trace.records()[0].session_id.as_deref(), Some("chat-1"));
        assert_eq!(trace.records()[1].session_id, None);
        assert!(trace.records()[1].hash_ids.is_empty());
        assert_eq!(trace.records()[2].session_id.as_deref(), Some("7"));
        assert_eq!(trace.session_count(), 2);
    }
}

#[test]
fn quoted_csv_fields_are_read_and_lines_counted_across_them() {
    let text = "\"Timestamp\",\"Model\",\"Request tokens\",\"Response tokens\",\"Session ID\"\n\
\"0\",\"Chat\nGPT\",\"472\",\"18\",\"a,b\"\n\
1,\"GPT \"\"4\"\"\",\" 30 \",0,\"a,b\"\n\
2,x,0,1,c\n";
    let message = open("quoted", "burst.csv", text, None).unwrap_err();
    assert_eq!(
        message,
        "burst.csv:5: column `Request tokens`: expected a whole number of tokens from 1 to 10000000, found `0` (less than 1)"
    );
    let fixed = text.replace("2,x,0,1,c", "2,x,9,1,c");
    let trace = open("quoted-fixed", "burst.csv", &fixed, None).unwrap();
    assert_eq!(trace.records()[0].session_id.as_deref(), Some("a,b"));
    assert_eq!(trace.records()[1].input_tokens, 30);
    let lines: Vec<u32> = trace.records().iter().map(|record| record.line).collect();
    assert_eq!(lines, vec![2, 4, 5]);
    assert_eq!(trace.session_count(), 2);
}

#[test]
fn a_byte_order_mark_blank_lines_and_crlf_are_ignored() {
    let csv =
        "\u{feff}\n  \narrival_s,input_tokens,output_tokens\r\n1,10,1\r\n\r\n   \r\n2,20,2\r\n";
    let trace = open("bom-csv", "trace.csv", csv, None).unwrap();
    assert_eq!(trace.format(), TraceFormat::Plain);
    assert_eq!(instants(&trace), vec![ms(0), ms(1000)]);
    let lines: Vec<u32> = trace.records().iter().map(|record| record.line).collect();
    assert_eq!(lines, vec![4, 7]);

    let jsonl = "\u{feff}{\"timestamp\": 0, \"input_length\": 3, \"output_length\": 4}\r\n\n \t\n{\"timestamp\": 2, \"input_length\": 5, \"output_length\": 6}\n";
    let trace = open("bom-jsonl", "trace.jsonl", jsonl, None).unwrap();
    assert_eq!(trace.format(), TraceFormat::Mooncake);
    let lines: Vec<u32> = trace.records().iter().map(|record| record.line).collect();
    assert_eq!(lines, vec![1, 4]);
}

#[test]
fn equal_instants_are_kept_in_file_order() {
    let text = "arrival_s,input_tokens,output_tokens\n3,1,1\n3,2,2\n3.0,3,3\n";
    let trace = open("equal", "trace.csv", text, None).unwrap();
    let inputs: Vec<u32> = trace
        .records()
        .iter()
        .map(|record| record.input_tokens)
        .collect();
    assert_eq!(inputs, vec![1, 2, 3]);
    assert_eq!(trace.span(), Duration::ZERO);
    assert_eq!(trace.arrival_rate(), None);
}

#[test]
fn formats_have_names() {
    for format in TraceFormat::ALL {
        assert_eq!(TraceFormat::from_name(format.as_str()), Some(format));
        assert_eq!(format.to_string(), format.as_str());
    }
    let names: Vec<&str> = TraceFormat::ALL
        .iter()
        .map(|format| format.as_str())
        .collect();
    assert_eq!(names, vec!["azure", "burstgpt", "mooncake", "plain"]);
    assert_eq!(
        TraceFormat::from_name("BurstGPT"),
        Some(TraceFormat::BurstGpt)
    );
    assert_eq!(TraceFormat::from_name("sharegpt"), None);
}

#[test]
fn statistics() {
    let text = "arrival_s,input_tokens,output_tokens,session_id\n\
0,10,5,a\n1,30,0,b\n2,20,9,a\n4,5,0,\n";
    let trace = open("statistics", "trace.csv", text, None).unwrap();
    assert_eq!(trace.len(), 4);
    assert!(!trace.is_empty());
    assert_eq!(trace.span(), Duration::from_secs(4));
    assert_eq!(trace.max_input_tokens(), 30);
    assert_eq!(trace.max_output_tokens(), 9);
    assert_eq!(trace.zero_output_count(), 2);
    assert_eq!(trace.session_count(), 2);
    assert_eq!(trace.arrival_rate(), Some(1.0));
    assert!(trace.path().ends_with("trace.csv"));
}
