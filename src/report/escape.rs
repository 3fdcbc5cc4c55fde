//! HTML escaping of everything that comes from data (model ids, error
//! messages, file names), for text and for attribute values.

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in
/// element content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A relative URL path with every segment percent-encoded (spaces, `#`,
/// `?`, `%`, non-ASCII...), `/` kept as the separator; then HTML-escaped
/// for an attribute.
pub fn href(path: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let encoded: Vec<String> = path
        .split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    escape(&encoded.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_neutralised() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("nova-pro-v1:0"), "nova-pro-v1:0");
    }

    #[test]
    fn paths_are_percent_encoded_per_segment() {
        assert_eq!(
            href("criterion/us.amazon.nova-pro-v1_0_standard/ttft/us-east-2/report/index.html"),
            "criterion/us.amazon.nova-pro-v1_0_standard/ttft/us-east-2/report/index.html"
        );
        assert_eq!(href("a b/c#d?.html"), "a%20b/c%23d%3F.html");
    }
}
