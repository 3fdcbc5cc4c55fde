//! What every accepted key of the config files means: one declarative
//! table per file ([`SCENARIO_FIELDS`], [`EXPERIMENT_FIELDS`],
//! [`PRICE_FILE_FIELDS`]), beside the lists of accepted keys the loaders
//! check ([`super::SCENARIO_KEYS`], [`super::EXPERIMENT_KEYS`],
//! [`super::PRICE_FILE_KEYS`]). The ranges are the loaders' own constants
//! ([`super::limits`]), so the reference cannot drift from them; a unit
//! test fails when a table's keys differ from the accepted keys, or a
//! documented default from the loader's.
//!
//! `bedrock-bench docs` writes the config reference
//! (`docs/reference/config-fields.md`) from these tables. A meaning is
//! Markdown; its links are relative to `docs/reference/`.

use super::limits::{
    MAX_BURSTINESS, MAX_CALLS, MAX_CONCURRENCY, MAX_COST_USD, MAX_DURATION_S,
    MAX_INVOCATIONS_PER_SCENARIO, MAX_PARALLEL_INVOCATIONS, MAX_RATE_PER_S, MAX_RETRIES,
    MAX_RUNS_PER_EXPERIMENT, MAX_SECONDS, MAX_TOP_K, MAX_WARMUP_INVOCATIONS, MIN_BURSTINESS,
    MIN_COST_USD, MIN_RATE_PER_S, MIN_SECONDS,
};
use super::scenario::MAX_WEIGHT;
use super::variant::MAX_REASONING_BUDGET_TOKENS;

