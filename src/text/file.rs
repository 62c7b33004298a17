//! Reading a file we were pointed at, safely: only a regular file (after following
//! links), opened so that a FIFO can never block us, and never more than a cap for its
//! kind. Every file the product reads (settings, code tables, claims) comes through here.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The most a settings file (`.claim-lsp.json`, `--config`) may hold: 1 MB.
pub const CONFIG_LIMIT: u64 = 1 << 20;
/// The most a code table (`hcpcsFile`, `mueFile`, `ndcCrosswalkFile`) may hold: 64 MB.
pub const TABLE_LIMIT: u64 = 64 << 20;
/// The most a claim file may hold unless the user says otherwise: 2 GB.
pub const CLAIM_LIMIT: u64 = 2 << 30;

/// Why a file was not read. The message never holds the path: callers name the file.
#[derive(Debug)]
pub enum ReadRefused {
    /// A FIFO, device, socket or folder: reading it could block forever or never end.
    NotARegularFile(&'static str),
    /// Larger than the cap for its kind.
    TooLarge {
        limit: u64,
    },
    Io(std::io::Error),
}

impl fmt::Display for ReadRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotARegularFile(kind) => write!(f, "it is {kind}, not a regular file"),
            Self::TooLarge { limit } => write!(f, "it is larger than the {} limit", size(*limit)),
            Self::Io(error) => write!(f, "cannot read it ({error})"),
        }
    }
}

impl std::error::Error for ReadRefused {}

/// A byte count as people write it: `1 MB`, `64 MB`, `2 GB`, else bytes.
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} bytes")
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadRefused> {
    // A look before opening keeps devices from being opened at all; the look at the
    // opened handle below is the one that counts (the name may change in between).
    let metadata = std::fs::metadata(path).map_err(ReadRefused::Io)?;
    regular(&metadata, limit)?;
    let file = open_without_blocking(path).map_err(ReadRefused::Io)?;
    let metadata = file.metadata().map_err(ReadRefused::Io)?;
    regular(&metadata, limit)?;
    let mut bytes = Vec::new();
    // One byte past the cap tells a file that grew since the look from one that fits.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadRefused::Io)?;
    if u64::try_from(bytes.len()).map_or(true, |read| read > limit) {
        return Err(ReadRefused::TooLarge { limit });
    }
    Ok(bytes)
}

fn regular(metadata: &std::fs::Metadata, limit: u64) -> Result<(), ReadRefused> {
    if !metadata.is_file() {
        return Err(ReadRefused::NotARegularFile(kind(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(ReadRefused::TooLarge { limit });
    }
    Ok(())
}

/// What a file that is not a regular file is, in words.
pub fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so a FIFO with no writer returns at
/// once instead of waiting for one (the handle's metadata then refuses it).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("claim-lsp-read-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&folder);
        let path = folder.join(name);
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn reads_a_file_within_the_cap_and_refuses_one_past_it() {
        let path = scratch("small.json");
        std::fs::write(&path, b"{}").ok();
        assert_eq!(read_capped(&path, 2).ok(), Some(b"{}".to_vec()));
        let refused = read_capped(&path, 1);
        assert!(matches!(refused, Err(ReadRefused::TooLarge { limit: 1 })), "{refused:?}");
        assert_eq!(size(CONFIG_LIMIT), "1 MB");
        assert_eq!(size(TABLE_LIMIT), "64 MB");
        assert_eq!(size(CLAIM_LIMIT), "2 GB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn a_sparse_gigabyte_is_refused_without_being_read() {
        let path = scratch("sparse.txt");
        let file = File::create(&path).ok();
        assert!(file.is_some_and(|f| f.set_len(1 << 30).is_ok()));
        let started = std::time::Instant::now();
        let refused = read_capped(&path, TABLE_LIMIT);
        assert!(matches!(refused, Err(ReadRefused::TooLarge { .. })), "{refused:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let _ = std::fs::remove_file(&path);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_folders_are_refused_without_blocking() {
        let fifo = scratch("hcpcs.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // No writer ever opens it: a blocking open would never return.
        let refused = read_capped(&fifo, CONFIG_LIMIT);
        assert!(matches!(refused, Err(ReadRefused::NotARegularFile("a FIFO"))), "{refused:?}");
        let link = scratch("zero.837");
        std::os::unix::fs::symlink("/dev/zero", &link).ok();
        let refused = read_capped(&link, CLAIM_LIMIT);
        assert!(matches!(refused, Err(ReadRefused::NotARegularFile("a device"))), "{refused:?}");
        let folder = fifo.parent().unwrap_or(Path::new("/"));
        assert!(matches!(read_capped(folder, CONFIG_LIMIT), Err(ReadRefused::NotARegularFile("a folder"))));
        assert_eq!(
            read_capped(&link, CLAIM_LIMIT).map_err(|e| e.to_string()).err().as_deref(),
            Some("it is a device, not a regular file")
        );
    }
}
