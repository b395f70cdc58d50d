//! Site tests: snapshots of a small catalog's pages, and hostile descriptor text that must
//! never become markup (an element, an attribute or a URL the browser would follow).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use catalogc_compiler::{CompileOptions, compile};
use catalogc_model::{CatalogEvent, CommitEvents, FindingRef, Lifecycle};

use super::{CSP, render};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The site of the catalog at `root`, as path → text.
fn site(root: PathBuf) -> BTreeMap<String, String> {
    site_with(root, Vec::new())
}

/// The site of the catalog at `root` with `events` as the bundle's history.
fn site_with(root: PathBuf, events: Vec<CommitEvents>) -> BTreeMap<String, String> {
    let compilation = compile(&CompileOptions {
        date: Some("2026-12-31".to_owned()),
        score: true,
        ..CompileOptions::check(root)
    })
    .expect("the fixture compiles");
    assert!(
        !compilation
            .diagnostics
            .iter()
            .any(|d| d.severity == catalogc_diagnostics::Severity::Error),
        "the fixture is valid: {:?}",
        compilation.diagnostics
    );
    let mut bundle = crate::bundle(&compilation);
    bundle.events = events;
    render(&compilation, &bundle)
        .expect("the site renders")
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8")))
        .collect()
}

fn hostile() -> BTreeMap<String, String> {
    site_with(fixture("tests/fixtures/site-hostile"), hostile_history())
}

/// A history whose every string tries to become markup: commit metadata and event details
/// come from commits and descriptors, which anyone opening a pull request writes.
fn hostile_history() -> Vec<CommitEvents> {
    let evil = |text: &str| format!("\"><script>alert('{text}')</script><img src=x onerror=1>");
    let event_kinds = vec![
        CatalogEvent::ServiceAdded {
            service: "evil".to_owned(),
            owner: evil("owner"),
            lifecycle: Lifecycle::Production,
            tier: Some(1),
            file: evil("file"),
        },
        CatalogEvent::OwnerChanged {
            service: "evil".to_owned(),
            from: evil("from"),
            to: evil("to"),
        },
        CatalogEvent::DependencyAdded {
            service: "evil".to_owned(),
            upstream: evil("upstream"),
        },
        CatalogEvent::DependencyRemoved {
            service: evil("gone"),
            upstream: "plain".to_owned(),
        },
        CatalogEvent::ResourceMapped {
            service: "evil".to_owned(),
            resource: evil("resource"),
        },
        CatalogEvent::ScoreChanged {
            service: "evil".to_owned(),
            scorecard: evil("scorecard"),
            from_level: Some(evil("gold")),
            to_level: None,
            from_score: Some(90.0),
            to_score: Some(10.0),
            drop: true,
        },
        CatalogEvent::FindingNew {
            finding: FindingRef {
                file: Some(evil("finding-file")),
                line: Some(3),
                code: "unknown-team".to_owned(),
                severity: "warning".to_owned(),
                message: evil("message"),
            },
        },
    ];
    vec![
        CommitEvents {
            commit: evil("commit"),
            parent: Some(evil("parent")),
            author: evil("author"),
            date: evil("date"),
            subject: evil("subject"),
            events: event_kinds,
        },
        CommitEvents {
            commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            parent: None,
            author: "Ada".to_owned(),
            date: "2026-01-02T03:04:05Z".to_owned(),
            subject: "Plain".to_owned(),
            events: vec![CatalogEvent::TierChanged {
                service: "plain".to_owned(),
                from: None,
                to: Some(2),
            }],
        },
    ]
}

fn minimal() -> BTreeMap<String, String> {
    site(fixture("../../examples/minimal"))
}

