//! A minimal HTTP/1.1 client over a raw `tokio::net::TcpStream`, to send
//! the emulator requests that the SDK never sends (no signature, broken
//! JSON, other paths and methods) and to see its responses byte for byte.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long any single read or write may take before the test fails.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// A request to write on the wire.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `POST`, `GET`...
    pub method: String,
    /// Request target, already percent-encoded as it should appear.
    pub path: String,
    /// Headers besides `host` and `content-length`, which are added.
    pub headers: Vec<(String, String)>,
    /// The body (a `content-length` header is always sent, even for 0).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// `POST /model/{model}/converse-stream` with a bearer token and a JSON
    /// body; `model` is put in the path as given.
    pub fn converse_stream(model_in_path: &str, body: impl Into<Vec<u8>>) -> Self {
        RawRequest {
            method: "POST".into(),
            path: format!("/model/{model_in_path}/converse-stream"),
            headers: vec![
                ("authorization".into(), "Bearer test-token".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.into(),
        }
    }

    /// Drop every header named `name` (case-insensitive).
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Replace (or add) a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self = self.without_header(name);
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The request head (request line and headers, blank line included).
    pub fn head(&self) -> Vec<u8> {
        let bytes = self.to_bytes();
        bytes[..bytes.len() - self.body.len()].to_vec()
    }

    /// The bytes on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nhost: 127.0.0.1\r\n",
            self.method, self.path
        );
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status line's version, such as `HTTP/1.1`.
    pub version: String,
    /// Status code.
    pub status: u16,
    /// Headers in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Whether the server said it closes the connection after this response.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// One client connection, which may carry several requests in turn.
#[derive(Debug)]
pub struct RawConnection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl RawConnection {
    /// Connect to the emulator.
    pub async fn connect(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = timed(TcpStream::connect(addr)).await?;
        stream.set_nodelay(true)?;
        Ok(RawConnection {
            stream,
            buffer: Vec::new(),
        })
    }

    /// Send a request and read its whole response.
    pub async fn send(&mut self, request: &RawRequest) -> std::io::Result<RawResponse> {
        self.send_bytes(&request.to_bytes()).await
    }

    /// Write raw bytes and read one whole response.
    pub async fn send_bytes(&mut self, bytes: &[u8]) -> std::io::Result<RawResponse> {
        timed(self.stream.write_all(bytes)).await?;
        self.read_response().await
    }

    /// Write bytes without reading anything.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        timed(self.stream.write_all(bytes)).await
    }

    /// Read one whole response (skipping any 1xx interim responses).
    pub async fn read_response(&mut self) -> std::io::Result<RawResponse> {
        self.read_next(true).await
    }

    /// Read the next response, 1xx interim responses included (their body
    /// is empty).
    pub async fn read_interim_or_final(&mut self) -> std::io::Result<RawResponse> {
        self.read_next(false).await
    }

    async fn read_next(&mut self, skip_interim: bool) -> std::io::Result<RawResponse> {
        loop {
            let head_end = self.fill_until_head().await?;
            let head = String::from_utf8(self.buffer[..head_end].to_vec())
                .map_err(|_| invalid("response head is not UTF-8"))?;
            self.buffer.drain(..head_end + 4);
            let mut lines = head.split("\r\n");
            let status_line = lines.next().unwrap_or_default();
            let mut parts = status_line.splitn(3, ' ');
            let version = parts.next().unwrap_or_default().to_string();
            let status: u16 = parts
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| invalid(&format!("bad status line {status_line:?}")))?;
            let mut headers = Vec::new();
            for line in lines {
                let (name, value) = line
                    .split_once(':')
                    .ok_or_else(|| invalid(&format!("bad header line {line:?}")))?;
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            let mut response = RawResponse {
                version,
                status,
                headers,
                body: Vec::new(),
            };
            if (100..200).contains(&status) {
                if skip_interim {
                    continue;
                }
                return Ok(response);
            }
            response.body = if response
                .header("transfer-encoding")
                .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
            {
                self.read_chunked().await?
            } else if let Some(length) = response.header("content-length") {
                let length: usize = length.parse().map_err(|_| invalid("bad content-length"))?;
                self.read_exact_body(length).await?
            } else {
                self.read_to_eof().await?
            };
            return Ok(response);
        }
    }

    /// Whether the server has closed its side (reads EOF within `wait`).
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let mut byte = [0u8; 1];
        matches!(
            tokio::time::timeout(wait, self.stream.read(&mut byte)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }

    async fn fill(&mut self) -> std::io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = timed(self.stream.read(&mut chunk)).await?;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    async fn fill_until_head(&mut self) -> std::io::Result<usize> {
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                return Ok(end);
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(invalid("response head too large"));
            }
            if self.fill().await? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "connection closed before a complete response head ({} bytes: {:?})",
                        self.buffer.len(),
                        String::from_utf8_lossy(&self.buffer)
                    ),
                ));
            }
        }
    }

    async fn read_exact_body(&mut self, length: usize) -> std::io::Result<Vec<u8>> {
        while self.buffer.len() < length {
            if self.fill().await? == 0 {
                return Err(eof("body shorter than its content-length"));
            }
        }
        Ok(self.buffer.drain(..length).collect())
    }

    async fn read_to_eof(&mut self) -> std::io::Result<Vec<u8>> {
        while self.fill().await? > 0 {}
        Ok(std::mem::take(&mut self.buffer))
    }

    async fn read_chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(end) = find(&self.buffer, b"\r\n") {
                    break end;
                }
                if self.fill().await? == 0 {
                    return Err(eof("chunked body cut before a chunk size"));
                }
            };
            let line = String::from_utf8_lossy(&self.buffer[..line_end]).to_string();
            let size_text = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| invalid(&format!("bad chunk size line {line:?}")))?;
            self.buffer.drain(..line_end + 2);
            if size == 0 {
                // Trailers (none expected) end with an empty line.
                loop {
                    if let Some(end) = find(&self.buffer, b"\r\n") {
                        self.buffer.drain(..end + 2);
                        if end == 0 {
                            return Ok(body);
                        }
                        continue;
                    }
                    if self.fill().await? == 0 {
                        return Err(eof("chunked body cut in its trailer"));
                    }
                }
            }
            while self.buffer.len() < size + 2 {
                if self.fill().await? == 0 {
                    return Err(eof("chunked body cut inside a chunk"));
                }
            }
            body.extend(self.buffer.drain(..size));
            if self.buffer.drain(..2).as_slice() != b"\r\n" {
                return Err(invalid("chunk not followed by CRLF"));
            }
        }
    }
}

/// Send one request on a new connection and read the response.
pub async fn send(addr: SocketAddr, request: &RawRequest) -> std::io::Result<RawResponse> {
    RawConnection::connect(addr).await?.send(request).await
}

/// A valid ConverseStream body for `max_tokens` output tokens.
pub fn valid_body(max_tokens: u32) -> String {
    serde_json::json!({
        "messages": [{"role": "user", "content": [{"text": "Explain the concept of machine learning in simple terms."}]}],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.8999999761581421, "topP": 1.0}
    })
    .to_string()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string())
}

fn eof(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, message.to_string())
}

async fn timed<T>(
    future: impl std::future::Future<Output = std::io::Result<T>>,
) -> std::io::Result<T> {
    tokio::time::timeout(IO_TIMEOUT, future)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "raw HTTP I/O timed out"))?
}
