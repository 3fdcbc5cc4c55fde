use super::*;
use crate::config::parse_scenarios;

fn scenarios(text: &str) -> Vec<Scenario> {
    parse_scenarios(text, "s.jsonl", std::path::Path::new("."))
        .expect("scenarios")
        .value
}

#[test]
fn both_flags_make_the_cells_inputs_outer_outputs_inner() {
    let grid = LengthGrid::from_flags(Some("128, 1024"), Some("64,256,1024"))
        .expect("parses")
        .expect("a grid");
    assert_eq!(grid.inputs, [128, 1024]);
    assert_eq!(grid.outputs, [64, 256, 1024]);
    let cells: Vec<(u32, u32)> = grid
        .cells()
        .iter()
        .map(|c| (c.input_tokens, c.output_tokens))
        .collect();
    assert_eq!(
        cells,
        [
            (128, 64),
            (128, 256),
            (128, 1024),
            (1024, 64),
            (1024, 256),
            (1024, 1024)
        ]
    );
    assert_eq!(grid.cells()[4].dir_name(), "cell-in1024-out256");
}

#[test]
fn neither_flag_is_no_grid_and_one_alone_is_refused() {
    assert_eq!(LengthGrid::from_flags(None, None), Ok(None));
    assert_eq!(
        LengthGrid::from_flags(Some("128"), None)
            .expect_err("half")
            .to_string(),
        "--grid-input needs --grid-output: a length grid takes both"
    );
    assert_eq!(
        LengthGrid::from_flags(None, Some("64"))
            .expect_err("half")
            .to_string(),
        "--grid-output needs --grid-input: a length grid takes both"
    );
}

#[test]
fn a_bad_item_is_named_with_its_flag_and_position() {
    let error = |input: &str, output: &str| {
        LengthGrid::from_flags(Some(input), Some(output))
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        error("128,abc", "64"),
        "--grid-input \"128,abc\": item 2 is \"abc\"; expected a whole number of tokens from 1 to 10000000"
    );
    assert_eq!(
        error("128", "0"),
        "--grid-output \"0\": item 1 is \"0\"; expected a whole number of tokens from 1 to 1000000"
    );
    assert_eq!(
        error("10000001", "64"),
        "--grid-input \"10000001\": item 1 is \"10000001\"; expected a whole number of tokens from 1 to 10000000"
    );
    assert_eq!(
        error("128", "64,-5"),
        "--grid-output \"64,-5\": item 2 is \"-5\"; expected a whole number of tokens from 1 to 1000000"
    );
    assert_eq!(
        error("128", "64,,256"),
        "--grid-output \"64,,256\": item 2 is \"\"; expected a whole number of tokens from 1 to 1000000"
    );
    assert_eq!(
        error("128", "1.5"),
        "--grid-output \"1.5\": item 1 is \"1.5\"; expected a whole number of tokens from 1 to 1000000"
    );
    assert_eq!(
        error("128,256,128", "64"),
        "--grid-input \"128,256,128\": 128 is listed twice; expected each length once"
    );
    assert_eq!(
        parse_lengths("--grid-input", "10000000", MAX_GRID_INPUT_TOKENS),
        Ok(vec![10_000_000])
    );
    assert_eq!(
        parse_lengths("--grid-output", "1000000", MAX_GRID_OUTPUT_TOKENS),
        Ok(vec![1_000_000])
    );
}

#[test]
fn too_many_lengths_or_cells_are_refused() {
    let many: Vec<String> = (1..=51).map(|n| n.to_string()).collect();
    let error = parse_lengths("--grid-input", &many.join(","), MAX_GRID_INPUT_TOKENS)
        .expect_err("too many");
    assert!(
        error
            .to_string()
            .ends_with(": 51 lengths; expected at most 50"),
        "{error}"
    );
    let twenty_one: Vec<String> = (1..=21).map(|n| n.to_string()).collect();
    let list = twenty_one.join(",");
    assert_eq!(
        LengthGrid::from_flags(Some(&list), Some(&list)),
        Err(GridError::TooManyCells { cells: 441 })
    );
}

#[test]
fn a_cells_scenarios_have_its_synthetic_prompt_and_output_length() {
    let original = scenarios(concat!(
        r#"{"text_prompt": "Hi.", "system_prompt": "Be brief.", "expected_output_tokens": 5, "model_id": "us.amazon.nova-lite-v1:0", "region": "us-east-1"}"#,
        "\n",
        r#"{"synthetic_input_tokens": {"uniform": {"min": 10, "max": 20}}, "expected_output_tokens": {"uniform": {"min": 10, "max": 90}}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
    ));
    assert!(original[1].output_tokens.is_some());
    let cell = GridCell {
        input_tokens: 1024,
        output_tokens: 256,
    };
    let cells = cell_scenarios(&original, cell);
    assert_eq!(cells.len(), 2);
    for (scenario, before) in cells.iter().zip(&original) {
        assert_eq!(
            bedrock_catalog::tokens::estimate_tokens(&scenario.prompt.user_text),
            1024
        );
        assert_eq!(
            scenario.prompt.source,
            PromptSource::Synthetic { input_tokens: 1024 }
        );
        assert_eq!(scenario.expected_output_tokens, 256);
        assert_eq!(scenario.output_tokens, None);
        assert_eq!(scenario.prompt.system, before.prompt.system);
        assert_eq!(
            (&scenario.name, &scenario.model_id),
            (&before.name, &before.model_id)
        );
    }
    assert_eq!(cells[0].prompt.system.as_deref(), Some("Be brief."));
}

#[test]
fn a_conversation_is_refused_at_its_line() {
    let plain = scenarios(
        r#"{"text_prompt": "Hi.", "model_id": "us.amazon.nova-lite-v1:0", "region": "us-east-1"}"#,
    );
    assert_eq!(check_scenarios(&plain), Ok(()));
    let mut with_conversation = plain.clone();
    with_conversation.push(plain[0].clone());
    with_conversation[1].source = crate::config::SourceLocation::new("s.jsonl", 2);
    with_conversation[1].conversation = Some(conversation());
    let error = check_scenarios(&with_conversation).expect_err("refused");
    assert!(
        error.to_string().starts_with(
            "s.jsonl:2: expected a single-turn scenario in a length grid (each cell sets the prompt's length), found a conversation in "
        ),
        "{error}"
    );
}

fn conversation() -> crate::config::Conversation {
    scenarios(
        r#"{"text_prompt": "Hi.", "conversation": {"turns": 2}, "model_id": "us.amazon.nova-lite-v1:0", "region": "us-east-1"}"#,
    )
    .remove(0)
    .conversation
    .expect("a conversation")
}
