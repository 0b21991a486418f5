//! The word shards of the search index: which documents each word leads to, split by the
//! words' first letters into files small enough to fetch while the reader types.
//!
//! A word's postings are the ids of the documents holding it, one list per [`Class`] (where
//! in the document the word stands), each sorted and delta-encoded (`[3, 1, 1, 40]` is ids
//! 3, 4, 5, 45) so that the long dense lists of common words gzip to almost nothing.
//!
//! Shards form a trie over the words' letters ([`split`]): all words starting with a prefix
//! are one *leaf* shard (`{"word": postings, …}`) while its JSON stays under
//! [`SHARD_LIMIT`]; past that the prefix becomes a *node*, its words are split by their next
//! letter, and the node gets a file of its own for a query word that is exactly the prefix
//! (`k`, `ka`) and so would otherwise need every leaf below it: the postings of all its words
//! merged, under the key `""`, and those of the word equal to the prefix, if there is one,
//! under its own key (the client ranks a whole-word match first). So any query word needs
//! exactly one file, and a one- or two-letter word never more than a merged list.
//!
//! Not here: what a document is and which words it has (`super`), matching and ranking
//! (`search.js`).

use std::collections::HashMap;
use std::fmt::Write as _;

/// Where a word stands in a document, best first. `search.js` scores them 12, 8, 3 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// The first word of the title.
    TitleStart = 0,
    /// Any other word of the title.
    Title = 1,
    /// A subject or feature the page compares, a feature's group or alias.
    Keyword = 2,
    Description = 3,
}

const CLASSES: usize = 4;

/// A leaf shard larger than this (JSON bytes, before gzip) is split by the next letter. At
/// 15,000 features this makes about 70 leaves of 5–24 kB (1–6 kB gzipped).
pub const SHARD_LIMIT: usize = 24 * 1024;

/// One word and the documents holding it, by class.
#[derive(Debug, PartialEq)]
pub struct Word {
    pub text: String,
    /// Sorted document ids, one list per [`Class`]; a document is only in its best class.
    pub lists: [Vec<u32>; CLASSES],
}

/// The shard files: (prefix, JSON) for leaves and for nodes, in prefix order.
#[derive(Debug, Default)]
pub struct Shards {
    pub leaves: Vec<(String, Vec<u8>)>,
    pub nodes: Vec<(String, Vec<u8>)>,
}

/// The lowercased words of `s`: runs of letters and digits, so `Array.prototype.at()` is
/// `array`, `prototype`, `at`. A word written in camelCase also yields its tails
/// (`getElementById` → `getelementbyid`, `elementbyid`, `byid`, `id`; `HTMLElement` →
/// `htmlelement`, `element`) so that a search for `element` finds it. The first item is
/// always the first whole word.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in s.split(|c: char| !c.is_alphanumeric()) {
        if token.is_empty() {
            continue;
        }
        out.push(token.to_lowercase());
        let chars: Vec<(usize, char)> = token.char_indices().collect();
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1].1, chars[i].1);
            let next_lower = chars.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
            let hump = cur.is_uppercase()
                && ((prev.is_lowercase() || prev.is_numeric())
                    || (prev.is_uppercase() && next_lower));
            if hump {
                out.push(token[chars[i].0..].to_lowercase());
            }
        }
    }
    out
}

