//! The fast path against `saphyr-parser`: wherever the fast path produces events, they must
//! be exactly the parser's, spans included.

use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, Span};

use super::{Stop, scan};

type Events<'a> = Vec<(Event<'a>, Span)>;

fn parser_events(text: &str) -> Option<Events<'_>> {
    let mut parser = Parser::new_from_str(text);
    let mut events = Vec::new();
    loop {
        match parser.next_event()? {
            Ok((Event::StreamEnd, span)) => {
                events.push((Event::StreamEnd, span));
                return Some(events);
            }
            Ok(event) => events.push(event),
            Err(_) => return None,
        }
    }
}

fn fast_events(text: &str) -> Option<Events<'_>> {
    let mut events = Vec::new();
    match scan(text, &mut |event, span| {
        events.push((event, span));
        true
    }) {
        Ok(()) => Some(events),
        Err(Stop::Unsupported) => None,
        Err(Stop::Receiver) => unreachable!("the receiver never stops"),
    }
}

/// Whether the fast path handled `text`; panics if it disagrees with the parser.
fn agrees(name: &str, text: &str) -> bool {
    let Some(fast) = fast_events(text) else {
        return false;
    };
    let Some(parser) = parser_events(text) else {
        panic!("{name}: the fast path accepted what the parser rejects:\n{text}");
    };
    if fast != parser {
        let at = fast
            .iter()
            .zip(&parser)
            .position(|(a, b)| a != b)
            .unwrap_or(fast.len().min(parser.len()));
        panic!(
            "{name}: event {at} differs\n fast:   {:?}\n parser: {:?}\n--- text ---\n{text}",
            fast.get(at),
            parser.get(at)
        );
    }
    true
}

#[test]
fn common_shapes_take_the_fast_path_and_agree() {
    let cases = [
        "a: 1\nb:\n  - x\n  - \"q\"\n  - k: v\n    j: w\nc: {d: e, f: [1, 2]}\ng: |\n  line1\n  line2\nh: end # c\n",
        "a:\nb:\n- x\n- y: 1\n  z:\nc: \"x\"\n",
        "k: |-\n  a\n\n  b\n\nm: v\n",
        "# c\n\nroot:\n  # inner\n  a: 1  # t\n\n  b: [x, \"y\"]\n",
        "- a\n- b\n",
        "a:\n  b: |\n    x\n     y\n\n  c: 1\nd: |-\n  z\n",
        "a:\n- n: 1\n  m: 2\n# c\n\n- n: 3\nb: []\nc: {}\nd: [ a , \"b\" ]\ne: \"x\\\"y\\u00e9\"\n\"q k\": 'it''s'\nf:   v   # c\n",
        "a: [x]\nb: [ \"y\" , z ]\nc: [\"q\",r]\nd: {k: v, \"l\": \"m\" }\ne: \"x\"   # c\nf: [a, [b, c], {d: e}]\ng: []   # x\n",
        "name: café – ünïcode\nlist:\n  - é: ü\n    ö: [ß, \"ç\"]\n",
        "a:\n  b:\n    c:\n      - d\n      - e: f\n        g: [h]\n  i: j\nk: l\n",
        "url: https://example.com/a#b\ntime: 12:30\nneg: -1\npath: /a/b\n",
        // A literal block ended by a less-indented comment ends at its `#`.
        "a: |\n  x\n # c\nb: 1\n",
        "a:\n  b: |-\n    x\n  # c\n  d: 1\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        assert!(
            agrees(&format!("case {i}"), text),
            "case {i} fell back:\n{text}"
        );
    }
}

#[test]
fn everything_else_falls_back() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "---\na: 1\n",
        "a: >\n  folded\n",
        "a: |+\n  keep\n\n",
        "a: |2\n   x\n",
        "a: multi\n  line\n",
        "a: \"multi\n  line\"\n",
        "a:\tb\n",
        "a: 1\r\n",
        "a: 1",
        "? complex\n: key\n",
        "a: [x,\n  y]\n",
        "a: b: c\n",
        "- - a\n",
        "-\n  a: 1\n",
        "a: 1\n b: 2\n",
        "",
        "# only a comment\n",
        "[a, b]\n",
        "a: {b}\n",
        "a: [b: c]\n",
        "a: [b, ]\n",
    ] {
        assert!(fast_events(text).is_none(), "should fall back:\n{text}");
    }
}

