//! A file that is one JSON array of records: each element's bytes and
//! first line, found without parsing, by tracking strings, escapes and
//! nested brackets. The elements are parsed one by one afterwards.

use super::span::{Span, is_json_whitespace};

/// Where the scanner is, between elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the opening `[`.
    Start,
    /// After `[`: an element or `]`.
    AfterOpen,
    /// After `,`: an element.
    AfterComma,
    /// After an element: `,` or `]`.
    AfterElement,
    /// After the closing `]`: only whitespace.
    Closed,
}

/// A break in the array's structure: the records cannot be told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StructureProblem {
    /// The 1-based line of the break.
    pub line: usize,
    /// What the array needs there.
    pub expected: String,
    /// What is there instead.
    pub found: String,
}

/// How scanning one element ended.
enum Element {
    /// It ends before `end`, after `newlines` line feeds.
    Complete { end: usize, newlines: usize },
    /// The buffer ends inside it.
    Incomplete,
    /// A closing bracket does not match the opening one.
    Mismatch {
        newlines: usize,
        expected: u8,
        found: u8,
    },
}

/// Cuts a buffer into the elements of a JSON array, keeping its place
/// across buffers.
#[derive(Debug)]
pub(crate) struct ArrayScanner {
    /// Where the next buffer starts, between elements.
    phase: Phase,
    /// The 1-based line number of the next buffer's first byte.
    line: usize,
    /// The 1-based line of the opening `[`.
    open_line: usize,
    /// The 1-based line where the last token read (`[`, `,`, `]` or an
    /// element) ends: where an early end of the file is reported.
    content_line: usize,
    /// The closing brackets the element being scanned still needs.
    closers: Vec<u8>,
}

impl ArrayScanner {
    /// A scanner whose first buffer starts at 1-based `first_line`,
    /// before the array's `[`.
    pub fn new(first_line: usize) -> Self {
        ArrayScanner {
            phase: Phase::Start,
            line: first_line,
            open_line: first_line,
            content_line: first_line,
            closers: Vec::new(),
        }
    }

    /// The 1-based line where the unread part starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Add the complete elements of `buffer` to `spans`; the bytes used,
    /// after which the next buffer starts. `at_end`: the buffer ends the
    /// file, so an array still open is a problem.
    pub fn split(
        &mut self,
        buffer: &[u8],
        at_end: bool,
        spans: &mut Vec<Span>,
    ) -> Result<usize, StructureProblem> {
        let mut position = 0;
        loop {
            while let Some(&byte) = buffer.get(position) {
                if !is_json_whitespace(byte) {
                    break;
                }
                if byte == b'\n' {
                    self.line += 1;
                }
                position += 1;
            }
            let Some(&byte) = buffer.get(position) else {
                if at_end && self.phase != Phase::Closed {
                    return Err(StructureProblem {
                        line: self.content_line,
                        expected: self.closing_expected(),
                        found: "the end of the file".to_owned(),
                    });
                }
                return Ok(position);
            };
            match (self.phase, byte) {
                (Phase::Start, b'[') => {
                    self.phase = Phase::AfterOpen;
                    self.open_line = self.line;
                    self.content_line = self.line;
                    position += 1;
                }
                (Phase::Start, other) => {
                    return Err(self.problem("`[` opening the array", describe(other)));
                }
                (Phase::AfterOpen, b']') | (Phase::AfterElement, b']') => {
                    self.phase = Phase::Closed;
                    self.content_line = self.line;
                    position += 1;
                }
                (Phase::AfterElement, b',') => {
                    self.phase = Phase::AfterComma;
                    self.content_line = self.line;
                    position += 1;
                }
                (Phase::AfterElement, other) => {
                    return Err(self.problem("`,` or `]` after a record", describe(other)));
                }
                (Phase::AfterOpen | Phase::AfterComma, b']' | b',') => {
                    return Err(self.problem("a record", describe(byte)));
                }
                (Phase::AfterOpen | Phase::AfterComma, _) => {
                    match self.element(buffer, position, at_end) {
                        Element::Complete { end, newlines } => {
                            spans.push(Span {
                                start: position,
                                end,
                                line: self.line,
                            });
                            self.line += newlines;
                            self.content_line = self.line;
                            self.phase = Phase::AfterElement;
                            position = end;
                        }
                        Element::Incomplete if at_end => {
                            return Err(self.problem(
                                format!(
                                    "the end of the record starting here, then {}",
                                    self.closing_expected()
                                ),
                                "the end of the file",
                            ));
                        }
                        Element::Incomplete => return Ok(position),
                        Element::Mismatch {
                            newlines,
                            expected,
                            found,
                        } => {
                            return Err(StructureProblem {
                                line: self.line + newlines,
                                expected: format!("{} closing a bracket", describe(expected)),
                                found: describe(found),
                            });
                        }
                    }
                }
                (Phase::Closed, other) => {
                    return Err(self.problem(
                        "the end of the file after the array's closing `]`",
                        describe(other),
                    ));
                }
            }
        }
    }

