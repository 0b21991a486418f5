//! Unit tests of the model's rules that need no site on disk.

use serde_json::Value;

use super::*;
use crate::content::RawCell;

fn cell(v: Value) -> RawCell {
    RawCell {
        subject: None,
        value: v,
        line: 1,
        column: 1,
    }
}

fn parse_cell(c: &RawCell) -> Result<super::cells::ParsedCell, (String, Option<String>)> {
    super::cells::parse_cell(c, &LevelSet::default())
}

fn level(name: &str) -> Level {
    LevelSet::default().parse(name).unwrap()
}

#[test]
fn cell_forms() {
    let c = parse_cell(&cell(Value::from("yes: Django ORM")))
        .ok()
        .unwrap();
    assert_eq!(
        (c.level, c.note.as_deref()),
        (Some(level("yes")), Some("Django ORM"))
    );
    let c = parse_cell(&cell(Value::from("plugin"))).ok().unwrap();
    assert_eq!((c.level, c.note), (Some(level("plugin")), None));
    let c = parse_cell(&cell(Value::from("Jinja2"))).ok().unwrap();
    assert_eq!((c.level, c.value.as_deref()), (None, Some("Jinja2")));
    let c = parse_cell(&cell(Value::from("Note: not a level")))
        .ok()
        .unwrap();
    assert_eq!(c.level, None);
    let c = parse_cell(&cell(Value::from(false))).ok().unwrap();
    assert_eq!(c.level, Some(level("no")));
    let c = parse_cell(&cell(Value::from(3))).ok().unwrap();
    assert_eq!(c.value.as_deref(), Some("3"));
    let t =
        serde_json::json!({"support": "partial", "note": "n", "link": "https://x", "since": "1.2"});
    let c = parse_cell(&cell(t)).ok().unwrap();
    assert_eq!(c.level, Some(level("partial")));
    assert_eq!(c.since.as_deref(), Some("1.2"));
    let bad = serde_json::json!({"support": "maybe"});
    let e = parse_cell(&cell(bad)).err().unwrap();
    assert!(e.0.contains("unknown support level `maybe`"));
    assert!(
        e.1.unwrap()
            .contains("yes, partial, plugin, no, unknown, n/a")
    );
    assert!(parse_cell(&cell(serde_json::json!({"link": "x"}))).is_err());
    let c = parse_cell(&cell(
        serde_json::json!({"support": "yes", "verified": "2026-05-01", "until": "3"}),
    ))
    .ok()
    .unwrap();
    assert_eq!(c.verified.unwrap().ymd, "2026-05-01");
    assert_eq!(c.until.as_deref(), Some("3"));
    let c = parse_cell(&cell(
        serde_json::json!({"support": "yes", "verified": "v5.0"}),
    ))
    .ok()
    .unwrap();
    assert_eq!(
        (c.verified, c.verified_version.as_deref()),
        (None, Some("v5.0"))
    );
    for bad in ["2026-05", "last week"] {
        let e = parse_cell(&cell(
            serde_json::json!({"support": "yes", "verified": bad}),
        ))
        .err()
        .unwrap();
        assert!(e.0.contains("must be a date or a version"), "{bad}: {e:?}");
    }
    assert!(parse_cell(&cell(serde_json::json!([1]))).is_err());
}

#[test]
fn url_segments_drop_url_syntax() {
    assert_eq!(pages::url_segment("My Page?"), "My-Page");
}
