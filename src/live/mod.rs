//! The live view: while `run`, `sweep` or `cargo bench` make calls in a
//! terminal, a dashboard of the run so far (progress and time left, calls
//! per second, calls in flight, errors, throttles, cost, and per group the
//! rolling TTFT and total-latency percentiles).
//!
//! The run's reporter thread only counts each finished call into the
//! [`LiveState`] (under a lock held for a few additions); a thread of the
//! view's own draws a frame at most every [`FRAME_INTERVAL`], so neither
//! the calls nor their timings wait on the terminal.

pub mod frame;
pub mod rolling;
pub mod screen;
pub mod state;

use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use frame::{Size, frame};
pub use screen::Screen;
pub use state::{FinishedCall, LiveState};

/// The view draws at most this often.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(250);

/// How long a caller waits for the view to take its frame off the screen
/// (it never holds a run up longer).
const ACK_TIMEOUT: Duration = Duration::from_secs(1);

/// The terminal's size, or `fallback` when it cannot be told.
pub fn terminal_size(fallback: Size) -> Size {
    match console::Term::stderr().size_checked() {
        Some((rows, columns)) if rows > 0 && columns > 0 => Size {
            width: usize::from(columns),
            height: usize::from(rows),
        },
        _ => fallback,
    }
}

/// The size assumed when stderr is not a terminal.
pub const DEFAULT_SIZE: Size = Size {
    width: 120,
    height: 40,
};

/// Where the view draws and what it asks while drawing.
pub struct BoardOutput {
    /// Where frames are written (stderr).
    pub out: Box<dyn Write + Send>,
    /// The size to draw in, asked before every frame.
    pub size: Box<dyn Fn() -> Size + Send>,
    /// Calls started so far (the call budget's count), for the calls in
    /// flight; `None`: not shown.
    pub started: Option<Box<dyn Fn() -> u64 + Send>>,
}

impl BoardOutput {
    /// Frames on stderr, sized to the terminal.
    pub fn stderr() -> Self {
        BoardOutput {
            out: Box::new(std::io::stderr()),
            size: Box::new(|| terminal_size(DEFAULT_SIZE)),
            started: None,
        }
    }
}

enum Command {
    Say(String, mpsc::Sender<()>),
    Pause(mpsc::Sender<()>),
    Resume,
    Stop,
}

/// A running live view: its state and its drawing thread.
pub struct LiveBoard {
    state: Arc<Mutex<LiveState>>,
    commands: mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for LiveBoard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveBoard").finish_non_exhaustive()
    }
}

impl LiveBoard {
    /// Start the drawing thread; nothing is drawn until [`LiveBoard::resume`].
    pub fn start(output: BoardOutput) -> std::io::Result<LiveBoard> {
        let state = Arc::new(Mutex::new(LiveState::new(Instant::now())));
        let (commands, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("live-view".into())
            .spawn({
                let state = Arc::clone(&state);
                move || draw_loop(&state, output, &receiver)
            })?;
        Ok(LiveBoard {
            state,
            commands,
            thread: Some(thread),
        })
    }

    /// The state, to count a call or a change into.
    pub fn state(&self) -> MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Print `message` above the view; returns once it is printed (or
    /// after a second).
    pub fn say(&self, message: impl Into<String>) {
        let (ack, done) = mpsc::channel();
        if self
            .commands
            .send(Command::Say(message.into(), ack))
            .is_ok()
        {
            let _ = done.recv_timeout(ACK_TIMEOUT);
        }
    }

    /// Take the view off the screen and draw no more until
    /// [`LiveBoard::resume`]; returns once it is off (or after a second).
    pub fn pause(&self) {
        let (ack, done) = mpsc::channel();
        if self.commands.send(Command::Pause(ack)).is_ok() {
            let _ = done.recv_timeout(ACK_TIMEOUT);
        }
    }

    /// Draw again.
    pub fn resume(&self) {
        let _ = self.commands.send(Command::Resume);
    }

    /// Take the view off the screen and end its thread.
    pub fn stop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LiveBoard {
    fn drop(&mut self) {
        self.stop();
    }
}

fn draw_loop(state: &Mutex<LiveState>, output: BoardOutput, commands: &mpsc::Receiver<Command>) {
    let BoardOutput { out, size, started } = output;
    let mut screen = Screen::new(out);
    let mut drawing = false;
    let mut next = Instant::now();
    loop {
        let wait = next.saturating_duration_since(Instant::now());
        match commands.recv_timeout(wait) {
            Ok(Command::Say(message, ack)) => {
                screen.say(&message);
                let _ = ack.send(());
            }
            Ok(Command::Pause(ack)) => {
                drawing = false;
                screen.clear();
                let _ = ack.send(());
            }
            Ok(Command::Resume) => {
                drawing = true;
                next = Instant::now();
            }
            Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => {
                screen.clear();
                return;
            }
            Err(RecvTimeoutError::Timeout) => {
                next = Instant::now() + FRAME_INTERVAL;
                if drawing {
                    let now = Instant::now();
                    let lines = {
                        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
                        state.expire(now);
                        let in_flight = started
                            .as_ref()
                            .map(|started| started().saturating_sub(state.counts.done));
                        frame(&state, now, in_flight, size())
                    };
                    screen.draw(lines);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_board_draws_at_a_bounded_rate_and_clears_when_paused() {
        let out = Captured::default();
        let mut board = LiveBoard::start(BoardOutput {
            out: Box::new(out.clone()),
            size: Box::new(|| DEFAULT_SIZE),
            started: Some(Box::new(|| 3)),
        })
        .expect("thread");
        board.state().start(Instant::now(), 10, None);
        board.resume();
        std::thread::sleep(FRAME_INTERVAL * 4);
        board.pause();
        let text = String::from_utf8(out.0.lock().expect("lock").clone()).expect("utf-8");
        let frames = text.matches("0/10 calls").count();
        // About five frames in a second; never one per loop turn.
        assert!((2..=8).contains(&frames), "{frames} frames:\n{text}");
        assert!(text.contains("in flight 3"), "{text}");
        assert!(text.ends_with("\x1b[J"), "the frame is taken off: {text:?}");
        board.stop();
    }
}