/// The values a key takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// Any string (control characters aside).
    Text,
    /// One of these strings, spelled exactly.
    Choice(&'static [&'static str]),
    /// A whole number from `min` to `max`.
    Integer {
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// A number from `min` to `max`, in `unit` (empty: a plain number).
    Number {
        /// The smallest accepted value.
        min: f64,
        /// The largest accepted value.
        max: f64,
        /// What the number counts (`seconds`, `US dollars`), or empty.
        unit: &'static str,
    },
    /// A rate string, requests per second (`"20/s"`) or per minute
    /// (`"1200/min"`), from `min_per_s` to `max_per_s` per second.
    Rate {
        /// The lowest accepted rate, per second.
        min_per_s: f64,
        /// The highest accepted rate, per second.
        max_per_s: f64,
    },
    /// A value whose shape the meaning describes (an object, or a string
    /// or object).
    Described(&'static str),
}

/// What it means when a key is absent (or `null`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Absent {
    /// The key must be given.
    Required,
    /// The loader uses this value (as JSON would spell it).
    Default(&'static str),
    /// Said in words: nothing is sent, no limit...
    Means(&'static str),
}

/// One accepted key of a config file, documented.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldDoc {
    /// The key, as spelled in the file.
    pub key: &'static str,
    /// The values it takes.
    pub kind: ValueKind,
    /// What its absence means.
    pub absent: Absent,
    /// What it does (Markdown).
    pub meaning: &'static str,
}

/// Shorthand for a table row.
const fn field(
    key: &'static str,
    kind: ValueKind,
    absent: Absent,
    meaning: &'static str,
) -> FieldDoc {
    FieldDoc {
        key,
        kind,
        absent,
        meaning,
    }
}

const PERFORMANCE_CONFIGS: &[&str] = &["standard", "optimized"];
const SERVICE_TIERS: &[&str] = &["priority", "default", "flex", "reserved"];

/// Every key of a `scenarios_config.jsonl` line, in the order of
/// [`super::SCENARIO_KEYS`].
pub const SCENARIO_FIELDS: &[FieldDoc] = &[
    field(
        "text_prompt",
        ValueKind::Text,
        Absent::Means("none"),
        "The user message. Exactly one of `text_prompt`, `prompt_file`, `synthetic_input_tokens` and `dataset` is required.",
    ),
    field(
        "expected_output_tokens",
        ValueKind::Described(
            "a whole number from 1 to 1000000, or a length distribution: `{\"uniform\": {\"min\": A, \"max\": B}}`, `{\"normal\": {\"mean\": M, \"sd\": S, \"max\": C}}`, `{\"lognormal\": {\"p50\": A, \"p90\": B, \"max\": C}}`, `{\"file\": \"lengths.txt\"}`",
        ),
        Absent::Default("100"),
        "Sent as `inferenceConfig.maxTokens`. Above the model's largest `maxTokens` (the built-in catalog's) it is a warning. As a distribution, the answer length is drawn per call (see [Workloads](../guide/workloads.md#lengths)), recorded in `target_output_tokens`, and a synthetic prompt asks for at least that many words; an answer that stops before it is counted as a short answer. Budgets and checks take its largest draw.",
    ),
    field(
        "task_type",
        ValueKind::Text,
        Absent::Default("Text-Generation"),
        "A label, copied to every row. It must not start with `=`, `+`, `-` or `@` (a spreadsheet would run the cell as a formula).",
    ),
    field(
        "model_id",
        ValueKind::Described(
            "a model id, inference profile id or ARN: letters, digits, `.`, `-`, `_` and `:`, starting with a letter or a digit, at most 256 characters; or `arn:aws:bedrock:REGION:ACCOUNT:TYPE/ID`",
        ),
        Absent::Required,
        "Model or inference profile id, such as `us.amazon.nova-pro-v1:0` (see [Using real AWS](../guide/aws.md#model-ids)), or an ARN. Checked against the built-in catalog whatever the target: a model Bedrock serves only through inference profiles, given by its base id, is an error naming the profile ids to use (`call it as us.anthropic.claude-sonnet-4-20250514-v1:0 or global.anthropic.claude-sonnet-4-20250514-v1:0`); a model the catalog does not know and a profile it does not list for the model or the region are warnings.",
    ),
    field(
        "region",
        ValueKind::Described(
            "a region name, lowercase: `us-east-1`, `eu-central-2`, `us-gov-west-1` (`US-EAST-2` gets a did-you-mean)",
        ),
        Absent::Required,
        "AWS region to call, such as `us-east-2`.",
    ),
    field(
        "performance_config",
        ValueKind::Choice(PERFORMANCE_CONFIGS),
        Absent::Means("not sent; reports show `standard` (what Bedrock serves)"),
        "Sent as `performanceConfig.latency`. Asking for `optimized` where the built-in catalog does not list it for the model and region is a warning (Bedrock answers a ValidationException).",
    ),
    field(
        "inference_profile",
        ValueKind::Choice(PERFORMANCE_CONFIGS),
        Absent::Means("see `performance_config`"),
        "The older notebook's name for `performance_config`, accepted as an alias.",
    ),
    field(
        "scenario_name",
        ValueKind::Text,
        Absent::Means("`<model_id>/<variant>@<region>`"),
        "A name for the rows and progress output. The variant is the performance config followed by every other axis that is set: `standard`, `optimized`, `standard+priority`, `standard+cache:read+ttl1h+think2048`, `standard+tools:any` (the cache part is what the calls are expected to do, as `analyze` labels them: `cache:write` for a fresh prefix per call, `cache:read` for a shared one; the time to live sent follows as `+ttl1h`). It must not start with `=`, `+`, `-` or `@`.",
    ),
    field(
        "prompt_file",
        ValueKind::Described("a path"),
        Absent::Means("none"),
        "A UTF-8 file holding the user message, relative to the scenarios file unless absolute; a regular file of at most 16 MiB.",
    ),
    field(
        "system_prompt",
        ValueKind::Text,
        Absent::Means("no system prompt"),
        "An optional system prompt, inline.",
    ),
    field(
        "system_prompt_file",
        ValueKind::Described("a path"),
        Absent::Means("no system prompt"),
        "An optional system prompt from a file (as `prompt_file`); not with `system_prompt`.",
    ),
    field(
        "synthetic_input_tokens",
        ValueKind::Described(
            "a whole number from 1 to 10000000, or a length distribution (as `expected_output_tokens`)",
        ),
        Absent::Means("none"),
        "A generated filler prompt of this many tokens (by the emulator's estimate: real tokenizers differ, and the real count is in `model_input_tokens`). As a distribution, a prompt of a length drawn per call, built before the call's clock starts and recorded in `target_input_tokens`.",
    ),
    field(
        "api",
        ValueKind::Choice(&[
            "converse-stream",
            "converse",
            "invoke-stream",
            "openai-chat",
            "anthropic-messages",
        ]),
        Absent::Means("`converse-stream`"),
        "The inference API the calls go through: `converse-stream` (ConverseStream), `converse` (Converse: the whole answer at once, so TTFT is empty and only the total latency is measured), `invoke-stream` (InvokeModelWithResponseStream with the model family's native body, built from the same prompt, system prompt, lengths, sampling and reasoning budget; for Anthropic, Amazon Nova and Meta Llama models; its service-reported first-byte and invocation latencies are recorded in `server_first_byte_ms` and `server_latency_ms`), `openai-chat` (the OpenAI-compatible Chat Completions API, streaming server-sent events with `stream_options.include_usage`; OpenAI's models on `bedrock-runtime`, the open-weight models but not Claude, Nova or Llama on `bedrock-mantle`) or `anthropic-messages` (Anthropic's Messages API, streaming; Claude models). A model not offered on the API and endpoint (`models` lists each model's) is refused before the first call. Only `converse-stream` and `converse` take `prompt_cache`, `tool_config`, `additional_model_request_fields` and `conversation.cache`; `openai-chat` and `anthropic-messages` take no `service_tier` or optimized `performance_config` (Bedrock documents none for them), `openai-chat` no `reasoning_budget_tokens` or `top_k`. An axis: the same model over two APIs is compared with ConverseStream as the baseline (labelled `+via:converse`, `+via:invoke-stream`, `+via:openai-chat`, `+via:anthropic-messages`).",
    ),
    field(
        "endpoint",
        ValueKind::Choice(&["bedrock-runtime", "bedrock-mantle"]),
        Absent::Means("`bedrock-runtime`"),
        "The endpoint the API is called on: `bedrock-runtime` (every API) or `bedrock-mantle` (`openai-chat` and `anthropic-messages` only; quotas of its own; SigV4 signing name `bedrock-mantle`). On AWS, `https://bedrock-mantle.{region}.api.aws`; an emulator serves both endpoints' paths at its one address. An axis: mantle is compared with runtime for the same API (labelled `+at:mantle`).",
    ),
    field(
        "guardrail",
        ValueKind::Described(
            "an object: `{\"id\": \"<guardrail identifier or ARN>\", \"version\": \"1\" | \"DRAFT\", \"mode\": \"sync\" | \"async\", \"trace\": \"disabled\" | \"enabled\" | \"enabled_full\"}`",
        ),
        Absent::Means("no guardrail"),
        "A guardrail applied to every call: ConverseStream's `guardrailConfig` (with `streamProcessingMode`), Converse's `guardrailConfig` (no stream mode: `mode` must be absent or `sync`), InvokeModelWithResponseStream's `X-Amzn-Bedrock-GuardrailIdentifier`/`-GuardrailVersion`/`X-Amzn-Bedrock-Trace` headers (async mode in the body's `amazon-bedrock-guardrailConfig`). `mode` (default `sync`): synchronous processing holds each chunk of the answer until the guardrail has checked it (a later first token), asynchronous sends chunks at once and checks them in the background. `trace` (default `disabled`). Not with `openai-chat` or `anthropic-messages` (Bedrock documents no guardrail setting for them). Whether the guardrail intervened is recorded in `guardrail_action`. An axis: calls with a guardrail are compared with calls without (labelled `+guard:sync`, `+guard:async`), and sync with async.",
    ),
    field(
        "service_tier",
        ValueKind::Choice(SERVICE_TIERS),
        Absent::Means("not sent; Bedrock serves `default`"),
        "Sent as `serviceTier.type`. A tier the built-in catalog does not list for the model is a warning (the catalog may be older than the service).",
    ),
    field(
        "prompt_cache",
        ValueKind::Described(
            "an object: `{\"at\": \"system\" | \"messages\" | \"tools\", \"ttl\": \"5m\" | \"1h\", \"shared_prefix_tokens\": N, \"fresh\": false, \"prefix_groups\": 1}`",
        ),
        Absent::Means("no cache point"),
        "A `cachePoint` after the system blocks (the default), after the shared prefix in the user message, or after the tool definitions, with that time to live (absent: none sent, Bedrock's default is 5m). `shared_prefix_tokens` puts a deterministic filler text of N tokens before the cache point, the same text for every call, so that the first call writes the cache and later ones read it. `\"fresh\": true` gives every call a prefix of its own (a unique marker before the shared text), so that every call writes: a scenario of cache writes to compare with one of reads (labelled `+cache:write`, the shared one `+cache:read`). `prefix_groups: G` gives G groups of users a prefix each (the shared text after a marker naming the group), call `n` sending group `n mod G`'s (recorded in `prefix_group`). A prefix below the model's minimum cacheable length, or a model the catalog lists without caching, is a warning.",
    ),
    field(
        "reasoning_budget_tokens",
        ValueKind::Integer {
            min: 1,
            max: MAX_REASONING_BUDGET_TOKENS as u64,
        },
        Absent::Means("no reasoning asked"),
        "Extended thinking with this budget, sent in the model family's field (Anthropic: `additionalModelRequestFields.thinking = {\"type\": \"enabled\", \"budget_tokens\": N}`). An error for a model that does not reason or always reasons without a budget (DeepSeek-R1), below the model's minimum (1,024), not below `expected_output_tokens`, with `temperature` or `top_k` in the experiment, or with a forced tool choice: Bedrock refuses all of these.",
    ),
    field(
        "tool_config",
        ValueKind::Described("an object, or the name of a JSON file holding it"),
        Absent::Means("no tools"),
        "`{\"tools\": [{\"toolSpec\": {\"name\", \"description\", \"inputSchema\": {\"json\": {...}}}}], \"toolChoice\": {\"auto\": {}} | {\"any\": {}} | {\"tool\": {\"name\": ...}}}`, the Converse API's `toolConfig`, inline or as the name of a JSON file holding it (relative to the scenarios file). Every member is checked; a `toolChoice` naming no listed tool is an error.",
    ),
    field(
        "additional_model_request_fields",
        ValueKind::Described("an object"),
        Absent::Means("nothing more is sent"),
        "A JSON object sent as `additionalModelRequestFields` unchanged, for model fields this file has no name for. It may not set what other settings write (`thinking` with `reasoning_budget_tokens`, the family's top-k field with the experiment's `top_k`): one of the two would be lost.",
    ),
    field(
        "invoke_body",
        ValueKind::Described("a JSON object: the model's native request body"),
        Absent::Means("the family's body, built from the scenario"),
        "With `api` \"invoke-stream\": the InvokeModelWithResponseStream body to send, as written, for a model whose native body bedrock-bench does not build (every model but Anthropic, Amazon Nova, Meta Llama, Mistral AI and DeepSeek) or to send your own. Placeholders are filled per call: a string that is exactly `{{max_tokens}}` becomes the answer length (a number), `{{temperature}}` and `{{top_p}}` the experiment's sampling (or null), and `{{prompt}}` and `{{system}}` anywhere in a string the user message and the system prompt. Each chunk's text is read from the usual places of the native formats (`generation`, `outputs[0].text`, `choices[0].text`, `completion`, `delta.text`, `outputText`, `text`), and the usage from the invocation metrics.",
    ),
    field(
        "weight",
        ValueKind::Integer {
            min: 1,
            max: MAX_WEIGHT as u64,
        },
        Absent::Default("1"),
        "The scenario's share of an open-loop or concurrent mix (see [Open loop](../guide/run.md#open-loop)): each arrival picks it with probability weight / sum of weights. Unused by the closed loop.",
    ),
    field(
        "dataset",
        ValueKind::Described(
            "a path, or `{\"file\": PATH, \"format\": \"prompts\" | \"converse\" | \"openai\" | \"sharegpt\", \"sampling\": \"sequential\" | \"shuffled\" | \"random\", \"too_long\": \"refuse\" | \"skip\", \"skip_invalid\": false}`",
        ),
        Absent::Means("none"),
        "Prompts from a file, one record per call (see [Workloads](../guide/workloads.md#datasets)): JSON Lines or a JSON array of plain prompts, Converse `messages`, OpenAI chat `messages` or ShareGPT `conversations`, detected from the first record unless `format` names it, relative to the scenarios file. Each call sends a record's conversation up to its last user turn (its system prompt, else the scenario's) and records its id in `prompt_id`. `sampling`: in file order (the default), every record once per pass in a seeded order, or at random with replacement. Every record is checked when the file loads (errors at its line); a record longer than the model's context leaves for `maxTokens` is refused (the default) or skipped and counted; `skip_invalid` skips records of the wrong shape instead of refusing the file.",
    ),
    field(
        "conversation",
        ValueKind::Described(
            "`{\"turns\": N or a length distribution, \"think_time_ms\": N or a distribution, \"follow_up_tokens\": N or a distribution, \"cache\": false}`",
        ),
        Absent::Means("every call is one turn"),
        "Multi-turn sessions (see [Workloads](../guide/workloads.md#conversations)): each invocation (or arrival) is a session of `turns` user turns (1 to 100; with a `dataset`, each record's own user turns, at most `turns`), each turn sending the conversation so far with the model's real answers, after `think_time_ms` (default 0). A synthetic session's later messages have `follow_up_tokens` tokens (default 30). `cache: true` puts a cache point after the previous turn's message and after this one's, so that each turn reads what the turn before wrote. Rows carry `session_id`, `turn` and `context_tokens`; a turn that fails ends its session; budgets count every turn.",
    ),
    field(
        "cache_busting",
        ValueKind::Described("true or false"),
        Absent::Default("false"),
        "A marker no other call has at the very start of every request (the system prompt, else the first message), so that no prompt cache the scenario did not ask for can serve any of it. Refused with a `prompt_cache`.",
    ),
    field(
        "exact_input_tokens",
        ValueKind::Described("true or false"),
        Absent::Default("false"),
        "With `synthetic_input_tokens`: before each call (before its clock starts), size the synthetic prompt with Bedrock's CountTokens so that the request counts its target length exactly (the model's template included), recorded in `counted_input_tokens`. Only models the catalog lists for CountTokens are counted (a warning at load names the others, whose prompts keep the estimate); a CountTokens failure keeps the estimate too, and leaves `counted_input_tokens` empty. In an open loop the sizing happens when the call is due and counts in its dispatch lag. Conversations size no turn.",
    ),
];

/// Every key of the `experiment_config.jsonl` line, in the order of
/// [`super::EXPERIMENT_KEYS`].
pub const EXPERIMENT_FIELDS: &[FieldDoc] = &[
    field(
        "sleep_between_invocations",
        ValueKind::Number {
            min: 0.0,
            max: MAX_SECONDS,
            unit: "seconds",
        },
        Absent::Default("0"),
        "Closed loop only: seconds between two calls of a scenario (times the time scale on the built-in emulator).",
    ),
    field(
        "invocations_per_scenario",
        ValueKind::Integer {
            min: 1,
            max: MAX_INVOCATIONS_PER_SCENARIO as u64,
        },
        Absent::Default("10"),
        "Closed loop only: calls per scenario per run (and `cargo bench`'s sample size, at least 10).",
    ),
    field(
        "num_parallel_invocations",
        ValueKind::Integer {
            min: 1,
            max: MAX_PARALLEL_INVOCATIONS as u64,
        },
        Absent::Default("1"),
        "Closed loop only: workers of `run` (no more than the scenarios are ever busy).",
    ),
    field(
        "num_runs_per_experiment",
        ValueKind::Integer {
            min: 1,
            max: MAX_RUNS_PER_EXPERIMENT as u64,
        },
        Absent::Default("1"),
        "Runs of `run`, each with a new shuffle and its own raw CSV.",
    ),
    field(
        "temperature",
        ValueKind::Number {
            min: 0.0,
            max: 1.0,
            unit: "",
        },
        Absent::Means("not sent"),
        "`inferenceConfig.temperature`. Unlike the Python tool (which always sent 0), the value in the file is what is sent.",
    ),
    field(
        "top_p",
        ValueKind::Number {
            min: 0.0,
            max: 1.0,
            unit: "",
        },
        Absent::Means("not sent"),
        "`inferenceConfig.topP`.",
    ),
    field(
        "top_k",
        ValueKind::Integer {
            min: 1,
            max: MAX_TOP_K as u64,
        },
        Absent::Means("not sent"),
        "Sent in `additionalModelRequestFields` to the families that take it: Anthropic (`top_k`) and Amazon Nova (`inferenceConfig.topK`); other families (Meta Llama...) have no top-k and get nothing, with a warning.",
    ),
    field(
        "experiment_name",
        ValueKind::Text,
        Absent::Default("bedrock-bench"),
        "Copied to every row. It must not start with `=`, `+`, `-` or `@`.",
    ),
    field(
        "target",
        ValueKind::Choice(&["aws", "emulator", "auto"]),
        Absent::Means("`auto`"),
        "Where calls go (see [Target](config-files.md#target)); `--target` and `BEDROCK_BENCH_TARGET` win over it.",
    ),
    field(
        "max_retries",
        ValueKind::Integer {
            min: 0,
            max: MAX_RETRIES as u64,
        },
        Absent::Default("3"),
        "Closed loop only: retries of a throttled or transiently failed call.",
    ),
    field(
        "max_calls",
        ValueKind::Integer {
            min: 1,
            max: MAX_CALLS,
        },
        Absent::Means("no call budget"),
        "The most calls a `run`, `sweep` or `cargo bench` may make, retries and warm-ups included; a bigger plan is refused before the first call. In an open loop it also ends the arrivals. With `run --shard`, the whole experiment's: each shard keeps a part (see [Several machines](../guide/several-machines.md)).",
    ),
    field(
        "max_cost_usd",
        ValueKind::Number {
            min: MIN_COST_USD,
            max: MAX_COST_USD,
            unit: "US dollars",
        },
        Absent::Means("no dollar budget"),
        "The most US dollars a `run`, `sweep` or `cargo bench` may spend (`--max-cost` and `BEDROCK_BENCH_MAX_COST` override it); a plan whose worst case costs more, or a scenario without a known price, is refused before the first call. See [Cost and budgets](../explanation/cost.md). With `run --shard`, the whole experiment's: each shard keeps a part.",
    ),
    field(
        "call_timeout_s",
        ValueKind::Number {
            min: MIN_SECONDS,
            max: MAX_SECONDS,
            unit: "seconds",
        },
        Absent::Default("60"),
        "Per-call deadline from t0; a call past it ends as `Timeout`, keeping the timings it reached.",
    ),
    field(
        "connection",
        ValueKind::Choice(&["warm", "cold"]),
        Absent::Default("warm"),
        "`warm`: one SDK client per region, reused, so calls ride open connections. `cold`: a new HTTP client per call, so every call pays a new TCP and TLS handshake in its TTFT.",
    ),
    field(
        "endpoint_url",
        ValueKind::Described("a URL starting with `http://` or `https://`"),
        Absent::Means("Bedrock's regional endpoint"),
        "Send calls to this URL instead of Bedrock's regional endpoint (the `aws` target), for example a VPC endpoint.",
    ),
    field(
        "warmup_invocations",
        ValueKind::Integer {
            min: 0,
            max: MAX_WARMUP_INVOCATIONS as u64,
        },
        Absent::Default("0"),
        "`run`'s closed loop only: calls made before each scenario's invocations, written to the raw CSV with `phase = warmup` and left out of the statistics. The Python tool had none, so the first call of each worker also pays the TCP and TLS handshakes; set 1 to keep them out of the numbers (each costs a call). `cargo bench` always makes one.",
    ),
    field(
        "arrival",
        ValueKind::Choice(&[
            "closed",
            "constant",
            "poisson",
            "gamma",
            "concurrent",
            "trace",
        ]),
        Absent::Default("closed"),
        "`closed`: the Python tool's schedule (workers each waiting for their call). `constant`, `poisson` or `gamma`: an [open loop](../guide/run.md#open-loop), calls arrive at `rate` whatever the calls in flight. `concurrent`: a [fixed number of calls in flight](../guide/run.md#fixed-concurrency). `trace`: the open loop at a [trace's instants and lengths](../guide/workloads.md#trace-replay) (`trace`).",
    ),
    field(
        "rate",
        ValueKind::Rate {
            min_per_s: MIN_RATE_PER_S,
            max_per_s: MAX_RATE_PER_S,
        },
        Absent::Means("none"),
        "Open loop only, and required there: the arrivals' mean rate.",
    ),
    field(
        "burstiness",
        ValueKind::Number {
            min: MIN_BURSTINESS,
            max: MAX_BURSTINESS,
            unit: "",
        },
        Absent::Default("1"),
        "`gamma` only: the inverse of the gamma shape of the gaps between arrivals (1 is Poisson, 4 is bursty, below 1 is smoother).",
    ),
    field(
        "duration_s",
        ValueKind::Number {
            min: MIN_SECONDS,
            max: MAX_DURATION_S,
            unit: "seconds",
        },
        Absent::Means("none"),
        "Open loop and `concurrent` only: arrivals end at this many seconds after the run's start (an arrival at or after it is not made). An open loop needs `duration_s` and/or `max_calls`.",
    ),
    field(
        "max_concurrency",
        ValueKind::Integer {
            min: 1,
            max: MAX_CONCURRENCY as u64,
        },
        Absent::Means("no cap"),
        "Open loop only: the most calls in flight at once; an arrival over the cap waits for a slot (see [Open loop](../guide/run.md#open-loop)).",
    ),
    field(
        "concurrency",
        ValueKind::Integer {
            min: 1,
            max: MAX_CONCURRENCY as u64,
        },
        Absent::Means("none"),
        "`concurrent` only, and required there: the calls kept in flight. `duration_s` and/or `max_calls` bound it, as an open loop.",
    ),
    field(
        "trace",
        ValueKind::Described(
            "a path, or `{\"file\": PATH, \"format\": \"azure\" | \"burstgpt\" | \"mooncake\" | \"plain\", \"speedup\": X, \"start_s\": S, \"window_s\": W, \"block_tokens\": 512}`",
        ),
        Absent::Means("none"),
        "`trace` only, and required there: the trace to replay (see [Workloads](../guide/workloads.md#trace-replay)), relative to the experiment file, its format detected unless named. Each record is one call at its instant (from `start_s` of the trace, for `window_s` seconds, `speedup` times faster) with a synthetic prompt of its input length (starting with the text of the prefix blocks it names, `block_tokens` each) and its output length as `maxTokens`, the scenarios picked by weight. `duration_s` and `max_calls` may cut it short; `max_concurrency` and `--shard` apply. Every record is checked before the first call (an error at its line).",
    ),
];

/// Every key of a price file line, in the order of
/// [`super::PRICE_FILE_KEYS`].
pub const PRICE_FILE_FIELDS: &[FieldDoc] = &[
    field(
        "model",
        ValueKind::Described("a base model id (no `us.`/`global.` prefix: that is `region_group`)"),
        Absent::Required,
        "The model the line prices.",
    ),
    field(
        "region_group",
        ValueKind::Choice(&[
            "in-region",
            "us",
            "eu",
            "apac",
            "global",
            "us-gov",
            "ca",
            "jp",
            "au",
        ]),
        Absent::Means("every one"),
        "The calls the line applies to: in-region calls (a base id), or those through a geography's or the global inference profile.",
    ),
    field(
        "service_tier",
        ValueKind::Choice(SERVICE_TIERS),
        Absent::Means("every one"),
        "The tier served that the line applies to.",
    ),
    field(
        "performance_config",
        ValueKind::Choice(PERFORMANCE_CONFIGS),
        Absent::Means("both"),
        "The performance config served that the line applies to.",
    ),
    field(
        "input",
        ValueKind::Described(PRICE),
        Absent::Required,
        "Input tokens.",
    ),
    field(
        "output",
        ValueKind::Described(PRICE),
        Absent::Required,
        "Output tokens.",
    ),
    field(
        "cache_read",
        ValueKind::Described(PRICE),
        Absent::Means("unknown (never 0)"),
        "Tokens read from the prompt cache.",
    ),
    field(
        "cache_write",
        ValueKind::Described(PRICE),
        Absent::Means("unknown (never 0)"),
        "Tokens written to the prompt cache with the five-minute time to live.",
    ),
    field(
        "cache_write_1h",
        ValueKind::Described(PRICE),
        Absent::Means("unknown (never 0)"),
        "Tokens written to the prompt cache with the one-hour time to live.",
    ),
];

/// How a price is given.
const PRICE: &str = "US dollars per million tokens, 0 to 1,000,000, at most six decimals";

#[cfg(test)]
mod tests;
