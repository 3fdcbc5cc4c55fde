//! Drawing frames in a terminal: each frame replaces the one before
//! (the cursor goes back up over it and the rest of the screen is
//! cleared), written in one piece so that it does not flicker; a message
//! goes above the frame and stays.

use std::io::Write;

/// Move to the start of the line, `n` lines up, and clear to the end of
/// the screen.
fn erase(n: usize) -> String {
    match n {
        0 => "\r\x1b[J".to_string(),
        n => format!("\r\x1b[{n}A\x1b[J"),
    }
}

/// A terminal region at the bottom of the output.
pub struct Screen {
    out: Box<dyn Write + Send>,
    /// Lines of the frame on screen now.
    drawn: usize,
    /// The frame last drawn (drawn again under a message).
    last: Vec<String>,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("drawn", &self.drawn)
            .finish_non_exhaustive()
    }
}

impl Screen {
    /// Frames go to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Screen {
            out,
            drawn: 0,
            last: Vec::new(),
        }
    }

    fn erase_text(&self) -> String {
        if self.drawn == 0 {
            String::new()
        } else {
            erase(self.drawn)
        }
    }

    fn write(&mut self, text: &str) {
        // The view never stops a run: what cannot be written is dropped.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// Replace the frame on screen with `lines`.
    pub fn draw(&mut self, lines: Vec<String>) {
        let mut text = self.erase_text();
        for line in &lines {
            text.push_str(line);
            text.push('\n');
        }
        self.drawn = lines.len();
        self.last = lines;
        self.write(&text);
    }

    /// Print `message` above the frame, which is drawn again below it.
    pub fn say(&mut self, message: &str) {
        let mut text = self.erase_text();
        text.push_str(message);
        text.push('\n');
        for line in &self.last {
            text.push_str(line);
            text.push('\n');
        }
        self.drawn = self.last.len();
        self.write(&text);
    }

    /// Take the frame off the screen (what is printed next starts where
    /// it was).
    pub fn clear(&mut self) {
        let text = self.erase_text();
        self.drawn = 0;
        self.last.clear();
        self.write(&text);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn take(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().expect("lock"))).expect("utf-8")
        }
    }

    #[test]
    fn each_frame_replaces_the_last_and_messages_stay_above() {
        let out = Shared::default();
        let mut screen = Screen::new(Box::new(out.clone()));
        screen.draw(vec!["a".into(), "b".into()]);
        assert_eq!(out.take(), "a\nb\n");
        screen.draw(vec!["c".into()]);
        assert_eq!(out.take(), "\r\x1b[2A\x1b[Jc\n");
        screen.say("stopping");
        assert_eq!(out.take(), "\r\x1b[1A\x1b[Jstopping\nc\n");
        screen.clear();
        assert_eq!(out.take(), "\r\x1b[1A\x1b[J");
        screen.clear();
        assert_eq!(out.take(), "");
    }
}
