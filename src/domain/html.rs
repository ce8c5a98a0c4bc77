//! Article bodies: HTML sanitised on write with an allow-list (Quy chế Điều 12). What is stored is
//! what is served, and sanitising twice changes nothing.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "small",
        "mark",
        "blockquote",
        "q",
        "cite",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "abbr",
        "span",
    ]
    .into_iter()
    .collect();
    let mut b = Builder::default();
    b.tags(tags)
        .generic_attributes(HashSet::from(["title", "lang"]))
        .tag_attributes(
            [
                ("a", HashSet::from(["href"])),
                ("img", HashSet::from(["src", "alt", "width", "height"])),
                ("th", HashSet::from(["colspan", "rowspan", "scope"])),
                ("td", HashSet::from(["colspan", "rowspan"])),
                ("ol", HashSet::from(["start"])),
                ("abbr", HashSet::new()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
});

/// Cleans an article body: allowed tags and attributes only; no scripts, event handlers, styles
/// or `javascript:` links.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The visible text of sanitised HTML, for search and summaries: tags become spaces, runs of
/// white space collapse, and the entities the sanitiser writes are decoded.
pub fn text_of(html: &str) -> String {
    text_chars(html).collect()
}

/// [`text_of`] one character at a time, so a caller that needs only the start (a search
/// snippet) stops reading there.
pub fn text_chars(html: &str) -> TextChars<'_> {
    TextChars {
        rest: html,
        in_tag: false,
        started: false,
        pending_space: false,
        queued: None,
    }
}

pub struct TextChars<'a> {
    rest: &'a str,
    in_tag: bool,
    /// Whether a visible character has been given yet (leading space is dropped).
    started: bool,
    /// White space seen since the last visible character: one space, given only before the
    /// next visible character (so trailing space is dropped).
    pending_space: bool,
    queued: Option<char>,
}

const ENTITIES: [(&str, char); 6] = [
    ("lt;", '<'),
    ("gt;", '>'),
    ("quot;", '"'),
    ("#39;", '\''),
    ("nbsp;", ' '),
    ("amp;", '&'),
];

impl Iterator for TextChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.queued.take() {
            return Some(c);
        }
        loop {
            let c = self.rest.chars().next()?;
            self.rest = &self.rest[c.len_utf8()..];
            let c = match c {
                '<' => {
                    self.in_tag = true;
                    continue;
                }
                '>' if self.in_tag => {
                    self.in_tag = false;
                    ' '
                }
                _ if self.in_tag => continue,
                '&' => match ENTITIES
                    .iter()
                    .find(|(name, _)| self.rest.starts_with(name))
                {
                    Some((name, ch)) => {
                        self.rest = &self.rest[name.len()..];
                        *ch
                    }
                    None => '&',
                },
                c => c,
            };
            if c.is_whitespace() {
                self.pending_space = self.started;
                continue;
            }
            self.started = true;
            if std::mem::take(&mut self.pending_space) {
                self.queued = Some(c);
                return Some(' ');
            }
            return Some(c);
        }
    }
}

/// Media ids a body links to: `/api/v1/media/{id}/…` in `src` or `href`.
pub fn ids_in_html(html: &str) -> Vec<String> {
    const MARK: &str = "/api/v1/media/";
    let mut ids: Vec<String> = html
        .match_indices(MARK)
        .filter_map(|(at, _)| {
            let rest = &html[at + MARK.len()..];
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (!id.is_empty() && id.len() <= 64).then_some(id)
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_styles_and_javascript_links_go() {
        let dirty = r#"<h2 onclick="x()">Tin</h2><script>alert(1)</script>
            <p style="display:none">ẩn</p><a href="javascript:alert(1)">a</a>
            <img src="https://x.vn/a.jpg" onerror="x()" alt="Ảnh"><iframe src="//evil"></iframe>"#;
        let clean = sanitize(dirty);
        for gone in [
            "script",
            "onclick",
            "onerror",
            "style",
            "javascript",
            "iframe",
            "alert",
        ] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        assert!(clean.contains("<h2>Tin</h2>"));
        assert!(clean.contains("<p>ẩn</p>"));
        assert!(clean.contains(r#"alt="Ảnh""#));
    }

    #[test]
    fn links_get_rel_and_sanitising_twice_changes_nothing() {
        let clean = sanitize(
            r#"<p><a href="https://moet.gov.vn">Bộ GD&amp;ĐT</a> &lt;b&gt;</p><table><tr><td colspan="2">x</td></tr></table>"#,
        );
        assert!(clean.contains(r#"rel="noopener noreferrer""#), "{clean}");
        assert_eq!(sanitize(&clean), clean);
    }

    #[test]
    fn text_of_strips_tags_and_entities() {
        let html = sanitize("<h2>Hội&nbsp;thi</h2><p>Bộ GD&amp;ĐT &lt;2024&gt;</p>");
        assert_eq!(text_of(&html), "Hội thi Bộ GD&ĐT <2024>");
    }
}
