//! The path-traversal generator used by the server abuse test makes what it promises: 10,000
//! distinct request targets, each one an attempt to leave the site folder.

mod common;

use common::traversal::traversal_variants;

#[test]
fn ten_thousand_distinct_escape_attempts() {
    let v = traversal_variants(10_000);
    assert_eq!(v.len(), 10_000);
    let distinct: std::collections::HashSet<_> = v.iter().collect();
    assert_eq!(distinct.len(), v.len());
    assert_eq!(v, traversal_variants(10_000), "not deterministic");
    for t in &v {
        let lower = t.to_ascii_lowercase();
        let escapes = lower.contains("..")
            || lower.contains("%2e")
            || lower.contains("%252e")
            || lower.contains("%c0%ae")
            || lower.contains("%e0%80%ae")
            || lower.contains("%ef%bc%8e")
            || lower.contains("etc")
            || lower.contains("%00")
            || lower.contains(':')
            || lower.contains('\\')
            || t == "*";
        assert!(escapes, "{t} does not try to escape");
        assert!(
            !t.contains(['\r', '\n', ' ']),
            "{t:?} breaks the request line"
        );
    }
}
