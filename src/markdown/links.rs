//! What a link destination written in Markdown names. CommonMark keeps a destination as
//! written, so `[x](my%20file.md)` and `[x](<my file.md>)` differ as strings but name the same
//! file, as they do on GitHub and in a browser. The model looks files and headings up by the
//! decoded form that [`split_dest`] returns; the href written to the page is made from the
//! file found, never from this text.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// Splits a destination into its path (before `#`) and its fragment, each percent-decoded.
/// The split comes first, so `a%23b.md` names the file `a#b.md`. An escape that is not
/// `%` + two hex digits stays as written (`100%.md`); bytes that are not UTF-8 become U+FFFD,
/// so such a link names no file and is reported as broken.
pub fn split_dest(dest: &str) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let decode = |s| percent_decode_str(s).decode_utf8_lossy();
    (decode(path), fragment.map(decode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_path_and_fragment_after_splitting() {
        let split = |d| {
            let (p, f) = split_dest(d);
            (p.into_owned(), f.map(Cow::into_owned))
        };
        assert_eq!(split("my%20file.md"), ("my file.md".into(), None));
        assert_eq!(
            split("caf%C3%A9.md#%C3%A9t%C3%A9"),
            ("café.md".into(), Some("été".into()))
        );
        assert_eq!(split("a%23b.md#c"), ("a#b.md".into(), Some("c".into())));
        assert_eq!(split("100%.md"), ("100%.md".into(), None));
        assert_eq!(split("#top"), ("".into(), Some("top".into())));
    }
}
