//! Reading files safely: size caps before reading, regular files only, and decoding to UTF-8
//! text that YAML may hold (no NUL or other control characters, no UTF-16).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use catalogc_diagnostics::{Code, Diagnostic, Position, SourceText, Span};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system refused (permissions, vanished file, I/O error).
    Io(io::Error),
    /// The file is larger than the limit for its kind.
    TooLarge { limit: u64 },
    /// A directory, FIFO, socket or device.
    NotRegular,
}

/// Reads a regular file of at most `limit` bytes. The file is opened without blocking (a
/// FIFO opens at once instead of waiting for a writer) and its type and size are checked on
/// the open descriptor before reading, so what is checked is what is read; the read itself
/// stops one byte past the limit, so a file that grows or lies about its size still cannot
/// make us read more.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    read_open(file, limit)
}

/// Opens a regular file of at most `limit` bytes for reading, with [`read_capped`]'s checks
/// made on the open descriptor; the caller reads it (through `take(limit + 1)`, so a file
/// that grows still cannot make it read more than one byte past the limit).
pub fn open_capped(path: &Path, limit: u64) -> Result<File, ReadError> {
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    admit(&file.metadata().map_err(ReadError::Io)?, limit)?;
    Ok(file)
}

/// A regular file of at most `limit` bytes, by its open descriptor's metadata.
fn admit(metadata: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// Opens `path` for reading without blocking and without making a terminal the controlling
/// one (symlinks are followed: callers decide about them first).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nonblocking_flags())
        .open(path)
}

/// `O_NONBLOCK | O_NOCTTY`, as `open` flags.
fn nonblocking_flags() -> i32 {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    // The flag bits fit an `int`, which is what `open` takes.
    i32::try_from(flags.bits()).unwrap_or(0)
}

/// Reads an open file: regular files only, at most `limit` bytes (see [`read_capped`]).
pub(crate) fn read_open(file: File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = file.metadata().map_err(ReadError::Io)?;
    read_checked(file, &metadata, limit)
}

/// [`read_open`] with the open file's metadata already at hand.
pub(crate) fn read_checked(
    file: File,
    metadata: &std::fs::Metadata,
    limit: u64,
) -> Result<Vec<u8>, ReadError> {
    admit(metadata, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Opens `path` only if no component of it is a symlink (Linux `openat2` with
/// `RESOLVE_NO_SYMLINKS`), without blocking. `None` when that cannot be done, for whatever
/// reason (a symlink on the way, a missing file, an older kernel): the caller then takes its
/// careful path, which tells these cases apart.
#[cfg(target_os = "linux")]
pub(crate) fn open_without_symlinks(path: &Path) -> Option<File> {
    use rustix::fs::{CWD, Mode, OFlags, ResolveFlags, openat2};
    openat2(
        CWD,
        path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY,
        Mode::empty(),
        ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS,
    )
    .ok()
    .map(File::from)
}

/// Elsewhere there is no such call: callers always take their careful path.
#[cfg(not(target_os = "linux"))]
pub(crate) fn open_without_symlinks(_path: &Path) -> Option<File> {
    None
}

/// What is kept of a third-party file's `text` for snippets once it is parsed: the lines
/// `diagnostics` point at in it (primary and related locations) and `more` lines the caller
/// knows later findings can point at (the entries of an inventory's resources).
pub fn keep_for_snippets(
    file: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    more: impl IntoIterator<Item = u32>,
) -> SourceText {
    let found = diagnostics.iter().flat_map(|d| {
        let primary = (d.file.as_deref() == Some(file))
            .then_some(d.span)
            .flatten()
            .map(|span| span.start.line);
        let related = d
            .related
            .iter()
            .filter(|r| r.file == file)
            .filter_map(|r| r.span.map(|span| span.start.line));
        primary.into_iter().chain(related)
    });
    SourceText::excerpt(text, found.chain(more))
}

/// Describes a size limit in words (`1 MiB`, `64 KiB`, `1500 bytes`).
pub fn describe_bytes(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Decodes file bytes to text: a UTF-8 BOM is stripped; UTF-16/UTF-32, invalid UTF-8 and
/// characters YAML does not allow (NUL, other C0/C1 controls, DEL, U+FFFE/U+FFFF) are
/// reported as `yaml-syntax` at their position.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    if let Some(encoding) = utf16_or_32(&bytes) {
        return Err(Box::new(
            Diagnostic::new(
                Code::YamlSyntax,
                format!("this file is encoded as {encoding}; catalogc reads UTF-8 only"),
            )
            .in_file(file)
            .with_help("save the file as UTF-8"),
        ));
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bad = error.as_bytes().get(valid).copied().unwrap_or(0);
            let prefix = std::str::from_utf8(&error.as_bytes()[..valid]).unwrap_or("");
            return Err(Box::new(
                Diagnostic::new(
                    Code::YamlSyntax,
                    format!("invalid UTF-8: byte 0x{bad:02X} is not part of a valid character"),
                )
                .at(file, Span::point(position_after(prefix)))
                .with_help("save the file as UTF-8"),
            ));
        }
    };
    if let Some((index, c)) = first_forbidden_char(&text) {
        let name = match c {
            '\0' => "NUL".to_owned(),
            '\u{1b}' => "ESC".to_owned(),
            c => format!("U+{:04X}", c as u32),
        };
        return Err(Box::new(Diagnostic::new(
            Code::YamlSyntax,
            format!("the control character {name} is not allowed in YAML"),
        )
        .at(file, Span::point(position_after(&text[..index])))
        .with_help("remove the character, or write it as an escape (`\"\\u001b\"`) in a double-quoted string")));
    }
    Ok(text)
}

fn utf16_or_32(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] => Some("UTF-32 (big-endian)"),
        [0xFF, 0xFE, 0x00, 0x00, ..] => Some("UTF-32 (little-endian)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 (big-endian)"),
        [0xFF, 0xFE, ..] => Some("UTF-16 (little-endian)"),
        // No BOM, but ASCII interleaved with NUL bytes.
        [0x00, b, ..] if *b != 0 && b.is_ascii() => Some("UTF-16 (big-endian)"),
        [b, 0x00, c, 0x00, ..] if *b != 0 && b.is_ascii() && *c != 0 => {
            Some("UTF-16 (little-endian)")
        }
        _ => None,
    }
}