    /// What the end of the file needs: the array's `]`.
    fn closing_expected(&self) -> String {
        match self.phase {
            Phase::Start => "`[` opening the array".to_owned(),
            _ => format!("`]` closing the array opened at line {}", self.open_line),
        }
    }

    /// A problem at the current line.
    fn problem(&self, expected: impl Into<String>, found: impl Into<String>) -> StructureProblem {
        StructureProblem {
            line: self.line,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// Scan the element starting at `start`.
    fn element(&mut self, buffer: &[u8], start: usize, at_end: bool) -> Element {
        let mut newlines = 0;
        match buffer[start] {
            b'{' | b'[' => {
                self.closers.clear();
                let mut position = start;
                while let Some(&byte) = buffer.get(position) {
                    match byte {
                        b'"' => match skip_string(buffer, position + 1, &mut newlines) {
                            Some(after) => {
                                position = after;
                                continue;
                            }
                            None => return Element::Incomplete,
                        },
                        b'{' => self.closers.push(b'}'),
                        b'[' => self.closers.push(b']'),
                        b'}' | b']' => {
                            let expected = self.closers.pop().unwrap_or(byte);
                            if expected != byte {
                                return Element::Mismatch {
                                    newlines,
                                    expected,
                                    found: byte,
                                };
                            }
                            if self.closers.is_empty() {
                                return Element::Complete {
                                    end: position + 1,
                                    newlines,
                                };
                            }
                        }
                        b'\n' => newlines += 1,
                        _ => {}
                    }
                    position += 1;
                }
                Element::Incomplete
            }
            b'"' => match skip_string(buffer, start + 1, &mut newlines) {
                Some(end) => Element::Complete { end, newlines },
                None => Element::Incomplete,
            },
            _ => {
                let length = buffer[start..]
                    .iter()
                    .position(|&byte| byte == b',' || byte == b']' || is_json_whitespace(byte));
                match length {
                    Some(length) => Element::Complete {
                        end: start + length,
                        newlines: 0,
                    },
                    None if at_end => Element::Complete {
                        end: buffer.len(),
                        newlines: 0,
                    },
                    None => Element::Incomplete,
                }
            }
        }
    }
}

/// The index after the closing quote of the string whose contents start
/// at `position`, counting its line feeds; `None` if the buffer ends
/// first.
fn skip_string(buffer: &[u8], mut position: usize, newlines: &mut usize) -> Option<usize> {
    while let Some(&byte) = buffer.get(position) {
        match byte {
            b'"' => return Some(position + 1),
            b'\\' => {
                if buffer.get(position + 1) == Some(&b'\n') {
                    *newlines += 1;
                }
                position += 2;
            }
            b'\n' => {
                *newlines += 1;
                position += 1;
            }
            _ => position += 1,
        }
    }
    None
}

/// A byte as messages show it: `` `x` `` for visible ASCII, else its
/// value.
fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("`{}`", byte as char)
    } else {
        format!("the byte 0x{byte:02x}")
    }
}
