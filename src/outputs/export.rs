//! The comparison published as data, for readers, tools and other sites, under `/export/`:
//!
//! | file | holds |
//! |---|---|
//! | `/export/comparison.json` | the whole model: subjects, groups, features (with aliases), every statement with its level, note, link, since, file, line and the URL that says it; `version` |
//! | `/export/comparison.csv` | the matrix of verdicts: one row per feature, one column per subject, in the cell grammar, so it reads back as a data file unchanged |
//! | `/export/subjects/<id>.json` | one subject: its record, the features it has statements about, its statements |
//!
//! The JSON's shape is described by `docs/comparison.schema.json` (checked in the tests);
//! `version` changes when a field changes meaning or goes away, not when one is added.
//! Unlike pages, these files grow with the comparison: they are downloads, not views.
//!
//! Not here: the compact per-group files behind the reader's comparison view (`compare`).

use rayon::prelude::*;
use serde::Serialize;

use crate::model::tracked::{self, Changes, Reads};
use crate::model::{
    DateSource, FeatureId, LevelSet, Model, Said, Statement, StatementId, SubjectId, Target,
};

/// The format version of the JSON files.
pub const VERSION: u32 = 1;
/// Site path of the whole comparison as JSON.
pub const JSON_PATH: &str = "/export/comparison.json";
/// Site path of the matrix as CSV.
pub const CSV_PATH: &str = "/export/comparison.csv";

/// Site path of one subject's JSON: `/export/subjects/<id>.json`, the id as its page's URL
/// has it.
pub fn subject_path(m: &Model, s: SubjectId) -> String {
    let page = &m.pages[m.subjects[s].page].path;
    let seg = page
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    format!("/export/subjects/{seg}.json")
}

/// What the preview server keeps between runs: every statement's record as the last run
/// serialised it, with what serialising it read of the model, so that after an edit only the
/// records whose reads the edit touched are serialised again.
#[derive(Default)]
pub struct Kept {
    records: Vec<u8>,
    /// End of each statement's record in `records`.
    ends: Vec<usize>,
    reads: Vec<Reads>,
}

impl Kept {
    fn record(&self, st: StatementId) -> &[u8] {
        &self.records[record_span(&self.ends, st)]
    }
}

/// Where statement `st`'s record lies in records written by [`write_records`].
fn record_span(ends: &[usize], st: StatementId) -> std::ops::Range<usize> {
    let start = if st == 0 { 0 } else { ends[st - 1] + 1 };
    start..ends[st]
}

/// Statements serialised by one task: a few hundred records, not one each, so that the
/// tasks outweigh their cost and the buffers stay few.
const RECORDS_PER_TASK: usize = 1024;

/// Every export file, each handed to `out` as it is made (together they are as big as the
/// comparison). Each statement's record is serialised once: the whole comparison and its
/// subject's file hold the same bytes. With `kept` (the preview server), the records are
/// kept with their reads, and those no item of `changes` touches are taken from the last run.
pub fn files(m: &Model, changes: Option<&Changes>, kept: Option<&mut Kept>, out: super::Sink) {
    let head = Comparison {
        version: VERSION,
        title: &m.config.title,
        base_url: &m.config.base_url,
        levels: m
            .levels
            .iter()
            .map(|(_, d)| LevelRecord {
                level: &d.name,
                label: &d.label,
                icon: &d.symbol,
                supports: d.support,
            })
            .collect(),
        groups: m
            .groups
            .iter()
            .filter(|g| !g.features.is_empty())
            .map(|g| GroupRecord {
                slug: &g.slug,
                name: &g.name,
                features: g
                    .features
                    .iter()
                    .map(|&f| m.features[f].slug.as_str())
                    .collect(),
            })
            .collect(),
        subjects: (0..m.subjects.len())
            .map(|s| subject_record(m, s))
            .collect(),
        features: (0..m.features.len())
            .map(|f| feature_record(m, f))
            .collect(),
    };
    // The whole comparison, its records written straight after its head: `whole[at..]`
    // then holds every record, which the subjects' files copy.
    let mut whole = open_statements(to_json(&head));
    // Room for the records up front (~200 bytes each): grown by doubling, the whole was
    // copied at each step and held twice. Room not written to takes no memory.
    whole.reserve(m.statements.len() * 256);
    let at = whole.len();
    let (ends, reads) = write_records(m, changes, kept.as_deref(), &mut whole);
    let records = &whole[at..];
    let record = |st: StatementId| &records[record_span(&ends, st)];
    let subject_file = |s: SubjectId| {
        let mut features: Vec<FeatureId> = m.subjects[s]
            .statements
            .iter()
            .map(|&st| m.statements[st].feature)
            .collect();
        features.sort_unstable();
        features.dedup();
        let head = SubjectFile {
            version: VERSION,
            subject: subject_record(m, s),
            features: features.into_iter().map(|f| feature_record(m, f)).collect(),
        };
        let mut bytes = open_statements(to_json(&head));
        for (i, &st) in m.subjects[s].statements.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(record(st));
        }
        bytes.extend_from_slice(b"]}");
        (path(&subject_path(m, s)), bytes)
    };
    // A few subjects' files at a time, each handed on before the next few are made.
    let subjects: Vec<SubjectId> = (0..m.subjects.len()).collect();
    let few = rayon::current_num_threads().max(1);
    for chunk in subjects.chunks(few) {
        let made: Vec<_> = chunk.par_iter().map(|&s| subject_file(s)).collect();
        for (p, bytes) in made {
            out(p, bytes);
        }
    }
    if let Some(kept) = kept {
        kept.records.clear();
        kept.records.extend_from_slice(records);
        kept.ends = ends;
        kept.reads = reads;
    }
    whole.extend_from_slice(b"]}");
    out(path(JSON_PATH), whole);
    out(path(CSV_PATH), matrix_csv(m));
}

