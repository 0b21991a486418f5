//! Reading one rendered HTML file for the link checker: the ids it offers and the links it
//! makes (`href`, `src`, `srcset`, `poster`), by the WHATWG tokenizer rules, script and
//! style contents skipped.
//!
//! Not here: resolving the links (the parent module).

use std::collections::HashSet;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};

/// What the checker keeps of one HTML file: the targets it offers and the links it makes.
#[derive(Debug, Default, Clone)]
pub struct Scanned {
    pub ids: HashSet<String>,
    pub links: Vec<String>,
    /// `id` values on more than one element, each once, in page order.
    pub duplicate_ids: Vec<String>,
}

/// Tokenizes HTML (WHATWG rules, with script/style contents skipped) and keeps ids and links.
///
/// Uses html5gum's callback emitter: attributes arrive as borrowed bytes and text is never
/// turned into tokens, which halves the cost of reading a big site's pages (`versus check`
/// reads every one).
pub fn scan(html: &[u8]) -> Scanned {
    let mut tag = TagAttrs::default();
    let mut out = Scanned::default();
    // Each link once, in page order: a wide page repeats the same few (a source article on
    // every row), and every page's links are held until the check ends.
    let mut seen = HashSet::new();
    {
        let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<()>| {
            match event {
                CallbackEvent::OpenStartTag { name } => tag.open(name),
                CallbackEvent::AttributeName { name } => tag.name(name),
                CallbackEvent::AttributeValue { value } => tag.value(value),
                CallbackEvent::CloseStartTag { .. } => tag.close(&mut out, &mut seen),
                _ => {}
            }
            None::<()>
        });
        let mut emitter = emitter;
        // Without tree construction, `<script>` and `<style>` bodies would be read as markup.
        emitter.naively_switch_states(true);
        for _ in html5gum::Tokenizer::new_with_emitter(html, emitter) {}
    }
    out
}

/// The attributes of the start tag being read that the checker needs; the first of a name
/// counts, as in a browser.
#[derive(Default)]
struct TagAttrs {
    tag: Vec<u8>,
    /// id, name, rel, href, src, poster, srcset
    values: [Option<String>; 7],
    /// Which of `values` the attribute being read fills.
    current: Option<usize>,
}

const ATTRS: [&[u8]; 7] = [
    b"id", b"name", b"rel", b"href", b"src", b"poster", b"srcset",
];

impl TagAttrs {
    fn open(&mut self, name: &[u8]) {
        self.tag.clear();
        self.tag.extend_from_slice(name);
        self.values = Default::default();
        self.current = None;
    }

    fn name(&mut self, name: &[u8]) {
        self.current = ATTRS
            .iter()
            .position(|a| *a == name)
            .filter(|&i| self.values[i].is_none());
        if let Some(i) = self.current {
            self.values[i] = Some(String::new());
        }
    }

    fn value(&mut self, value: &[u8]) {
        if let Some(i) = self.current.take() {
            self.values[i] = Some(String::from_utf8_lossy(value).into_owned());
        }
    }

    fn close(&mut self, out: &mut Scanned, seen: &mut HashSet<String>) {
        let [id, name, rel, href, src, poster, srcset] = std::mem::take(&mut self.values);
        if let Some(id) = id
            && !out.ids.insert(id.clone())
            && !out.duplicate_ids.contains(&id)
        {
            out.duplicate_ids.push(id);
        }
        if self.tag == b"a"
            && let Some(name) = name
        {
            out.ids.insert(name);
        }
        // Hints to the browser about hosts, not links to documents.
        if self.tag == b"link"
            && rel.is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|r| r == "preconnect" || r == "dns-prefetch")
            })
        {
            return;
        }
        let mut keep = |link: String| {
            if seen.insert(link.clone()) {
                out.links.push(link);
            }
        };
        for v in [href, src, poster].into_iter().flatten() {
            keep(v);
        }
        if let Some(srcset) = srcset {
            for candidate in srcset.split(',') {
                if let Some(url) = candidate.split_ascii_whitespace().next() {
                    keep(url.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_links_and_ids_but_not_script_bodies() {
        let s = scan(
            br##"<a id="x" href="/a/#b">a</a><img src="i.png" srcset="i2.png 2x, i3.png 3x">
            <script>var s = '<a href="/nope/">';</script><a name="old"></a>
            <link rel="preconnect" href="https://fonts.example">"##,
        );
        assert_eq!(s.links, ["/a/#b", "i.png", "i2.png", "i3.png"]);
        assert!(s.ids.contains("x") && s.ids.contains("old"));
        assert!(s.duplicate_ids.is_empty());
    }

    #[test]
    fn finds_ids_on_two_elements_once_each() {
        let s =
            scan(br#"<p id="a"></p><p id="b"></p><p id="a"></p><a name="b"></a><i id="a"></i>"#);
        assert_eq!(s.duplicate_ids, ["a"]);
    }
}