/// One start tag: its name and attributes (values with entities decoded).
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// A strict tokenizer for the HTML the templates write: `<!DOCTYPE>`, comments, start and
/// end tags with double-quoted or bare attributes, text. Panics on anything else, so markup
/// the templates do not write (an unquoted or single-quoted attribute smuggled in by data)
/// fails the test. Returns the start tags and the text inside each `<script>`.
fn tokenize(html: &str, page: &str) -> (Vec<Tag>, Vec<String>) {
    let mut tags = Vec::new();
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            let end = comment
                .find("-->")
                .unwrap_or_else(|| panic!("{page}: open comment"));
            rest = &comment[end + 3..];
            continue;
        }
        if rest.starts_with("!DOCTYPE") || rest.starts_with("!doctype") {
            rest = &rest[rest.find('>').expect("doctype ends") + 1..];
            continue;
        }
        if let Some(end_tag) = rest.strip_prefix('/') {
            let end = end_tag
                .find('>')
                .unwrap_or_else(|| panic!("{page}: open end tag"));
            let name = &end_tag[..end];
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{page}: odd end tag </{name}>"
            );
            rest = &end_tag[end + 1..];
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or_else(|| panic!("{page}: open tag"));
        let name = rest[..name_end].to_owned();
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':'),
            "{page}: `<` starts no tag: {:?}",
            &rest[..rest.len().min(60)]
        );
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix("/>") {
                rest = after;
                break;
            }
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let key_end = rest
                .find(|c: char| c == '=' || c == '>' || c.is_ascii_whitespace() || c == '/')
                .unwrap_or_else(|| panic!("{page}: open attribute in <{name}>"));
            let key = rest[..key_end].to_owned();
            assert!(
                !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':'),
                "{page}: odd attribute name {key:?} in <{name}>"
            );
            rest = &rest[key_end..];
            let value = if let Some(after) = rest.strip_prefix("=\"") {
                let end = after
                    .find('"')
                    .unwrap_or_else(|| panic!("{page}: open value of {key} in <{name}>"));
                let raw = &after[..end];
                assert!(
                    !raw.contains('<') && !raw.contains('>'),
                    "{page}: unescaped markup in {key}={raw:?}"
                );
                rest = &after[end + 1..];
                decode(raw)
            } else {
                assert!(
                    !rest.starts_with('='),
                    "{page}: attribute {key} of <{name}> is not double-quoted"
                );
                String::new()
            };
            attributes.push((key.to_ascii_lowercase(), value));
        }
        if name == "script" {
            let end = rest.find("</script>").expect("script ends");
            scripts.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
        tags.push(Tag {
            name: name.to_ascii_lowercase(),
            attributes,
        });
    }
    (tags, scripts)
}

/// Decodes the entities our templates and minijinja write.
fn decode(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest.find(';').expect("entity ends");
        let entity = &rest[..end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                    .unwrap_or_else(|| panic!("unknown entity &{entity};"))
                    .expect("numeric entity");
                char::from_u32(number).expect("valid character")
            }
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Elements the templates, the Markdown renderer and the SVG pictures write.
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "code",
    "dd",
    "defs",
    "del",
    "desc",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "form",
    "g",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "input",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "marker",
    "meta",
    "nav",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "p",
    "path",
    "pre",
    "rect",
    "script",
    "section",
    "select",
    "span",
    "strong",
    "summary",
    "svg",
    "table",
    "tbody",
    "td",
    "text",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "ul",
];

/// Whether `url` is one the site may link to: a fragment, a relative path, or an `http`,
/// `https` or `mailto` URL.
fn allowed_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // A relative URL has no scheme: no `:` before the first `/`, `?` or `#`.
    let head = lower.split(['/', '?', '#']).next().unwrap_or_default();
    !head.contains(':') && url.trim() == url && !url.chars().any(char::is_control)
}

