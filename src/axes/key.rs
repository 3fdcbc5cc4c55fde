//! A group's variant as typed values, and its label: the one format in
//! which a variant is written (`standard`, `optimized+priority`,
//! `standard+cache:read+think2048+tools:any`) and read back.

use std::fmt;

use bedrock_catalog::{Api, Endpoint, GuardrailMode, ServiceTier};

use super::Axis;

/// The service tier of a variant that sent none, as tables show it.
pub const DEFAULT_TIER: &str = "default";

/// What calls with a cache point did with the prompt cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheState {
    /// Neither read nor wrote it: the cache point never hit.
    Unused,
    /// Wrote the prefix to the cache (and read none of it).
    Write,
    /// Read cached tokens.
    Read,
}

impl CacheState {
    /// `none`, `write` or `read`: the label's part after `cache:` and the
    /// extended summary's `cache` column.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheState::Unused => "none",
            CacheState::Write => "write",
            CacheState::Read => "read",
        }
    }

    /// The state of a call whose usage reported `read` and `write` cache
    /// tokens: a read wins (a call that reads a prefix and writes a longer
    /// one is served from the cache first).
    pub fn of(read: Option<u64>, write: Option<u64>) -> CacheState {
        if read.unwrap_or(0) > 0 {
            CacheState::Read
        } else if write.unwrap_or(0) > 0 {
            CacheState::Write
        } else {
            CacheState::Unused
        }
    }

    fn parse(text: &str) -> Option<CacheState> {
        [CacheState::Unused, CacheState::Write, CacheState::Read]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A variant: one typed value per [`Axis`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VariantKey {
    /// The performance config as recorded: `standard`, `optimized`
    /// (`standard` when a row says nothing; text, because the Python
    /// tool's files may hold other spellings, grouped apart as written).
    pub performance_config: String,
    /// The service tier sent; `None` when none was (Bedrock serves
    /// `default`).
    pub service_tier: Option<ServiceTier>,
    /// What the calls did with the prompt cache; `None` without a cache
    /// point.
    pub cache: Option<CacheState>,
    /// The reasoning budget sent, in tokens; `None`: no reasoning asked.
    pub reasoning_budget_tokens: Option<u64>,
    /// The tools sent, as labelled (`tools`, `tools:any`, `tools:<name>`);
    /// `None`: none.
    pub tools: Option<String>,
    /// The inference API (ConverseStream when a row says nothing).
    pub api: Api,
    /// The endpoint (`bedrock-runtime` when a row says nothing).
    pub endpoint: Endpoint,
    /// The guardrail's stream processing mode; `None`: no guardrail.
    pub guardrail: Option<GuardrailMode>,
}

/// A label that is not one [`VariantKey::label`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "variant label `{label}`: `{part}` is none of a service tier (\"priority\", \"default\", \"flex\", \"reserved\"), `cache:read|write|none`, `think<budget>` or `tools[:<choice>]`"
)]
pub struct LabelError {
    /// The whole label.
    pub label: String,
    /// The part that is not understood.
    pub part: String,
}

impl VariantKey {
    /// The variant of a label written by [`VariantKey::label`] (or by
    /// `analyze`'s reader, which writes the same format from the raw
    /// columns). A label without `+` (every file written before the other
    /// axes, and the Python tool's) is a performance config alone.
    pub fn parse_label(label: &str) -> Result<VariantKey, LabelError> {
        let mut parts = label.split('+');
        let mut key = VariantKey {
            performance_config: parts.next().unwrap_or("").to_string(),
            service_tier: None,
            cache: None,
            reasoning_budget_tokens: None,
            tools: None,
            api: Api::ConverseStream,
            endpoint: Endpoint::Runtime,
            guardrail: None,
        };
        for part in parts {
            let read = Axis::ALL[1..]
                .iter()
                .find_map(|&axis| key.read_part(axis, part));
            if read != Some(true) {
                return Err(LabelError {
                    label: label.to_string(),
                    part: part.to_string(),
                });
            }
        }
        Ok(key)
    }

    /// Read `part` of a label (after the `+`) as `axis`'s value: `None`
    /// when the part is not `axis`'s, `Some(false)` when it is but its
    /// value is not one `axis` takes.
    fn read_part(&mut self, axis: Axis, part: &str) -> Option<bool> {
        let prefix = axis.label_prefix().trim_start_matches('+');
        match axis {
            Axis::PerformanceConfig => None,
            Axis::ServiceTier => {
                let tier = part.parse::<ServiceTier>().ok()?;
                self.service_tier = Some(tier);
                Some(true)
            }
            Axis::Cache => {
                let state = CacheState::parse(part.strip_prefix(prefix)?);
                self.cache = state;
                Some(state.is_some())
            }
            Axis::Reasoning => {
                let budget = part.strip_prefix(prefix)?.parse().ok();
                self.reasoning_budget_tokens = budget;
                Some(budget.is_some())
            }
            Axis::Tools => {
                (part == "tools" || part.starts_with("tools:")).then_some(())?;
                self.tools = Some(part.to_string());
                Some(true)
            }
            Axis::Api => {
                let api = part.strip_prefix(prefix)?.parse::<Api>().ok();
                self.api = api.unwrap_or_default();
                Some(api.is_some_and(|api| api != Api::ConverseStream))
            }
            Axis::Endpoint => {
                let value = part.strip_prefix(prefix)?;
                let endpoint = format!("bedrock-{value}").parse::<Endpoint>().ok();
                self.endpoint = endpoint.unwrap_or_default();
                Some(endpoint.is_some_and(|endpoint| endpoint != Endpoint::Runtime))
            }
            Axis::Guardrail => {
                let mode = part.strip_prefix(prefix)?.parse::<GuardrailMode>().ok();
                self.guardrail = mode;
                Some(mode.is_some())
            }
        }
    }

