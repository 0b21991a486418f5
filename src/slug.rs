//! Slugs: the URL-and-anchor-safe form of a name. [`slugify`] makes feature and tag URLs and,
//! through [`heading_slug`], heading anchors, so that the same words give the same slug.
//!
//! Compared with GitHub's heading slugger, which deletes every punctuation character and turns
//! each space into `-`, versus also deletes apostrophes (`Don't panic` → `dont-panic` on
//! both), but turns any other run of punctuation and spaces into a single `-`: `C++ & Rust`
//! is `c-rust` here and `c--rust` on GitHub, `v1.2` is `v1-2` here and `v12` there. Those
//! anchors were published before and stay as they are.

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

/// The slug of a heading's text: [`slugify`] with apostrophes (`'`, and the `’` `‘` that smart
/// punctuation makes of them) deleted first, so a contraction or possessive stays one word.
/// Only for anchors: feature and tag slugs are URLs already published, and keep them.
pub fn heading_slug(text: &str) -> String {
    slugify(&text.replace(['\'', '\u{2019}', '\u{2018}'], ""))
}

/// The key lists sort titles by: lower case with accents folded (`Éclair` sorts as
/// `eclair`, between `Eagle` and `Egg`; `crypto` between `Cookie` and `CSS`). This is not a
/// language's full collation (ICU's would be a much heavier dependency): letters are folded
/// to their base letter by Unicode decomposition and compared by code point, so it is the
/// order readers expect for Latin, Greek and Cyrillic titles.
pub fn sort_key(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    title
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
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
    fn sort_keys_ignore_case_and_accents() {
        let mut titles = vec!["XSLTProcessor", "crypto", "Éclair", "Egg", "eagle", "CSS"];
        titles.sort_by_key(|t| sort_key(t));
        assert_eq!(
            titles,
            ["crypto", "CSS", "eagle", "Éclair", "Egg", "XSLTProcessor"]
        );
    }

    #[test]
    fn heading_slugs_drop_apostrophes() {
        assert_eq!(heading_slug("Don't panic"), "dont-panic");
        assert_eq!(heading_slug("Don\u{2019}t panic"), "dont-panic");
        assert_eq!(heading_slug("\u{2018}Quoted\u{2019} words"), "quoted-words");
        assert_eq!(heading_slug("Rock 'n' roll"), "rock-n-roll");
        assert_eq!(heading_slug("Built-in ORM"), "built-in-orm");
        // Feature and tag slugs are unchanged.
        assert_eq!(slugify("Don't panic"), "don-t-panic");
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