/// A record serialised without its last field, `statements`, opened for them:
/// `{…,"features":[…]` + `,"statements":[`.
fn open_statements(mut head: Vec<u8>) -> Vec<u8> {
    head.pop();
    head.extend_from_slice(b",\"statements\":[");
    head
}

/// Appends every statement's record to `out`, separated by commas, in id order. Returns
/// where each ends, counted from where the first starts (see [`record_span`]), and, when
/// `kept` is given, what each read of the model.
fn write_records(
    m: &Model,
    changes: Option<&Changes>,
    kept: Option<&Kept>,
    out: &mut Vec<u8>,
) -> (Vec<usize>, Vec<Reads>) {
    let ids: Vec<StatementId> = (0..m.statements.len()).collect();
    let old = match (changes, kept) {
        (Some(c), Some(k)) if k.reads.len() == ids.len() => Some((c, k)),
        _ => None,
    };
    let keep = kept.is_some();
    let serialise = |ids: &[StatementId]| {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(ids.len());
        let mut reads = Vec::new();
        for &st in ids {
            match old {
                Some((c, k)) if !c.touch(&k.reads[st]) => {
                    bytes.extend_from_slice(k.record(st));
                    reads.push(k.reads[st].clone());
                }
                _ if keep => {
                    let ((), r) = tracked::record(|| write_record(m, st, &mut bytes));
                    reads.push(r);
                }
                _ => write_record(m, st, &mut bytes),
            }
            ends.push(bytes.len());
        }
        (bytes, ends, reads)
    };
    let start = out.len();
    let mut ends = Vec::with_capacity(ids.len());
    let mut all_reads = Vec::with_capacity(if keep { ids.len() } else { 0 });
    // A few tasks at a time, each appended before the next few are made: the records are
    // never held twice.
    let wave = RECORDS_PER_TASK * rayon::current_num_threads().max(1);
    for ids in ids.chunks(wave) {
        let tasks: Vec<_> = ids.par_chunks(RECORDS_PER_TASK).map(serialise).collect();
        for (bytes, task_ends, reads) in tasks {
            let mut from = 0;
            for end in task_ends {
                if !ends.is_empty() {
                    out.push(b',');
                }
                out.extend_from_slice(&bytes[from..end]);
                ends.push(out.len() - start);
                from = end;
            }
            all_reads.extend(reads);
        }
    }
    (ends, all_reads)
}

/// An output path from a site path.
fn path(site_path: &str) -> String {
    site_path.trim_start_matches('/').to_string()
}

