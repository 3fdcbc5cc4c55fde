//! The page's inline style sheet, content security policy and script.

/// Nothing may be fetched: images are `data:` URLs, style and script are
/// inline. (Links still navigate.)
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Runs in `<head>`: records load errors of any element, and once the
/// page has loaded, sets `data-images-loaded` on `<body>` to `all` when
/// every image decoded (`complete` with a natural width), else to
/// `missing: <alt texts>`; `data-image-count` and `data-page-errors`
/// likewise. Automated checks read these back.
pub const SCRIPT: &str = r#"(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errors.push(t && t.tagName ? t.tagName + ' ' + (t.getAttribute('alt') || '') : String(e.message));
  }, true);
  window.addEventListener('load', function () {
    var images = Array.prototype.slice.call(document.images);
    var missing = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
    var body = document.body;
    body.setAttribute('data-image-count', String(images.length));
    body.setAttribute('data-images-loaded', missing.length === 0 ? 'all' :
      'missing: ' + missing.map(function (i) { return i.alt; }).join('; '));
    body.setAttribute('data-page-errors', errors.length === 0 ? 'none' : errors.join('; '));
  });
})();"#;

/// The style sheet.
pub const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #5a5a5a; --line: #d9d9d9; --zebra: #f6f7f9; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1380px; margin: 0 auto; padding: 0 20px 60px; }
header { padding: 18px 0 6px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 17px; margin: 22px 0 8px; }
p.meta, p.hint { color: var(--muted); margin: 4px 0; }
nav { font-size: 14px; margin: 10px 0 0; }
nav a { margin-right: 14px; }
a { color: var(--accent); }
.banner { background: #b00020; color: #fff; font-weight: bold; padding: 12px 20px; text-align: center; font-size: 17px; }
.warnings { background: #fff8e1; border: 1px solid #e6c35c; border-radius: 4px; padding: 8px 14px; }
.warnings li { margin: 3px 0; }
.note { background: #fdf3e7; border-left: 4px solid #e67814; padding: 8px 12px; margin: 8px 0; }
.scroll { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 13px; }
table#summary, table#counts, table#comparison { font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
th { background: #eef1f5; text-align: left; }
tr:nth-child(even) td { background: var(--zebra); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { overflow-wrap: anywhere; min-width: 15em; }
td.key { white-space: nowrap; }
tr.nosuccess td { background: #fde8e8; }
table.settings th { width: 13em; }
figure { margin: 16px 0 26px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
footer { color: var(--muted); font-size: 13px; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 10px; }
"#;
