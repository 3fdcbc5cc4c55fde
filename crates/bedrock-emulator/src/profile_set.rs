//! The set of models the emulator knows, model-id matching, and JSON
//! overrides.
//!
//! Model ids are matched on their base id: an ARN is reduced to its last
//! path segment and a geography prefix (`us.`, `eu.`, `apac.`, `global.`,
//! ...) is removed, so `us.amazon.nova-pro-v1:0`,
//! `amazon.nova-pro-v1:0` and
//! `arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0`
//! all reach the Nova Pro profile.
//!
//! Override file (every part optional; fields not given keep their values):
//! ```json
//! {
//!   "all":     { "standard": { "faults": { "throttle_before_stream": 0.05 } } },
//!   "generic": { "standard": { "tokens_per_s": 80 } },
//!   "models":  { "us.amazon.nova-pro-v1:0": { "optimized": { "ttft_p50_s": 0.3, "ttft_p90_s": 0.4 },
//!                                             "max_in_flight": 4 } }
//! }
//! ```
//! `all` applies to every model (an `optimized` part only to models that
//! have one); `models` may add new ids (starting from `generic`) and
//! `"optimized": null` removes a model's optimized profile.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::builtin;
use super::override_error::OverrideError;
use super::profile::ModelProfile;
use super::provenance::Source;
use super::rate_quota::RateQuota;

pub use bedrock_catalog::base_model_id;

/// Every model the emulator can serve.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSet {
    models: BTreeMap<String, ModelProfile>,
    generic: ModelProfile,
}

impl Default for ProfileSet {
    fn default() -> Self {
        Self::builtin()
    }
}

impl ProfileSet {
    /// The built-in table: every model of the catalog, with the latencies
    /// the Python tool measured where it has them and estimates otherwise.
    pub fn builtin() -> Self {
        ProfileSet {
            models: builtin::models()
                .into_iter()
                .map(|(id, profile)| (id.to_string(), profile))
                .collect(),
            generic: builtin::generic(),
        }
    }

    /// Every known model and the generic profile replaced by `profile`:
    /// handy for tests that need exact, known timings.
    pub fn uniform(profile: ModelProfile) -> Self {
        let mut set = Self::builtin();
        for (_, model) in set.models.iter_mut() {
            let offers_optimized = model.optimized.is_some();
            *model = profile.clone();
            if !offers_optimized {
                model.optimized = None;
            }
        }
        set.generic = profile;
        set
    }

    /// The profile for `model_id`, matched on its base id.
    pub fn lookup(&self, model_id: &str) -> Option<&ModelProfile> {
        self.models.get(base_model_id(model_id))
    }

    /// The profile used for unknown ids when any model is accepted.
    pub fn generic(&self) -> &ModelProfile {
        &self.generic
    }

    /// Base ids of every known model, sorted.
    pub fn model_ids(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    /// Replace or add one model's profile (keyed by its base id).
    pub fn insert(&mut self, model_id: &str, profile: ModelProfile) {
        self.models
            .insert(base_model_id(model_id).to_string(), profile);
    }

    /// Read a JSON override file and apply it to the built-in table.
    pub fn from_override_file(path: &Path) -> Result<Self, OverrideError> {
        let mut set = Self::builtin();
        set.apply_override_file(path)?;
        Ok(set)
    }

    /// Read a JSON override file and apply it to this set (see
    /// [`ProfileSet::apply_overrides`]).
    pub fn apply_override_file(&mut self, path: &Path) -> Result<(), OverrideError> {
        let text = std::fs::read_to_string(path).map_err(|error| OverrideError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        self.apply_overrides(&text, &path.display().to_string())
    }

    /// Remove every model's rate quotas (requests and tokens per minute,
    /// latency-optimized ones included), the generic profile's too: the
    /// `--no-quotas` option. `max_in_flight` is kept.
    pub fn remove_rate_quotas(&mut self, by: &str) {
        for model in self
            .models
            .values_mut()
            .chain(std::iter::once(&mut self.generic))
        {
            model.quota = RateQuota::default();
            model.optimized_quota = None;
            model.sources.quota = Source::overridden(by);
        }
    }

    /// Apply an override document (see the module documentation); `source`
    /// names it in error messages. On error nothing is changed.
    pub fn apply_overrides(&mut self, json: &str, source: &str) -> Result<(), OverrideError> {
        let doc: Value = serde_json::from_str(json).map_err(|error| OverrideError::Json {
            origin: source.to_string(),
            error,
        })?;
        let Value::Object(doc) = doc else {
            return Err(OverrideError::NotAnObject {
                origin: source.to_string(),
            });
        };
        for key in doc.keys() {
            if !matches!(key.as_str(), "all" | "generic" | "models") {
                return Err(OverrideError::UnknownKey {
                    origin: source.to_string(),
                    key: key.clone(),
                });
            }
        }
        let mut next = self.clone();
        if let Some(all) = doc.get("all") {
            let all = as_object(all, source, "all")?;
            let ids: Vec<String> = next.models.keys().cloned().collect();
            for id in ids {
                let merged = merge_model(&next.models[&id], all, false, source, &id)?;
                next.models.insert(id, merged);
            }
            next.generic = merge_model(&next.generic, all, false, source, "generic")?;
        }
        if let Some(generic) = doc.get("generic") {
            let generic = as_object(generic, source, "generic")?;
            next.generic = merge_model(&next.generic, generic, true, source, "generic")?;
        }
        if let Some(models) = doc.get("models") {
            let models = as_object(models, source, "models")?;
            for (id, patch) in models {
                let patch = as_object(patch, source, &format!("models.{id}"))?;
                let base = next.lookup(id).unwrap_or(&next.generic).clone();
                let merged = merge_model(&base, patch, true, source, id)?;
                next.insert(id, merged);
            }
        }
        *self = next;
        Ok(())
    }
}

fn as_object<'a>(
    value: &'a Value,
    source: &str,
    path: &str,
) -> Result<&'a Map<String, Value>, OverrideError> {
    value
        .as_object()
        .ok_or_else(|| OverrideError::NotAnObjectAt {
            origin: source.to_string(),
            path: path.to_string(),
            found: value.clone(),
        })
}

