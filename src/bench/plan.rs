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
            }),
        }
    }
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