/// Checks every HTML page of `site`: only known elements; no event handler, `style` or
/// `srcdoc` attribute; only allowed URLs; scripts are the site's own files, empty inline;
/// and the Content-Security-Policy on every page.
fn assert_markup_is_ours(site: &BTreeMap<String, String>) {
    let mut pages = 0;
    for (path, text) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let (tags, scripts) = tokenize(text, path);
        for tag in &tags {
            assert!(
                ELEMENTS.contains(&tag.name.as_str()),
                "{path}: element <{}> does not come from the templates",
                tag.name
            );
            for (key, value) in &tag.attributes {
                assert!(
                    !key.starts_with("on") && key != "style" && key != "srcdoc",
                    "{path}: attribute {key} on <{}>",
                    tag.name
                );
                if matches!(
                    key.as_str(),
                    "href" | "src" | "action" | "xlink:href" | "formaction"
                ) {
                    assert!(
                        allowed_url(value),
                        "{path}: <{} {key}={value:?}> is not an allowed URL",
                        tag.name
                    );
                }
            }
            if tag.name == "script" {
                let src = tag
                    .attributes
                    .iter()
                    .find(|(k, _)| k == "src")
                    .map(|(_, v)| v.as_str())
                    .unwrap_or_default();
                assert!(
                    src.ends_with("assets/site.js") || src.ends_with("assets/search-index.js"),
                    "{path}: a script that is not the site's own: {src:?}"
                );
            }
        }
        assert!(
            scripts.iter().all(String::is_empty),
            "{path}: inline script {scripts:?}"
        );
        let csp = tags.iter().find(|t| {
            t.name == "meta"
                && t.attributes
                    .iter()
                    .any(|(k, v)| k == "http-equiv" && v == "Content-Security-Policy")
        });
        let content = csp
            .and_then(|t| t.attributes.iter().find(|(k, _)| k == "content"))
            .map(|(_, v)| v.as_str());
        assert_eq!(content, Some(CSP), "{path}: the CSP meta tag");
    }
    assert!(pages > 5, "the site has its pages");
}

#[test]
fn hostile_text_never_becomes_markup() {
    let site = hostile();
    assert_markup_is_ours(&site);
    // The hostile strings are on the pages, as text.
    let service = &site["services/evil.html"];
    assert!(service.contains("&quot;&gt;&lt;img src=x onerror=alert(&#x27;title&#x27;)&gt;"));
    assert!(service.contains("&lt;script&gt;alert(&#x27;description&#x27;)&lt;&#x2f;script&gt;"));
    assert!(service.contains("&lt;img src=x onerror=alert(&#x27;link&#x27;)&gt;"));
    let team = &site["teams/red.html"];
    assert!(team.contains("Red &lt;img src=x onerror=alert(&#x27;team&#x27;)&gt; team"));
    assert!(team.contains("&lt;b&gt;mallory&lt;&#x2f;b&gt;"));
    let card = &site["scorecards/evil.html"];
    assert!(card.contains("Scorecard &lt;script&gt;alert(&#x27;card&#x27;)&lt;&#x2f;script&gt;"));
    assert!(card.contains("&lt;&#x2f;script&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    // The catalog's own title is in every page's <title>, escaped.
    assert!(site["index.html"].contains("Evil &lt;script&gt;alert(&#x27;catalog&#x27;)"));
    // The history's text, on the events page and the service page, is text too.
    let events = &site["events.html"];
    for text in [
        "author", "subject", "owner", "to", "upstream", "resource", "message",
    ] {
        assert!(
            events.contains(&format!("&lt;script&gt;alert(&#x27;{text}&#x27;)")),
            "{text} is on the events page, escaped"
        );
    }
    assert!(events.contains("score dropped"));
    assert!(service.contains("Recent changes"));
    assert!(service.contains("&lt;script&gt;alert(&#x27;upstream&#x27;)"));
    assert!(
        site["services/plain.html"]
            .contains("href=\"../events.html#c-0123456789abcdef0123456789abcdef01234567\"")
    );
}

#[test]
fn hostile_links_are_text_not_hrefs() {
    let site = hostile();
    let (tags, _) = tokenize(&site["services/evil.html"], "evil");
    let hrefs: Vec<&str> = tags
        .iter()
        .flat_map(|t| t.attributes.iter())
        .filter(|(k, _)| k == "href" || k == "src")
        .map(|(_, v)| v.as_str())
        .collect();
    // Every spelling of a script URL in the docs, and raw HTML links, are dropped.
    for href in &hrefs {
        let squashed: String = href
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            !squashed.contains("javascript:")
                && !squashed.contains("vbscript:")
                && !squashed.starts_with("data:"),
            "{href:?} is a link"
        );
    }
    // The allowed ones stay links; the link's URL keeps its query, escaped.
    assert!(hrefs.contains(&"https://example.com/ok"));
    assert!(hrefs.contains(&"https://example.com/?q=\"><script>alert(1)</script>"));
    // Link texts of dropped links stay readable.
    let page = &site["services/evil.html"];
    for text in ["plain javascript", "mixed case", "vbscript", "Text with a"] {
        assert!(page.contains(text), "{text} is on the page");
    }
    // Raw HTML in the docs is shown as text.
    assert!(page.contains("&lt;script&gt;alert('raw block')&lt;/script&gt;"));
}

#[test]
fn search_index_is_a_script_file_that_holds_no_markup() {
    let site = hostile();
    let index = &site["assets/search-index.js"];
    for forbidden in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(
            !index.contains(forbidden),
            "{forbidden:?} in the search index"
        );
    }
    let json = index
        .split_once('\n')
        .and_then(|(comment, rest)| comment.starts_with("// ").then_some(rest))
        .and_then(|rest| rest.strip_prefix("window.CATALOG_INDEX = "))
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("one assignment");
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let services = value["services"].as_array().expect("services");
    let evil = services
        .iter()
        .find(|s| s[0] == "evil")
        .expect("evil is indexed");
    // Decoded, the text is what the descriptor says: escaping is only the file's encoding.
    assert_eq!(evil[1], "\"><img src=x onerror=alert('title')>");
    assert!(
        evil[2]
            .as_str()
            .is_some_and(|d| d.starts_with("<script>alert('description')</script></script><!--"))
    );
    // index.html loads it with <script src>, and no page carries catalog data in a script.
    assert!(
        site["index.html"].contains("<script src=\"assets&#x2f;search-index.js\" defer></script>")
            || site["index.html"]
                .contains("<script src=\"assets/search-index.js\" defer></script>")
    );
}

