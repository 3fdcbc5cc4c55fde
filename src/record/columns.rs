//! The raw CSV's schema, defined once: every column's name and position.
//! The writer (`export::raw_csv`) writes [`Column::ALL`] in order, and the
//! reader (`analysis`) finds columns by these names; nothing else names a
//! raw CSV column.

/// One column of the raw CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// TTFT, seconds after t0.
    TimeToFirstByte,
    /// Total latency, seconds after t0.
    TimeToLastByte,
    /// Wall-clock start of the call, RFC 3339 UTC.
    JobTimestampIso,
    /// `maxTokens` sent.
    ConfiguredOutputTokensForRequest,
    /// `usage.inputTokens`.
    ModelInputTokens,
    /// `usage.outputTokens`.
    ModelOutputTokens,
    /// Model or inference profile id.
    Model,
    /// AWS region.
    Region,
    /// The logical call, shared by its retries.
    InvocationId,
    /// `Success`, `Timeout`, `Cancelled` or the error's name.
    ApiCallStatus,
    /// The error's message.
    FullErrorMessage,
    /// `temperature` sent.
    Temperature,
    /// `topP` sent.
    TopP,
    /// top-k sent.
    TopK,
    /// `experiment_name`.
    ExperimentName,
    /// `task_type`.
    TaskType,
    /// The scenario's performance config, `standard` when absent.
    PerformanceConfig,
    /// The run's id.
    Timestamp,
    /// The run number, from 1.
    RunCount,
    /// `aws` or `emulator`.
    Target,
    /// The emulator's time scale.
    TimeScale,
    /// The scenario's name.
    Scenario,
    /// Attempt number of the invocation, from 1.
    Attempt,
    /// `x-amzn-RequestId`.
    RequestId,
    /// `send()` returned, seconds after t0.
    TimeToResponse,
    /// `performanceConfig.latency` sent.
    PerformanceConfigSent,
    /// `metadata.performanceConfig.latency`.
    ServedPerformanceConfig,
    /// `metadata.metrics.latencyMs`.
    ServerLatencyMs,
    /// `messageStop.stopReason`.
    StopReason,
    /// Output tokens / total latency.
    Otps,
    /// (output tokens - 1) / (total latency - TTFT).
    GenerationOtps,
    /// (total latency - TTFT) / (output tokens - 1).
    Tpot,
    /// `contentBlockDelta` events received.
    ChunkCount,
    /// Median gap between deltas.
    InterChunkGapP50,
    /// 90th percentile gap between deltas.
    InterChunkGapP90,
    /// Largest gap between deltas.
    InterChunkGapMax,
    /// The worker that made the call.
    Worker,
    /// t0, seconds after the run started.
    StartOffsetS,
    /// How late the call started after its schedule.
    QueueDelayS,
    /// `run`, `warmup` or `sample`.
    Phase,
    /// `serviceTier.type` sent; empty when none was.
    ServiceTier,
    /// `metadata.serviceTier.type`: the tier served.
    ServedServiceTier,
    /// The prompt-cache setting sent (`system`, `messages/1h`...); empty
    /// when none.
    PromptCache,
    /// `usage.cacheReadInputTokens`.
    CacheReadInputTokens,
    /// `usage.cacheWriteInputTokens`.
    CacheWriteInputTokens,
    /// The reasoning budget sent.
    ReasoningBudgetTokens,
    /// The tools sent (`tools`, `tools:any`, `tools:<name>`); empty when
    /// none.
    Tools,
    /// The kind of the first delta: `text`, `reasoning`, `tool_use`...
    FirstDeltaKind,
    /// The first text delta, seconds after t0.
    TimeToFirstText,
    /// First reasoning delta to first text delta, seconds.
    ReasoningTime,
    /// `reasoningContent` deltas received.
    ReasoningChunks,
    /// `toolUse` deltas received.
    ToolUseChunks,
    /// Every delta's receipt, seconds after t0, space-separated.
    DeltaOffsets,
    /// The attempt's cost in US dollars, exact: its usage times the price
    /// of its model, region group, served tier and performance config
    /// (`bedrock_catalog::prices`); empty when the usage or a price needed
    /// is unknown.
    CostUsd,
    /// Open loop: the scheduled send instant, seconds after the run
    /// started; empty in the closed loop.
    ScheduledS,
    /// Open loop: t0 minus the scheduled instant, seconds (the cap's wait
    /// included); empty in the closed loop.
    DispatchLagS,
    /// Open loop: how long the concurrency cap held the call back,
    /// seconds (0 when not held); empty in the closed loop.
    QueuedS,
    /// Open loop: TTFT from the scheduled instant (dispatch lag + TTFT).
    TtftFromScheduled,
    /// Open loop: total latency from the scheduled instant.
    TotalFromScheduled,
    /// The dataset record sent.
    PromptId,
    /// The input length drawn for a synthetic prompt.
    TargetInputTokens,
    /// The answer length drawn (sent as `maxTokens`).
    TargetOutputTokens,
    /// The session of the call.
    SessionId,
    /// The call's turn in its session.
    Turn,
    /// The conversation sent, by the token estimate.
    ContextTokens,
    /// The prefix group of the call.
    PrefixGroup,
    /// The input tokens CountTokens counted for the request.
    CountedInputTokens,
    /// The inference API the call went through.
    Api,
    /// The endpoint the API is served on.
    Endpoint,
    /// The service's own time to its first byte, where the API reports it.
    ServerFirstByteMs,
    /// The guardrail applied (`id:version`).
    Guardrail,
    /// The guardrail's stream processing mode.
    GuardrailMode,
    /// Whether the guardrail intervened.
    GuardrailAction,
}

