//! Links into the site's source repository (`repo_url` in versus.toml): "edit this page" for
//! a page made from Markdown, and a link to the very line a statement was written on, so a
//! reader can check a claim at its source and correct it.
//!
//! GitHub, GitLab, Gitea/Forgejo (Codeberg) and Bitbucket are told apart by the host name in
//! `repo_url`; an unrecognised host is taken for GitHub (GitHub Enterprise). `edit_pattern`
//! names one of those hosts (`"gitlab"`, for a self-hosted GitLab) or gives a pattern with
//! `{repo}`, `{branch}`, `{path}` and `{line}`, used for both kinds of link (the page link
//! without the `{line}` part).
//!
//! Pure string functions of the config. Not here: where the links are shown (`crate::render`).

use crate::config::Config;
use crate::urls::encode_file_path;

/// The placeholders a pattern may hold.
pub const PLACEHOLDERS: [&str; 4] = ["repo", "branch", "path", "line"];

/// The hosts versus knows, with (link to a line, link to edit a file).
const HOSTS: [(&str, &str, &str); 4] = [
    (
        "github",
        "{repo}/blob/{branch}/{path}#L{line}",
        "{repo}/edit/{branch}/{path}",
    ),
    (
        "gitlab",
        "{repo}/-/blob/{branch}/{path}#L{line}",
        "{repo}/-/edit/{branch}/{path}",
    ),
    (
        "gitea",
        "{repo}/src/branch/{branch}/{path}#L{line}",
        "{repo}/_edit/{branch}/{path}",
    ),
    (
        "bitbucket",
        "{repo}/src/{branch}/{path}#lines-{line}",
        "{repo}/src/{branch}/{path}?mode=edit",
    ),
];

/// The repository links of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditLinks {
    repo: String,
    branch: String,
    /// The site's folder in the repository, with a trailing `/` (or empty).
    subdir: String,
    line_pattern: String,
    page_pattern: String,
}

impl EditLinks {
    /// The links `config` asks for; `None` without `repo_url`.
    pub fn new(config: &Config) -> Option<EditLinks> {
        let repo = config.repo_url.as_deref()?.trim().trim_end_matches('/');
        if repo.is_empty() {
            return None;
        }
        let (line_pattern, page_pattern) = match config.edit_pattern.as_deref().map(str::trim) {
            Some(p) if p.contains('{') => (p.to_string(), page_pattern_of(p)),
            Some(name) => host(name),
            None => host(host_name(repo)),
        };
        let subdir = config.repo_subdir.trim_matches('/');
        Some(EditLinks {
            repo: repo.to_string(),
            branch: config.repo_branch.trim().to_string(),
            subdir: if subdir.is_empty() {
                String::new()
            } else {
                format!("{subdir}/")
            },
            line_pattern,
            page_pattern,
        })
    }

    /// Where to edit `file` (relative to the site root: `content/a.md`).
    pub fn page(&self, file: &str) -> String {
        self.fill(&self.page_pattern, file, 1)
    }

    /// Where line `line` of `file` is shown.
    pub fn line(&self, file: &str, line: usize) -> String {
        self.fill(&self.line_pattern, file, line)
    }

    fn fill(&self, pattern: &str, file: &str, line: usize) -> String {
        let path = format!("{}{}", self.subdir, file.replace('\\', "/"));
        pattern
            .replace("{repo}", &self.repo)
            .replace("{branch}", &self.branch)
            .replace("{path}", &encode_file_path(&path))
            .replace("{line}", &line.to_string())
    }
}

/// The host a repository URL is on, by its name: `gitlab.example.org` → `gitlab`.
fn host_name(repo: &str) -> &'static str {
    let host = repo
        .split("://")
        .nth(1)
        .unwrap_or(repo)
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if host.contains("gitlab") {
        "gitlab"
    } else if host.contains("codeberg") || host.contains("gitea") || host.contains("forgejo") {
        "gitea"
    } else if host.contains("bitbucket") {
        "bitbucket"
    } else {
        "github"
    }
}

fn host(name: &str) -> (String, String) {
    let (_, line, page) = HOSTS
        .iter()
        .find(|h| h.0.eq_ignore_ascii_case(name) || (name == "codeberg" && h.0 == "gitea"))
        .unwrap_or(&HOSTS[0]);
    (line.to_string(), page.to_string())
}

