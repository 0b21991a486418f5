//! Which token spans a block gets, and their class attribute, from the two themes' CSS rules.
//!
//! **For:** deciding per scope whether a span can be styled at all and which `hl-*` atoms it
//! needs. **Not for:** walking the parse (see [`super::lines`]) or writing the CSS
//! ([`super::css`]).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use syntect::highlighting::Theme;
use syntect::parsing::Scope;

use super::CLASS_PREFIX;
use super::html::escape_into;

/// Which scopes get a span, and their class attribute, from the two themes' rules.
///
/// Every rule of the generated CSS is a descendant selector of compounds
/// (`.hl-meta.hl-json .hl-string.hl-quoted`); a compound matches a span when its atoms are a
/// subset of the span's scope atoms. Per block, a span is kept when its scope matches the last
/// compound (the subject) of some rule, or an ancestor compound of a rule whose subject matches
/// some scope in the same block. Spans no rule can style are left out: the HTML is several
/// times smaller and looks the same.
pub(super) struct ScopeClasses {
    rules: Vec<Rule>,
    known: RwLock<HashMap<Scope, Arc<ScopeInfo>>>,
}

struct Rule {
    subject: Vec<u16>,
    ancestors: Vec<Vec<u16>>,
}

struct ScopeInfo {
    class: Arc<str>,
    atoms: Vec<u16>,
    /// Rules whose subject compound matches this scope.
    subject_of: Vec<u32>,
}

impl ScopeClasses {
    pub(super) fn new(themes: &[&Theme]) -> Self {
        let mut rules: Vec<Rule> = Vec::new();
        for theme in themes {
            for item in &theme.scopes {
                for sel in &item.scope.selectors {
                    let mut path: Vec<Vec<u16>> = sel
                        .extract_scopes()
                        .into_iter()
                        .map(scope_atoms)
                        .filter(|a| !a.is_empty())
                        .collect();
                    let Some(subject) = path.pop() else { continue };
                    path.sort();
                    path.dedup();
                    if !rules
                        .iter()
                        .any(|r| r.subject == subject && r.ancestors == path)
                    {
                        rules.push(Rule {
                            subject,
                            ancestors: path,
                        });
                    }
                }
            }
        }
        ScopeClasses {
            rules,
            known: RwLock::new(HashMap::new()),
        }
    }

    fn info(&self, scope: Scope) -> Arc<ScopeInfo> {
        if let Some(i) = self
            .known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&scope)
        {
            return i.clone();
        }
        let atoms = scope_atoms(scope);
        let subject_of = (0..self.rules.len() as u32)
            .filter(|&r| is_subset(&self.rules[r as usize].subject, &atoms))
            .collect();
        let used = self.used_atoms(&atoms);
        let info = Arc::new(ScopeInfo {
            class: Arc::from(scope_classes(scope, &atoms, &used)),
            atoms,
            subject_of,
        });
        self.known
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(scope, info.clone());
        info
    }

    /// The atoms of a scope that some selector compound names. A compound matches this
    /// reduced class list exactly when it matches the whole scope (it is a subset of one iff
    /// of the other), so the page looks the same with a quarter fewer bytes of code HTML.
    fn used_atoms(&self, atoms: &[u16]) -> Vec<u16> {
        self.rules
            .iter()
            .flat_map(|r| std::iter::once(&r.subject).chain(&r.ancestors))
            .filter(|c| is_subset(c, atoms))
            .flatten()
            .copied()
            .collect()
    }

    /// For the scopes of one block: the class of each scope that gets a span.
    pub(super) fn for_block(&self, scopes: &[Scope]) -> HashMap<Scope, Option<Arc<str>>> {
        let infos: Vec<(Scope, Arc<ScopeInfo>)> =
            scopes.iter().map(|&s| (s, self.info(s))).collect();
        let mut active: Vec<u32> = infos
            .iter()
            .flat_map(|(_, i)| i.subject_of.iter().copied())
            .filter(|&r| !self.rules[r as usize].ancestors.is_empty())
            .collect();
        active.sort_unstable();
        active.dedup();
        infos
            .into_iter()
            .map(|(scope, i)| {
                let needed = !i.subject_of.is_empty()
                    || active.iter().any(|&r| {
                        self.rules[r as usize]
                            .ancestors
                            .iter()
                            .any(|a| is_subset(a, &i.atoms))
                    });
                (scope, needed.then(|| i.class.clone()))
            })
            .collect()
    }
}

pub(super) fn is_subset(small: &[u16], big: &[u16]) -> bool {
    small.iter().all(|a| big.contains(a))
}

pub(super) fn scope_atoms(scope: Scope) -> Vec<u16> {
    (0..scope.len() as usize)
        .map(|i| scope.atom_at(i))
        .collect()
}

/// `keyword.control.python` → `hl-keyword hl-control hl-python` (syntect's names), keeping
/// only the atoms in `used`, in scope order. `atoms` are the scope's ([`scope_atoms`]).
pub(super) fn scope_classes(scope: Scope, atoms: &[u16], used: &[u16]) -> String {
    let s = scope.build_string();
    let mut out = String::with_capacity(s.len() + 12);
    for (atom, id) in s.split('.').zip(atoms) {
        if !used.contains(id) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(CLASS_PREFIX);
        escape_into(&mut out, atom);
    }
    out
}

#[cfg(test)]
mod tests {
    use syntect::parsing::{ParseState, ScopeStackOp};

    use super::*;
    use crate::highlight::{HighlightOptions, Highlighter, base_syntax_set};

    #[test]
    fn reduced_classes_match_exactly_the_rules_the_whole_scope_matches() {
        let (h, _) = Highlighter::new(HighlightOptions::default());
        let classes = h.scope_classes();
        let ss = base_syntax_set();
        let samples = [
            (
                "python",
                "@app.route('/a')\nasync def f(x: int = 3) -> str:\n    return f\"{x!r}\"  # c\n",
            ),
            (
                "html",
                "<!DOCTYPE html>\n<a href=\"/x\" class=b>t &amp; u</a><script>let a = 1;</script>\n",
            ),
            (
                "bash",
                "for f in *.md; do echo \"$f\" | grep -q x && exit 1; done\n",
            ),
            ("toml", "[a.b]\nc = [1, \"d\", { e = true }] # f\n"),
            ("json", "{\"a\": [1, null, \"b\"]}\n"),
            (
                "sql",
                "SELECT a, COUNT(*) FROM t WHERE b = 'c' GROUP BY a;\n",
            ),
        ];
        let mut checked = 0;
        for (lang, code) in samples {
            let syntax = ss.find_syntax_by_token(lang).unwrap();
            let mut state = ParseState::new(syntax);
            for line in code.split_inclusive('\n') {
                for (_, op) in state.parse_line(line, ss).unwrap() {
                    let ScopeStackOp::Push(scope) = op else {
                        continue;
                    };
                    let atoms = scope_atoms(scope);
                    let used = classes.used_atoms(&atoms);
                    let class = scope_classes(scope, &atoms, &used);
                    for r in &classes.rules {
                        for c in std::iter::once(&r.subject).chain(&r.ancestors) {
                            assert_eq!(is_subset(c, &used), is_subset(c, &atoms), "{scope:?}");
                        }
                    }
                    let mut names: Vec<&str> = class.split(' ').filter(|c| !c.is_empty()).collect();
                    names.dedup();
                    assert!(names.len() <= atoms.len(), "{class}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }
}