impl Column {
    /// The Python tool's columns, in its order: every raw CSV starts so.
    pub const PYTHON: [Column; 19] = [
        Column::TimeToFirstByte,
        Column::TimeToLastByte,
        Column::JobTimestampIso,
        Column::ConfiguredOutputTokensForRequest,
        Column::ModelInputTokens,
        Column::ModelOutputTokens,
        Column::Model,
        Column::Region,
        Column::InvocationId,
        Column::ApiCallStatus,
        Column::FullErrorMessage,
        Column::Temperature,
        Column::TopP,
        Column::TopK,
        Column::ExperimentName,
        Column::TaskType,
        Column::PerformanceConfig,
        Column::Timestamp,
        Column::RunCount,
    ];

    /// The extended columns, after the Python tool's.
    pub const EXTENDED: [Column; 54] = [
        Column::Target,
        Column::TimeScale,
        Column::Scenario,
        Column::Attempt,
        Column::RequestId,
        Column::TimeToResponse,
        Column::PerformanceConfigSent,
        Column::ServedPerformanceConfig,
        Column::ServerLatencyMs,
        Column::StopReason,
        Column::Otps,
        Column::GenerationOtps,
        Column::Tpot,
        Column::ChunkCount,
        Column::InterChunkGapP50,
        Column::InterChunkGapP90,
        Column::InterChunkGapMax,
        Column::Worker,
        Column::StartOffsetS,
        Column::QueueDelayS,
        Column::Phase,
        Column::ServiceTier,
        Column::ServedServiceTier,
        Column::PromptCache,
        Column::CacheReadInputTokens,
        Column::CacheWriteInputTokens,
        Column::ReasoningBudgetTokens,
        Column::Tools,
        Column::FirstDeltaKind,
        Column::TimeToFirstText,
        Column::ReasoningTime,
        Column::ReasoningChunks,
        Column::ToolUseChunks,
        Column::DeltaOffsets,
        Column::CostUsd,
        Column::ScheduledS,
        Column::DispatchLagS,
        Column::QueuedS,
        Column::TtftFromScheduled,
        Column::TotalFromScheduled,
        Column::PromptId,
        Column::TargetInputTokens,
        Column::TargetOutputTokens,
        Column::SessionId,
        Column::Turn,
        Column::ContextTokens,
        Column::PrefixGroup,
        Column::CountedInputTokens,
        Column::Api,
        Column::Endpoint,
        Column::ServerFirstByteMs,
        Column::Guardrail,
        Column::GuardrailMode,
        Column::GuardrailAction,
    ];

    /// Every column in file order.
    pub fn all() -> impl Iterator<Item = Column> {
        Self::PYTHON.into_iter().chain(Self::EXTENDED)
    }

