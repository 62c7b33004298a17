//! `claim-lsp check --fix` and `--diff`: every safe fix applied to files on disk.
//!
//! A fixed file is written in the encoding it was read in, through a temporary file in
//! the same folder that takes the original's place (readers see the old file or the
//! new one, never half of one), and only when the file on disk still holds the bytes
//! that were read: an edit made meanwhile by a person or another tool is never lost.
//! On Linux the two files are swapped in one step (`renameat2` with `RENAME_EXCHANGE`)
//! and what was swapped out is compared with what was read, and swapped back if it
//! differs; elsewhere the file is re-checked just before the rename (a window of
//! microseconds remains, see docs/reliability.md). The fixed file keeps the original's
//! mode, owner and group (where the process may set them) and extended attributes;
//! a read-only file is left alone unless `--force`.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::DocumentKind;
use crate::config::Environment;
use crate::ide::{fix_all, FixAll};
use crate::text::{decode, detect, encode, read_capped};

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
    /// The file has no write bit for its owner; `--force` writes it anyway.
    ReadOnly,
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
            Self::ReadOnly => write!(f, "the file is read-only; not overwritten (--force writes it anyway)"),
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
/// a temporary file beside it (with the original's mode, owner, group and extended
/// attributes), which takes the original's place only if the original is unchanged.
/// A read-only file (no write bit for its owner) is refused unless `force`, also for
/// root, whom access checks never stop.
pub fn write_if_unchanged(path: &Path, original: &[u8], new: &[u8], force: bool) -> Result<(), WriteRefused> {
    // Through a symbolic link, the file it points at is the one to replace.
    let path = &std::fs::canonicalize(path).map_err(WriteRefused::Io)?;
    let before = std::fs::metadata(path).map_err(WriteRefused::Io)?;
    if !before.is_file() {
        return Err(WriteRefused::Io(std::io::Error::other("not a regular file")));
    }
    if has_other_names(&before) {
        return Err(WriteRefused::HardLinked);
    }
    if !force && read_only(&before) {
        return Err(WriteRefused::ReadOnly);
    }
    let temporary = temporary_beside(path);
    let written = (|| {
        let mut file = create_private(&temporary)?;
        file.write_all(new)?;
        keep_attributes(&file, path, &before)?;
        file.sync_all()?;
        Ok(file)
    })();
    let file = match written {
        Ok(file) => file,
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            return Err(WriteRefused::Io(error));
        }
    };
    replace(path, &temporary, original, &file, &before)
}

/// Puts `temporary` in `path`'s place if `path` still holds `original`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn replace(
    path: &Path,
    temporary: &Path,
    original: &[u8],
    ours: &File,
    before: &std::fs::Metadata,
) -> Result<(), WriteRefused> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, temporary, CWD, path, RenameFlags::EXCHANGE) {
        Ok(()) => {}
        // A file system or kernel without the exchange: check, then rename.
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {
            return replace_after_check(path, temporary, original, before)
        }
        Err(error) => {
            let _ = std::fs::remove_file(temporary);
            return Err(WriteRefused::Io(error.into()));
        }
    }
    // `temporary` now names what was at `path` an instant ago: the file we read, or a
    // save that came in after the read.
    let limit = u64::try_from(original.len()).unwrap_or(u64::MAX);
    if read_capped(temporary, limit).is_ok_and(|swapped_out| swapped_out == original) {
        let _ = std::fs::remove_file(temporary);
        return Ok(());
    }
    // Someone saved meanwhile: their file goes back, ours is dropped.
    let swapped_back = renameat_with(CWD, temporary, CWD, path, RenameFlags::EXCHANGE);
    let ours_is_out = ours
        .metadata()
        .ok()
        .zip(std::fs::symlink_metadata(temporary).ok())
        .is_some_and(|(ours, out)| same_file(&ours, &out));
    if swapped_back.is_ok() && ours_is_out {
        let _ = std::fs::remove_file(temporary);
        return Err(WriteRefused::ChangedOnDisk);
    }
    // A second save raced the swap back: keep every version rather than delete one.
    let name = temporary.file_name().map_or_else(|| "(file)".into(), |n| n.to_string_lossy());
    Err(WriteRefused::Io(std::io::Error::other(format!(
        "the file changed on disk twice while it was being fixed; not overwritten, and another version is kept as {name}"
    ))))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn replace(
    path: &Path,
    temporary: &Path,
    original: &[u8],
    _: &File,
    before: &std::fs::Metadata,
) -> Result<(), WriteRefused> {
    replace_after_check(path, temporary, original, before)
}

