//! Checks that need both files: a scenario's variant against the
//! experiment's sampling settings.

use bedrock_catalog::Family;

use super::error::ConfigError;
use super::{Experiment, Scenario};

/// Every conflict between a scenario and the experiment, at the
/// scenario's line:
/// - extended thinking with `temperature` or `top_k` (Anthropic models
///   refuse both while thinking);
/// - `top_k` while the scenario's `additional_model_request_fields`
///   already sets the family's top-k field (one value would silently win);
/// - a replayed trace (which sends each record's synthetic prompt) with a
///   scenario whose prompts come from a dataset or make conversations
///   (either would be silently dropped).
pub(crate) fn errors(scenarios: &[Scenario], experiment: &Experiment) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for scenario in scenarios {
        if experiment.load.trace.is_some() {
            let dropped = [
                (
                    matches!(scenario.prompt.source, super::PromptSource::Dataset(_)),
                    "dataset",
                ),
                (scenario.conversation.is_some(), "conversation"),
            ];
            for (_, field) in dropped.iter().filter(|(set, _)| *set) {
                errors.push(ConfigError::new(
                    scenario.source.clone(),
                    Some(field),
                    format!(
                        "no `{field}` while the experiment replays a trace ({}:{}): each call sends its trace record's synthetic prompt",
                        experiment.source.file, experiment.source.line
                    ),
                    "both",
                ));
            }
        }
        let thinking = scenario.variant.reasoning_budget_tokens.is_some()
            && Family::of(&scenario.model_id) == Family::Anthropic;
        if thinking {
            for (set, name) in [
                (experiment.temperature.is_some(), "temperature"),
                (experiment.top_k.is_some(), "top_k"),
            ] {
                if set {
                    errors.push(ConfigError::new(
                        scenario.source.clone(),
                        Some("reasoning_budget_tokens"),
                        format!(
                            "no reasoning budget while the experiment sets `{name}` ({}:{}): Anthropic models refuse `{name}` with extended thinking",
                            experiment.source.file, experiment.source.line
                        ),
                        "both",
                    ));
                }
            }
        }
        if scenario.variant.api == bedrock_catalog::Api::OpenAiChat && experiment.top_k.is_some() {
            errors.push(ConfigError::new(
                scenario.source.clone(),
                Some("api"),
                format!(
                    "no `top_k` with `api` \"openai-chat\" while the experiment sets it ({}:{}): Chat Completions has no top-k",
                    experiment.source.file, experiment.source.line
                ),
                "both",
            ));
        }
        let Some(path) = Family::of(&scenario.model_id).top_k_path() else {
            continue;
        };
        let clash = experiment.top_k.is_some()
            && scenario
                .variant
                .additional_fields
                .as_ref()
                .is_some_and(|fields| {
                    let mut value = fields.get(path[0]);
                    for key in &path[1..] {
                        value = value.and_then(|inner| inner.get(*key));
                    }
                    value.is_some()
                });
        if clash {
            errors.push(ConfigError::new(
                scenario.source.clone(),
                Some(&format!(
                    "additional_model_request_fields.{}",
                    path.join(".")
                )),
                "no top-k here while the experiment sets `top_k` (one of the two would be lost)",
                "both",
            ));
        }
    }
    errors
}
