//! The size, line-length and time guards: a block too costly to highlight falls back to plain text.

use super::*;

#[test]
fn size_guard_falls_back_to_plain() {
    let (h, _) = Highlighter::new(HighlightOptions {
        max_block_bytes: 100,
        ..Default::default()
    });
    let code = "x = 1\n".repeat(50);
    let b = h.render_block(&fence("python"), &code);
    assert!(!is_highlighted(&b.html));
    assert_eq!(code_text(&b.html), code);
    assert_eq!(b.warnings.len(), 1);
    assert!(
        b.warnings[0]
            .message
            .contains("over the highlighting limit"),
        "{:?}",
        b.warnings
    );
    // Small blocks are still highlighted.
    assert!(is_highlighted(
        &h.render_block(&fence("python"), "x = 1\n").html
    ));
}

#[test]
fn long_line_guard_falls_back_to_plain() {
    let code = format!("a = 1\nb = '{}'\n", "x".repeat(MAX_LINE_BYTES + 1));
    let b = hl().render_block(&fence("python"), &code);
    assert!(!is_highlighted(&b.html));
    assert_eq!(code_text(&b.html), code);
    assert_eq!(b.warnings.len(), 1);
    assert_eq!(b.warnings[0].line_in_block, 2);
    assert!(b.warnings[0].message.contains("line longer than"));
}

#[test]
fn time_guard_falls_back_to_plain() {
    let (h, _) = Highlighter::new(HighlightOptions {
        time_budget_ms: 0,
        ..Default::default()
    });
    let code = "def f(x):\n    return x\n".repeat(20);
    let b = h.render_block(&fence("python linenos"), &code);
    assert!(!is_highlighted(&b.html), "{}", b.html);
    assert_eq!(code_text(&b.html), code);
    assert!(
        b.html.contains("data-line=\"40\""),
        "plain keeps the line markup"
    );
    assert_eq!(
        b.warnings,
        vec![BlockWarning::new(
            "highlighting took longer than 0 ms; shown as plain text",
            0
        )]
    );
}