/// Every word of the documents with its postings, in word order. `docs` yields, per
/// document id, its title, keywords and description.
pub fn postings<'a>(docs: impl Iterator<Item = (&'a str, &'a [String], &'a str)>) -> Vec<Word> {
    // Each distinct word's documents in id order (they come in that order), a document once
    // in its best class; only the distinct words are sorted, not every occurrence (sorting
    // those was most of the index's time after a front-matter edit at 10,000 pages).
    let mut by_word: HashMap<String, Vec<(u32, Class)>> = HashMap::new();
    let mut add = |word: String, id: u32, class: Class| {
        let docs = by_word.entry(word).or_default();
        match docs.last_mut() {
            Some((last, best)) if *last == id => *best = (*best).min(class),
            _ => docs.push((id, class)),
        }
    };
    for (id, (title, keywords, desc)) in docs.enumerate() {
        let id = id as u32;
        for (i, w) in words(title).into_iter().enumerate() {
            let class = if i == 0 {
                Class::TitleStart
            } else {
                Class::Title
            };
            add(w, id, class);
        }
        for k in keywords {
            words(k)
                .into_iter()
                .for_each(|w| add(w, id, Class::Keyword));
        }
        words(desc)
            .into_iter()
            .for_each(|w| add(w, id, Class::Description));
    }
    let mut out: Vec<Word> = by_word
        .into_iter()
        .map(|(text, docs)| {
            let mut lists: [Vec<u32>; CLASSES] = Default::default();
            for (id, class) in docs {
                lists[class as usize].push(id);
            }
            Word { text, lists }
        })
        .collect();
    out.sort_unstable_by(|a, b| a.text.cmp(&b.text));
    out
}

/// Splits `words` (in word order) into shards.
pub fn split(words: &[Word]) -> Shards {
    let mut shards = Shards::default();
    split_at("", words, &mut shards);
    shards
}

fn split_at(prefix: &str, words: &[Word], out: &mut Shards) {
    let leaf = leaf_json(words);
    // The word equal to the prefix (sorted first) cannot go further down: the node's merged
    // postings answer it.
    let skip = usize::from(words.first().is_some_and(|w| w.text == prefix));
    if leaf.len() <= SHARD_LIMIT || skip == words.len() {
        out.leaves.push((prefix.to_string(), leaf));
        return;
    }
    if !prefix.is_empty() {
        out.nodes
            .push((prefix.to_string(), node_json(&words[..skip], words)));
    }
    let mut i = skip;
    while i < words.len() {
        let next = words[i].text[prefix.len()..]
            .chars()
            .next()
            .unwrap_or_default();
        let child = format!("{prefix}{next}");
        let run = words[i..]
            .iter()
            .take_while(|w| w.text.starts_with(&child))
            .count();
        split_at(&child, &words[i..i + run], out);
        i += run;
    }
}

/// `{"word":[[deltas of class 0], [class 1], …], …}`
fn leaf_json(words: &[Word]) -> Vec<u8> {
    let mut out = String::from("{");
    for w in words {
        push_entry(&mut out, &w.text, &w.lists);
    }
    out.push('}');
    out.into_bytes()
}

/// `{"":[merged postings of all words], "prefix":[postings of the word equal to it]}`: each
/// document in its best class.
fn node_json(exact: &[Word], words: &[Word]) -> Vec<u8> {
    let mut all: Vec<(u32, usize)> = words
        .iter()
        .flat_map(|w| {
            w.lists
                .iter()
                .enumerate()
                .flat_map(|(c, l)| l.iter().map(move |&id| (id, c)))
        })
        .collect();
    all.sort_unstable();
    all.dedup_by_key(|e| e.0);
    let mut lists: [Vec<u32>; CLASSES] = Default::default();
    for (id, c) in all {
        lists[c].push(id);
    }
    let mut out = String::from("{");
    push_entry(&mut out, "", &lists);
    for w in exact {
        push_entry(&mut out, &w.text, &w.lists);
    }
    out.push('}');
    out.into_bytes()
}

/// `"key":[lists]` into an object being written (`out` ends with `{` or an entry).
fn push_entry(out: &mut String, key: &str, lists: &[Vec<u32>; CLASSES]) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push_str(&serde_json::to_string(key).unwrap_or_default());
    out.push(':');
    push_lists(out, lists);
}

/// `[[3,1,1],[],[7]]`: delta-encoded lists, empty ones at the end left out.
fn push_lists(out: &mut String, lists: &[Vec<u32>; CLASSES]) {
    let used = lists
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    out.push('[');
    for (i, list) in lists[..used].iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        let mut prev = 0;
        for (j, &id) in list.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(out, "{}", id - prev);
            prev = id;
        }
        out.push(']');
    }
    out.push(']');
}

