//! Benchmark groups and ids: one criterion group per model and variant
//! (performance config and every other axis set), one benchmark per
//! metric and region.

use crate::config::Scenario;

/// One criterion group: `<model_id>/<variant>`, the variant as in
/// [`Scenario::variant_label`] (`optimized`, `standard+priority`,
/// `standard+cache:read+think2048`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchGroup {
    /// The group id, such as `us.amazon.nova-pro-v1:0/optimized`.
    pub id: String,
    /// Its scenarios.
    pub members: Vec<BenchMember>,
    /// The id it would have had, when that id shares criterion's folder
    /// name (its first [`CRITERION_NAME_BYTES`] bytes, made safe) with
    /// another group's and was given a suffix to keep the two apart.
    pub renamed_from: Option<String>,
}

/// The most bytes of a group id criterion keeps in its folder name.
pub const CRITERION_NAME_BYTES: usize = 64;

/// The folder criterion stores a group's data in: the id with
/// `? " / \ * < > : | ^` replaced by `_`, cut to
/// [`CRITERION_NAME_BYTES`] bytes at a character boundary (criterion's
/// `make_filename_safe`).
pub fn criterion_folder(id: &str) -> String {
    let name = id.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_");
    cut(&name, CRITERION_NAME_BYTES).to_string()
}

/// FNV-1a, 64 bits: a hash that stays the same from build to build, so
/// that a renamed group keeps its folder (and its saved baselines).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Give every group whose folder another group shares an id of its own,
/// within the bytes criterion keeps: the model id cut short, `~` and 8 hex
/// digits of the whole id's hash, then the variant whole
/// (`us.anthropic.~846f991f/standard+via:anthropic-messages+at:mantle`);
/// for a variant too long for that, the id's first bytes and the hash.
fn keep_folders_apart(groups: &mut [BenchGroup]) {
    let folders: Vec<String> = groups.iter().map(|g| criterion_folder(&g.id)).collect();
    for (index, group) in groups.iter_mut().enumerate() {
        let shared = folders
            .iter()
            .enumerate()
            .any(|(other, folder)| other != index && *folder == folders[index]);
        if !shared {
            continue;
        }
        let hash = stable_hash(&group.id) as u32;
        let id = match group.id.rsplit_once('/') {
            Some((model, variant)) if variant.len() + 1 + 9 + 8 <= CRITERION_NAME_BYTES => {
                let budget = CRITERION_NAME_BYTES - variant.len() - 1 - 9;
                format!("{}~{hash:08x}/{variant}", cut(model, budget))
            }
            _ => format!("{}~{hash:08x}", cut(&group.id, CRITERION_NAME_BYTES - 9)),
        };
        group.renamed_from = Some(std::mem::replace(&mut group.id, id));
    }
}