fn to_json(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

fn write_record(m: &Model, st: StatementId, out: &mut Vec<u8>) {
    // Writing to memory does not fail.
    let _ = serde_json::to_writer(out, &statement_record(m, st));
}

/// The whole comparison's JSON but its last field, `statements` ([`open_statements`]).
#[derive(Serialize)]
struct Comparison<'a> {
    version: u32,
    title: &'a str,
    base_url: &'a str,
    levels: Vec<LevelRecord<'a>>,
    groups: Vec<GroupRecord<'a>>,
    subjects: Vec<SubjectRecord<'a>>,
    features: Vec<FeatureRecord<'a>>,
}

/// A subject's JSON but its last field, `statements` ([`open_statements`]).
#[derive(Serialize)]
struct SubjectFile<'a> {
    version: u32,
    subject: SubjectRecord<'a>,
    features: Vec<FeatureRecord<'a>>,
}

#[derive(Serialize)]
struct LevelRecord<'a> {
    level: &'a str,
    label: &'a str,
    icon: &'a str,
    /// Whether the level counts as having the feature (`null`: unknown).
    supports: Option<bool>,
}

#[derive(Serialize)]
struct GroupRecord<'a> {
    slug: &'a str,
    name: &'a str,
    features: Vec<&'a str>,
}

#[derive(Serialize)]
struct SubjectRecord<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    export: String,
    description: Option<&'a str>,
    website: Option<&'a str>,
    repository: Option<&'a str>,
    license: Option<&'a str>,
    first_release: Option<&'a str>,
}

#[derive(Serialize)]
struct FeatureRecord<'a> {
    slug: &'a str,
    name: &'a str,
    group: &'a str,
    description: Option<&'a str>,
    aliases: &'a [String],
    url: String,
}

#[derive(Serialize)]
struct StatementRecord<'a> {
    subject: &'a str,
    feature: &'a str,
    level: Option<&'a str>,
    value: Option<&'a str>,
    note: Option<&'a str>,
    link: Option<&'a str>,
    since: Option<&'a str>,
    until: Option<&'a str>,
    /// `verified` as the cell says it: a date (`2026-05-14`) or the version checked.
    verified: Option<&'a str>,
    /// When it was last known to hold, and from what (see `model::freshness`).
    as_of: Option<AsOfRecord<'a>>,
    /// Whether this statement is the one shown for the subject and feature site-wide.
    verdict: bool,
    /// Where it was written, relative to the site's root: `content/data/browsers.csv`.
    file: String,
    line: usize,
    column: usize,
    /// The page that says it, or the data file as published.
    url: String,
}

#[derive(Serialize)]
struct AsOfRecord<'a> {
    date: &'a str,
    from: DateSource,
}

fn subject_record(m: &Model, s: SubjectId) -> SubjectRecord<'_> {
    let page = &m.pages[m.subjects[s].page];
    let front = &page.source.front;
    SubjectRecord {
        id: &m.subjects[s].id,
        title: &page.title,
        url: m.permalink_uri(&page.path),
        export: m.permalink_uri(&subject_path(m, s)),
        description: front.description.as_deref(),
        website: front.website.as_deref(),
        repository: front.repository.as_deref(),
        license: front.license.as_deref(),
        first_release: front.first_release.as_deref(),
    }
}

fn feature_record(m: &Model, f: FeatureId) -> FeatureRecord<'_> {
    let feat = &m.features[f];
    FeatureRecord {
        slug: &feat.slug,
        name: &feat.name,
        group: &m.groups[feat.group].slug,
        description: feat.description.as_deref(),
        aliases: &feat.aliases,
        url: m.permalink_uri(&m.target_path(Target::Feature(f, 0))),
    }
}

fn statement_record(m: &Model, st: StatementId) -> StatementRecord<'_> {
    let s = &m.statements[st];
    // Every statement is in its subject's list, so it is the verdict when the index says so.
    let verdict = m.verdict(s.subject, s.feature) == Some(st);
    let (file, _) = m.said_in(s.said);
    let url = match s.said {
        Said::Page(p) => m.permalink_uri(&m.pages[p].path),
        Said::Data(d) => m.permalink_uri(&m.data[d].source.path()),
    };
    StatementRecord {
        subject: &m.subjects[s.subject].id,
        feature: &m.features[s.feature].slug,
        level: s.level.map(|l| m.levels.name(l)),
        value: s.value.as_deref(),
        note: s.note.as_deref(),
        link: s.link.as_deref(),
        since: s.since.as_deref(),
        until: s.until.as_deref(),
        verified: verified(s),
        as_of: s.as_of.as_ref().map(|a| AsOfRecord {
            date: &a.date.ymd,
            from: a.from,
        }),
        verdict,
        file: file.to_string_lossy().replace('\\', "/"),
        line: s.line,
        column: s.column,
        url,
    }
}

