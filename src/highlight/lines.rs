//! Highlighting proper: syntect's parse of each line turned into balanced per-line HTML.
//!
//! **For:** one block's code → one HTML fragment per line (the spans inside
//! `<span class="line">`), under the long-line and time guards. **Not for:** the block's
//! wrapper (see [`super::html`]) or caching whole blocks ([`super::Highlighter`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};

use super::MAX_LINE_BYTES;
use super::classes::ScopeClasses;
use super::html::escape_into;
use super::line_cache::{LineCache, fingerprint};

/// Why a block is shown as plain text.
pub(super) enum Fallback {
    /// A line (1-based) is longer than [`MAX_LINE_BYTES`].
    LongLine(usize),
    /// The time budget ran out.
    Slow,
    /// syntect reported an error on a line (1-based).
    Error(String, usize),
}

/// Splits code into `(content, terminator)` pairs: the terminator is `"\n"`, `"\r\n"` or `""`.
pub(super) fn split_lines(code: &str) -> impl Iterator<Item = (&str, &str)> {
    code.split_inclusive('\n').map(|l| {
        if let Some(c) = l.strip_suffix("\r\n") {
            (c, "\r\n")
        } else if let Some(c) = l.strip_suffix('\n') {
            (c, "\n")
        } else {
            (l, "")
        }
    })
}

/// Highlights each line into balanced HTML: token spans still open at the end of a line are
/// closed there and reopened at the start of the next. One entry per line of [`split_lines`].
/// Same class names as syntect's `line_tokens_to_classed_spans`, plus: per-line balancing,
/// only the spans the themes can style (see [`ScopeClasses`]), no empty spans.
pub(super) fn highlight_lines(
    ss: &SyntaxSet,
    syntax: &SyntaxReference,
    classes: &ScopeClasses,
    line_cache: &LineCache,
    code: &str,
    budget: Duration,
) -> Result<Vec<String>, Fallback> {
    let start = Instant::now();
    // Pass 1: parse (the slow part, under the time budget).
    let mut state = ParseState::new(syntax);
    let mut print = fingerprint(&state);
    let mut buf = String::new();
    let mut all_ops = Vec::new();
    let mut scopes: Vec<Scope> = Vec::new();
    for (i, (content, _)) in split_lines(code).enumerate() {
        if content.len() > MAX_LINE_BYTES {
            return Err(Fallback::LongLine(i + 1));
        }
        buf.clear();
        buf.push_str(content);
        buf.push('\n');
        let ops = line_cache
            .parse_line(&mut state, &mut print, &buf, ss)
            .map_err(|e| Fallback::Error(e.to_string(), i + 1))?;
        for (_, op) in &ops {
            if let ScopeStackOp::Push(s) = op
                && !scopes.contains(s)
            {
                scopes.push(*s);
            }
        }
        all_ops.push(ops);
        if start.elapsed() >= budget {
            return Err(Fallback::Slow);
        }
    }
    let class_of = classes.for_block(&scopes);

    // Pass 2: emit.
    let mut stack = ScopeStack::new();
    // Parallel to `stack`: the span's class if it was emitted.
    let mut emitted: Vec<Option<Arc<str>>> = Vec::new();
    let mut out = Vec::with_capacity(all_ops.len());
    for (i, ((content, _), ops)) in split_lines(code).zip(&all_ops).enumerate() {
        let mut html = String::with_capacity(content.len() * 3 + 32);
        // Start offsets of opening tags with nothing written after them yet.
        let mut empty_opens: Vec<usize> = Vec::new();
        for class in emitted.iter().flatten() {
            empty_opens.push(html.len());
            open_span(&mut html, class);
        }
        let mut cur = 0;
        for (at, op) in ops {
            let at = (*at).min(content.len());
            if at > cur {
                escape_into(&mut html, &content[cur..at]);
                empty_opens.clear();
                cur = at;
            }
            stack
                .apply_with_hook(op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => {
                        let class = match class_of.get(&scope) {
                            Some(c) => c.clone(),
                            // Not seen in pass 1 (cannot happen): decide alone.
                            None => classes.for_block(&[scope]).remove(&scope).flatten(),
                        };
                        if let Some(c) = &class {
                            empty_opens.push(html.len());
                            open_span(&mut html, c);
                        }
                        emitted.push(class);
                    }
                    BasicScopeStackOp::Pop => {
                        if let Some(Some(_)) = emitted.pop() {
                            match empty_opens.pop() {
                                Some(p) => html.truncate(p),
                                None => html.push_str("</span>"),
                            }
                        }
                    }
                })
                .map_err(|e| Fallback::Error(e.to_string(), i + 1))?;
        }
        if cur < content.len() {
            escape_into(&mut html, &content[cur..]);
            empty_opens.clear();
        }
        for _ in emitted.iter().flatten() {
            match empty_opens.pop() {
                Some(p) => html.truncate(p),
                None => html.push_str("</span>"),
            }
        }
        out.push(html);
    }
    Ok(out)
}

pub(super) fn open_span(out: &mut String, class: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
}
