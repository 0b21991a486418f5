//! Slugs: the URL-and-anchor-safe form of a name. One function, used for heading anchors,
//! feature and tag URLs, so that the same text always gives the same slug.

/// Lower-cases, keeps letters and digits (any script), turns every run of other characters
/// into one `-`, and trims `-` at both ends. `"Built-in ORM"` → `built-in-orm`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            // Some lower-case forms add combining marks (`İ` → `i` + U+0307); keeping only
            // letters and digits makes a slug its own slug.
            out.extend(
                c.to_lowercase()
                    .filter(|l| l.is_alphanumeric() || *l == '_'),
            );
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Makes `base` unique against `taken` by appending `-1`, `-2`, ... and records it.
pub fn unique(base: String, taken: &mut std::collections::HashSet<String>) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if taken.insert(base.clone()) {
        return base;
    }
    for n in 1.. {
        let candidate = format!("{base}-{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    unreachable!("an unbounded range always yields a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Built-in ORM"), "built-in-orm");
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("Ünïcödé Straße"), "ünïcödé-straße");
        assert_eq!(slugify("snake_case"), "snake_case");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("İstanbul"), "istanbul");
        assert_eq!(slugify(&slugify("İstanbul")), slugify("İstanbul"));
    }

    #[test]
    fn unique_appends_numbers() {
        let mut t = Default::default();
        assert_eq!(unique("a".into(), &mut t), "a");
        assert_eq!(unique("a".into(), &mut t), "a-1");
        assert_eq!(unique("a".into(), &mut t), "a-2");
        assert_eq!(unique(String::new(), &mut t), "section");
    }
}
