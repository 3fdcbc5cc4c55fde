//! Server-sent events, as the OpenAI-compatible and Anthropic Messages
//! APIs stream them (WHATWG HTML Living Standard, "Server-sent events"):
//! lines of `field: value`, an event ending at a blank line; `event`
//! names it, `data` lines (joined by newlines) carry it, lines starting
//! with `:` are comments. Bytes are fed as they arrive; complete events
//! come out in order.

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, when there was one.
    pub event: Option<String>,
    /// The `data:` lines, joined by `\n`.
    pub data: String,
}

/// The largest event kept (a longer one is an error, not a growing
/// buffer).
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// Splits a byte stream into events.
#[derive(Debug, Default)]
pub struct SseReader {
    buffer: Vec<u8>,
    event: SseEvent,
    has_data: bool,
}

impl SseReader {
    /// Feed `bytes`; the events they complete go to `events`. An error
    /// when an unfinished line outgrows [`MAX_EVENT_BYTES`] or a line is
    /// not UTF-8.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<SseEvent>) -> Result<(), String> {
        self.buffer.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = self.buffer[start..].iter().position(|&b| b == b'\n') {
            let line_end = start + end;
            let line = &self.buffer[start..line_end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = std::str::from_utf8(line)
                .map_err(|_| "an event-stream line is not UTF-8".to_string())?
                .to_string();
            start = line_end + 1;
            self.line(&line, events);
        }
        self.buffer.drain(..start);
        if self.buffer.len() + self.event.data.len() > MAX_EVENT_BYTES {
            return Err(format!(
                "an event of the stream exceeds {MAX_EVENT_BYTES} bytes"
            ));
        }
        Ok(())
    }

    fn line(&mut self, line: &str, events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if self.has_data || self.event.event.is_some() {
                events.push(std::mem::take(&mut self.event));
            }
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.event.event = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.event.data.push('\n');
                }
                self.event.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_end_at_blank_lines_whatever_the_reads_split() {
        let stream = b"event: message_start\ndata: {\"a\":1}\n\n: ping\r\ndata: x\r\ndata: y\r\n\r\ndata: [DONE]\n\n";
        for cut in 1..stream.len() {
            let mut reader = SseReader::default();
            let mut events = Vec::new();
            reader.feed(&stream[..cut], &mut events).expect("fed");
            reader.feed(&stream[cut..], &mut events).expect("fed");
            assert_eq!(
                events,
                [
                    SseEvent {
                        event: Some("message_start".into()),
                        data: "{\"a\":1}".into()
                    },
                    SseEvent {
                        event: None,
                        data: "x\ny".into()
                    },
                    SseEvent {
                        event: None,
                        data: "[DONE]".into()
                    },
                ],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn an_endless_line_is_an_error() {
        let mut reader = SseReader::default();
        let mut events = Vec::new();
        let chunk = vec![b'a'; 1 << 20];
        let mut result = Ok(());
        for _ in 0..17 {
            result = reader.feed(&chunk, &mut events);
            if result.is_err() {
                break;
            }
        }
        assert!(result.is_err());
    }
}