    /// The column's name in the header.
    pub fn name(self) -> &'static str {
        match self {
            Column::TimeToFirstByte => "time_to_first_byte",
            Column::TimeToLastByte => "time_to_last_byte",
            Column::JobTimestampIso => "job_timestamp_iso",
            Column::ConfiguredOutputTokensForRequest => "configured_output_tokens_for_request",
            Column::ModelInputTokens => "model_input_tokens",
            Column::ModelOutputTokens => "model_output_tokens",
            Column::Model => "model",
            Column::Region => "region",
            Column::InvocationId => "invocation_id",
            Column::ApiCallStatus => "api_call_status",
            Column::FullErrorMessage => "full_error_message",
            Column::Temperature => "temperature",
            Column::TopP => "top_p",
            Column::TopK => "top_k",
            Column::ExperimentName => "experiment_name",
            Column::TaskType => "task_type",
            Column::PerformanceConfig => "performance_config",
            Column::Timestamp => "timestamp",
            Column::RunCount => "run_count",
            Column::Target => "target",
            Column::TimeScale => "time_scale",
            Column::Scenario => "scenario",
            Column::Attempt => "attempt",
            Column::RequestId => "request_id",
            Column::TimeToResponse => "time_to_response",
            Column::PerformanceConfigSent => "performance_config_sent",
            Column::ServedPerformanceConfig => "served_performance_config",
            Column::ServerLatencyMs => "server_latency_ms",
            Column::StopReason => "stop_reason",
            Column::Otps => "otps",
            Column::GenerationOtps => "generation_otps",
            Column::Tpot => "tpot",
            Column::ChunkCount => "chunk_count",
            Column::InterChunkGapP50 => "inter_chunk_gap_p50",
            Column::InterChunkGapP90 => "inter_chunk_gap_p90",
            Column::InterChunkGapMax => "inter_chunk_gap_max",
            Column::Worker => "worker",
            Column::StartOffsetS => "start_offset_s",
            Column::QueueDelayS => "queue_delay_s",
            Column::Phase => "phase",
            Column::ServiceTier => "service_tier",
            Column::ServedServiceTier => "served_service_tier",
            Column::PromptCache => "prompt_cache",
            Column::CacheReadInputTokens => "cache_read_input_tokens",
            Column::CacheWriteInputTokens => "cache_write_input_tokens",
            Column::ReasoningBudgetTokens => "reasoning_budget_tokens",
            Column::Tools => "tools",
            Column::FirstDeltaKind => "first_delta_kind",
            Column::TimeToFirstText => "time_to_first_text",
            Column::ReasoningTime => "reasoning_time",
            Column::ReasoningChunks => "reasoning_chunks",
            Column::ToolUseChunks => "tool_use_chunks",
            Column::DeltaOffsets => "delta_offsets",
            Column::CostUsd => "cost_usd",
            Column::ScheduledS => "scheduled_s",
            Column::DispatchLagS => "dispatch_lag_s",
            Column::QueuedS => "queued_s",
            Column::TtftFromScheduled => "ttft_from_scheduled",
            Column::TotalFromScheduled => "total_from_scheduled",
            Column::PromptId => "prompt_id",
            Column::TargetInputTokens => "target_input_tokens",
            Column::TargetOutputTokens => "target_output_tokens",
            Column::SessionId => "session_id",
            Column::Turn => "turn",
            Column::ContextTokens => "context_tokens",
            Column::PrefixGroup => "prefix_group",
            Column::CountedInputTokens => "counted_input_tokens",
            Column::Api => "api",
            Column::Endpoint => "endpoint",
            Column::ServerFirstByteMs => "server_first_byte_ms",
            Column::Guardrail => "guardrail",
            Column::GuardrailMode => "guardrail_mode",
            Column::GuardrailAction => "guardrail_action",
        }
    }

    /// What the column's values count, for the column reference: `s`
    /// (seconds), `ms`, `tokens`, `tokens/s`, `USD`, `count`, or empty for
    /// a label or an id.
    pub fn unit(self) -> &'static str {
        use Column::*;
        match self {
            TimeToFirstByte | TimeToLastByte | TimeToResponse | Tpot | InterChunkGapP50
            | InterChunkGapP90 | InterChunkGapMax | StartOffsetS | QueueDelayS
            | TimeToFirstText | ReasoningTime | DeltaOffsets | ScheduledS | DispatchLagS
            | QueuedS | TtftFromScheduled | TotalFromScheduled => "s",
            ServerLatencyMs | ServerFirstByteMs => "ms",
            ConfiguredOutputTokensForRequest
            | ModelInputTokens
            | ModelOutputTokens
            | CacheReadInputTokens
            | CacheWriteInputTokens
            | ReasoningBudgetTokens
            | TargetInputTokens
            | TargetOutputTokens
            | ContextTokens
            | CountedInputTokens => "tokens",
            Otps | GenerationOtps => "tokens/s",
            CostUsd => "USD",
            RunCount | Attempt | ChunkCount | ReasoningChunks | ToolUseChunks | Turn => "count",
            TimeScale => "factor",
            JobTimestampIso
            | Model
            | Region
            | InvocationId
            | ApiCallStatus
            | FullErrorMessage
            | Temperature
            | TopP
            | TopK
            | ExperimentName
            | TaskType
            | PerformanceConfig
            | Timestamp
            | Target
            | Scenario
            | RequestId
            | PerformanceConfigSent
            | ServedPerformanceConfig
            | StopReason
            | Worker
            | Phase
            | ServiceTier
            | ServedServiceTier
            | PromptCache
            | Tools
            | FirstDeltaKind
            | PromptId
            | SessionId
            | PrefixGroup
            | Api
            | Endpoint
            | Guardrail
            | GuardrailMode
            | GuardrailAction => "",
        }
    }

    /// What the column holds, for the column reference (Markdown, no
    /// links): where the value comes from and when it is empty.
    pub fn description(self) -> &'static str {
        match self {
            Column::TimeToFirstByte => {
                "TTFT: the receipt of the first `contentBlockDelta`, after t0 (empty when no delta arrived)"
            }
            Column::TimeToLastByte => {
                "total latency: the end of the stream (after the `metadata` event), or of the failed call, after t0"
            }
            Column::JobTimestampIso => "wall-clock start of the call, UTC, microseconds",
            Column::ConfiguredOutputTokensForRequest => "`maxTokens` sent",
            Column::ModelInputTokens => {
                "`metadata.usage.inputTokens` (empty when the call failed); excludes the tokens read from or written to the prompt cache"
            }
            Column::ModelOutputTokens => {
                "`metadata.usage.outputTokens` (empty when the call failed)"
            }
            Column::Model => "the model or inference profile id, as configured",
            Column::Region => "the region, as configured",
            Column::InvocationId => {
                "the logical call, shared by its retries: `r<run>-s<scenario line>-i<n>`, warm-ups `r<run>-s<scenario line>-w<n>`, open-loop arrivals `r<run>-s<scenario line>-o<arrival number>` (`bench-s<n>-i<n>` / `-warmup` for `cargo bench`); with `run --shard`, the whole experiment's numbers, so ids never repeat across shards"
            }
            Column::ApiCallStatus => {
                "`Success`, `Timeout`, `Cancelled`, or the error's type: `ThrottlingException`, `ValidationException`, `ModelStreamErrorException` (during the stream), `DispatchFailure` (no connection), `IncompleteStream` (ended without metadata)..."
            }
            Column::FullErrorMessage => {
                "the error's message (empty on success), with anything credential-like replaced by `[REDACTED]`"
            }
            Column::Temperature => "`temperature` sent (empty: not sent)",
            Column::TopP => "`topP` sent (empty: not sent)",
            Column::TopK => "top-k sent (empty: not sent)",
            Column::ExperimentName => "`experiment_name`, as configured",
            Column::TaskType => "`task_type`, as configured",
            Column::PerformanceConfig => {
                "the scenario's performance config, `standard` when absent"
            }
            Column::Timestamp => "the run's id (as in the file name)",
            Column::RunCount => "the run number, from 1",
            Column::Target => "`aws` or `emulator`",
            Column::TimeScale => {
                "the built-in emulator's time scale (1 = real time); empty for AWS (and for an emulator elsewhere, whose scale is unknown). Files of different scales are not comparable"
            }
            Column::Scenario => "the scenario's name",
            Column::Attempt => "attempt number of this invocation, from 1",
            Column::RequestId => "`x-amzn-RequestId`",
            Column::TimeToResponse => {
                "`send()` returned (the response head is in, the event stream open), after t0"
            }
            Column::PerformanceConfigSent => {
                "what was sent as `performanceConfig.latency` (empty: nothing)"
            }
            Column::ServedPerformanceConfig => {
                "what `metadata.performanceConfig.latency` said was served: tells a silent fallback from optimized to standard"
            }
            Column::ServerLatencyMs => {
                "`metadata.metrics.latencyMs` (`amazon-bedrock-invocationMetrics.invocationLatency` for InvokeModelWithResponseStream), as the service reports it"
            }
            Column::StopReason => "`messageStop.stopReason` (`end_turn`, `max_tokens`...)",
            Column::Otps => {
                "output tokens / total latency: the Python tool's formula, kept for comparability"
            }
            Column::GenerationOtps => {
                "(output tokens - 1) / (total latency - TTFT): the model's decode speed"
            }
            Column::Tpot => {
                "(total latency - TTFT) / (output tokens - 1): time per output token after the first"
            }
            Column::ChunkCount => {
                "`contentBlockDelta` events received (the number of offsets in `delta_offsets`)"
            }
            Column::InterChunkGapP50 => {
                "median gap between two consecutive deltas of the call (a chunk may carry several tokens)"
            }
            Column::InterChunkGapP90 => "90th percentile gap between deltas of the call",
            Column::InterChunkGapMax => "largest gap between deltas of the call",
            Column::Worker => "the worker that made the call (empty in the open loop)",
            Column::StartOffsetS => "t0, after the run started",
            Column::QueueDelayS => {
                "how long the call started after its schedule (the worker being free, plus the sleep); in the open loop, the same as `dispatch_lag_s`"
            }
            Column::Phase => {
                "`run` or `warmup` for `run`, `warmup` / `sample` for `cargo bench` (warm-ups are left out of statistics)"
            }
            Column::ServiceTier => "`serviceTier.type` sent (empty: nothing)",
            Column::ServedServiceTier => {
                "what `metadata.serviceTier.type` said was served: tells a tier downgrade from a real slowdown"
            }
            Column::PromptCache => {
                "the cache point sent: `system`, `messages`, `tools`, with `/5m` or `/1h` when a TTL was sent and `/fresh` for a prefix of its own per call (empty: none)"
            }
            Column::CacheReadInputTokens => {
                "`metadata.usage.cacheReadInputTokens`: tokens served from the prompt cache (empty when not reported)"
            }
            Column::CacheWriteInputTokens => {
                "`metadata.usage.cacheWriteInputTokens`: tokens written to the prompt cache (empty when not reported)"
            }
            Column::ReasoningBudgetTokens => "the reasoning budget sent (empty: none)",
            Column::Tools => {
                "the tools sent: `tools` (the model decides), `tools:any`, `tools:<name>` (empty: none)"
            }
            Column::FirstDeltaKind => {
                "the kind of the first delta: `text`, `reasoning`, `tool_use`, `citation` or `other`"
            }
            Column::TimeToFirstText => {
                "the receipt of the first `text` delta, after t0: what a chat user sees (empty when none arrived). Later than TTFT for a model that reasons first or answers with a tool call"
            }
            Column::ReasoningTime => "first `reasoningContent` delta to first `text` delta",
            Column::ReasoningChunks => "`reasoningContent` deltas received",
            Column::ToolUseChunks => "`toolUse` deltas received",
            Column::DeltaOffsets => {
                "every delta's receipt, after t0, space-separated: the raw instants"
            }
            Column::CostUsd => {
                "the attempt's cost in US dollars, exact (no rounding): `model_input_tokens`, `model_output_tokens`, `cache_read_input_tokens` and `cache_write_input_tokens`, each times its price per million tokens for the model, the region group of its id, the tier and performance config served; empty when the call reported no usage or a price it needs is unknown (never 0 for unknown). Files written before this column still load"
            }
            Column::ScheduledS => {
                "open loop: the instant the arrival process planned for the call, after the run started (empty in the closed loop, as the four below)"
            }
            Column::DispatchLagS => {
                "open loop: t0 minus the scheduled instant: the timer's and runtime's lag plus any wait for a slot under `max_concurrency`"
            }
            Column::QueuedS => {
                "open loop: how long `max_concurrency` held the call back (0 when it was not held)"
            }
            Column::TtftFromScheduled => {
                "open loop: TTFT measured from the scheduled instant (`dispatch_lag_s` + `time_to_first_byte`): what a user arriving at that instant waited"
            }
            Column::TotalFromScheduled => {
                "open loop: total latency measured from the scheduled instant (`dispatch_lag_s` + `time_to_last_byte`)"
            }
            Column::PromptId => {
                "the dataset record sent: its `id`, or `L` and the line it starts on (empty when the prompt is not from a dataset)"
            }
            Column::TargetInputTokens => {
                "the input length drawn for a synthetic prompt, by the token estimate (empty when the input length is not drawn)"
            }
            Column::TargetOutputTokens => {
                "the answer length drawn (or a replayed trace's) and sent as `maxTokens`: an answer that stops before it (`end_turn`) is a short answer (empty when the answer length is not drawn)"
            }
            Column::SessionId => {
                "the session the call belongs to: a conversation's (its first turn's invocation id) or a replayed trace's session id (empty when none)"
            }
            Column::Api => {
                "the inference API: `converse-stream`, `converse` (the whole answer at once: no TTFT, its `time_to_last_byte` is the total latency), `invoke-stream` (InvokeModelWithResponseStream with the model family's native body), `openai-chat` (the OpenAI-compatible Chat Completions API) or `anthropic-messages` (Anthropic's Messages API)"
            }
            Column::Endpoint => {
                "the endpoint the API is called on: `bedrock-runtime` or `bedrock-mantle`"
            }
            Column::Guardrail => {
                "the guardrail applied, as `identifier:version` (empty without one)"
            }
            Column::GuardrailMode => {
                "the guardrail's stream processing mode: `sync` (chunks held until checked) or `async` (empty without a guardrail)"
            }
            Column::GuardrailAction => {
                "`INTERVENED` when the guardrail intervened (stop reason `guardrail_intervened`, or InvokeModel's `amazon-bedrock-guardrailAction`), `NONE` when a successful call went through it untouched (empty without a guardrail)"
            }
            Column::ServerFirstByteMs => {
                "the service's own first-byte latency (`amazon-bedrock-invocationMetrics.firstByteLatency` at the end of an InvokeModelWithResponseStream; empty where the API reports none): TTFT minus it is the network and the client"
            }
            Column::CountedInputTokens => {
                "the request's input tokens as CountTokens counted them, when `exact_input_tokens` sized its prompt to `target_input_tokens` (empty otherwise, and when the model is not counted or CountTokens failed: the estimate was used)"
            }
            Column::PrefixGroup => {
                "the prefix group whose prefix the call sent (`prompt_cache.prefix_groups`), from 0 (empty without groups)"
            }
            Column::Turn => {
                "the call's turn in its conversation, from 1 (empty outside a conversation)"
            }
            Column::ContextTokens => {
                "the conversation sent by this turn (system prompt, earlier turns with the model's real answers, this message), by the token estimate; `model_input_tokens` is the service's count (empty outside a conversation)"
            }
        }
    }

    /// The column named `name`, if any. The older notebook's
    /// `inference_profile` is [`Column::PerformanceConfig`].
    pub fn from_name(name: &str) -> Option<Column> {
        if name == "inference_profile" {
            return Some(Column::PerformanceConfig);
        }
        Self::all().find(|column| column.name() == name)
    }

    /// Whether the Python tool's files have this column too.
    pub fn is_python(self) -> bool {
        Self::PYTHON.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_columns_come_first_as_in_its_files() {
        let seed = include_str!("../../tests/fixtures/seed/seed_raw_columns.txt");
        let python: Vec<&str> = Column::PYTHON.iter().map(|c| c.name()).collect();
        assert_eq!(seed.trim(), python.join(","));
    }

    #[test]
    fn names_are_unique_and_read_back() {
        let all: Vec<Column> = Column::all().collect();
        assert_eq!(all.len(), 73);
        for column in &all {
            assert_eq!(Column::from_name(column.name()), Some(*column));
            assert_eq!(all.iter().filter(|c| c.name() == column.name()).count(), 1);
        }
        assert_eq!(
            Column::from_name("inference_profile"),
            Some(Column::PerformanceConfig)
        );
        assert_eq!(Column::from_name("nope"), None);
    }

    #[test]
    fn every_column_is_described_in_one_line() {
        for column in Column::all() {
            let text = column.description();
            assert!(!text.is_empty(), "{}", column.name());
            assert!(
                !text.contains('\n') && !text.contains("]("),
                "{}: one line, no link",
                column.name()
            );
        }
    }
}
