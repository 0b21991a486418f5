//! A wide comparison site for tests: the shape of `gen_wide.py --preset features` (the
//! project's shared benchmark generator) — many features with API-like names in groups,
//! short articles that each compare every subject on a run of one group's features —
//! written from Rust so that tests need no Python and no file outside the repository.
//! Deterministic: the same shape always gives the same files.

use super::Site;

/// How big to make it. [`Shape::FEATURES`] is the benchmark's `features` preset.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub subjects: usize,
    pub features: usize,
    pub groups: usize,
    pub articles: usize,
}

impl Shape {
    /// 12 subjects, 15,000 features in 40 groups, 2,000 articles.
    pub const FEATURES: Shape = Shape {
        subjects: 12,
        features: 15_000,
        groups: 40,
        articles: 2_000,
    };
}

const SYLLABLES: [&str; 28] = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "de", "fi", "go", "hu", "ja",
    "xe", "yo", "bri", "cla", "dro", "fle", "gri", "plo", "stra", "tem", "vin", "wor",
];
const WORDS: [&str; 20] = [
    "fast",
    "small",
    "stable",
    "legacy",
    "modern",
    "native",
    "optional",
    "experimental",
    "partial",
    "full",
    "prefixed",
    "behind-flag",
    "standard",
    "vendor",
    "async",
    "streaming",
    "secure",
    "cached",
    "lazy",
    "strict",
];
const LEVELS: [&str; 4] = ["yes", "partial", "no", "unknown"];

/// A small deterministic generator (64-bit LCG, high bits).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn name(&mut self, parts: usize) -> String {
        let s: String = (0..parts)
            .map(|_| SYLLABLES[self.below(SYLLABLES.len())])
            .collect();
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }
}

/// Writes a wide site of `shape` into a new temp folder.
pub fn site(shape: Shape) -> Site {
    let site = Site::new(&[(
        "versus.toml",
        "title = \"Wide\"\nbase_url = \"https://example.org/\"\n",
    )]);
    let mut rng = Rng(7);
    let mut seen = std::collections::HashSet::new();
    let mut unique = |n: String| {
        let key: String = n.chars().filter(|c| c.is_alphanumeric()).collect();
        seen.insert(key.to_lowercase()).then_some(n)
    };
    let mut subjects = Vec::new();
    while subjects.len() < shape.subjects {
        let parts = 2 + subjects.len() % 2;
        if let Some(n) = unique(rng.name(parts)) {
            subjects.push(n);
        }
    }
    let mut features = Vec::new();
    while features.len() < shape.features {
        let n = if features.len() % 4 == 1 {
            let w = WORDS[rng.below(WORDS.len())];
            format!("{} {w} option", rng.name(2))
        } else {
            let parts = 2 + features.len() % 3;
            format!("{}.{}()", rng.name(2), rng.name(parts).to_lowercase())
        };
        if let Some(n) = unique(n) {
            features.push(n);
        }
    }
    let groups: Vec<String> = (0..shape.groups)
        .map(|_| format!("{} API", rng.name(2)))
        .collect();

    site.write(
        "content/_index.md",
        &format!(
            "+++\ntitle = \"Wide\"\n+++\n{} subjects compared on {} features.\n",
            subjects.len(),
            features.len()
        ),
    );
    for (i, s) in subjects.iter().enumerate() {
        site.write(
            &format!("content/subjects/s{i:03}.md"),
            &format!("+++\ntitle = \"{s}\"\n+++\n{s} is one of the things this site compares.\n"),
        );
    }
    let catalog: String = features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let g = &groups[i % groups.len()];
            format!("[[feature]]\nname = \"{f}\"\ngroup = \"{g}\"\n\n")
        })
        .collect();
    site.write("content/features.toml", &catalog);

    // Each article takes a run of one group's features, as a per-interface page would.
    let mut order: Vec<usize> = (0..features.len()).collect();
    order.sort_by_key(|&f| (f % groups.len(), f));
    let per = features.len().div_ceil(shape.articles).max(1);
    let ids: Vec<String> = (0..subjects.len())
        .map(|i| format!("\"s{i:03}\""))
        .collect();
    for a in 0..shape.articles {
        let run = order
            .get(a * per..((a + 1) * per).min(order.len()))
            .filter(|r| !r.is_empty())
            .unwrap_or(&order[a % order.len()..][..1]);
        let rows: String = run
            .iter()
            .map(|&f| {
                let cells: Vec<String> = (0..subjects.len())
                    .map(|s| format!("s{s:03} = \"{}\"", LEVELS[(s * 31 + f * 17) % 4]))
                    .collect();
                format!("\"{}\" = {{ {} }}\n", features[f], cells.join(", "))
            })
            .collect();
        let words: Vec<&str> = (0..40).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        site.write(
            &format!("content/articles/a{a:05}.md"),
            &format!(
                "+++\ntitle = \"{}: part {}\"\ndate = 2026-01-01\nsubjects = [{}]\n\n[features]\n{rows}+++\n\n\
                 This page compares {}, {} and others on {} features. {}.\n",
                groups[run[0] % groups.len()],
                a + 1,
                ids.join(", "),
                subjects[0],
                subjects[1 % subjects.len()],
                run.len(),
                words.join(" ")
            ),
        );
    }
    site
}
