//! Pictures of small graphs checked structurally, hostile text, determinism, and a large
//! synthetic organisation drawn without panics.

use std::collections::{BTreeMap, HashSet};

use catalogc_model::{
    Bundle, BundleApis, BundleCatalog, BundleDependency, BundleService, DependencyKind, Lifecycle,
    SourceRef,
};

use super::{Group, Pictures, clean, neighbourhood, organisation, safe_href, truncate};

/// A service depending on `upstream` (`dependents` is filled in by [`bundle`]).
fn service(name: &str, upstream: &[&str]) -> BundleService {
    BundleService {
        name: name.to_owned(),
        title: name.to_owned(),
        description: None,
        owner: "team-a".to_owned(),
        additional_owners: Vec::new(),
        lifecycle: Lifecycle::Production,
        tier: Some(2),
        system: None,
        tags: Vec::new(),
        labels: BTreeMap::new(),
        links: Vec::new(),
        repository: None,
        source: SourceRef {
            file: format!("{name}/service.yaml"),
            line: 1,
        },
        depends_on: upstream.iter().map(|s| (*s).to_owned()).collect(),
        dependencies: upstream
            .iter()
            .map(|s| BundleDependency {
                service: (*s).to_owned(),
                kind: DependencyKind::Sync,
                critical: true,
                apis: Vec::new(),
            })
            .collect(),
        dependents: Vec::new(),
        upstream_all: Vec::new(),
        downstream_all: Vec::new(),
        apis: BundleApis::default(),
        resources: Vec::new(),
        docs: Vec::new(),
        pipelines: Vec::new(),
        api_products: Vec::new(),
        custom: None,
        scores: Vec::new(),
    }
}

/// A bundle of `services`, sorted, with `dependents` derived as the compiler does.
fn bundle(mut services: Vec<BundleService>) -> Bundle {
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &services {
        for up in &s.depends_on {
            dependents
                .entry(up.clone())
                .or_default()
                .push(s.name.clone());
        }
    }
    for s in &mut services {
        s.dependents = dependents.remove(&s.name).unwrap_or_default();
        s.dependents.sort();
    }
    Bundle {
        api_version: "catalogc/v1".to_owned(),
        kind: "CatalogBundle".to_owned(),
        catalog: BundleCatalog {
            name: "acme".to_owned(),
            title: "Acme".to_owned(),
            description: None,
            evaluation_date: "2025-01-01".to_owned(),
        },
        services,
        teams: Vec::new(),
        resources: Vec::new(),
        scorecards: Vec::new(),
        diagnostics: Vec::new(),
        events: Vec::new(),
    }
}

fn page(name: &str) -> String {
    format!("../services/{name}.html")
}

fn no_group_link(_: Group<'_>) -> Option<String> {
    None
}

/// One element of a parsed document.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
}

/// A small XML well-formedness check: balanced tags, one root, quoted attributes without
/// duplicates, no raw `<` in values, and only the five predefined entities or numeric
/// references. Returns every element in document order.
fn parse_xml(xml: &str) -> Result<Vec<Element>, String> {
    fn check_text(text: &str) -> Result<(), String> {
        if text.contains('<') {
            return Err(format!("raw < in {text:?}"));
        }
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            rest = &rest[at + 1..];
            let end = rest
                .find(';')
                .ok_or_else(|| format!("bad entity in {text:?}"))?;
            let entity = &rest[..end];
            let numeric = entity
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if !numeric && !["amp", "lt", "gt", "quot", "apos"].contains(&entity) {
                return Err(format!("unknown entity &{entity}; in {text:?}"));
            }
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            return Err(format!("control character in {text:?}"));
        }
        Ok(())
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.');

    let mut elements = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if !stack.is_empty() || !rest.trim().is_empty() {
                return Err(format!("text outside the root: {rest:?}"));
            }
            break;
        };
        let text = &rest[..open];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_text(text)?;
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("</") {
            let close = after.find('>').ok_or("unclosed end tag")?;
            let name = after[..close].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            rest = &after[close + 1..];
            continue;
        }
        let after = &rest[1..];
        let name_end = after.find(|c| !is_name_char(c)).ok_or("unclosed tag")?;
        let name = after[..name_end].to_owned();
        if name.is_empty() {
            return Err(format!("bad tag at {:?}", &rest[..rest.len().min(40)]));
        }
        let mut cursor = &after[name_end..];
        let mut attributes: Vec<(String, String)> = Vec::new();
        let self_closing;
        loop {
            cursor = cursor.trim_start();
            if let Some(r) = cursor.strip_prefix("/>") {
                self_closing = true;
                cursor = r;
                break;
            }
            if let Some(r) = cursor.strip_prefix('>') {
                self_closing = false;
                cursor = r;
                break;
            }
            let attr_end = cursor.find(|c| !is_name_char(c)).ok_or("unclosed tag")?;
            let attr = cursor[..attr_end].to_owned();
            if attr.is_empty() {
                return Err(format!("bad attribute in <{name}> at {cursor:?}"));
            }
            let r = cursor[attr_end..]
                .strip_prefix('=')
                .ok_or_else(|| format!("attribute {attr} without value"))?;
            let quote = r.chars().next().ok_or("unclosed tag")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute {attr}"));
            }
            let value_end = r[1..].find(quote).ok_or("unclosed attribute value")?;
            let value = &r[1..1 + value_end];
            check_text(value)?;
            if attributes.iter().any(|(a, _)| *a == attr) {
                return Err(format!("duplicate attribute {attr} in <{name}>"));
            }
            attributes.push((attr, value.to_owned()));
            cursor = &r[value_end + 2..];
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name.clone());
        }
        elements.push(Element { name, attributes });
        rest = cursor;
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