    /// The label: the performance config, then each other axis that is
    /// set, in [`Axis::ALL`]'s order, each after its
    /// [`super::AxisSpec::label_prefix`].
    pub fn label(&self) -> String {
        let mut label = self.performance_config.clone();
        for axis in &Axis::ALL[1..] {
            if let Some(value) = self.label_value(*axis) {
                label.push_str(axis.label_prefix());
                label.push_str(&value);
            }
        }
        label
    }

    /// The axis's part of the label, without its prefix; `None` when the
    /// axis is not set (the performance config is always set).
    fn label_value(&self, axis: Axis) -> Option<String> {
        match axis {
            Axis::PerformanceConfig => Some(self.performance_config.clone()),
            Axis::ServiceTier => self.service_tier.map(|tier| tier.as_str().to_string()),
            Axis::Cache => self.cache.map(|state| state.as_str().to_string()),
            Axis::Reasoning => self.reasoning_budget_tokens.map(|b| b.to_string()),
            Axis::Tools => self.tools.clone(),
            Axis::Api => (self.api != Api::ConverseStream).then(|| self.api.to_string()),
            Axis::Endpoint => (self.endpoint != Endpoint::Runtime).then(|| {
                let name = self.endpoint.as_str();
                name.strip_prefix("bedrock-").unwrap_or(name).to_string()
            }),
            Axis::Guardrail => self.guardrail.map(|mode| mode.to_string()),
        }
    }

    /// The value of `axis` as the extended summary's column of that axis
    /// holds it: the service tier reported (`default` when none was sent),
    /// empty for an axis that is not set.
    pub fn csv_value(&self, axis: Axis) -> String {
        match axis {
            Axis::ServiceTier => self.reported_tier().to_string(),
            _ => self.label_value(axis).unwrap_or_default(),
        }
    }

    /// The service tier tables show: the one sent, `default` when none
    /// was.
    pub fn reported_tier(&self) -> &'static str {
        self.service_tier.map_or(DEFAULT_TIER, ServiceTier::as_str)
    }

    /// The value of `axis`, as shown in tables (`default`, `write`,
    /// `not cached`, `none`/`2048` for reasoning, `none`/`tools:any` for
    /// tools).
    pub fn value(&self, axis: Axis) -> String {
        match axis {
            Axis::PerformanceConfig => self.performance_config.clone(),
            Axis::ServiceTier => self.reported_tier().to_string(),
            Axis::Cache => self
                .cache
                .map_or_else(|| "not cached".to_string(), |s| s.as_str().to_string()),
            Axis::Reasoning => self
                .reasoning_budget_tokens
                .map_or_else(|| "none".to_string(), |b| b.to_string()),
            Axis::Tools => self.tools.clone().unwrap_or_else(|| "none".to_string()),
            Axis::Api => self.api.to_string(),
            Axis::Endpoint => self.endpoint.to_string(),
            Axis::Guardrail => self
                .guardrail
                .map_or_else(|| "none".to_string(), |mode| mode.to_string()),
        }
    }

    /// The only axis on which `self` and `other` differ; `None` when they
    /// differ on none or on several.
    pub fn single_difference(&self, other: &VariantKey) -> Option<Axis> {
        let mut differing = Axis::ALL
            .into_iter()
            .filter(|&axis| self.value(axis) != other.value(axis));
        let axis = differing.next()?;
        differing.next().is_none().then_some(axis)
    }

    /// Whether `self` holds the baseline value of `axis` (its
    /// [`super::AxisSpec::baseline`]): `standard`, the default tier (or
    /// none sent), a cache write, no reasoning, no tools.
    pub fn is_baseline_on(&self, axis: Axis) -> bool {
        self.value(axis) == axis.spec().baseline
    }

    /// Whether `self` (a baseline) and `other` (a compared variant)
    /// differ on `axis` alone in a way that is compared: `self` holds the
    /// axis's baseline and `other` a value compared with it, or the two
    /// hold the axis's [`super::AxisSpec::also_compared`] pair.
    /// An API called on another endpoint than the baseline's (the
    /// OpenAI-compatible API of a model served on `bedrock-mantle` only)
    /// is compared with the baseline API as a difference of API.
    pub fn compared_with(&self, other: &VariantKey) -> Option<Axis> {
        let differing: Vec<Axis> = Axis::ALL
            .into_iter()
            .filter(|&axis| self.value(axis) != other.value(axis))
            .collect();
        if differing == [Axis::Api, Axis::Endpoint] {
            return (self.is_baseline_on(Axis::Api) && self.is_baseline_on(Axis::Endpoint))
                .then_some(Axis::Api);
        }
        let axis = self.single_difference(other)?;
        let pair = (self.value(axis), other.value(axis));
        let also = axis
            .spec()
            .also_compared
            .is_some_and(|(base, compared)| pair.0 == base && pair.1 == compared);
        ((self.is_baseline_on(axis) && other.is_compared_on(axis)) || also).then_some(axis)
    }

    /// Whether `self` holds a value of `axis` compared with the baseline:
    /// `optimized`, any tier sent but `default`, a cache read, a budget,
    /// tools.
    pub fn is_compared_on(&self, axis: Axis) -> bool {
        match axis {
            Axis::PerformanceConfig => self.performance_config == "optimized",
            Axis::Cache => self.cache == Some(CacheState::Read),
            _ => !self.is_baseline_on(axis),
        }
    }
}

