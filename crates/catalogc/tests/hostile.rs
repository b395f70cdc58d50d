//! Hostile input (SPEC 6): every case ends with exit 1 and a located finding — never a
//! panic, a hang (each run has a hard time-out) or unbounded memory. The only input accepted
//! is a UTF-8 BOM, which is stripped. Fixtures are generated here because most cannot be
//! committed as files (sizes, encodings, control characters).

use crate::common::{SERVICE, TEAM, check_json, tree};

const FILE: &str = "repos/billing/service.yaml";

/// Checks a catalog whose billing descriptor is `content`: exit 1 with a finding of `code`
/// located in that file.
fn rejects(content: &[u8], code: &str) {
    let dir = tree(&[("teams/payments.yaml", TEAM), (FILE, content)]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 1, "exit status; report: {report}");
    let found = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == code && d["file"] == FILE)
        .unwrap_or_else(|| panic!("no `{code}` finding in {FILE}: {report}"));
    assert!(found["line"].as_u64().is_some_and(|l| l >= 1), "{found}");
    assert!(found["column"].as_u64().is_some_and(|c| c >= 1), "{found}");
    let message = found["message"].as_str().unwrap_or_default();
    assert!(
        !message.chars().any(char::is_control),
        "raw control character in {message:?}"
    );
}

fn service_with(extra: &str) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(SERVICE).into_owned();
    text.push_str(extra);
    text.into_bytes()
}

#[test]
fn billion_laughs() {
    let mut text =
        String::from("custom:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    rejects(&service_with(&text), "yaml-limits");
}

#[test]
fn quadratic_alias_fan_out() {
    let items = vec!["x"; 5_000].join(", ");
    let refs = vec!["*big"; 5_000].join(", ");
    rejects(
        &service_with(&format!(
            "custom:\n  big: &big [{items}]\n  fan: [{refs}]\n"
        )),
        "yaml-limits",
    );
}

#[test]
fn self_referencing_alias() {
    rejects(
        &service_with("custom: &loop\n  again: *loop\n"),
        "yaml-syntax",
    );
}

#[test]
fn deeply_nested_flow_sequences() {
    rejects(
        &service_with(&format!("custom: {{a: {}}}\n", "[".repeat(100_000))),
        "yaml-limits",
    );
}

#[test]
fn deeply_nested_block_mappings() {
    let mut text = String::from("custom:\n");
    for depth in 1..=300 {
        text.push_str(&" ".repeat(depth));
        text.push_str(&format!("k{depth}:\n"));
    }
    rejects(&service_with(&text), "yaml-limits");
}

#[test]
fn file_over_the_size_limit() {
    let mut text = service_with("description: >\n");
    while text.len() <= 2 * 1024 * 1024 {
        text.extend_from_slice(b"  lorem ipsum dolor sit amet, consectetur adipiscing elit\n");
    }
    rejects(&text, "yaml-limits");
}

#[test]
fn fifty_thousand_empty_documents() {
    rejects("---\n".repeat(50_000).as_bytes(), "yaml-limits");
}

#[test]
fn duplicate_keys_plain_and_quoted() {
    rejects(&service_with("tier: 1\n'tier': 2\n"), "duplicate-key");
    rejects(&service_with("\"tier\": 1\ntier: 2\n"), "duplicate-key");
}

#[test]
fn tab_indentation() {
    rejects(&service_with("tags:\n\t- payments\n"), "yaml-syntax");
}

#[test]
fn utf8_bom_is_stripped_and_accepted() {
    let mut content = b"\xEF\xBB\xBF".to_vec();
    content.extend_from_slice(SERVICE);
    let dir = tree(&[("teams/payments.yaml", TEAM), (FILE, &content)]);
    let (status, report) = check_json(dir.path());
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["summary"]["services"], 1);
}

#[test]
fn utf16_file() {
    let mut content = vec![0xFF, 0xFE];
    for unit in String::from_utf8_lossy(SERVICE).encode_utf16() {
        content.extend_from_slice(&unit.to_le_bytes());
    }
    rejects(&content, "yaml-syntax");
}

#[test]
fn invalid_utf8() {
    let mut content = SERVICE.to_vec();
    content.extend_from_slice(b"title: Bill\xFFing\n");
    rejects(&content, "yaml-syntax");
}

#[test]
fn nul_character() {
    rejects(&service_with("title: Bill\0ing\n"), "yaml-syntax");
}

#[test]
fn esc_character() {
    rejects(&service_with("title: \x1b[31mBilling\n"), "yaml-syntax");
}

#[test]
fn binary_tag() {
    rejects(
        &service_with("title: !!binary QmlsbGluZw==\n"),
        "schema-violation",
    );
}

#[test]
fn custom_tag() {
    rejects(
        &service_with("title: !vault secret/billing\n"),
        "schema-violation",
    );
}

#[test]
fn merge_key() {
    rejects(
        &service_with("custom:\n  base: &base {a: 1}\n  derived:\n    <<: *base\n    b: 2\n"),
        "schema-violation",
    );
}

#[test]
fn non_string_keys() {
    rejects(&service_with("labels:\n  1: one\n"), "schema-violation");
    rejects(
        &service_with("custom:\n  ? [a, b]\n  : complex\n"),
        "yaml-syntax",
    );
}

#[test]
fn nan_in_a_string_field() {
    rejects(&service_with("title: .nan\n"), "yaml-limits");
}

#[test]
fn bigint_in_a_string_field() {
    rejects(
        &service_with("title: 123456789012345678901234567890\n"),
        "yaml-limits",
    );
}

#[test]
fn empty_file() {
    rejects(b"", "empty-file");
}

#[test]
fn comments_only_file() {
    rejects(b"# billing\n# more soon\n", "empty-file");
}

#[test]
fn unterminated_flow_sequence() {
    rejects(&service_with("tags: [payments, pci\n"), "yaml-syntax");
}

#[test]
fn control_characters_in_values_are_never_echoed_raw() {
    // A DEL inside a quoted scalar is rejected by the decoder; an escaped ESC passes the
    // decoder and must be escaped when quoted in a message.
    rejects(&service_with("tier: \"\\e[2J\"\n"), "schema-violation");
}