#[test]
fn example_catalog_markup_is_ours() {
    assert_markup_is_ours(&site(fixture("../../catalog-example")));
}

#[test]
fn the_events_page_is_linked_only_with_a_history() {
    let with = hostile();
    assert!(with.contains_key("events.html"));
    assert!(with["index.html"].contains("<a href=\"events.html\">Events</a>"));
    assert!(
        with["services/evil.html"].contains("<a href=\"..&#x2f;events.html\">Events</a>")
            || with["services/evil.html"].contains("<a href=\"../events.html\">Events</a>")
    );
    let without = minimal();
    assert!(!without.contains_key("events.html"));
    assert!(without.values().all(|page| !page.contains("events.html")));
}

#[test]
fn pages_are_deterministic() {
    assert_eq!(hostile(), hostile());
}

#[test]
fn paths_come_from_checked_names_only() {
    let site = minimal();
    let paths: Vec<&str> = site.keys().map(String::as_str).collect();
    insta::assert_debug_snapshot!("minimal_site_files", paths);
    for path in paths {
        assert!(
            path.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-./".contains(&b)),
            "{path}"
        );
    }
}

#[test]
fn minimal_catalog_pages() {
    let site = minimal();
    for page in [
        "index.html",
        "services/hello.html",
        "teams/index.html",
        "teams/web.html",
        "resources.html",
        "graph.html",
        "diagnostics.html",
        "assets/search-index.js",
    ] {
        let name = format!("minimal_{}", page.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, site[page]);
    }
}

/// The checks above catch what they look for.
fn page_with(body: &str) -> BTreeMap<String, String> {
    let head = format!(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head><body>",
        CSP.replace('\'', "&#x27;")
    );
    (0..6)
        .map(|i| (format!("p{i}.html"), format!("{head}{body}</body></html>")))
        .collect()
}

#[test]
fn the_checker_accepts_plain_markup() {
    assert_markup_is_ours(&page_with(
        "<p class=\"x\">a &lt;b&gt; <a href=\"x.html\">y</a></p>",
    ));
}

#[test]
#[should_panic(expected = "does not come from the templates")]
fn the_checker_catches_an_injected_element() {
    assert_markup_is_ours(&page_with("<p><img src=\"x.png\"></p>"));
}

#[test]
#[should_panic(expected = "attribute onerror")]
fn the_checker_catches_an_event_handler() {
    assert_markup_is_ours(&page_with("<p onerror=\"alert(1)\">x</p>"));
}

#[test]
#[should_panic(expected = "is not an allowed URL")]
fn the_checker_catches_a_script_url() {
    assert_markup_is_ours(&page_with("<a href=\"java&#x0a;script:alert(1)\">x</a>"));
}

#[test]
#[should_panic(expected = "not double-quoted")]
fn the_checker_catches_an_unquoted_attribute() {
    assert_markup_is_ours(&page_with("<a href=x.html>x</a>"));
}