/// Where files cannot be swapped: compare the bytes, then the file's identity, size
/// and modification time just before the rename. A save in the microseconds between
/// that last look and the rename is still overwritten.
fn replace_after_check(
    path: &Path,
    temporary: &Path,
    original: &[u8],
    before: &std::fs::Metadata,
) -> Result<(), WriteRefused> {
    let limit = u64::try_from(original.len()).unwrap_or(u64::MAX);
    let unchanged = read_capped(path, limit).is_ok_and(|current| current == original)
        && std::fs::metadata(path).is_ok_and(|now| {
            same_file(before, &now) && now.len() == before.len() && now.modified().ok() == before.modified().ok()
        });
    if !unchanged {
        let _ = std::fs::remove_file(temporary);
        return Err(WriteRefused::ChangedOnDisk);
    }
    std::fs::rename(temporary, path).map_err(|error| {
        let _ = std::fs::remove_file(temporary);
        WriteRefused::Io(error)
    })
}

/// A new file only this user can read until the original's attributes are copied.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Gives the fixed file the original's owner and group (where allowed), extended
/// attributes (Linux) and mode, in that order: a change of owner can clear set-id
/// bits and capabilities, so those come after it.
fn keep_attributes(file: &File, original: &Path, before: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; anyone may keep a group they belong to.
        if std::os::unix::fs::fchown(file, Some(before.uid()), Some(before.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(file, None, Some(before.gid()));
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    copy_extended_attributes(original, file);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = original;
    file.set_permissions(before.permissions())
}

/// Copies every extended attribute the process may read and set (user attributes,
/// ACLs; security attributes need privilege). One that cannot be copied is skipped.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn copy_extended_attributes(original: &Path, to: &File) {
    use rustix::fs::{fgetxattr, flistxattr, fsetxattr, Mode, OFlags, XattrFlags};
    let Ok(from) = rustix::fs::open(original, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
    else {
        return;
    };
    let mut names = vec![0u8; 64 * 1024];
    let Ok(length) = flistxattr(&from, &mut names[..]) else { return };
    names.truncate(length);
    let mut value = vec![0u8; 64 * 1024];
    for name in names.split(|byte| *byte == 0).filter(|name| !name.is_empty()) {
        let Ok(name) = std::ffi::CString::new(name) else { continue };
        if let Ok(length) = fgetxattr(&from, name.as_c_str(), &mut value[..]) {
            let _ = fsetxattr(to, name.as_c_str(), value.get(..length).unwrap_or_default(), XattrFlags::empty());
        }
    }
}

#[cfg(unix)]
fn has_other_names(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_names(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn read_only(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o200 == 0
}

#[cfg(not(unix))]
fn read_only(metadata: &std::fs::Metadata) -> bool {
    metadata.permissions().readonly()
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok() && a.created().ok() == b.created().ok()
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
        assert!(write_if_unchanged(&path, b"old", b"new", false).is_ok());
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
        let refused = write_if_unchanged(&path, b"what was read", b"fixed", false);
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
        assert!(write_if_unchanged(&link, b"old", b"new", false).is_ok());
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()), "the link stays a link");
        assert_eq!(std::fs::read(&real).ok().as_deref(), Some(&b"new"[..]));
        let hard = real.with_file_name("hard.837");
        let _ = std::fs::remove_file(&hard);
        std::fs::hard_link(&real, &hard).ok();
        assert!(matches!(write_if_unchanged(&hard, b"new", b"newer", false), Err(WriteRefused::HardLinked)));
        assert_eq!(std::fs::read(&real).ok().as_deref(), Some(&b"new"[..]));
    }

    /// An editor saves (a temporary file renamed over the original) the instant the fix
    /// looks at the file: whatever the timing, the save survives, and "fixed" is only
    /// said when the fix really landed before the save.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_racing_the_fix_is_never_lost() {
        use rustix::fs::inotify::{self, CreateFlags, WatchFlags};
        use std::time::{Duration, Instant};
        let path = scratch("race");
        let mut outcomes = [0usize; 2];
        for run in 0..400u32 {
            std::fs::write(&path, b"what was read").ok();
            let saved = format!("what the editor saved, run {run}");
            let save = path.with_file_name("editor-save.tmp");
            std::fs::write(&save, &saved).ok();
            let Ok(watch) = inotify::init(CreateFlags::NONBLOCK | CreateFlags::CLOEXEC) else { return };
            let _ = inotify::add_watch(&watch, &path, WatchFlags::OPEN | WatchFlags::CLOSE_NOWRITE);
            let editor = {
                let (path, save) = (path.clone(), save.clone());
                std::thread::spawn(move || {
                    // The editor saves as soon as it sees the file opened (the first or
                    // a later time: the fix may look more than once), plus a little.
                    let mut events = [0u8; 4096];
                    let started = Instant::now();
                    let mut seen = 0;
                    while seen <= run % 3 && started.elapsed() < Duration::from_millis(20) {
                        match rustix::io::read(&watch, &mut events[..]) {
                            Ok(_) => seen += 1,
                            Err(_) => std::hint::spin_loop(),
                        }
                    }
                    for _ in 0..(run % 10) * 200 {
                        std::hint::spin_loop();
                    }
                    std::fs::rename(&save, &path).ok();
                })
            };
            let result = write_if_unchanged(&path, b"what was read", b"fixed", false);
            let _ = editor.join();
            let now = std::fs::read(&path).unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&now), saved, "run {run}: the save was lost; the fix said {result:?}");
            assert!(result.is_ok() || matches!(result, Err(WriteRefused::ChangedOnDisk)), "run {run}: {result:?}");
            outcomes[usize::from(result.is_ok())] += 1;
        }
        let leftovers = std::fs::read_dir(path.parent().unwrap_or(&path)).map(|d| d.count()).unwrap_or(0);
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        eprintln!("racing saves: {} refused, {} fixed before the save", outcomes[0], outcomes[1]);
    }

    #[cfg(unix)]
    #[test]
    fn read_only_files_are_refused_unless_forced_and_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let path = scratch("read-only");
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        std::fs::write(&path, b"old").ok();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).ok();
        // Also as root, whom the write bits do not stop.
        assert!(matches!(write_if_unchanged(&path, b"old", b"new", false), Err(WriteRefused::ReadOnly)));
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"old"[..]));
        assert!(write_if_unchanged(&path, b"old", b"new", true).is_ok());
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"new"[..]));
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0);
        assert_eq!(mode, 0o444, "the mode is kept: {mode:o}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).ok();
        assert!(write_if_unchanged(&path, b"new", b"newer", false).is_ok());
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0);
        assert_eq!(mode, 0o640, "{mode:o}");
    }

    /// Run as root (as CI is), the fixed file keeps another user's ownership; as anyone,
    /// its extended attributes.
    #[cfg(target_os = "linux")]
    #[test]
    fn owner_group_and_extended_attributes_are_kept() {
        use std::os::unix::fs::MetadataExt;
        let path = scratch("owner");
        std::fs::write(&path, b"old").ok();
        let xattr = rustix::fs::setxattr(&path, "user.claim-lsp-test", b"kept", rustix::fs::XattrFlags::empty());
        let chowned = std::os::unix::fs::chown(&path, Some(4321), Some(8765)).is_ok();
        let inode = std::fs::metadata(&path).map(|m| m.ino()).unwrap_or(0);
        assert!(write_if_unchanged(&path, b"old", b"new", false).is_ok());
        let after = std::fs::metadata(&path).ok();
        assert_ne!(after.as_ref().map(MetadataExt::ino), Some(inode), "replaced by a new file");
        if chowned {
            assert_eq!(after.as_ref().map(|m| (m.uid(), m.gid())), Some((4321, 8765)));
        }
        if xattr.is_ok() {
            let mut value = [0u8; 16];
            let length = rustix::fs::getxattr(&path, "user.claim-lsp-test", &mut value[..]).unwrap_or(0);
            assert_eq!(value.get(..length), Some(&b"kept"[..]));
        }
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
