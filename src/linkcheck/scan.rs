//! Reading one rendered HTML file for the link checker: the ids it offers and the links it
//! makes (`href`, `src`, `srcset`, `poster`), by the WHATWG tokenizer rules, script and
//! style contents skipped.
//!
//! Not here: resolving the links (the parent module).

use foldhash::HashSet;
use html5gum::{Emitter, Error, State};
use indexmap::IndexSet;

/// What the checker keeps of one HTML file: the targets it offers and the links it makes,
/// held for every page until the check ends (millions of short strings on a big site, so
/// each list is one buffer, not a string each).
#[derive(Debug, Default, Clone)]
pub struct Scanned {
    /// Every `id` (and `<a name>`), sorted.
    pub ids: StrList,
    /// Each link once, in page order: a wide page repeats the same few (a source article on
    /// every row).
    pub links: StrList,
    /// `id` values on more than one element, each once, in page order.
    pub duplicate_ids: Vec<String>,
}

/// Strings in one buffer.
#[derive(Debug, Default, Clone)]
pub struct StrList {
    text: String,
    ends: Vec<u32>,
}

impl StrList {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        // A page over 4 GB is not read by any browser either.
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Whether `s` is in the list; the list must be sorted (as `Scanned::ids` is).
    pub fn contains_sorted(&self, s: &str) -> bool {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(s) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    fn from_iter<'s>(items: impl IntoIterator<Item = &'s str>) -> StrList {
        let mut list = StrList::default();
        for s in items {
            list.push(s);
        }
        list.text.shrink_to_fit();
        list.ends.shrink_to_fit();
        list
    }
}

/// Tokenizes HTML (WHATWG rules, with script/style contents skipped) and keeps ids and links.
pub fn scan(html: &[u8]) -> Scanned {
    let mut ids = HashSet::default();
    let mut duplicate_ids = Vec::new();
    let mut links = IndexSet::default();
    let reader = TagReader {
        ids: &mut ids,
        duplicate_ids: &mut duplicate_ids,
        links: &mut links,
        tag: Vec::new(),
        end_tag: false,
        last_start_tag: Vec::new(),
        attr_name: Vec::new(),
        slot: Slot::None,
        values: Default::default(),
    };
    for _ in html5gum::Tokenizer::new_with_emitter(html, reader) {}
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort_unstable();
    Scanned {
        ids: StrList::from_iter(ids.iter().map(String::as_str)),
        links: StrList::from_iter(links.iter().map(String::as_str)),
        duplicate_ids,
    }
}

/// Where the attribute being read goes.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    /// Its name is still being read.
    Undecided,
    /// Into `values[i]`.
    Value(usize),
    /// Nowhere: an attribute the checker does not need, or a repeated one (the first of a
    /// name counts, as in a browser).
    None,
}

/// html5gum's tokenizer calls this for every piece of markup it reads. It keeps only the
/// start tags' names and the attributes in `ATTRS`: text, comments and doctypes are dropped
/// as they come, and the tokenizer is told not to look for parse errors, which the checker
/// does not report (a page a browser reads, it reads). html5gum's ready-made emitters keep
/// text and validate every character; reading a big site's pages this way costs half as much
/// (`versus check` reads every one).
struct TagReader<'a> {
    ids: &'a mut HashSet<String>,
    duplicate_ids: &'a mut Vec<String>,
    links: &'a mut IndexSet<String, foldhash::fast::RandomState>,
    tag: Vec<u8>,
    end_tag: bool,
    /// Decides where a `<script>`, `<style>`, `<title>`… body ends.
    last_start_tag: Vec<u8>,
    attr_name: Vec<u8>,
    slot: Slot,
    /// id, name, rel, href, src, poster, srcset: the attributes the checker needs.
    values: [Option<Vec<u8>>; 7],
}