/// Parses `svg` and checks what the site's Content-Security-Policy and embedding rely on.
fn assert_safe_svg(svg: &str) -> Vec<Element> {
    let elements = parse_xml(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("style="), "{svg}");
    assert_eq!(elements[0].name, "svg");
    for element in &elements {
        assert!(
            !["script", "style", "foreignObject", "image", "use", "iframe"]
                .contains(&element.name.as_str()),
            "forbidden element <{}>",
            element.name
        );
        for (attribute, value) in &element.attributes {
            assert!(
                !attribute.to_ascii_lowercase().starts_with("on"),
                "event handler {attribute} on <{}>",
                element.name
            );
            assert_ne!(attribute, "style");
            if attribute.contains("href") {
                assert_eq!(element.name, "a", "href outside <a>");
                assert_eq!(attribute, "href");
            }
            if let Some(reference) = value.strip_prefix("url(") {
                assert!(reference.starts_with('#'), "external reference {value}");
            }
        }
    }
    let root = &elements[0].attributes;
    for required in ["xmlns", "viewBox", "role", "aria-labelledby"] {
        assert!(root.iter().any(|(a, _)| a == required), "no {required}");
    }
    assert!(elements.iter().any(|e| e.name == "title"));
    assert!(elements.iter().any(|e| e.name == "desc"));
    elements
}