/// A line pattern made a page pattern: a fragment holding `{line}` is dropped
/// (`…#L{line}` → `…`); a `{line}` elsewhere becomes line 1.
fn page_pattern_of(p: &str) -> String {
    match p.split_once('#') {
        Some((before, fragment)) if fragment.contains("{line}") => before.to_string(),
        _ => p.to_string(),
    }
}

/// What is wrong with an `edit_pattern`, if anything: an unknown host name, an unknown
/// placeholder, or no `{path}`.
pub fn check_pattern(p: &str) -> Option<String> {
    let p = p.trim();
    if !p.contains('{') {
        let known = HOSTS.iter().any(|h| h.0.eq_ignore_ascii_case(p)) || p == "codeberg";
        return (!known).then(|| {
            format!("`{p}` is neither a pattern nor a host versus knows (github, gitlab, gitea, codeberg, bitbucket)")
        });
    }
    let mut rest = p;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Some("a `{` without its `}`".into());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Some(format!(
                "unknown placeholder `{{{name}}}`; a pattern may hold {{repo}}, {{branch}}, {{path}} and {{line}}"
            ));
        }
        rest = &after[close + 1..];
    }
    (!p.contains("{path}")).then(|| "a pattern needs `{path}`".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(toml: &str) -> EditLinks {
        let (c, d) = Config::parse(toml);
        assert!(d.is_empty(), "{d:?}");
        EditLinks::new(&c).expect("links")
    }

    #[test]
    fn hosts_by_name() {
        let l = links("repo_url = \"https://github.com/o/r/\"\nrepo_branch = \"dev\"\n");
        assert_eq!(
            l.line("content/a b.md", 12),
            "https://github.com/o/r/blob/dev/content/a%20b.md#L12"
        );
        assert_eq!(
            l.page("content/a.md"),
            "https://github.com/o/r/edit/dev/content/a.md"
        );
        let l = links("repo_url = \"https://gitlab.com/o/r\"\n");
        assert_eq!(
            l.line("content/a.md", 3),
            "https://gitlab.com/o/r/-/blob/main/content/a.md#L3"
        );
        let l = links("repo_url = \"https://codeberg.org/o/r\"\n");
        assert_eq!(
            l.line("content/a.md", 3),
            "https://codeberg.org/o/r/src/branch/main/content/a.md#L3"
        );
        assert_eq!(
            l.page("content/a.md"),
            "https://codeberg.org/o/r/_edit/main/content/a.md"
        );
        let l = links("repo_url = \"https://bitbucket.org/o/r\"\n");
        assert_eq!(
            l.line("content/a.md", 3),
            "https://bitbucket.org/o/r/src/main/content/a.md#lines-3"
        );
    }

    #[test]
    fn old_keys_patterns_and_subfolders() {
        let l = links("repository = \"https://github.com/o/r\"\nedit_branch = \"pages\"\n");
        assert_eq!(
            l.page("content/a.md"),
            "https://github.com/o/r/edit/pages/content/a.md"
        );
        let l = links(
            "repo_url = \"https://git.example.org/o/r\"\nedit_pattern = \"gitlab\"\nrepo_subdir = \"/site/\"\n",
        );
        assert_eq!(
            l.line("content/a.md", 3),
            "https://git.example.org/o/r/-/blob/main/site/content/a.md#L3"
        );
        let l = links(
            "repo_url = \"https://x.org/r\"\nedit_pattern = \"{repo}/view/{path}?rev={branch}#line-{line}\"\n",
        );
        assert_eq!(
            l.line("content/a.md", 7),
            "https://x.org/r/view/content/a.md?rev=main#line-7"
        );
        assert_eq!(
            l.page("content/a.md"),
            "https://x.org/r/view/content/a.md?rev=main"
        );
    }

    #[test]
    fn bad_patterns() {
        assert!(check_pattern("{repo}/blob/{branch}/{path}#L{line}").is_none());
        assert!(check_pattern("gitea").is_none());
        assert!(check_pattern("sourcehut").unwrap().contains("neither"));
        assert!(check_pattern("{repo}/{file}").unwrap().contains("`{file}`"));
        assert!(check_pattern("{repo}/{branch}").unwrap().contains("{path}"));
    }
}