/// `verified` as written: the date checked, or the version checked against.
fn verified(s: &Statement) -> Option<&str> {
    s.verified
        .as_ref()
        .map(|d| d.ymd.as_str())
        .or(s.verified_version.as_deref())
}

/// The matrix of verdicts as CSV: `feature,<id>,…`, one row per feature in group order.
fn matrix_csv(m: &Model) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once("feature").chain(m.subjects.iter().map(|s| s.id.as_str()));
    let mut ok = w.write_record(header).is_ok();
    for g in &m.groups {
        for &f in &g.features {
            let cells = (0..m.subjects.len()).map(|s| {
                m.verdict(s, f)
                    .map_or_else(String::new, |st| cell_text(&m.levels, &m.statements[st]))
            });
            let row = std::iter::once(m.features[f].name.clone()).chain(cells);
            ok &= w.write_record(row).is_ok();
        }
    }
    match (ok, w.into_inner()) {
        (true, Ok(bytes)) => bytes,
        // Writing to memory does not fail.
        _ => Vec::new(),
    }
}

/// A statement as a cell reads it back: `yes`, `yes: note`, a text value, or an inline table
/// for what the short forms cannot hold (a link, versions, a verification, a note without a
/// level, a note with spaces at its ends).
pub fn cell_text(levels: &LevelSet, s: &Statement) -> String {
    let short = s.link.is_none()
        && s.since.is_none()
        && s.until.is_none()
        && s.verified.is_none()
        && s.verified_version.is_none();
    let level = s.level.map(|l| levels.name(l));
    match (level, &s.value, &s.note) {
        (Some(l), _, None) if short => l.to_string(),
        (Some(l), _, Some(n)) if short && !n.is_empty() && n.trim() == n => format!("{l}: {n}"),
        (None, Some(v), None) if short => v.clone(),
        _ => {
            let mut parts = Vec::new();
            let fields = [
                ("support", level),
                ("note", s.note.as_deref()),
                ("link", s.link.as_deref()),
                ("since", s.since.as_deref()),
                ("until", s.until.as_deref()),
                ("verified", verified(s)),
            ];
            for (k, v) in fields {
                if let Some(v) = v {
                    parts.push(format!("{k} = {}", toml::Value::from(v)));
                }
            }
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(level: Option<&str>, value: Option<&str>, note: Option<&str>) -> Statement {
        Statement {
            subject: 0,
            feature: 0,
            level: level.and_then(|l| LevelSet::default().parse(l)),
            value: value.map(str::to_string),
            note: note.map(str::to_string),
            link: None,
            since: None,
            until: None,
            verified: None,
            verified_version: None,
            as_of: None,
            said: Said::Page(0),
            line: 1,
            column: 1,
        }
    }

    #[test]
    fn cells_take_the_shortest_form_that_reads_back() {
        assert_eq!(
            cell_text(&LevelSet::default(), &st(Some("yes"), None, None)),
            "yes"
        );
        assert_eq!(
            cell_text(
                &LevelSet::default(),
                &st(Some("partial"), None, Some("a: b"))
            ),
            "partial: a: b"
        );
        assert_eq!(
            cell_text(&LevelSet::default(), &st(None, Some("Jinja2"), None)),
            "Jinja2"
        );
        assert_eq!(
            cell_text(&LevelSet::default(), &st(None, None, Some("only a note"))),
            r#"{ note = "only a note" }"#
        );
        assert_eq!(
            cell_text(&LevelSet::default(), &st(Some("no"), None, Some(" padded"))),
            r#"{ support = "no", note = " padded" }"#
        );
        let mut s = st(Some("yes"), None, Some("say \"hi\""));
        s.since = Some("1.2".into());
        s.link = Some("https://x.org/".into());
        assert_eq!(
            cell_text(&LevelSet::default(), &s),
            r#"{ support = "yes", note = 'say "hi"', link = "https://x.org/", since = "1.2" }"#
        );
    }
}