impl TagReader<'_> {
    /// The attribute's name is complete once its value starts or the next attribute does.
    fn decide(&mut self) {
        if self.slot == Slot::Undecided {
            let i = match &self.attr_name[..] {
                b"id" => Some(0),
                b"name" => Some(1),
                b"rel" => Some(2),
                b"href" => Some(3),
                b"src" => Some(4),
                b"poster" => Some(5),
                b"srcset" => Some(6),
                _ => None,
            };
            self.slot = match i {
                Some(i) if self.values[i].is_none() => {
                    self.values[i] = Some(Vec::new());
                    Slot::Value(i)
                }
                _ => Slot::None,
            };
        }
    }

    /// A start tag is complete: keep its ids and links.
    fn close(&mut self) {
        // Most tags carry none of the attributes the checker needs.
        if self.values.iter().all(Option::is_none) {
            return;
        }
        let mut take = |i: usize| {
            self.values[i].take().map(|v| {
                String::from_utf8(v)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            })
        };
        let (id, name, rel) = (take(0), take(1), take(2));
        let links = [take(3), take(4), take(5)];
        let srcset = take(6);
        if let Some(id) = id {
            if !self.ids.contains(&id) {
                self.ids.insert(id);
            } else if !self.duplicate_ids.contains(&id) {
                self.duplicate_ids.push(id);
            }
        }
        if self.tag == b"a"
            && let Some(name) = name
        {
            self.ids.insert(name);
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
        for v in links.into_iter().flatten() {
            self.links.insert(v);
        }
        if let Some(srcset) = srcset {
            for candidate in srcset.split(',') {
                if let Some(url) = candidate.split_ascii_whitespace().next() {
                    self.links.insert(url.to_string());
                }
            }
        }
    }
}

impl Emitter for TagReader<'_> {
    type Token = ();

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _: Error) {}

    fn pop_token(&mut self) -> Option<()> {
        None
    }

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag
            .extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn init_start_tag(&mut self) {
        self.tag.clear();
        self.end_tag = false;
        self.slot = Slot::None;
    }

    fn init_end_tag(&mut self) {
        self.tag.clear();
        self.end_tag = true;
        self.slot = Slot::None;
    }

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag.extend_from_slice(s);
    }

    fn init_attribute(&mut self) {
        self.decide();
        self.attr_name.clear();
        // End tags' attributes are dropped, as a browser does.
        self.slot = if self.end_tag {
            Slot::None
        } else {
            Slot::Undecided
        };
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        if self.slot == Slot::Undecided {
            self.attr_name.extend_from_slice(s);
        }
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        self.decide();
        if let Slot::Value(i) = self.slot
            && let Some(v) = &mut self.values[i]
        {
            v.extend_from_slice(s);
        }
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        self.decide();
        if self.end_tag {
            self.last_start_tag.clear();
            return None;
        }
        self.close();
        std::mem::swap(&mut self.last_start_tag, &mut self.tag);
        // Without tree construction, `<script>` and `<style>` bodies would be read as markup.
        html5gum::naive_next_state(&self.last_start_tag)
    }

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        self.end_tag && !self.last_start_tag.is_empty() && self.last_start_tag == self.tag
    }

    // Text, comments and doctypes: nothing the checker needs.
    fn emit_eof(&mut self) {}
    fn emit_string(&mut self, _: &[u8]) {}
    fn init_comment(&mut self) {}
    fn push_comment(&mut self, _: &[u8]) {}
    fn emit_current_comment(&mut self) {}
    fn init_doctype(&mut self) {}
    fn push_doctype_name(&mut self, _: &[u8]) {}
    fn set_doctype_public_identifier(&mut self, _: &[u8]) {}
    fn set_doctype_system_identifier(&mut self, _: &[u8]) {}
    fn push_doctype_public_identifier(&mut self, _: &[u8]) {}
    fn push_doctype_system_identifier(&mut self, _: &[u8]) {}
    fn emit_current_doctype(&mut self) {}
    fn set_self_closing(&mut self) {}
    fn set_force_quirks(&mut self) {}
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
        assert_eq!(
            s.links.iter().collect::<Vec<_>>(),
            ["/a/#b", "i.png", "i2.png", "i3.png"]
        );
        assert_eq!(s.ids.iter().collect::<Vec<_>>(), ["old", "x"]);
        assert!(s.ids.contains_sorted("x") && !s.ids.contains_sorted("y"));
        assert!(s.duplicate_ids.is_empty());
    }

    #[test]
    fn reads_attributes_as_a_browser_does() {
        // Names in any case, character references decoded, unquoted values, the first of
        // two attributes of a name, end tags' attributes ignored, a comment skipped.
        let s = scan(
            br#"<A HREF="/a/?x=1&amp;y=2" href="/second/"><IMG SRC=/i.png ID=Top>
            <!-- <a href="/commented/"> --></a id="on-end-tag"><p id=caf&eacute;></p>"#,
        );
        assert_eq!(
            s.links.iter().collect::<Vec<_>>(),
            ["/a/?x=1&y=2", "/i.png"]
        );
        assert_eq!(s.ids.iter().collect::<Vec<_>>(), ["Top", "café"]);
    }

    #[test]
    fn finds_ids_on_two_elements_once_each() {
        let s =
            scan(br#"<p id="a"></p><p id="b"></p><p id="a"></p><a name="b"></a><i id="a"></i>"#);
        assert_eq!(s.duplicate_ids, ["a"]);
    }
}