/// `text`'s first `bytes` bytes (fewer, at a character boundary).
fn cut(text: &str, bytes: usize) -> &str {
    let mut end = text.len().min(bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One scenario in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchMember {
    /// Index into the scenarios.
    pub scenario: usize,
    /// The benchmark parameter: the region, or `region-line<N>` when a
    /// group has two scenarios in one region.
    pub label: String,
}

/// Group the scenarios, keeping the file's order of first appearance.
pub fn groups(scenarios: &[Scenario]) -> Vec<BenchGroup> {
    let mut groups: Vec<BenchGroup> = Vec::new();
    for (index, scenario) in scenarios.iter().enumerate() {
        let id = format!("{}/{}", scenario.model_id, scenario.variant_label());
        let member = BenchMember {
            scenario: index,
            label: scenario.region.clone(),
        };
        match groups.iter_mut().find(|g| g.id == id) {
            Some(group) => group.members.push(member),
            None => groups.push(BenchGroup {
                id,
                members: vec![member],
                renamed_from: None,
            }),
        }
    }
    keep_folders_apart(&mut groups);
    for group in &mut groups {
        let labels: Vec<String> = group.members.iter().map(|m| m.label.clone()).collect();
        for member in &mut group.members {
            if labels.iter().filter(|l| **l == member.label).count() > 1 {
                member.label = format!(
                    "{}-line{}",
                    member.label, scenarios[member.scenario].source.line
                );
            }
        }
    }
    groups
}

/// criterion's full id of one benchmark: `group/metric/label`.
pub fn benchmark_id(group: &BenchGroup, metric: &str, member: &BenchMember) -> String {
    format!("{}/{}/{}", group.id, metric, member.label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_scenarios;

    #[test]
    fn groups_criterion_would_store_in_one_folder_are_kept_apart() {
        let text = r#"{"text_prompt": "a", "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "anthropic-messages"}
{"text_prompt": "a", "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "anthropic-messages", "endpoint": "bedrock-mantle"}
{"text_prompt": "a", "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1"}"#;
        let scenarios = parse_scenarios(text, "s.jsonl", std::path::Path::new("."))
            .unwrap()
            .value;
        let g = groups(&scenarios);
        let folders: Vec<String> = g.iter().map(|g| criterion_folder(&g.id)).collect();
        assert_eq!(folders.len(), 3);
        assert!(folders.iter().all(|f| f.len() <= CRITERION_NAME_BYTES));
        assert_ne!(folders[0], folders[1], "{folders:?}");
        assert_eq!(
            g[0].renamed_from.as_deref(),
            Some("us.anthropic.claude-3-5-haiku-20241022-v1:0/standard+via:anthropic-messages")
        );
        // A group with a folder of its own keeps its id.
        assert_eq!(
            g[2].id,
            "us.anthropic.claude-3-5-haiku-20241022-v1:0/standard"
        );
        assert_eq!(g[2].renamed_from, None);
        assert!(
            g[0].id.ends_with("/standard+via:anthropic-messages"),
            "{}",
            g[0].id
        );
        assert!(
            g[1].id
                .ends_with("/standard+via:anthropic-messages+at:mantle"),
            "{}",
            g[1].id
        );
        // The same id always gets the same suffix.
        assert_eq!(groups(&scenarios)[1].id, g[1].id);
    }

    #[test]
    fn one_group_per_model_and_config_with_unique_labels() {
        let text = r#"{"text_prompt": "a", "model_id": "m1", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "a", "model_id": "m1", "region": "us-west-2", "performance_config": "optimized"}
{"text_prompt": "a", "model_id": "m1", "region": "us-east-2"}
{"text_prompt": "b", "model_id": "m1", "region": "us-east-2"}"#;
        let scenarios = parse_scenarios(text, "s.jsonl", std::path::Path::new("."))
            .unwrap()
            .value;
        let g = groups(&scenarios);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].id, "m1/optimized");
        assert_eq!(
            g[1].id, "m1/standard",
            "no performance_config is reported as standard"
        );
        let labels: Vec<&str> = g[0].members.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["us-east-2", "us-west-2"]);
        let labels: Vec<&str> = g[1].members.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["us-east-2-line3", "us-east-2-line4"]);
        assert_eq!(
            benchmark_id(&g[0], "ttft", &g[0].members[0]),
            "m1/optimized/ttft/us-east-2"
        );
    }

    #[test]
    fn each_variant_is_a_group_of_its_own() {
        let text = r#"{"text_prompt": "a", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1"}
{"text_prompt": "a", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1", "service_tier": "priority"}
{"text_prompt": "a", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1", "service_tier": "flex", "performance_config": "optimized"}"#;
        let scenarios = parse_scenarios(text, "s.jsonl", std::path::Path::new("."))
            .unwrap()
            .value;
        let ids: Vec<String> = groups(&scenarios).into_iter().map(|g| g.id).collect();
        assert_eq!(
            ids,
            [
                "us.amazon.nova-pro-v1:0/standard",
                "us.amazon.nova-pro-v1:0/standard+priority",
                "us.amazon.nova-pro-v1:0/optimized+flex",
            ]
        );
    }
}
