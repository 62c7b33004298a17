//! `claim-lsp check --fix` and `--diff`: every safe fix applied to files on disk.
//!
//! A fixed file is written in the encoding it was read in, through a temporary file in
//! the same folder that is renamed over the original (readers see the old file or the
//! new one, never half of one), and only when the file on disk still holds the bytes
//! that were read: an edit made meanwhile by a person or another tool is never lost.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::DocumentKind;
use crate::config::Environment;
use crate::ide::{fix_all, FixAll};
use crate::text::{decode, detect, encode};

/// Why a fixed file was not written.
#[derive(Debug)]
pub enum WriteRefused {
    /// The file's bytes on disk differ from the bytes the fixes were made on.
    ChangedOnDisk,
    /// The fixed text has a character the file's encoding cannot hold, or the file
    /// would not read back byte for byte.
    Encoding(&'static str),
    /// The file has other hard links, which a rename would leave holding the old text.
    HardLinked,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ChangedOnDisk => write!(f, "the file changed on disk since it was read; not overwritten"),
            Self::Encoding(why) => write!(f, "{why}; not overwritten"),
            Self::HardLinked => {
                write!(f, "the file has other hard links that would keep the old text; not overwritten (use --diff)")
            }
            Self::Io(error) => write!(f, "{error}"),
        }
    }
}

/// What fixing one file's text gives: the fixes and the bytes to write.
pub struct FixedFile {
    pub text: String,
    pub all: FixAll,
    pub bytes: Result<Vec<u8>, WriteRefused>,
}

/// Applies every safe fix to a file's bytes and encodes the result as the file was.
pub fn fix_bytes(original: &[u8], kind: &DocumentKind, environment: &Environment) -> FixedFile {
    let encoding = detect(original);
    let text = decode(original);
    let all = fix_all(&text, kind, environment);
    let bytes = if encode(&text, encoding).as_deref() != Some(original) {
        // A UTF-16 file with a broken surrogate, say: writing it back would change
        // bytes no fix meant to touch.
        Err(WriteRefused::Encoding("the file does not read back byte for byte in its encoding"))
    } else {
        encode(&all.text, encoding)
            .ok_or(WriteRefused::Encoding("a fixed value has a character the file's encoding lacks"))
    };
    FixedFile { text, all, bytes }
}

/// Replaces `path` with `new` if it still holds exactly `original`: the new bytes go to
/// a temporary file beside it (with the original's permissions), which is renamed over
/// the original after one last comparison.
pub fn write_if_unchanged(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteRefused> {
    // Through a symbolic link, the file it points at is the one to replace.
    let path = &std::fs::canonicalize(path).map_err(WriteRefused::Io)?;
    if has_other_names(path) {
        return Err(WriteRefused::HardLinked);
    }
    let temporary = temporary_beside(path);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        file.write_all(new)?;
        if let Ok(metadata) = std::fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
        }
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(WriteRefused::Io(error));
    }
    let unchanged = std::fs::read(path).map(|current| current == original);
    match unchanged {
        Ok(true) => std::fs::rename(&temporary, path).map_err(|error| {
            let _ = std::fs::remove_file(&temporary);
            WriteRefused::Io(error)
        }),
        Ok(false) => {
            let _ = std::fs::remove_file(&temporary);
            Err(WriteRefused::ChangedOnDisk)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            Err(WriteRefused::Io(error))
        }
    }
}

#[cfg(unix)]
fn has_other_names(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).is_ok_and(|metadata| metadata.nlink() > 1)
}

#[cfg(not(unix))]
fn has_other_names(_: &Path) -> bool {
    false
}

fn temporary_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "claim".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.claim-lsp-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::{fix_bytes, write_if_unchanged, WriteRefused};
    use crate::config::Environment;

    fn scratch(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("claim-lsp-fix-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&folder);
        folder.join("claims.837")
    }

    #[test]
    fn writes_when_the_file_is_as_read_and_leaves_no_temporary_file() {
        let path = scratch("unchanged");
        std::fs::write(&path, b"old").ok();
        assert!(write_if_unchanged(&path, b"old", b"new").is_ok());
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"new"[..]));
        let leftovers = std::fs::read_dir(path.parent().unwrap_or(&path)).map(|d| d.count()).unwrap_or(0);
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn a_file_changed_between_read_and_write_is_not_overwritten() {
        let path = scratch("changed");
        std::fs::write(&path, b"what was read").ok();
        // Someone saves the file after claim-lsp read it.
        std::fs::write(&path, b"what a person saved meanwhile").ok();
        let refused = write_if_unchanged(&path, b"what was read", b"fixed");
        assert!(matches!(refused, Err(WriteRefused::ChangedOnDisk)), "{refused:?}");
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"what a person saved meanwhile"[..]));
        let leftovers = std::fs::read_dir(path.parent().unwrap_or(&path)).map(|d| d.count()).unwrap_or(0);
        assert_eq!(leftovers, 1, "the temporary file is removed");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_a_hard_link_refused() {
        let real = scratch("links");
        std::fs::write(&real, b"old").ok();
        let link = real.with_file_name("link.837");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).ok();
        assert!(write_if_unchanged(&link, b"old", b"new").is_ok());
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()), "the link stays a link");
        assert_eq!(std::fs::read(&real).ok().as_deref(), Some(&b"new"[..]));
        let hard = real.with_file_name("hard.837");
        let _ = std::fs::remove_file(&hard);
        std::fs::hard_link(&real, &hard).ok();
        assert!(matches!(write_if_unchanged(&hard, b"new", b"newer"), Err(WriteRefused::HardLinked)));
        assert_eq!(std::fs::read(&real).ok().as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn fixes_utf16_files_in_utf16() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/rules/segment-count/fires-too-low.837"
        ))
        .unwrap_or_default();
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let fixed = fix_bytes(&utf16, &crate::analysis::DocumentKind::X12, &Environment::default());
        let bytes = fixed.bytes.unwrap_or_default();
        assert_eq!(bytes.get(..2), Some(&[0xFF, 0xFE][..]));
        assert_eq!(crate::text::decode(&bytes), fixed.all.text);
        assert_ne!(fixed.all.text, text);
    }
}
