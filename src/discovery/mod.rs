//! Model discovery for `bedrock-bench models`: the foundation models and
//! inference profiles of a region through Bedrock's control plane
//! (`aws-sdk-bedrock`: ListFoundationModels, ListInferenceProfiles,
//! GetFoundationModel), joined with what the catalog knows, as one
//! [`ModelRow`] per model; and a scenarios file for the chosen models
//! ([`scenarios`]).
//!
//! Where each column comes from: the model id, name, provider, streaming,
//! on-demand invocation and inference profiles from the control plane;
//! latency-optimized inference and the service tiers from the catalog
//! (`bedrock_catalog`), because the control plane's API has no field for
//! either. [`COLUMNS`] names the source of each column.

pub mod scenarios;

use aws_sdk_bedrock::types::{FoundationModelSummary, InferenceType, ModelModality};
use bedrock_catalog::{ServiceTier, availability};
use serde::Serialize;

use crate::table::{Cell, Column as TableColumn, Kind, Row, Table};
use crate::terminal::table;

/// Why the models could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A control-plane call failed.
    #[error("{operation} in {region} failed: {message}")]
    Call {
        /// The operation, such as `ListFoundationModels`.
        operation: &'static str,
        /// The region asked.
        region: String,
        /// The error and its causes.
        message: String,
    },
}

/// One model of a region: what the control plane says, joined with the
/// catalog. A new column is one more field here and one more entry in
/// [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRow {
    /// The base model id, such as `amazon.nova-pro-v1:0`.
    pub model_id: String,
    /// The model's name (`modelName`).
    pub name: String,
    /// The provider (`providerName`).
    pub provider: String,
    /// The region listed.
    pub region: String,
    /// Whether the model streams (`responseStreamingSupported`; `false`
    /// when not said).
    pub streaming: bool,
    /// Whether the model is invoked on demand by its base id
    /// (`inferenceTypesSupported` holds `ON_DEMAND`).
    pub on_demand: bool,
    /// The system-defined inference profiles of the region that route to
    /// the model (ListInferenceProfiles), such as `us.amazon.nova-pro-v1:0`.
    pub inference_profiles: Vec<String>,
    /// The id a scenario calls it with in this region: the profile of the
    /// region's own geography, else the base id when on demand, else
    /// another profile (`global.`); `None` when it cannot be called here.
    pub invoke_id: Option<String>,
    /// Whether the catalog knows the model (else `optimized` and `tiers`
    /// are unknown, not absent).
    pub in_catalog: bool,
    /// Latency-optimized inference offered in this region (catalog: the
    /// Python tool's table).
    pub optimized: bool,
    /// The service tiers offered (catalog).
    pub tiers: Vec<ServiceTier>,
    /// The inference APIs it can be called through (the catalog's
    /// table, as of [`bedrock_catalog::APIS_AS_OF`]), by their scenario
    /// names (`converse-stream`, `converse`, `invoke-stream`,
    /// `openai-chat`, `anthropic-messages`), each followed by
    /// `(bedrock-mantle)` when it is offered on that endpoint.
    pub apis: Vec<String>,
    /// The lifecycle status (`ACTIVE`, `LEGACY`).
    pub status: String,
    /// The built-in price of input tokens when called as `invoke_id` in
    /// the default tier, standard (`$3/M`: dollars per million tokens);
    /// `None` when unknown.
    pub input_price: Option<String>,
    /// The same for output tokens.
    pub output_price: Option<String>,
}

/// Where a column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Bedrock's control plane (or the emulator's).
    ControlPlane,
    /// The built-in catalog.
    Catalog,
}

/// A column of the terminal table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its header.
    pub header: &'static str,
    /// Where its values come from.
    pub source: Source,
    /// Its cell for a row.
    pub cell: fn(&ModelRow) -> String,
}

