//! Writing a fixed file back: all or nothing, and never over changes made since it was read.
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why a fixed file was not written. The original is intact in every case.
#[derive(Debug)]
pub enum WriteError {
    /// The file's bytes are no longer those that were linted.
    ChangedOnDisk,
    /// The file has no write permission.
    ReadOnly,
    /// Reading, writing, syncing or renaming failed.
    Io(std::io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("changed on disk since it was read; not written")
            }
            WriteError::ReadOnly => f.write_str("the file is read-only; not written"),
            WriteError::Io(error) => write!(f, "cannot write: {error}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> WriteError {
        WriteError::Io(error)
    }
}

/// Replaces the file at `path` with `new_text`, when its bytes are still `original`.
///
/// The text goes to a temporary file in the same directory, which is synced, given the original's
/// permissions and renamed over it, so a reader sees the old file or the new one, never a part. A
/// symlink is followed: its target is replaced and the link stays a link. On any error the temporary
/// file is removed and the original is left as it was.
pub fn write_atomically(path: &Path, original: &[u8], new_text: &str) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    // Root may write anywhere; a file without write bits still says "leave me alone".
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    // What an in-place write would need (permission, a writable file system); opening does not modify.
    std::fs::OpenOptions::new().write(true).open(&target)?;
    let dir = target
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".cachebust")
        .tempfile_in(&dir)?;
    temp.write_all(new_text.as_bytes())?;
    temp.as_file().set_permissions(metadata.permissions())?;
    keep_owner(temp.as_file(), &metadata);
    temp.as_file().sync_all()?;
    // As late as possible: a change between this read and the rename is the only one not caught.
    // One byte more than the original is enough to tell, whatever the file has become meanwhile.
    let mut now = Vec::with_capacity(original.len() + 1);
    std::fs::File::open(&target)?
        .take(original.len() as u64 + 1)
        .read_to_end(&mut now)?;
    if now != original {
        return Err(WriteError::ChangedOnDisk);
    }
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// Gives the new file the original's owner and group, where allowed: a rename would otherwise hand a
/// file edited by root to root. Failing is fine: the user already had write access to the original.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, metadata: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}

/// Makes the rename durable. Best effort: the data itself is already synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_the_new_bytes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM a\r\n").unwrap();
        write_atomically(&path, b"FROM a\r\n", "FROM b\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"FROM b\r\n");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM edited-meanwhile\n").unwrap();
        let error = write_atomically(&path, b"FROM a\n", "FROM fixed\n").unwrap_err();
        assert!(matches!(error, WriteError::ChangedOnDisk), "{error}");
        assert!(error
            .to_string()
            .contains("changed on disk since it was read"));
        assert_eq!(std::fs::read(&path).unwrap(), b"FROM edited-meanwhile\n");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_a_symlink_stays_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.Dockerfile");
        std::fs::write(&target, b"FROM a\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("Dockerfile");
        std::os::unix::fs::symlink("real.Dockerfile", &link).unwrap();
        write_atomically(&link, b"FROM a\n", "FROM b\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"FROM b\n");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(entries(dir.path()), ["Dockerfile", "real.Dockerfile"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM a\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = write_atomically(&path, b"FROM a\n", "FROM b\n").unwrap_err();
        assert!(matches!(error, WriteError::ReadOnly), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"FROM a\n");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
    }
}
