//! What one call sent that its scenario does not fix: the request drawn
//! for it (a dataset's record, a drawn input or answer length).

/// The per-call facts of a request, written in the raw CSV's
/// `configured_output_tokens_for_request`, `prompt_id`,
/// `target_input_tokens`, `target_output_tokens`, `session_id`, `turn`
/// and `context_tokens` columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentRequest {
    /// `maxTokens` sent.
    pub max_tokens: u32,
    /// The dataset record sent (its `id`, or `L<line>`); `None` when the
    /// prompt is not from a dataset.
    pub prompt_id: Option<String>,
    /// The input length drawn for a synthetic prompt (by the token
    /// estimate); `None` when the input length was not drawn.
    pub target_input_tokens: Option<u32>,
    /// The answer length drawn (sent as `maxTokens`): an answer that stops
    /// before it is a short answer; `None` when the answer length was not
    /// drawn.
    pub target_output_tokens: Option<u32>,
    /// The session the call belongs to (a replayed trace's session id);
    /// `None` when it belongs to none.
    pub session_id: Option<String>,
    /// The call's turn in its session, from 1; `None` outside a
    /// conversation.
    pub turn: Option<u32>,
    /// The conversation sent (system, earlier turns with the model's
    /// answers, this turn's message), by the token estimate; `None`
    /// outside a conversation.
    pub context_tokens: Option<u32>,
    /// The prefix group whose prefix the call sent (`prompt_cache`'s
    /// `prefix_groups`), from 0; `None` without groups.
    pub prefix_group: Option<u32>,
    /// The request's input tokens as CountTokens counted them when the
    /// prompt was sized (`exact_input_tokens`); `None` otherwise, or when
    /// it fell back to the estimate.
    pub counted_input_tokens: Option<u32>,
}

impl SentRequest {
    /// A request whose only per-call fact is its `maxTokens`.
    pub fn fixed(max_tokens: u32) -> Self {
        SentRequest {
            max_tokens,
            ..SentRequest::default()
        }
    }
}
