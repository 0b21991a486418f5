//! When each statement was last known to hold — its "as of" date — and what `versus check`
//! makes of it: statements older than an age (`--stale 18m`), and statements verified against
//! an older major version than the subject's current `version`.
//!
//! The date: a cell's own `verified = <date>` wins, being the author's word about that very
//! cell. Otherwise it is the newest of the page's `updated`, its `date`, and — with `[trust]
//! git_dates` — the last commit that touched the statement's line: each is a moment the
//! statement was known to be written as it is, and the newest is the best evidence.
//!
//! Not here: reading `verified` (`cells`), asking git (`crate::content::LineDates`), showing
//! dates (`crate::render`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Model, StatementId, SubjectId};
use crate::content::{Age, Date, LineDates};
use crate::diagnostics::Diagnostic;

/// A statement's date and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct AsOf {
    pub date: Date,
    pub from: DateSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The line's last commit (`[trust] git_dates`).
    Commit,
    /// The page's `date`.
    Published,
    /// The page's `updated`.
    Updated,
    /// The cell's `verified`.
    Verified,
}

impl DateSource {
    /// For messages and tooltips: "page updated".
    /// The key of the words for it in a translation table (`as_of_verified`, …).
    pub fn key(self) -> &'static str {
        match self {
            DateSource::Verified => "as_of_verified",
            DateSource::Updated => "as_of_updated",
            DateSource::Published => "as_of_published",
            DateSource::Commit => "as_of_commit",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            DateSource::Verified => "verified",
            DateSource::Updated => "page updated",
            DateSource::Published => "page published",
            DateSource::Commit => "line last committed",
        }
    }
}

/// Today's date in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set (the reproducible-
/// builds convention), so that a check's result can be pinned.
pub fn today() -> jiff::civil::Date {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    jiff::tz::Offset::UTC.to_datetime(now).date()
}

impl Model {
    /// Sets every statement's [`AsOf`].
    pub(super) fn date_statements(&mut self, lines: Option<&LineDates>) {
        for st in &mut self.statements {
            // A page's own dates; a data file has none, only its lines' commits.
            let (file, text) = super::data::said_in(&self.pages, &self.data, st.said);
            let front = match st.said {
                super::Said::Page(p) => Some(&self.pages[p].source.front),
                super::Said::Data(_) => None,
            };
            st.as_of = match &st.verified {
                Some(d) => Some(AsOf {
                    date: Date::clone(d),
                    from: DateSource::Verified,
                }),
                None => [
                    (front.and_then(|f| f.updated.as_ref()), DateSource::Updated),
                    (front.and_then(|f| f.date.as_ref()), DateSource::Published),
                    (
                        lines.and_then(|l| l.of(file, text, st.line)),
                        DateSource::Commit,
                    ),
                ]
                .into_iter()
                .filter_map(|(d, from)| d.map(|d| (d, from)))
                // The newest; on the same instant, the page's own word over git's.
                .max_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)))
                .map(|(d, from)| AsOf {
                    date: d.clone(),
                    from,
                }),
            };
        }
    }

    /// What `versus check` says about freshness, grouped by subject (in id order): with
    /// `stale`, each statement dated before `today - stale`, oldest first; then each statement
    /// verified against an older major version than the subject's `version`.
    pub fn freshness_report(
        &self,
        stale: Option<Age>,
        today: jiff::civil::Date,
    ) -> Vec<Diagnostic> {
        let mut by_subject: BTreeMap<&str, (SubjectId, Vec<StatementId>)> = BTreeMap::new();
        for (s, subject) in self.subjects.iter().enumerate() {
            by_subject.insert(&subject.id, (s, subject.statements.clone()));
        }
        let cutoff = stale.map(|age| age.before(today));
        let mut out = Vec::new();
        for (id, (s, mut statements)) in by_subject {
            statements.sort_by(|&a, &b| {
                let (x, y) = (&self.statements[a], &self.statements[b]);
                let date = |st: &super::Statement| st.as_of.as_ref().map(|a| a.date.clone());
                date(x)
                    .cmp(&date(y))
                    .then(x.said.cmp(&y.said))
                    .then(x.line.cmp(&y.line))
            });
            if let (Some(cutoff), Some(age)) = (cutoff, stale) {
                for &st in &statements {
                    if let Some(d) = self.stale(st, cutoff, age, today, id) {
                        out.push(d);
                    }
                }
            }
            let current = self.pages[self.subjects[s].page]
                .source
                .front
                .version
                .as_deref();
            for &st in &statements {
                if let Some(d) = self.outdated(st, current, id) {
                    out.push(d);
                }
            }
        }
        out
    }

    fn stale(
        &self,
        st: StatementId,
        cutoff: jiff::civil::Date,
        age: Age,
        today: jiff::civil::Date,
        subject: &str,
    ) -> Option<Diagnostic> {
        let s = &self.statements[st];
        let as_of = s.as_of.as_ref()?;
        if as_of.date.civil()? >= cutoff {
            return None;
        }
        Some(self.warn_at(
            st,
            format!(
                "{subject}: `{}` is as of {} ({}), older than {age}",
                self.features[s.feature].name,
                as_of.date.ymd,
                as_of.from.describe()
            ),
            format!("check it, then date it in the cell's table form: verified = {today}"),
        ))
    }

    fn outdated(
        &self,
        st: StatementId,
        current: Option<&str>,
        subject: &str,
    ) -> Option<Diagnostic> {
        let s = &self.statements[st];
        let checked = s.verified_version.as_deref()?;
        let current = current?;
        if major(checked)? >= major(current)? {
            return None;
        }
        Some(self.warn_at(
            st,
            format!(
                "{subject}: `{}` was verified against version {checked}, and {subject} is now at {current}: possibly stale",
                self.features[s.feature].name,
            ),
            format!("check it against {current}, then write verified = \"{current}\""),
        ))
    }

    /// A warning at statement `st`'s cell.
    fn warn_at(&self, st: StatementId, message: String, help: String) -> Diagnostic {
        let s = &self.statements[st];
        let (file, text) = self.said_in(s.said);
        Diagnostic::warning(message)
            .in_file(file)
            .at(s.line, s.column, Some(text))
            .with_help(help)
    }
}

/// The major version: the first number, after an optional `v` (`v5.1` → 5).
fn major(version: &str) -> Option<u64> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::major;

    #[test]
    fn major_versions() {
        assert_eq!(major("5.1.2"), Some(5));
        assert_eq!(major("v10"), Some(10));
        assert_eq!(major("2024.1"), Some(2024));
        assert_eq!(major("next"), None);
    }
}
