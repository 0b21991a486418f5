//! Front matter splitting and parsing (TOML and YAML) on arbitrary text: must never panic, and
//! every diagnostic must point at a line that exists in the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use versus::content::parse_source;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    // The raw text (may or may not open front matter), and the same text wrapped as TOML and
    // as YAML front matter, so the parsers are reached on most inputs.
    let texts = [
        raw.to_string(),
        format!("+++\n{raw}\n+++\nbody\n"),
        format!("---\n{raw}\n---\nbody\n"),
    ];
    for text in texts {
        for rel in ["articles/a.md", "subjects/s.md", "_index.md"] {
            let mut diags = Vec::new();
            let lines = text.lines().count().max(1);
            let source = parse_source(
                std::path::PathBuf::from("content").join(rel),
                rel.to_string(),
                text.clone(),
                &mut diags,
            );
            assert!(source.body_start <= source.text.len());
            assert!(source.text.is_char_boundary(source.body_start));
            for d in &diags {
                // One past the last line is allowed: "unexpected end of file".
                assert!(d.line <= lines + 1, "line {} of {lines}: {d:?}", d.line);
            }
        }
    }
});