/// The file-name part for a prefix: itself when it is plain ASCII letters and digits, else
/// `_` and the hex of its UTF-8 bytes (`é` → `_c3a9`; the empty root prefix → `_`), so that
/// names are safe on every host and file system. `search.js` computes the same names.
pub fn file_name(prefix: &str) -> String {
    if !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return prefix.to_string();
    }
    let mut out = String::from("_");
    for b in prefix.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(t: &[&str]) -> Vec<Word> {
        postings(t.iter().map(|t| (*t, &[][..], "")))
    }

    #[test]
    fn words_split_at_punctuation_and_camel_humps() {
        assert_eq!(words("Array.prototype.at()"), ["array", "prototype", "at"]);
        assert_eq!(
            words("getElementById"),
            ["getelementbyid", "elementbyid", "byid", "id"]
        );
        assert_eq!(
            words("HTMLElement h264"),
            ["htmlelement", "element", "h264"]
        );
        assert_eq!(words("fit-content() Ça"), ["fit", "content", "ça"]);
        assert!(words(" · ").is_empty());
    }

    #[test]
    fn a_document_counts_once_per_word_in_its_best_class() {
        let kw = ["Django".to_string()];
        let w = postings(
            [
                ("Django vs Flask", &kw[..], "django"),
                ("Flask", &kw[..], ""),
            ]
            .into_iter(),
        );
        let django = w.iter().find(|w| w.text == "django").unwrap();
        assert_eq!(django.lists, [vec![0], vec![], vec![1], vec![]]);
    }

    #[test]
    fn lists_are_delta_encoded_without_trailing_empties() {
        let mut s = String::new();
        push_lists(&mut s, &[vec![3, 4, 5, 45], vec![], vec![7], vec![]]);
        assert_eq!(s, "[[3,1,1,40],[],[7]]");
    }

    #[test]
    fn small_indexes_are_one_leaf() {
        let s = split(&titles(&["Alpha", "Beta"]));
        assert_eq!(s.leaves.len(), 1);
        assert_eq!(s.leaves[0].0, "");
        assert!(s.nodes.is_empty());
    }

    #[test]
    fn large_prefixes_split_with_a_merged_node_and_leaves_stay_small() {
        // 4,000 distinct words starting with `k`: far more than one leaf holds.
        let mut t: Vec<String> = (0..4000).map(|i| format!("k{i:04} x{}", i % 7)).collect();
        t.push("k alone".into());
        let refs: Vec<&str> = t.iter().map(String::as_str).collect();
        let s = split(&titles(&refs));
        assert!(s.nodes.iter().any(|(p, _)| p == "k"));
        assert!(s.leaves.iter().all(|(_, j)| j.len() <= SHARD_LIMIT));
        // Every leaf key extends a node key by one letter, or is a child of the root.
        for (p, _) in &s.leaves {
            let parent: String = p.chars().take(p.chars().count() - 1).collect();
            assert!(
                parent.is_empty() || s.nodes.iter().any(|(n, _)| *n == parent),
                "{p}"
            );
        }
        let (_, k) = s.nodes.iter().find(|(p, _)| p == "k").unwrap();
        let k: std::collections::BTreeMap<String, Vec<Vec<u32>>> =
            serde_json::from_slice(k).unwrap();
        assert_eq!(
            k[""][0].len(),
            4001,
            "the node lists every document with a k-word"
        );
        assert_eq!(k["k"], [vec![4000]], "and those with the word `k` itself");
    }

    #[test]
    fn file_names_are_plain_or_hex() {
        assert_eq!(file_name("ka"), "ka");
        assert_eq!(file_name("é"), "_c3a9");
        assert_eq!(file_name(""), "_");
        assert_eq!(file_name("a_"), "_615f");
    }
}
