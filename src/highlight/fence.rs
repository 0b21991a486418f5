//! Fence info strings: `python title="app.py" hl_lines="3 5-7" linenos subject="flask"`.
//!
//! **For:** turning the text after the opening fence into a [`FenceInfo`]. **Not for:**
//! finding fences in Markdown (pulldown-cmark does) or resolving the language to a syntax
//! (see [`super::syntaxes`]).

use super::FenceInfo;

/// Parses a fence info string: `python title="app.py" hl_lines="3 5-7" linenos subject="flask"`.
///
/// Values may be double-quoted, single-quoted or bare. The first bare word is the language
/// (`rust,ignore` → `rust`). `hl_lines` (or `hl-lines`) takes numbers and ranges separated by
/// spaces or commas. `linenos` may also be written `linenos=true|false`. Anything else is kept
/// in [`FenceInfo::unknown`].
pub fn parse_fence_info(info: &str) -> FenceInfo {
    let mut f = FenceInfo::default();
    for (key, value, raw) in tokenize_info(info) {
        match (key.to_ascii_lowercase().as_str(), value) {
            ("linenos" | "linenums" | "line_numbers", None) => f.linenos = true,
            ("linenos" | "linenums" | "line_numbers", Some(v)) => {
                match v.to_ascii_lowercase().as_str() {
                    "" | "true" | "yes" | "1" | "on" | "table" | "inline" => f.linenos = true,
                    "false" | "no" | "0" | "off" => f.linenos = false,
                    _ => f.unknown.push(raw),
                }
            }
            ("title" | "file" | "filename", Some(v)) => f.title = Some(v),
            ("subject", Some(v)) => f.subject = Some(v).filter(|s| !s.is_empty()),
            ("lang" | "language", Some(v)) if f.lang.is_none() => {
                f.lang = Some(v).filter(|s| !s.is_empty())
            }
            ("hl_lines" | "hl-lines" | "hllines" | "highlight", Some(v)) => {
                match parse_ranges(&v) {
                    Some(r) => f.hl_lines.extend(r),
                    None => f.unknown.push(raw),
                }
            }
            (_, None) if f.lang.is_none() => {
                // `rust,ignore` (rustdoc style): the language is the part before the comma.
                let lang = key.split(',').next().unwrap_or("").trim();
                if !lang.is_empty() {
                    f.lang = Some(lang.to_string());
                }
            }
            _ => f.unknown.push(raw),
        }
    }
    f
}

/// Splits an info string into `(key, value, raw)` items; `value` is `None` for a bare word.
pub(super) fn tokenize_info(info: &str) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    let mut chars = info.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && *c != '=') {
            key.push(c);
        }
        let mut value = None;
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            let mut v = String::new();
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        v.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                        v.push(c);
                    }
                }
            }
            value = Some(v);
        }
        let end = chars.peek().map_or(info.len(), |&(i, _)| i);
        out.push((key, value, info[start..end].trim().to_string()));
    }
    out
}

/// `"3 5-7"` / `"3,5-7"` / `"{3,5-7}"` → `[(3,3),(5,7)]`. `None` if any part is malformed.
pub(super) fn parse_ranges(s: &str) -> Option<Vec<(usize, usize)>> {
    let s = s.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    for part in s.split(|c: char| c == ',' || c.is_whitespace()) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}
