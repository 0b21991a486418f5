//! Verdicts: which statement stands for a subject on a feature site-wide, and how two
//! subjects compare on a feature and over a whole pair — what the matrix, pair pages and
//! summaries show.
//!
//! Not here: reading statements (`statements`), showing them (`crate::render`).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{FeatureId, Level, Model, PairId, Said, StatementId, SubjectId};

/// How two subjects compare on one feature, by their verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Both have it (a level that counts as support: yes, partial or plugin).
    Both,
    OnlyA,
    OnlyB,
    /// Both lack it (a level that counts as lacking it: `no`).
    Neither,
    /// On at least one side: a level that counts neither way (unknown, n/a), a text value,
    /// or nothing stated.
    Unclear,
}

/// A pair's features counted by [`Agreement`], plus the features where both give the same
/// level but a different note, version or value, and where their verdicts differ at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PairSummary {
    pub features: usize,
    pub both: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub neither: usize,
    pub unclear: usize,
    pub same_level_other_detail: usize,
    pub differences: usize,
}

impl Model {
    /// Statements about subject `s` and feature `f`, in page order.
    pub fn statements_about(
        &self,
        s: SubjectId,
        f: FeatureId,
    ) -> impl Iterator<Item = StatementId> + '_ {
        self.features[f]
            .statements
            .iter()
            .copied()
            .filter(move |&st| self.statements[st].subject == s)
    }

    /// The statement that stands for subject `s` on feature `f` site-wide: the subject's own
    /// page first, then the first data file that says something, then the first article.
    /// A subject's page is its authors' own word; a data file is kept as the record of the
    /// comparison (often generated from the source of truth), and an article is one page's
    /// view, written at one time.
    pub fn verdict(&self, s: SubjectId, f: FeatureId) -> Option<StatementId> {
        let by_subject = self.verdicts.get(f)?;
        by_subject
            .binary_search_by_key(&s, |&(subject, _)| subject)
            .ok()
            .map(|i| by_subject[i].1)
    }

    /// Finds every verdict once, by the rule of [`Model::verdict`], once all statements are
    /// read.
    pub(super) fn index_verdicts(&mut self) {
        // Lower is stronger; among equals the first statement stands.
        let rank = |st: &super::Statement, own: Said| match st.said {
            said if said == own => 0,
            Said::Data(_) => 1,
            Said::Page(_) => 2,
        };
        // Features are independent: each on any core.
        self.verdicts = self
            .features
            .par_iter()
            .map(|feature| {
                let mut best: HashMap<SubjectId, (u8, StatementId)> = HashMap::new();
                for &st in &feature.statements {
                    let s = self.statements[st].subject;
                    let r = rank(&self.statements[st], Said::Page(self.subjects[s].page));
                    match best.get(&s) {
                        Some(&(old, _)) if old <= r => {}
                        _ => {
                            best.insert(s, (r, st));
                        }
                    }
                }
                let mut by_subject: Vec<(SubjectId, StatementId)> =
                    best.into_iter().map(|(s, (_, st))| (s, st)).collect();
                by_subject.sort_unstable();
                by_subject
            })
            .collect();
    }

    /// What a matrix cell shows of a verdict: the level, else the text value.
    pub fn shown(&self, s: SubjectId, f: FeatureId) -> Option<(Option<Level>, Option<&str>)> {
        self.verdict(s, f).map(|st| {
            let st = &self.statements[st];
            (st.level, st.value.as_deref())
        })
    }

    /// Whether the verdicts of `subjects` on `f` are not all the same (by level, else value).
    pub fn differs(&self, subjects: &[SubjectId], f: FeatureId) -> bool {
        let first = subjects.first().map(|&s| self.shown(s, f));
        subjects.iter().any(|&s| Some(self.shown(s, f)) != first)
    }

    /// How subjects `a` and `b` compare on `f`.
    pub fn agreement(&self, a: SubjectId, b: SubjectId, f: FeatureId) -> Agreement {
        let has = |s| {
            self.verdict(s, f)
                .and_then(|st| self.statements[st].level)
                .and_then(|l| self.levels.supports(l))
        };
        match (has(a), has(b)) {
            (Some(true), Some(true)) => Agreement::Both,
            (Some(true), Some(false)) => Agreement::OnlyA,
            (Some(false), Some(true)) => Agreement::OnlyB,
            (Some(false), Some(false)) => Agreement::Neither,
            _ => Agreement::Unclear,
        }
    }

    /// Pair `p` summed up over `features` (all of the pair's, or one group's).
    pub fn pair_summary(&self, p: PairId, features: &[FeatureId]) -> PairSummary {
        let pair = &self.pairs[p];
        let mut s = PairSummary {
            features: features.len(),
            ..PairSummary::default()
        };
        for &f in features {
            match self.agreement(pair.a, pair.b, f) {
                Agreement::Both => s.both += 1,
                Agreement::OnlyA => s.only_a += 1,
                Agreement::OnlyB => s.only_b += 1,
                Agreement::Neither => s.neither += 1,
                Agreement::Unclear => s.unclear += 1,
            }
            if self.differs(&[pair.a, pair.b], f) {
                s.differences += 1;
            } else if self.detail_differs(pair.a, pair.b, f) {
                s.same_level_other_detail += 1;
            }
        }
        s
    }

    /// The levels that count neither way (unknown, n/a, …) among the verdicts of pair `p` on
    /// `features`, in declared order: what "unclear" is made of, besides text and silence.
    pub fn unclear_levels(&self, p: PairId, features: &[FeatureId]) -> Vec<Level> {
        let pair = &self.pairs[p];
        let mut used: Vec<Level> = features
            .iter()
            .flat_map(|&f| [self.verdict(pair.a, f), self.verdict(pair.b, f)])
            .flatten()
            .filter_map(|st| self.statements[st].level)
            .filter(|&l| self.levels.supports(l).is_none())
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// Same level, but a different note, version or link.
    fn detail_differs(&self, a: SubjectId, b: SubjectId, f: FeatureId) -> bool {
        match (self.verdict(a, f), self.verdict(b, f)) {
            (Some(x), Some(y)) => {
                let (x, y) = (&self.statements[x], &self.statements[y]);
                x.level.is_some()
                    && (x.note != y.note
                        || x.since != y.since
                        || x.until != y.until
                        || x.link != y.link)
            }
            _ => false,
        }
    }
}