/// The first character outside YAML's printable set (tab, LF and CR are allowed).
///
/// Blocks of 64 bytes are tested at once for any byte that may start a forbidden character
/// (a test the compiler vectorises); only a block that has one is looked at byte by byte.
pub(crate) fn first_forbidden_char(text: &str) -> Option<(usize, char)> {
    const BLOCK: usize = 64;
    fn suspect(b: u8) -> bool {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0x7F) | (b == 0xC2) | (b == 0xEF)
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |any, &b| any | suspect(b))
            && let Some(found) = first_forbidden_in(text, start, start + block.len())
        {
            return Some(found);
        }
        start += block.len();
    }
    None
}

/// [`first_forbidden_char`] over `text[from..to]`, byte by byte (a character may run past
/// `to`).
fn first_forbidden_in(text: &str, from: usize, to: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        let b = bytes[i];
        let forbidden = match b {
            b'\t' | b'\n' | b'\r' => false,
            0x00..=0x1F | 0x7F => true,
            // C1 controls U+0080..U+009F, except NEL (U+0085).
            0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x84 | 0x86..=0x9F)),
            // U+FFFE and U+FFFF.
            0xEF => {
                bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
            }
            _ => false,
        };
        if forbidden {
            let c = text[i..].chars().next().unwrap_or('\0');
            return Some((i, c));
        }
        i += 1;
    }
    None
}

/// The position just after `prefix` (1-based line and column, in characters).
pub fn position_after(prefix: &str) -> Position {
    let mut line = 1u32;
    let mut column = 1u32;
    let mut offset = 0u32;
    for c in prefix.chars() {
        offset = offset.saturating_add(1);
        if c == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    Position {
        line,
        column,
        offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom() {
        assert_eq!(
            decode("f", b"\xEF\xBB\xBFname: x".to_vec()).ok().as_deref(),
            Some("name: x")
        );
    }

    #[test]
    fn rejects_utf16_with_and_without_bom() {
        let with_bom = decode("f", b"\xFF\xFEn\0a\0".to_vec()).expect_err("utf-16");
        assert!(with_bom.message.contains("UTF-16"));
        let without = decode("f", b"n\0a\0m\0e\0".to_vec()).expect_err("utf-16");
        assert!(without.message.contains("UTF-16"));
    }

    #[test]
    fn locates_invalid_utf8() {
        let error = decode("f", b"a: 1\nb: \xFFx".to_vec()).expect_err("invalid");
        let span = error.span.expect("span");
        assert_eq!((span.start.line, span.start.column), (2, 4));
        assert!(error.message.contains("0xFF"));
    }

    #[test]
    fn locates_nul_esc_and_c1_controls() {
        for (input, name, column) in [
            ("a: x\0y", "NUL", 5),
            ("a: \u{1b}[31m", "ESC", 4),
            ("é: \u{85}ok\u{9b}", "U+009B", 7),
        ] {
            let error = decode("f", input.as_bytes().to_vec()).expect_err(input);
            assert!(error.message.contains(name), "{}", error.message);
            assert_eq!(error.span.map(|s| s.start.column), Some(column), "{input}");
        }
    }

    #[test]
    fn finds_forbidden_characters_at_every_offset_of_a_block() {
        // Characters on, before and across the 64-byte block boundaries of the fast scan.
        // (A NUL in the second byte would read as UTF-16, so offsets start at 1.)
        for offset in [1, 2, 62, 63, 64, 65, 127, 128, 200] {
            for (bad, name) in [("\0", "NUL"), ("\u{7f}", "U+007F"), ("\u{9b}", "U+009B")] {
                let input = format!("{}{bad}{}", "a".repeat(offset), "b".repeat(70));
                let error = decode("f", input.into_bytes()).expect_err(name);
                assert!(error.message.contains(name), "{offset}: {}", error.message);
                let column = error.span.map(|s| s.start.column);
                assert_eq!(column, Some(offset as u32 + 1), "{name} at {offset}");
            }
            // Allowed characters sharing a first byte with forbidden ones, at the boundary:
            // NEL (U+0085), U+00E9 and U+FFFD.
            for fine in ["\u{85}", "\u{a9}", "\u{fffd}", "\t", "\r\n"] {
                let input = format!("{}{fine}{}", "a".repeat(offset), "b".repeat(70));
                assert!(
                    decode("f", input.into_bytes()).is_ok(),
                    "{fine:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn caps_size_before_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, vec![b'a'; 2048]).expect("write");
        assert!(matches!(
            read_capped(&path, 1024),
            Err(ReadError::TooLarge { limit: 1024 })
        ));
        assert_eq!(read_capped(&path, 4096).map(|b| b.len()).ok(), Some(2048));
        assert!(matches!(
            read_capped(dir.path(), 4096),
            Err(ReadError::NotRegular)
        ));
    }

    #[test]
    fn bytes_in_words() {
        assert_eq!(describe_bytes(1024 * 1024), "1 MiB");
        assert_eq!(describe_bytes(4096), "4 KiB");
        assert_eq!(describe_bytes(1500), "1500 bytes");
    }
}