/// The x of the box of service `name` (found through its tooltip).
fn node_x(svg: &str, name: &str) -> Option<i64> {
    let tooltip = svg.find(&format!(" ({name})\nowner:"))?;
    let rect = &svg[tooltip..];
    let x = &rect[rect.find("<rect x=\"")? + 9..];
    x[..x.find('"')?].parse().ok()
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

fn ids(elements: &[Element]) -> HashSet<String> {
    elements
        .iter()
        .flat_map(|e| &e.attributes)
        .filter(|(a, _)| a == "id")
        .map(|(_, v)| v.clone())
        .collect()
}

/// c ← b ← a ← d ← e (arrows: depends on), plus f upstream of c and g downstream of e, three
/// hops from a.
fn chain() -> Bundle {
    bundle(vec![
        service("a", &["b"]),
        service("b", &["c"]),
        service("c", &["f"]),
        service("d", &["a"]),
        service("e", &["d"]),
        service("f", &[]),
        service("g", &["e"]),
    ])
}

#[test]
fn neighbourhood_puts_upstream_left_and_downstream_right_within_the_hops() {
    let bundle = chain();
    let svg = neighbourhood(&bundle, "a", 2, &page).expect("a exists");
    assert_safe_svg(&svg);
    let x = |name| node_x(&svg, name).unwrap_or_else(|| panic!("{name} not drawn\n{svg}"));
    assert!(x("c") < x("b"));
    assert!(x("b") < x("a"));
    assert!(x("a") < x("d"));
    assert!(x("d") < x("e"));
    assert_eq!(node_x(&svg, "f"), None, "three hops upstream");
    assert_eq!(node_x(&svg, "g"), None, "three hops downstream");
    assert_eq!(count(&svg, "node-focus"), 1);
    assert!(svg.contains("class=\"node node-service lifecycle-production tier-2 node-focus\""));
    assert!(svg.contains("href=\"../services/b.html\""));
    assert!(svg.contains(">upstream, 2 hops<") && svg.contains(">downstream, 1 hop<"));
    assert_eq!(count(&svg, "<path class=\"edge "), 4);
    assert!(svg.contains(">T2<"));
}

#[test]
fn neighbourhood_of_an_unknown_service_is_none() {
    assert_eq!(neighbourhood(&chain(), "nope", 2, &page), None);
}

#[test]
fn neighbourhood_without_upstream_has_the_focus_first() {
    let bundle = chain();
    let svg = neighbourhood(&bundle, "f", 2, &page).expect("f exists");
    assert_safe_svg(&svg);
    assert!(node_x(&svg, "f") < node_x(&svg, "c"));
    assert!(!svg.contains(">upstream"));
}

#[test]
fn crowded_columns_show_24_services_and_a_more_box() {
    let mut services = vec![service(
        "hub",
        &(0..30)
            .map(|i| format!("up-{i:02}"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )];
    services.extend((0..30).map(|i| service(&format!("up-{i:02}"), &[])));
    services.extend((0..30).map(|i| service(&format!("down-{i:02}"), &["hub"])));
    let bundle = bundle(services);
    let svg = neighbourhood(&bundle, "hub", 2, &page).expect("hub exists");
    assert_safe_svg(&svg);
    assert_eq!(count(&svg, "class=\"node node-service"), 1 + 24 + 24);
    assert_eq!(count(&svg, ">+6 more<"), 2);
    // The first 24 by name are drawn.
    assert!(node_x(&svg, "up-23").is_some());
    assert_eq!(node_x(&svg, "up-24"), None);
    assert!(node_x(&svg, "down-00").is_some());
    assert_eq!(node_x(&svg, "down-29"), None);
    // The viewBox grows with the column.
    assert!(svg.contains("height=\"1442\""), "{}", &svg[..300]);
}

#[test]
fn cycles_draw_each_service_once_on_its_nearer_side() {
    // a → b → c → a: b is 1 hop upstream of a (and 2 downstream), c 1 hop downstream.
    let bundle = bundle(vec![
        service("a", &["b"]),
        service("b", &["c"]),
        service("c", &["a"]),
    ]);
    let svg = neighbourhood(&bundle, "a", 2, &page).expect("a exists");
    assert_safe_svg(&svg);
    for name in ["a", "b", "c"] {
        assert_eq!(
            count(&svg, &format!(" ({name})\nowner:")),
            1,
            "{name} drawn once"
        );
    }
    let x = |name| node_x(&svg, name).unwrap_or_default();
    assert!(x("b") < x("a") && x("a") < x("c"));
    // Only hop edges: a → b (upstream) and c → a (downstream); b → c would cross the
    // picture, so the cycle shows as the `node-cycle` marks instead.
    assert_eq!(count(&svg, "<path class=\"edge "), 2);
    assert_eq!(count(&svg, "node-cycle"), 3);

    let svg = organisation(&bundle, 150, &page, &no_group_link);
    assert_safe_svg(&svg);
    assert_eq!(count(&svg, "class=\"node node-service"), 3);
    // Every dependency of the loop is on the cycle.
    assert_eq!(count(&svg, "edge-cycle"), 3);
}

#[test]
fn hostile_text_is_escaped_and_hostile_links_dropped() {
    let mut evil = service("evil", &[]);
    evil.title = "<script>alert(1)</script>".to_owned();
    let mut quote = service("quote", &["evil"]);
    quote.title = "\"><img onerror=x>".to_owned();
    quote.owner = "Tom & Jerry's <team>".to_owned();
    let mut control = service("control", &["quote"]);
    control.title = "bell\u{7}\u{1b}[31m red\u{0}\u{202e}txet\r\nnext line\u{ffff}".to_owned();
    control.system = Some("sys\u{85}tem".to_owned());
    let mut long = service("long", &["control"]);
    long.title = "A very long title that cannot possibly fit in one node box".to_owned();
    let mut weird = service("we\"ird<name>", &["long"]);
    weird.title = String::new();
    let bundle = bundle(vec![evil, quote, control, long, weird]);
    let links = |name: &str| match name {
        "evil" => "javascript:alert(1)".to_owned(),
        "quote" => "java\tscript:alert(1)".to_owned(),
        "long" => String::new(),
        name => format!("{name}.html?a=1&b=\"2\""),
    };
    let pictures = Pictures::new(&bundle);
    let mut svgs: Vec<String> = ["evil", "quote", "control", "long", "we\"ird<name>"]
        .iter()
        .map(|s| pictures.neighbourhood(s, 4, &links).expect("exists"))
        .collect();
    svgs.push(pictures.organisation(150, &links, &no_group_link));
    svgs.push(pictures.organisation(1, &links, &|g| Some(format!("javascript:{}", g.name()))));
    for svg in &svgs {
        assert_safe_svg(svg);
        // "onerror" survives only as escaped text, never as markup.
        assert_eq!(count(svg, "onerror"), count(svg, "&lt;img onerror=x&gt;"));
        assert!(!svg.contains("javascript"));
        assert!(!svg.contains('\u{7}') && !svg.contains('\u{1b}') && !svg.contains('\u{202e}'));
    }
    let svg = &svgs[2];
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("&quot;&gt;&lt;img onerror=x&gt;"));
    assert!(svg.contains("Tom &amp; Jerry&#39;s &lt;team&gt;"));
    assert!(svg.contains("bell[31m redtxet next line"));
    assert!(svg.contains("href=\"control.html?a=1&amp;b=&quot;2&quot;\""));
    assert!(
        svg.contains("A very long title…</text>"),
        "truncated in the box"
    );
    assert!(
        svg.contains("<title>A very long title that cannot possibly fit in one node box (long)")
    );
    // A name outside [a-z0-9-] still gives well-formed, distinct ids.
    assert!(svgs[4].contains("id=\"catalogc-n4-we_ird_name_-"));
}

#[test]
fn pictures_are_deterministic_and_ids_do_not_clash_on_one_page() {
    let bundle = chain();
    let mut shuffled = bundle.clone();
    shuffled.services.reverse();
    let first = Pictures::new(&bundle);
    let second = Pictures::new(&shuffled);
    for name in ["a", "c", "g"] {
        let one = first.neighbourhood(name, 2, &page);
        assert_eq!(one, first.neighbourhood(name, 2, &page));
        assert_eq!(one, second.neighbourhood(name, 2, &page));
    }
    let org = first.organisation(150, &page, &no_group_link);
    assert_eq!(org, second.organisation(150, &page, &no_group_link));
    assert_eq!(
        first.organisation(2, &page, &no_group_link),
        second.organisation(2, &page, &no_group_link)
    );

    let a = ids(&assert_safe_svg(
        &first.neighbourhood("a", 2, &page).expect("a"),
    ));
    let b = ids(&assert_safe_svg(
        &first.neighbourhood("b", 2, &page).expect("b"),
    ));
    let o = ids(&assert_safe_svg(&org));
    assert!(
        a.is_disjoint(&b) && a.is_disjoint(&o) && b.is_disjoint(&o),
        "{a:?} {b:?} {o:?}"
    );
}

#[test]
fn organisation_layers_services_left_to_right() {
    let mut services = vec![
        service("db", &[]),
        service("queue", &[]),
        service("api", &["db", "queue"]),
        service("web", &["api"]),
        service("batch", &["db"]),
    ];
    services[1].lifecycle = Lifecycle::Deprecated;
    services[4].lifecycle = Lifecycle::Retired;
    services[3].dependencies[0].kind = DependencyKind::Async;
    services[3].dependencies[0].critical = false;
    let bundle = bundle(services);
    let svg = organisation(&bundle, 150, &page, &no_group_link);
    assert_safe_svg(&svg);
    let x = |name| node_x(&svg, name).unwrap_or_else(|| panic!("{name} not drawn"));
    assert_eq!(x("db"), x("queue"));
    assert!(x("db") < x("api") && x("api") < x("web"));
    assert!(x("db") < x("batch"));
    assert!(svg.contains("class=\"catalogc-graph catalogc-organisation\""));
    assert!(svg.contains("lifecycle-deprecated") && svg.contains("stroke-dasharray=\"7 3\""));
    assert!(svg.contains("lifecycle-retired") && svg.contains("opacity=\"0.6\""));
    assert_eq!(count(&svg, "class=\"edge edge-async edge-weak\""), 1);
    assert_eq!(count(&svg, "class=\"edge edge-sync edge-critical\""), 3);
    assert!(svg.contains(">deprecated · team-a<"));
    assert!(!svg.contains("edge-count"));
}

#[test]
fn large_organisations_are_aggregated_by_system_then_team() {
    let mut services = Vec::new();
    for i in 0..6 {
        let mut s = service(&format!("pay-{i}"), if i > 0 { &["pay-0"] } else { &[] });
        s.system = Some("payments".to_owned());
        services.push(s);
    }
    for i in 0..4 {
        let mut s = service(&format!("shop-{i}"), &["pay-0", "pay-1"]);
        s.system = Some("shop".to_owned());
        services.push(s);
    }
    let mut lone = service("lone", &["shop-0"]);
    lone.owner = "platform".to_owned();
    services.push(lone);
    let bundle = bundle(services);
    let group_link = |group: Group<'_>| match group {
        Group::System(name) => Some(format!("systems/{name}.html")),
        Group::Team(name) => Some(format!("teams/{name}.html")),
    };
    let svg = organisation(&bundle, 10, &page, &group_link);
    assert_safe_svg(&svg);
    assert_eq!(count(&svg, "class=\"node node-group group-system\""), 2);
    assert_eq!(count(&svg, "class=\"node node-group group-team\""), 1);
    assert!(svg.contains(">system · 6 services<") && svg.contains(">team · 1 service<"));
    assert!(
        svg.contains("href=\"systems/payments.html\"")
            && svg.contains("href=\"teams/platform.html\"")
    );
    assert!(!svg.contains("node-service"));
    // shop → payments stands for 8 dependencies, platform → shop for 1.
    assert!(
        svg.contains("class=\"edge-count\"")
            && svg.contains(">8</text>")
            && svg.contains(">1</text>")
    );
    assert!(
        svg.contains("stroke-width=\"4\""),
        "8 dependencies draw thicker"
    );
    assert_eq!(count(&svg, "<path class=\"edge "), 2);
    let layered = organisation(&bundle, 11, &page, &group_link);
    assert_eq!(count(&layered, "class=\"node node-service"), 11);
}

#[test]
fn ten_thousand_services_draw_without_panics() {
    // Synthetic organisation: 100 systems (every fifth service has none), each service
    // depending on up to three earlier ones, a few cycles, and one hub everybody uses.
    let mut services = Vec::with_capacity(10_000);
    let mut state = 42u64;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % bound.max(1)
    };
    for i in 0..10_000usize {
        let mut upstream: Vec<String> = (0..3)
            .filter(|_| i > 0)
            .map(|_| format!("svc-{:05}", next(i)))
            .collect();
        if i % 97 == 0 {
            upstream.push(format!("svc-{:05}", (i + 13) % 10_000));
        }
        if i > 0 {
            upstream.push("svc-00000".to_owned());
        }
        upstream.sort();
        upstream.dedup();
        let refs: Vec<&str> = upstream.iter().map(String::as_str).collect();
        let mut s = service(&format!("svc-{i:05}"), &refs);
        s.system = (i % 5 != 0).then(|| format!("system-{}", i % 100));
        s.owner = format!("team-{}", i % 37);
        services.push(s);
    }
    let bundle = bundle(services);
    let pictures = Pictures::new(&bundle);
    let mut bytes = 0;
    for service in &bundle.services {
        let svg = pictures
            .neighbourhood(&service.name, 2, &page)
            .expect("exists");
        bytes += svg.len();
    }
    assert!(bytes > 0);
    assert_safe_svg(&pictures.neighbourhood("svc-00000", 2, &page).expect("hub"));
    assert_safe_svg(
        &pictures
            .neighbourhood("svc-05000", 2, &page)
            .expect("middle"),
    );
    let svg = pictures.organisation(150, &page, &no_group_link);
    assert_safe_svg(&svg);
    assert!(svg.contains("group-system") && svg.contains("group-team"));
}

#[test]
fn hrefs_allow_relative_http_https_and_mailto_only() {
    assert_eq!(
        safe_href("../services/a.html").as_deref(),
        Some("../services/a.html")
    );
    assert_eq!(safe_href("a.html#x:y").as_deref(), Some("a.html#x:y"));
    assert_eq!(
        safe_href("HTTPS://example.com").as_deref(),
        Some("HTTPS://example.com")
    );
    assert_eq!(safe_href("mailto:a@b.c").as_deref(), Some("mailto:a@b.c"));
    assert_eq!(safe_href(" \u{1}javascript:x"), None);
    assert_eq!(safe_href("jav\nascript:x"), None);
    assert_eq!(safe_href("data:text/html,x"), None);
    assert_eq!(safe_href("  "), None);
}

#[test]
fn text_is_cleaned_and_truncated_by_width() {
    assert_eq!(clean("  a\t\tb\u{0}c\u{2066}  "), "a bc");
    assert_eq!(truncate("short", 21), "short");
    assert_eq!(truncate("abcdefghij", 5), "abcd…");
    assert_eq!(truncate("支付服务网关", 6), "支付…");
}