fn price_cell(price: &Option<String>) -> String {
    match price {
        Some(price) => price
            .trim_start_matches('$')
            .trim_end_matches("/M")
            .to_string(),
        None => "unknown".to_string(),
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

/// The columns of the terminal table, in order.
pub const COLUMNS: &[Column] = &[
    Column {
        header: "provider",
        source: Source::ControlPlane,
        cell: |r| r.provider.clone(),
    },
    Column {
        header: "model",
        source: Source::ControlPlane,
        cell: |r| r.name.clone(),
    },
    Column {
        header: "call as",
        source: Source::ControlPlane,
        cell: |r| r.invoke_id.clone().unwrap_or_else(|| "-".to_string()),
    },
    Column {
        header: "profiles",
        source: Source::ControlPlane,
        cell: |r| {
            let prefixes: Vec<&str> = r
                .inference_profiles
                .iter()
                .filter_map(|p| p.split('.').next())
                .collect();
            match (r.on_demand, prefixes.is_empty()) {
                (true, true) => "on demand".to_string(),
                (true, false) => format!("on demand, {}", prefixes.join(", ")),
                (false, _) => prefixes.join(", "),
            }
        },
    },
    Column {
        header: "streaming",
        source: Source::ControlPlane,
        cell: |r| yes_no(r.streaming),
    },
    Column {
        header: "optimized",
        source: Source::Catalog,
        cell: |r| {
            if r.in_catalog {
                yes_no(r.optimized)
            } else {
                "?".to_string()
            }
        },
    },
    Column {
        header: "input $/M",
        source: Source::Catalog,
        cell: |r| price_cell(&r.input_price),
    },
    Column {
        header: "output $/M",
        source: Source::Catalog,
        cell: |r| price_cell(&r.output_price),
    },
    Column {
        header: "tiers",
        source: Source::Catalog,
        cell: |r| {
            if r.in_catalog {
                let tiers: Vec<&str> = r.tiers.iter().map(|t| t.as_str()).collect();
                tiers.join(", ")
            } else {
                "?".to_string()
            }
        },
    },
    Column {
        header: "apis",
        source: Source::Catalog,
        cell: |r| r.apis.join(", "),
    },
];

/// The rows as a terminal table, with a line under it naming the columns
/// that come from the catalog.
pub fn render_table(rows: &[ModelRow]) -> String {
    let mut table = Table::new(
        "models",
        COLUMNS
            .iter()
            .map(|c| TableColumn::new(c.header, Kind::Text))
            .collect(),
    );
    for row in rows {
        table.push(Row::new(
            COLUMNS.iter().map(|c| Cell::Text((c.cell)(row))).collect(),
        ));
    }
    let from_catalog: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.source == Source::Catalog)
        .map(|c| c.header)
        .collect();
    format!(
        "{}{} model(s); `{}` from the built-in catalog (the control plane has no field for them; prices as of {}, default tier, standard, per million tokens: check AWS's pricing page; APIs as of {}, by a scenario's `api` names, on the bedrock-runtime endpoint unless marked bedrock-mantle), the rest from the control plane.\n",
        table::render(&table),
        rows.len(),
        from_catalog.join("`, `"),
        bedrock_catalog::prices::PRICES_AS_OF,
        bedrock_catalog::APIS_AS_OF
    )
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this provider's models (`byProvider`, case-insensitive).
    pub provider: Option<String>,
    /// Only models whose id or name contains one of these
    /// (case-insensitive); all when empty.
    pub models: Vec<String>,
    /// Only models that offer latency-optimized inference in the region.
    pub optimized_only: bool,
}

impl Filter {
    fn keeps(&self, row: &ModelRow) -> bool {
        let wanted = |needle: &String| {
            let needle = needle.to_lowercase();
            row.model_id.to_lowercase().contains(&needle)
                || row.name.to_lowercase().contains(&needle)
        };
        (self.models.is_empty() || self.models.iter().any(wanted))
            && (!self.optimized_only || row.optimized)
    }
}

fn call_error(
    operation: &'static str,
    region: &str,
    error: &dyn std::error::Error,
) -> DiscoveryError {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    DiscoveryError::Call {
        operation,
        region: region.to_string(),
        message: crate::call::redact::redact(&message).into_owned(),
    }
}

/// The text models of `region` that can be called on demand (by id or
/// through a profile), with their profiles and the catalog's facts, in the
/// order the control plane lists them. Models that are served with
/// provisioned throughput only are left out.
pub async fn list_models(
    client: &aws_sdk_bedrock::Client,
    region: &str,
    filter: &Filter,
) -> Result<Vec<ModelRow>, DiscoveryError> {
    let models = client
        .list_foundation_models()
        .set_by_provider(filter.provider.clone())
        .by_output_modality(ModelModality::Text)
        .send()
        .await
        .map_err(|e| call_error("ListFoundationModels", region, &e))?;
    let mut profiles = Vec::new();
    let mut pages = client
        .list_inference_profiles()
        .type_equals(aws_sdk_bedrock::types::InferenceProfileType::SystemDefined)
        .into_paginator()
        .items()
        .send();
    while let Some(profile) = pages.next().await {
        let profile = profile.map_err(|e| call_error("ListInferenceProfiles", region, &e))?;
        let model_ids: Vec<String> = profile
            .models()
            .iter()
            .filter_map(|m| m.model_arn())
            .map(|arn| bedrock_catalog::base_model_id(arn).to_string())
            .collect();
        profiles.push((profile.inference_profile_id().to_string(), model_ids));
    }
    Ok(models
        .model_summaries()
        .iter()
        .filter_map(|summary| row(summary, region, &profiles))
        .filter(|row| filter.keeps(row))
        .collect())
}

/// One model's details (GetFoundationModel), as a row without profiles.
pub async fn get_model(
    client: &aws_sdk_bedrock::Client,
    region: &str,
    model_id: &str,
) -> Result<Option<ModelRow>, DiscoveryError> {
    match client
        .get_foundation_model()
        .model_identifier(model_id)
        .send()
        .await
    {
        Ok(output) => Ok(output.model_details().and_then(|d| {
            let summary = FoundationModelSummary::builder()
                .model_arn(d.model_arn())
                .model_id(d.model_id())
                .set_model_name(d.model_name().map(str::to_string))
                .set_provider_name(d.provider_name().map(str::to_string))
                .set_response_streaming_supported(d.response_streaming_supported())
                .set_inference_types_supported(Some(d.inference_types_supported().to_vec()))
                .set_model_lifecycle(d.model_lifecycle().cloned())
                .build()
                .ok()?;
            row(&summary, region, &[])
        })),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(error) => Err(call_error("GetFoundationModel", region, &error)),
    }
}

/// The row of one model summary, or `None` for a model that is served
/// with provisioned throughput only.
fn row(
    summary: &FoundationModelSummary,
    region: &str,
    profiles: &[(String, Vec<String>)],
) -> Option<ModelRow> {
    let types = summary.inference_types_supported();
    let on_demand = types.contains(&InferenceType::OnDemand);
    let through_profile = types.iter().any(|t| t.as_str() == "INFERENCE_PROFILE");
    if !on_demand && !through_profile {
        return None;
    }
    let model_id = summary.model_id().to_string();
    let inference_profiles: Vec<String> = profiles
        .iter()
        .filter(|(_, models)| models.contains(&model_id))
        .map(|(id, _)| id.clone())
        .collect();
    let own = availability::region_geography(region);
    let invoke_id = inference_profiles
        .iter()
        .find(|p| own.is_some_and(|geo| p.strip_prefix(geo).is_some_and(|r| r.starts_with('.'))))
        .cloned()
        .or_else(|| on_demand.then(|| model_id.clone()))
        .or_else(|| inference_profiles.first().cloned());
    let info = bedrock_catalog::model(&model_id).filter(|m| m.id == model_id);
    let price = invoke_id.as_deref().and_then(|id| {
        bedrock_catalog::prices::PriceTable::builtin()
            .price(&bedrock_catalog::prices::PriceKey::of(id, None, None))
    });
    Some(ModelRow {
        input_price: price.and_then(|p| p.input).map(|p| p.to_string()),
        output_price: price.and_then(|p| p.output).map(|p| p.to_string()),
        name: summary.model_name().unwrap_or(&model_id).to_string(),
        provider: summary.provider_name().unwrap_or("").to_string(),
        region: region.to_string(),
        streaming: summary.response_streaming_supported().unwrap_or(false),
        on_demand,
        inference_profiles,
        invoke_id,
        in_catalog: info.is_some(),
        optimized: info.is_some_and(|m| availability::optimized_in(m, region)),
        tiers: info.map(|m| m.tiers.to_vec()).unwrap_or_default(),
        apis: bedrock_catalog::Api::offered_routes(&model_id),
        status: summary
            .model_lifecycle()
            .map(|l| l.status().as_str().to_string())
            .unwrap_or_default(),
        model_id,
    })
}
