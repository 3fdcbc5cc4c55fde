//! A minimal HTTP/2 (prior knowledge) client over a raw socket, to open
//! streams whose bodies never finish: it writes frames by hand (HPACK
//! literals only, no Huffman), answers the server's SETTINGS and PINGs, and
//! records the frames the server sends back, with their arrival instants.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::task::JoinHandle;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;

/// A frame (or the end) the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum H2Event {
    /// Its SETTINGS.
    Settings,
    /// A WINDOW_UPDATE (stream 0: the connection's window).
    WindowUpdate {
        /// The stream.
        stream: u32,
    },
    /// A response head on `stream`.
    Headers {
        /// The stream.
        stream: u32,
    },
    /// Response body bytes on `stream`.
    Data {
        /// The stream.
        stream: u32,
        /// The bytes.
        payload: Vec<u8>,
    },
    /// The server reset `stream` with `code`.
    Reset {
        /// The stream.
        stream: u32,
        /// The HTTP/2 error code (0: NO_ERROR).
        code: u32,
    },
    /// GOAWAY.
    GoAway,
    /// The socket closed (or failed).
    Closed,
}

/// One raw HTTP/2 connection.
#[derive(Debug)]
pub struct RawH2 {
    writer: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    events: Arc<Mutex<Vec<(Instant, H2Event)>>>,
    reader: JoinHandle<()>,
}

impl RawH2 {
    /// Connect, send the preface and empty SETTINGS, and wait (at most
    /// 10 s) for the server's SETTINGS and connection window update, so
    /// that bodies up to the server's windows may be sent.
    pub async fn connect(addr: SocketAddr) -> std::io::Result<RawH2> {
        let connection = Self::start(addr, Vec::new()).await?;
        let ready = connection
            .wait_for(Duration::from_secs(10), |events| {
                events.contains(&H2Event::Settings)
                    && events.contains(&H2Event::WindowUpdate { stream: 0 })
            })
            .await;
        if ready.is_none() {
            return Err(std::io::Error::other(
                "no SETTINGS and connection WINDOW_UPDATE from the server within 10 s",
            ));
        }
        Ok(connection)
    }

    /// Connect and, in the same write as the preface, open stream 1 as
    /// [`RawH2::open_stalled_stream`] does (`body` within the default
    /// 64 KiB window): the request arrives with the connection, as a
    /// client that does not wait for the server's SETTINGS sends it.
    pub async fn connect_with_stalled_stream(
        addr: SocketAddr,
        model_in_path: &str,
        content_length: usize,
        body: &[u8],
    ) -> std::io::Result<RawH2> {
        Self::start(addr, stalled_stream(1, model_in_path, content_length, body)).await
    }

    /// Connect and write the preface, empty SETTINGS and `first`; start
    /// reading the server's frames.
    async fn start(addr: SocketAddr, first: Vec<u8>) -> std::io::Result<RawH2> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (mut read, mut write) = stream.into_split();
        let mut opening = PREFACE.to_vec();
        opening.extend(frame(SETTINGS, 0, 0, &[]));
        opening.extend(first);
        write.write_all(&opening).await?;
        let writer = Arc::new(tokio::sync::Mutex::new(write));
        let events: Arc<Mutex<Vec<(Instant, H2Event)>>> = Arc::default();
        let acks = Arc::clone(&writer);
        let seen = Arc::clone(&events);
        let reader = tokio::spawn(async move {
            let push = |event| {
                seen.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((Instant::now(), event))
            };
            loop {
                let mut head = [0u8; 9];
                if read.read_exact(&mut head).await.is_err() {
                    push(H2Event::Closed);
                    return;
                }
                let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
                let (kind, flags) = (head[3], head[4]);
                let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
                let mut payload = vec![0u8; length];
                if read.read_exact(&mut payload).await.is_err() {
                    push(H2Event::Closed);
                    return;
                }
                match kind {
                    SETTINGS if flags & ACK == 0 => {
                        let _ = acks
                            .lock()
                            .await
                            .write_all(&frame(SETTINGS, ACK, 0, &[]))
                            .await;
                        push(H2Event::Settings);
                    }
                    PING if flags & ACK == 0 => {
                        let _ = acks
                            .lock()
                            .await
                            .write_all(&frame(PING, ACK, 0, &payload))
                            .await;
                    }
                    WINDOW_UPDATE => push(H2Event::WindowUpdate { stream }),
                    HEADERS => push(H2Event::Headers { stream }),
                    DATA => push(H2Event::Data { stream, payload }),
                    RST_STREAM => {
                        let code = payload
                            .get(..4)
                            .map_or(u32::MAX, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                        push(H2Event::Reset { stream, code });
                    }
                    GOAWAY => push(H2Event::GoAway),
                    _ => {}
                }
            }
        });
        Ok(RawH2 {
            writer,
            events,
            reader,
        })
    }