/// Every YAML file of the repository (fixtures, examples, the example catalog).
fn repository_yaml() -> Vec<(PathBuf, String)> {
    yaml_under(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// Every YAML file under `root`, sorted by path.
fn yaml_under(root: PathBuf) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && name != "node_modules" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if (name.ends_with(".yaml") || name.ends_with(".yml"))
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn agrees_on_every_yaml_file_of_the_repository() {
    let files = repository_yaml();
    assert!(files.len() > 50, "found only {} YAML files", files.len());
    let handled = files
        .iter()
        .filter(|(path, text)| agrees(&path.display().to_string(), text))
        .count();
    // Most of them are descriptors in the common shapes.
    assert!(handled * 2 > files.len(), "{handled} of {}", files.len());
}

/// A small deterministic generator (xorshift).
struct Random(u64);

impl Random {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

#[test]
fn agrees_on_mutations_of_the_repository_files() {
    const PIECES: &[&str] = &[
        " ", "  ", ":", ": ", "-", "- ", "#", " #", "'", "\"", "[", "]", "{", "}", ",", "|", "|-",
        "\n", "\n  ", "\\", "é", "x", "a: b", "\n- ", "\n\n",
    ];
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    // `CATALOGC_YAML_MUTATIONS=<dir>` mutates that directory's files too (a generated corpus),
    // and `CATALOGC_YAML_MUTATION_ROUNDS` sets the mutations per file (default 40).
    let rounds: usize = std::env::var("CATALOGC_YAML_MUTATION_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(40);
    let extra = std::env::var_os("CATALOGC_YAML_MUTATIONS")
        .map(|dir| yaml_under(PathBuf::from(dir)))
        .unwrap_or_default();
    let files: Vec<(PathBuf, String)> = repository_yaml()
        .into_iter()
        .chain(extra)
        .filter(|(_, text)| text.len() < 20_000)
        .collect();
    for (path, text) in &files {
        for _ in 0..rounds {
            let mut mutated = text.clone();
            for _ in 0..1 + random.next(4) {
                let mut at = random.next(mutated.len() + 1);
                while !mutated.is_char_boundary(at) {
                    at -= 1;
                }
                match random.next(3) {
                    0 => {
                        let mut end = (at + 1 + random.next(4)).min(mutated.len());
                        while !mutated.is_char_boundary(end) {
                            end += 1;
                        }
                        mutated.replace_range(at..end, "");
                    }
                    _ => mutated.insert_str(at, PIECES[random.next(PIECES.len())]),
                }
            }
            agrees(&format!("mutation of {}", path.display()), &mutated);
        }
    }
}

/// `CATALOGC_YAML_DIFF_DIR=<dir> cargo test -p catalogc-compiler --release -- --ignored
/// agrees_on_a_directory --nocapture`: the same check over every YAML file under a directory
/// (a generated corpus), with the share the fast path handled (`CATALOGC_YAML_DIFF_LIST=1`
/// also lists the files that fell back).
#[test]
#[ignore = "needs CATALOGC_YAML_DIFF_DIR"]
fn agrees_on_a_directory() {
    let Some(dir) = std::env::var_os("CATALOGC_YAML_DIFF_DIR") else {
        return;
    };
    let mut stack = vec![PathBuf::from(dir)];
    let (mut total, mut handled, mut bytes, mut fast_bytes) = (0, 0, 0, 0);
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path).expect("UTF-8");
                total += 1;
                bytes += text.len();
                if agrees(&path.display().to_string(), &text) {
                    handled += 1;
                    fast_bytes += text.len();
                } else if std::env::var_os("CATALOGC_YAML_DIFF_LIST").is_some() {
                    eprintln!("fell back: {}", path.display());
                }
            }
        }
    }
    eprintln!("fast path: {handled} of {total} files, {fast_bytes} of {bytes} bytes");
}