impl fmt::Display for VariantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(label: &str) -> VariantKey {
        VariantKey::parse_label(label).expect(label)
    }

    #[test]
    fn labels_parse_axis_by_axis() {
        let plain = parse("standard");
        assert_eq!(plain.performance_config, "standard");
        assert_eq!(plain.service_tier, None);
        assert_eq!(plain.reported_tier(), "default");
        assert_eq!(plain.cache, None);
        assert_eq!(plain.reasoning_budget_tokens, None);
        assert_eq!(plain.tools, None);

        let full = parse("optimized+flex+cache:read+think2048+tools:any");
        assert_eq!(full.performance_config, "optimized");
        assert_eq!(full.service_tier, Some(ServiceTier::Flex));
        assert_eq!(full.cache, Some(CacheState::Read));
        assert_eq!(full.reasoning_budget_tokens, Some(2048));
        assert_eq!(full.tools.as_deref(), Some("tools:any"));
        assert_eq!(parse("standard+cache:none").cache, Some(CacheState::Unused));
        assert_eq!(parse("standard+tools").tools.as_deref(), Some("tools"));
    }

    #[test]
    fn a_label_round_trips_and_an_unknown_part_is_an_error() {
        for label in [
            "standard",
            "optimized+priority",
            "standard+reserved+cache:write+think1024+tools:get_weather",
            "standard+cache:none+tools",
        ] {
            assert_eq!(parse(label).label(), label);
        }
        let error = VariantKey::parse_label("standard+premium").unwrap_err();
        assert_eq!(error.part, "premium");
        assert!(error.to_string().contains("`premium`"), "{error}");
        assert!(VariantKey::parse_label("standard+cache:maybe").is_err());
        assert!(VariantKey::parse_label("standard+thinkmore").is_err());
    }

    #[test]
    fn one_axis_apart_is_a_comparison() {
        let base = parse("standard+cache:write");
        let read = parse("standard+cache:read");
        let two = parse("optimized+cache:read");
        assert_eq!(base.single_difference(&read), Some(Axis::Cache));
        assert_eq!(base.single_difference(&two), None);
        assert_eq!(base.single_difference(&base), None);
        assert!(base.is_baseline_on(Axis::Cache) && read.is_compared_on(Axis::Cache));
        assert!(!parse("standard+cache:none").is_compared_on(Axis::Cache));
        // A default tier sent is the baseline, as none sent is.
        assert_eq!(
            parse("standard").single_difference(&parse("standard+default")),
            None
        );
        assert_eq!(
            parse("standard").single_difference(&parse("standard+priority")),
            Some(Axis::ServiceTier)
        );
    }

    #[test]
    fn endpoints_and_guardrails_label_and_compare() {
        for label in [
            "standard+via:openai-chat+at:mantle",
            "standard+via:anthropic-messages+at:mantle+guard:sync",
            "standard+guard:async",
        ] {
            assert_eq!(parse(label).label(), label);
        }
        assert!(VariantKey::parse_label("standard+at:elsewhere").is_err());
        assert!(VariantKey::parse_label("standard+guard:later").is_err());
        let none = parse("standard");
        let sync = parse("standard+guard:sync");
        let on_async = parse("standard+guard:async");
        assert_eq!(none.compared_with(&sync), Some(Axis::Guardrail));
        assert_eq!(none.compared_with(&on_async), Some(Axis::Guardrail));
        assert_eq!(sync.compared_with(&on_async), Some(Axis::Guardrail));
        assert_eq!(on_async.compared_with(&sync), None);
        assert_eq!(sync.compared_with(&none), None);
        let runtime = parse("standard+via:anthropic-messages");
        let mantle = parse("standard+via:anthropic-messages+at:mantle");
        assert_eq!(runtime.compared_with(&mantle), Some(Axis::Endpoint));
        assert_eq!(parse("standard").compared_with(&runtime), Some(Axis::Api));
        assert_eq!(parse("standard").compared_with(&mantle), Some(Axis::Api));
        assert_eq!(mantle.compared_with(&parse("standard")), None);
    }
}
