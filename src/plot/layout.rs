//! Labels that fit: short model names, truncation and file-name slugs
//! (numbers are written by [`crate::table::format`]).

use bedrock_catalog::base_model_id;

/// Labels longer than this many characters are cut in the middle.
pub const MAX_LABEL: usize = 30;

/// A short display name of a model id: the part after the last `/` (of
/// an ARN), without the geographic prefix (`us.`) and the vendor
/// (`anthropic.`), cut to [`MAX_LABEL`] characters.
/// `us.anthropic.claude-3-5-haiku-20241022-v1:0` gives
/// `claude-3-5-haiku-20241022-v1:0`.
pub fn short_model(id: &str) -> String {
    truncate_middle(uncut_short_model(id), MAX_LABEL)
}

/// [`short_model`] before the cut: the base model id without its vendor
/// (or the whole id when nothing is left).
fn uncut_short_model(id: &str) -> &str {
    let name = base_model_id(id);
    let name = match name.split_once('.') {
        Some((vendor, rest))
            if !rest.is_empty()
                && vendor
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            rest
        }
        _ => name,
    };
    if name.is_empty() { id } else { name }
}

/// `text` cut to at most `max` characters by replacing its middle with
/// an ellipsis.
pub fn truncate_middle(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max || max < 5 {
        return text.to_string();
    }
    let keep = max - 1;
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// Short labels for `ids` that are all distinct, at most [`MAX_LABEL`]
/// characters: [`short_model`] when that keeps them apart; else each
/// short name (or else each id) cut around where it differs from its
/// closest neighbour (`…variant-07-instruct-2025…`); else numbered
/// (`3. claude…v1:0`).
pub fn distinct_labels(ids: &[&str]) -> Vec<String> {
    let short: Vec<String> = ids.iter().map(|id| short_model(id)).collect();
    if all_distinct(ids, &short) {
        return short;
    }
    // Cut each name around where it differs from its closest neighbour:
    // first the short names, then the whole ids (`us.` vs `eu.`).
    let names: Vec<String> = ids.iter().map(|id| short_name(id)).collect();
    let whole: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    for names in [names, whole] {
        let windowed: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let differs_at = names
                    .iter()
                    .zip(ids)
                    .filter(|(_, id)| **id != ids[i])
                    .map(|(other, _)| common_prefix(name, other))
                    .max()
                    .unwrap_or(0);
                window(name, differs_at)
            })
            .collect();
        if all_distinct(ids, &windowed) {
            return windowed;
        }
    }
    let mut numbers: Vec<&str> = Vec::new();
    ids.iter()
        .zip(&short)
        .map(|(id, label)| {
            let n = match numbers.iter().position(|x| x == id) {
                Some(i) => i + 1,
                None => {
                    numbers.push(id);
                    numbers.len()
                }
            };
            let prefix = format!("{n}. ");
            format!(
                "{prefix}{}",
                truncate_middle(label, MAX_LABEL - prefix.chars().count())
            )
        })
        .collect()
}

/// [`short_model`] without the cut to [`MAX_LABEL`].
fn short_name(id: &str) -> String {
    uncut_short_model(id).to_string()
}

/// Characters in common at the start of `a` and `b`.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// At most [`MAX_LABEL`] characters of `name` that include the character
/// at `at` with some context before it, with ellipses where cut.
fn window(name: &str, at: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= MAX_LABEL {
        return name.to_string();
    }
    let start = at.saturating_sub(12).min(chars.len() - (MAX_LABEL - 1));
    let mut out = String::new();
    let mut room = MAX_LABEL;
    if start > 0 {
        out.push('…');
        room -= 1;
    }
    let end = if chars.len() - start > room {
        room -= 1;
        start + room
    } else {
        chars.len()
    };
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Whether equal labels only come from equal ids.
fn all_distinct(ids: &[&str], labels: &[String]) -> bool {
    for (i, a) in labels.iter().enumerate() {
        for (j, b) in labels.iter().enumerate().skip(i + 1) {
            if a == b && ids[i] != ids[j] {
                return false;
            }
        }
    }
    true
}

/// A file-name-safe slug: ASCII letters and digits kept (lowercased),
/// everything else collapsed to `-`, at most 60 characters.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(60);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// A time unit for an axis spanning `seconds`: its name and how many
/// seconds it holds (seconds, minutes or hours).
pub fn time_unit(seconds: f64) -> (&'static str, f64) {
    if seconds >= 3.0 * 3600.0 {
        ("h", 3600.0)
    } else if seconds >= 300.0 {
        ("min", 60.0)
    } else {
        ("s", 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_get_short_distinct_labels() {
        assert_eq!(
            short_model("us.anthropic.claude-3-5-haiku-20241022-v1:0"),
            "claude-3-5-haiku-20241022-v1:0"
        );
        assert_eq!(short_model("us.amazon.nova-pro-v1:0"), "nova-pro-v1:0");
        assert_eq!(short_model("amazon.nova-pro-v1:0"), "nova-pro-v1:0");
        assert_eq!(short_model("plain"), "plain");
        assert_eq!(
            short_model("arn:aws:bedrock:us-east-1:1:inference-profile/us.meta.llama3-1-70b-v1:0"),
            "llama3-1-70b-v1:0"
        );
        let long = short_model("us.vendor.an-extremely-long-model-name-that-goes-on-v1:0");
        assert_eq!(long.chars().count(), MAX_LABEL);
        assert!(long.contains('…'));
        let labels = distinct_labels(&["us.amazon.nova-pro-v1:0", "eu.amazon.nova-pro-v1:0"]);
        assert_eq!(
            labels,
            ["us.amazon.nova-pro-v1:0", "eu.amazon.nova-pro-v1:0"]
        );
        assert_eq!(short_model("us.example.<b>x</b>-v1:0"), "<b>x</b>-v1:0");
        let ids: Vec<String> = (0..12)
            .map(|m| {
                format!("us.vendor.a-really-quite-long-model-name-variant-{m:02}-instruct-v1:0")
            })
            .collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let labels = distinct_labels(&ids);
        assert!(
            labels.iter().all(|l| l.chars().count() <= MAX_LABEL),
            "{labels:?}"
        );
        assert!(labels[7].contains("variant-07"), "{labels:?}");
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 12);
        let labels = distinct_labels(&["us.amazon.nova-pro-v1:0", "us.amazon.nova-pro-v1:0"]);
        assert_eq!(labels[0], "nova-pro-v1:0");
    }

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(
            slug("us.amazon.nova-pro-v1:0/us-east-2/optimized"),
            "us-amazon-nova-pro-v1-0-us-east-2-optimized"
        );
        assert_eq!(slug("::"), "x");
    }
}
