//! The `next:` hints: a command to run next, written so that it can be
//! pasted into a shell as is (each word quoted when it needs to be).

use std::ffi::OsStr;

/// `text` as one shell word: as is when it holds only characters a POSIX
/// shell leaves alone, else in single quotes (`'my dir/a.csv'`, a quote
/// inside as `'\''`).
pub fn word(text: impl AsRef<OsStr>) -> String {
    let text = text.as_ref().to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A command line of `words`, each quoted as needed:
/// `bedrock-bench analyze 'my dir/run.csv' --out out`.
pub fn command<I, S>(words: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    words.into_iter().map(word).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_a_shell_would_split_or_expand_them() {
        assert_eq!(
            word("target-reports/results/run_1.csv"),
            "target-reports/results/run_1.csv"
        );
        assert_eq!(word("my dir"), "'my dir'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word("$HOME"), "'$HOME'");
        assert_eq!(word(""), "''");
        assert_eq!(
            command(["bedrock-bench", "analyze", "a b.csv", "--out", "out"]),
            "bedrock-bench analyze 'a b.csv' --out out"
        );
    }
}