/// Merge `patch` into `base`. With `may_add_optimized`, an `optimized` part
/// on a model without one starts from its standard profile; otherwise it
/// only changes models that already have one.
fn merge_model(
    base: &ModelProfile,
    patch: &Map<String, Value>,
    may_add_optimized: bool,
    source: &str,
    model: &str,
) -> Result<ModelProfile, OverrideError> {
    let mut value = serde_json::to_value(base).map_err(|error| OverrideError::Internal {
        origin: source.to_string(),
        model: model.to_string(),
        error,
    })?;
    let Value::Object(target) = &mut value else {
        return Err(OverrideError::InternalShape {
            origin: source.to_string(),
            model: model.to_string(),
        });
    };
    for (key, patch_value) in patch {
        match (key.as_str(), patch_value) {
            ("optimized", Value::Object(_)) if target.get("optimized") == Some(&Value::Null) => {
                if may_add_optimized {
                    let standard = target.get("standard").cloned().unwrap_or(Value::Null);
                    let mut optimized = standard;
                    merge_value(&mut optimized, patch_value);
                    target.insert("optimized".into(), optimized);
                }
            }
            // A source is stated whole: it replaces the one it names.
            ("sources", Value::Object(parts)) => {
                let sources = target
                    .entry("sources")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(sources) = sources {
                    for (part, source) in parts {
                        sources.insert(part.clone(), source.clone());
                    }
                } else {
                    *sources = patch_value.clone();
                }
            }
            _ => {
                let slot = target.entry(key.clone()).or_insert(Value::Null);
                merge_value(slot, patch_value);
            }
        }
    }
    let mut merged: ModelProfile =
        serde_json::from_value(value).map_err(|error| OverrideError::Fields {
            origin: source.to_string(),
            model: model.to_string(),
            error,
        })?;
    mark_overridden(&mut merged, patch, source);
    merged
        .validate(model)
        .map_err(|error| OverrideError::Invalid {
            origin: source.to_string(),
            error,
        })?;
    Ok(merged)
}

/// Mark the parts of `merged` that `patch` changed as coming from the
/// profile file `file`, unless the patch states their source itself.
fn mark_overridden(merged: &mut ModelProfile, patch: &Map<String, Value>, file: &str) {
    let stated = patch.get("sources").and_then(Value::as_object);
    let touches = |keys: &[&str]| keys.iter().any(|k| patch.contains_key(*k));
    let parts = [
        (
            "latency",
            touches(&["standard", "optimized", "reasoning", "input_token_overhead"]),
            &mut merged.sources.latency,
        ),
        ("tiers", touches(&["tiers"]), &mut merged.sources.tiers),
        (
            "quota",
            touches(&["quota", "optimized_quota", "max_in_flight"]),
            &mut merged.sources.quota,
        ),
    ];
    for (part, changed, source) in parts {
        if changed && !stated.is_some_and(|s| s.contains_key(part)) {
            *source = Source::overridden(&format!("profile file {file}"));
        }
    }
}

