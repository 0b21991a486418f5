//! Temporary stand-in for the syntect highlighter (same interface); replaced by the real one.
use std::path::PathBuf;

pub struct HighlightOptions {
    pub theme: String,
    pub dark_theme: String,
    pub extra_dir: Option<PathBuf>,
    pub max_block_bytes: usize,
    pub time_budget_ms: u64,
}
pub struct Highlighter;
#[derive(Default, Clone, Debug)]
pub struct FenceInfo {
    pub lang: Option<String>,
    pub title: Option<String>,
    pub linenos: bool,
    pub hl_lines: Vec<(usize, usize)>,
    pub subject: Option<String>,
}
pub struct RenderedBlock {
    pub html: String,
    pub warnings: Vec<BlockWarning>,
}
pub struct BlockWarning {
    pub message: String,
    pub line_in_block: usize,
}
pub fn parse_fence_info(info: &str) -> FenceInfo {
    let mut f = FenceInfo::default();
    for part in info.split_whitespace() {
        if let Some(v) = part.strip_prefix("subject=") {
            f.subject = Some(v.trim_matches('"').to_string());
        } else if f.lang.is_none() && !part.contains('=') {
            f.lang = Some(part.to_string());
        }
    }
    f
}
impl Highlighter {
    pub fn new(_o: HighlightOptions) -> (Highlighter, Vec<String>) {
        (Highlighter, vec![])
    }
    pub fn render_block(&self, info: &FenceInfo, code: &str) -> RenderedBlock {
        let mut s = String::new();
        pulldown_cmark_escape::escape_html(&mut s, code).ok();
        RenderedBlock {
            html: format!(
                "<figure class=\"code\"><pre><code class=\"language-{}\">{s}</code></pre></figure>",
                info.lang.as_deref().unwrap_or("text")
            ),
            warnings: vec![],
        }
    }
    pub fn css(&self) -> String {
        String::new()
    }
}
pub fn render_group(blocks: &[(String, String, String)], group_id: &str) -> String {
    let mut s = format!("<div class=\"code-group\" data-group=\"{group_id}\">");
    for (t, u, h) in blocks {
        s.push_str(&format!(
            "<div class=\"code-group-label\"><a href=\"{u}\">{t}</a></div>{h}"
        ));
    }
    s.push_str("</div>");
    s
}