    async fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut writer = self.writer.lock().await;
        tokio::time::timeout(Duration::from_secs(10), writer.write_all(bytes))
            .await
            .map_err(|_| std::io::Error::other("raw HTTP/2 write timed out"))?
    }

    /// Open stream `stream` (odd, rising) with a ConverseStream request for
    /// `model_in_path` that declares `content_length` bytes, and send
    /// `body` of them without ending the stream.
    pub async fn open_stalled_stream(
        &self,
        stream: u32,
        model_in_path: &str,
        content_length: usize,
        body: &[u8],
    ) -> std::io::Result<()> {
        self.write(&stalled_stream(stream, model_in_path, content_length, body))
            .await
    }

    /// Send the rest of a stream's body and end it.
    pub async fn finish_stream(&self, stream: u32, body: &[u8]) -> std::io::Result<()> {
        self.write(&frame(DATA, END_STREAM, stream, body)).await
    }

    /// Every event so far, with its arrival instant.
    pub fn events(&self) -> Vec<(Instant, H2Event)> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// When `stream` was first answered (a response head or a reset).
    pub fn answered_at(&self, stream: u32) -> Option<Instant> {
        self.events()
            .into_iter()
            .find_map(|(at, event)| match event {
                H2Event::Headers { stream: s } | H2Event::Reset { stream: s, .. }
                    if s == stream =>
                {
                    Some(at)
                }
                _ => None,
            })
    }

    /// The response body bytes of `stream` so far.
    pub fn body_of(&self, stream: u32) -> Vec<u8> {
        self.events()
            .into_iter()
            .filter_map(|(_, event)| match event {
                H2Event::Data { stream: s, payload } if s == stream => Some(payload),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Poll (every 10 ms, at most `limit`) until `done` holds for the
    /// events; when it did.
    pub async fn wait_for(
        &self,
        limit: Duration,
        done: impl Fn(&[H2Event]) -> bool,
    ) -> Option<Instant> {
        let started = Instant::now();
        while started.elapsed() < limit {
            let events: Vec<H2Event> = self.events().into_iter().map(|(_, e)| e).collect();
            if done(&events) {
                return Some(Instant::now());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        None
    }
}

impl Drop for RawH2 {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// HEADERS of a ConverseStream request declaring `content_length` bytes,
/// then `body` in DATA frames, the stream left open.
fn stalled_stream(stream: u32, model_in_path: &str, content_length: usize, body: &[u8]) -> Vec<u8> {
    let path = format!("/model/{model_in_path}/converse-stream");
    let mut block = vec![0x83, 0x86]; // :method POST, :scheme http
    literal_indexed_name(&mut block, 4, &path); // :path
    literal_indexed_name(&mut block, 1, "127.0.0.1"); // :authority
    literal(&mut block, "authorization", "Bearer test-token");
    literal(&mut block, "content-type", "application/json");
    literal(&mut block, "content-length", &content_length.to_string());
    let mut bytes = frame(HEADERS, END_HEADERS, stream, &block);
    for piece in body.chunks(16 * 1024) {
        bytes.extend(frame(DATA, 0, stream, piece));
    }
    bytes
}

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let length = (payload.len() as u32).to_be_bytes();
    let mut bytes = vec![length[1], length[2], length[3], kind, flags];
    bytes.extend_from_slice(&(stream & 0x7fff_ffff).to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// An HPACK string (no Huffman); `text` must be under 127 bytes.
fn string(block: &mut Vec<u8>, text: &str) {
    assert!(text.len() < 127, "short strings only: {text}");
    block.push(text.len() as u8);
    block.extend_from_slice(text.as_bytes());
}

/// A literal header field without indexing, its name from the static
/// table (`index` under 15).
fn literal_indexed_name(block: &mut Vec<u8>, index: u8, value: &str) {
    block.push(index & 0x0f);
    string(block, value);
}

/// A literal header field without indexing, with a literal name.
fn literal(block: &mut Vec<u8>, name: &str, value: &str) {
    block.push(0);
    string(block, name);
    string(block, value);
}