/// Deep merge: objects merge key by key, anything else replaces.
fn merge_value(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge_value(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reduce_to_their_base() {
        assert_eq!(
            base_model_id("us.amazon.nova-pro-v1:0"),
            "amazon.nova-pro-v1:0"
        );
        assert_eq!(
            base_model_id("amazon.nova-pro-v1:0"),
            "amazon.nova-pro-v1:0"
        );
        assert_eq!(
            base_model_id("apac.anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert_eq!(
            base_model_id(
                "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.meta.llama3-1-70b-instruct-v1:0"
            ),
            "meta.llama3-1-70b-instruct-v1:0"
        );
    }

    #[test]
    fn every_model_of_the_python_tools_list_is_known() {
        let set = ProfileSet::builtin();
        let list = [
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            "us.meta.llama3-2-1b-instruct-v1:0",
            "us.meta.llama3-2-11b-instruct-v1:0",
            "us.meta.llama3-2-3b-instruct-v1:0",
            "us.meta.llama3-2-90b-instruct-v1:0",
            "us.meta.llama3-1-8b-instruct-v1:0",
            "us.meta.llama3-1-70b-instruct-v1:0",
            "us.amazon.nova-micro-v1:0",
            "us.amazon.nova-lite-v1:0",
            "us.amazon.nova-pro-v1:0",
            "us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "us.meta.llama3-1-405b-instruct-v1:0",
            "us.meta.llama3-3-70b-instruct-v1:0",
            "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
            "us.deepseek.r1-v1:0",
            "us.mistral.pixtral-large-2502-v1:0",
            "us.meta.llama4-scout-17b-instruct-v1:0",
            "us.meta.llama4-maverick-17b-instruct-v1:0",
            "us.amazon.nova-premier-v1:0",
            "us.anthropic.claude-opus-4-20250514-v1:0",
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        ];
        for id in list {
            assert!(set.lookup(id).is_some(), "{id} missing");
        }
        assert!(set.lookup("us.example.unknown-v1:0").is_none());
    }

    #[test]
    fn overrides_change_only_what_they_name() {
        let mut set = ProfileSet::builtin();
        let before = set
            .lookup("us.amazon.nova-pro-v1:0")
            .cloned()
            .expect("nova");
        set.apply_overrides(
            r#"{"models": {"us.amazon.nova-pro-v1:0": {"optimized": {"ttft_p50_s": 0.3, "ttft_p90_s": 0.4}, "max_in_flight": 4}}}"#,
            "test.json",
        )
        .expect("applies");
        let after = set.lookup("amazon.nova-pro-v1:0").expect("nova");
        let optimized = after.optimized.as_ref().expect("optimized");
        assert_eq!(optimized.ttft_p50_s, 0.3);
        assert_eq!(
            optimized.tokens_per_s,
            before.optimized.as_ref().expect("o").tokens_per_s
        );
        assert_eq!(after.max_in_flight, Some(4));
        assert_eq!(after.standard, before.standard);
    }

    #[test]
    fn all_applies_everywhere_but_does_not_grant_optimized() {
        let mut set = ProfileSet::builtin();
        set.apply_overrides(
            r#"{"all": {"standard": {"faults": {"service_unavailable": 0.5}}, "optimized": {"tokens_per_chunk": 5}}}"#,
            "t",
        )
        .expect("applies");
        let micro = set.lookup("us.amazon.nova-micro-v1:0").expect("micro");
        assert_eq!(micro.standard.faults.service_unavailable, 0.5);
        assert!(micro.optimized.is_none());
        let pro = set.lookup("us.amazon.nova-pro-v1:0").expect("pro");
        assert_eq!(pro.optimized.as_ref().expect("o").tokens_per_chunk, 5);
    }

    #[test]
    fn new_models_start_from_generic_and_typos_are_errors() {
        let mut set = ProfileSet::builtin();
        set.apply_overrides(
            r#"{"models": {"my.model-v1:0": {"standard": {"tokens_per_s": 10}}}}"#,
            "t",
        )
        .expect("applies");
        assert_eq!(
            set.lookup("my.model-v1:0")
                .expect("added")
                .standard
                .tokens_per_s,
            10.0
        );

        let err = set
            .apply_overrides(
                r#"{"models": {"us.amazon.nova-pro-v1:0": {"standard": {"ttft_p50": 1}}}}"#,
                "p.json",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.json") && err.contains("ttft_p50"), "{err}");
        let err = set
            .apply_overrides(
                r#"{"models": {"us.amazon.nova-pro-v1:0": {"standard": {"tokens_per_s": -1}}}}"#,
                "p.json",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("tokens_per_s"), "{err}");
        assert!(
            set.apply_overrides(r#"{"model": {}}"#, "p.json")
                .unwrap_err()
                .to_string()
                .contains("`model`")
        );
    }

    #[test]
    fn optimized_null_removes_it() {
        let mut set = ProfileSet::builtin();
        set.apply_overrides(
            r#"{"models": {"us.amazon.nova-pro-v1:0": {"optimized": null}}}"#,
            "t",
        )
        .expect("applies");
        assert!(
            set.lookup("us.amazon.nova-pro-v1:0")
                .expect("pro")
                .optimized
                .is_none()
        );
    }
}
