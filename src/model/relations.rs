//! Relations derived from statements and subjects: pairs of subjects compared (and which get
//! a page), what each subject and pair covers group by group, and each article's related
//! pages (the articles sharing most subjects with it).
//!
//! Not here: what a pair page shows (see `render`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rayon::prelude::*;

use super::{FeatureId, GroupId, Model, PageId, Pair, RELATED_MAX, SubjectId};
use crate::config::PairPolicy;
use crate::content::SourceKind;

impl Model {
    /// Pairs of subjects that get a page, as `[compare] pairs` says: those some page compares
    /// (both in its `subjects`, or both stated in one data file of at most `[compare]
    /// max_columns` subjects; the default), every pair with a feature in common, or none.
    /// A pair needs at least one feature either subject has a statement about.
    ///
    /// A data file counts only while it is small: a 300-subject CSV would otherwise make
    /// 44,850 pair pages, and the reader's comparison view on `/compare/` covers any pair.
    pub(super) fn build_pairs(&mut self) {
        let n = self.subjects.len();
        // Features each subject has statements about, a subject on each core.
        let feats: Vec<HashSet<FeatureId>> = self
            .subjects
            .par_iter()
            .map(|s| {
                s.statements
                    .iter()
                    .map(|&st| self.statements[st].feature)
                    .collect()
            })
            .collect();
        let candidates: BTreeSet<(SubjectId, SubjectId)> = match self.config.compare.pairs {
            PairPolicy::None => BTreeSet::new(),
            PairPolicy::All => (0..n)
                .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                .filter(|&(a, b)| !feats[a].is_disjoint(&feats[b]))
                .collect(),
            PairPolicy::Compared => {
                let max = self.config.compare.max_columns;
                let small_data = self
                    .data
                    .iter()
                    .map(|d| d.subjects.as_slice())
                    .filter(|s| s.len() <= max);
                self.pages
                    .iter()
                    .map(|p| p.subjects.as_slice())
                    .chain(small_data)
                    .flat_map(|s| {
                        (0..s.len()).flat_map(move |i| {
                            (i + 1..s.len()).map(move |j| (s[i].min(s[j]), s[i].max(s[j])))
                        })
                    })
                    .filter(|&(a, b)| !feats[a].is_empty() || !feats[b].is_empty())
                    .collect()
            }
        };
        for (a, b) in candidates {
            let mut features: Vec<FeatureId> = feats[a].union(&feats[b]).copied().collect();
            features.sort_unstable();
            let mut articles: Vec<PageId> = self.subjects[a]
                .articles
                .iter()
                .copied()
                .filter(|p| self.pages[*p].subjects.contains(&b))
                .collect();
            self.sort_pages(&mut articles);
            let id = self.pairs.len();
            let pair = Pair {
                a,
                b,
                slug: format!("{}-vs-{}", self.subjects[a].id, self.subjects[b].id),
                by_group: self.by_group(features.iter().copied()),
                features,
                articles,
            };
            self.pairs.push(pair);
            self.subjects[a].pairs.push(id);
            self.subjects[b].pairs.push(id);
        }
        for s in 0..n {
            let mut arts = std::mem::take(&mut self.subjects[s].articles);
            self.sort_pages(&mut arts);
            self.subjects[s].articles = arts;
            let stated: BTreeSet<FeatureId> = self.subjects[s]
                .statements
                .iter()
                .map(|&st| self.statements[st].feature)
                .collect();
            self.subjects[s].by_group = self.by_group(stated.into_iter());
        }
        // The subjects a matrix shows first: most statements, then by id.
        let mut top: Vec<SubjectId> = (0..n).collect();
        top.sort_by_key(|&s| std::cmp::Reverse(self.subjects[s].statements.len()));
        self.top_subjects = top;
    }

    /// Features grouped in group order (and catalogue order within a group), empty groups
    /// left out.
    fn by_group(
        &self,
        features: impl Iterator<Item = FeatureId>,
    ) -> Vec<(GroupId, Vec<FeatureId>)> {
        let mut by: BTreeMap<GroupId, Vec<FeatureId>> = BTreeMap::new();
        for f in features {
            by.entry(self.features[f].group).or_default().push(f);
        }
        for list in by.values_mut() {
            list.sort_unstable();
        }
        by.into_iter().collect()
    }

    /// Related pages: articles sharing the most subjects, at most [`RELATED_MAX`]. Taken from
    /// `previous` when nothing they are chosen by changed (most of a model rebuild's time at
    /// 10,000 pages was spent here).
    pub(super) fn build_related(&mut self, previous: Option<&Model>) {
        if let Some(old) = previous
            && self.same_relation_inputs(old)
        {
            for (p, o) in self.pages.iter_mut().zip(old.pages.iter()) {
                p.related.clone_from(&o.related);
            }
            return;
        }
        // One rank per page for "newest first, then by path", computed once: comparing dates
        // and paths inside every page's candidate sort cost ~10^9 string comparisons at 10,000
        // pages (every page shares a subject with thousands of others).
        let mut order: Vec<PageId> = (0..self.pages.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            pb.source
                .front
                .date
                .cmp(&pa.source.front.date)
                .then_with(|| pa.source.rel.cmp(&pb.source.rel))
        });
        let mut rank = vec![0usize; self.pages.len()];
        for (r, &p) in order.iter().enumerate() {
            rank[p] = r;
        }
        let n = self.pages.len();
        let related: Vec<Vec<PageId>> = (0..n)
            .into_par_iter()
            .map_init(
                || (vec![0u16; n], Vec::new()),
                |(counts, touched), pid| {
                    let page = &self.pages[pid];
                    if page.kind != SourceKind::Article || page.subjects.is_empty() {
                        return Vec::new();
                    }
                    for &s in &page.subjects {
                        for &other in &self.subjects[s].articles {
                            if other != pid {
                                if counts[other] == 0 {
                                    touched.push(other);
                                }
                                counts[other] = counts[other].saturating_add(1);
                            }
                        }
                    }
                    // Most shared first, then newest, then by path; only the best few are kept,
                    // so select them instead of sorting every candidate.
                    let key = |p: PageId| (std::cmp::Reverse(counts[p]), rank[p]);
                    let mut best: Vec<PageId> = Vec::with_capacity(RELATED_MAX + 1);
                    for &p in touched.iter() {
                        if best.len() < RELATED_MAX || key(p) < key(best[best.len() - 1]) {
                            let at = best.partition_point(|&q| key(q) < key(p));
                            best.insert(at, p);
                            best.truncate(RELATED_MAX);
                        }
                    }
                    for &p in touched.iter() {
                        counts[p] = 0;
                    }
                    touched.clear();
                    best
                },
            )
            .collect();
        for (p, r) in related.into_iter().enumerate() {
            self.pages[p].related = r;
        }
    }

    /// Whether every input of [`Model::build_related`] is as in `old`: each page's kind, the
    /// subjects it compares (which make the subjects' article lists) and what ranks it (date,
    /// path).
    fn same_relation_inputs(&self, old: &Model) -> bool {
        self.pages.len() == old.pages.len()
            && self.pages.iter().zip(old.pages.iter()).all(|(a, b)| {
                a.kind == b.kind
                    && a.subjects == b.subjects
                    && a.source.front.date == b.source.front.date
                    && a.source.rel == b.source.rel
            })
    }
}
