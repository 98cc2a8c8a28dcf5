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
/// The text goes to a temporary file in the same directory, which is given the original's owner, mode
/// (setuid/setgid included) and extended attributes, synced and renamed over it, so a reader sees the
/// old file or the new one, never a part. A symlink is followed: its target is replaced and the link
/// stays a link. A file with more than one hard link is rewritten in place instead (see
/// [`write_in_place`]). On any error the temporary file is removed and the original is left as it was.
pub fn write_atomically(path: &Path, original: &[u8], new_text: &str) -> Result<(), WriteError> {
    write_with(path, original, new_text, |temp, target| {
        std::fs::rename(temp, target)
    })
}

/// [`write_atomically`] with the final rename passed in, so tests can make it fail.
fn write_with(
    path: &Path,
    original: &[u8],
    new_text: &str,
    rename: impl FnOnce(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    // Root may write anywhere; a file without write bits still says "leave me alone".
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    // What an in-place write would need (permission, a writable file system); opening does not modify.
    std::fs::OpenOptions::new().write(true).open(&target)?;
    if links(&metadata) > 1 {
        return write_in_place(&target, &metadata, original, new_text);
    }
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
    // The owner first: chown clears the setuid and setgid bits, so the mode must come after it.
    keep_owner(temp.as_file(), &metadata);
    temp.as_file().set_permissions(metadata.permissions())?;
    copy_xattrs(&target, temp.as_file());
    temp.as_file().sync_all()?;
    unchanged_since_read(&target, original)?;
    // The temporary file is kept by path from here on: removed by hand whatever the rename did.
    let temp = temp.into_temp_path();
    let renamed = rename(&temp, &target);
    match renamed {
        Ok(()) => {
            // Already renamed: there is nothing left to delete.
            let _ = temp.keep();
            sync_dir(&dir);
            Ok(())
        }
        Err(error) => {
            let _ = std::fs::remove_file(&temp);
            let _ = temp.keep();
            Err(WriteError::Io(error))
        }
    }
}

/// Checks that the file's bytes are still `original`. Called as late as possible: a change between
/// this read and the write is the only one not caught. One byte more than the original is enough to
/// tell, whatever the file has become meanwhile.
fn unchanged_since_read(target: &Path, original: &[u8]) -> Result<(), WriteError> {
    let mut now = Vec::with_capacity(original.len() + 1);
    std::fs::File::open(target)?
        .take(original.len() as u64 + 1)
        .read_to_end(&mut now)?;
    if now != original {
        return Err(WriteError::ChangedOnDisk);
    }
    Ok(())
}

/// Rewrites a hard-linked file through its own inode, as ruff and rustfmt write every file: a rename
/// would give this name a new inode and leave the other links with the old text, silently splitting
/// what the user linked. The price is atomicity for this one case: a reader may see a partial file
/// while it is written.
fn write_in_place(
    target: &Path,
    metadata: &std::fs::Metadata,
    original: &[u8],
    new_text: &str,
) -> Result<(), WriteError> {
    unchanged_since_read(target, original)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(target)?;
    file.write_all(new_text.as_bytes())?;
    // A write by a user without CAP_FSETID clears setuid/setgid: put the mode back.
    file.set_permissions(metadata.permissions())?;
    file.sync_all()?;
    Ok(())
}

#[cfg(unix)]
fn links(metadata: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(metadata)
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    1
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

/// Copies the original's extended attributes (SELinux labels, POSIX ACLs, `user.*` tags) to the new
/// file, where allowed. Best effort, like the owner: an attribute this user may not set stays behind.
#[cfg(target_os = "linux")]
fn copy_xattrs(from: &Path, to: &std::fs::File) {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = CString::new(from.as_os_str().as_bytes()) else {
        return;
    };
    // SAFETY: `path` is NUL-terminated and the buffer is `len` bytes long (or null with `len` 0).
    let Some(names) = xattr_read(|buf, len| unsafe { libc::listxattr(path.as_ptr(), buf, len) })
    else {
        return;
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let Ok(name) = CString::new(name) else {
            continue;
        };
        // SAFETY: as above; `name` is NUL-terminated.
        let value = xattr_read(|buf, len| unsafe {
            libc::getxattr(path.as_ptr(), name.as_ptr(), buf.cast(), len)
        });
        if let Some(value) = value {
            // SAFETY: the fd is open for the call; `value` is `value.len()` bytes.
            unsafe {
                libc::fsetxattr(
                    to.as_raw_fd(),
                    name.as_ptr(),
                    value.as_ptr().cast(),
                    value.len(),
                    0,
                )
            };
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn copy_xattrs(_: &Path, _: &std::fs::File) {}

/// Runs a size-then-fill xattr call: once for the size, once into a buffer of that size.
#[cfg(target_os = "linux")]
fn xattr_read(call: impl Fn(*mut libc::c_char, usize) -> isize) -> Option<Vec<u8>> {
    let size = usize::try_from(call(std::ptr::null_mut(), 0)).ok()?;
    let mut buf = vec![0u8; size];
    let got = usize::try_from(call(buf.as_mut_ptr().cast(), buf.len())).ok()?;
    buf.truncate(got);
    Some(buf)
}

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
    fn setuid_and_setgid_bits_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM a\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o6755)).unwrap();
        write_atomically(&path, b"FROM a\n", "FROM b\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o6755);
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_linked_file_is_written_in_place_and_stays_linked() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        let other = dir.path().join("Dockerfile.linked");
        std::fs::write(&path, b"FROM a\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o4750)).unwrap();
        std::fs::hard_link(&path, &other).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        write_atomically(&path, b"FROM a\n", "FROM b\n").unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"FROM b\n");
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!((metadata.ino(), metadata.nlink()), (inode, 2));
        assert_eq!(metadata.permissions().mode() & 0o7777, 0o4750);
        assert_eq!(entries(dir.path()), ["Dockerfile", "Dockerfile.linked"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn extended_attributes_are_kept() {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM a\n").unwrap();
        let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
        let (name, value) = (c"user.cachebust-test", b"kept");
        // SAFETY: NUL-terminated strings and a buffer of the given length.
        let set =
            unsafe { libc::setxattr(c_path.as_ptr(), name.as_ptr(), value.as_ptr().cast(), 4, 0) };
        if set != 0 {
            // This file system has no user attributes (tmpfs before Linux 6.6): nothing to keep.
            return;
        }
        write_atomically(&path, b"FROM a\n", "FROM b\n").unwrap();
        let got = xattr_read(|buf, len| unsafe {
            libc::getxattr(c_path.as_ptr(), name.as_ptr(), buf.cast(), len)
        });
        assert_eq!(got.as_deref(), Some(&value[..]));
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, b"FROM a\n").unwrap();
        let busy = |_: &Path, _: &Path| Err(std::io::Error::other("device or resource busy"));
        let error = write_with(&path, b"FROM a\n", "FROM b\n", busy).unwrap_err();
        assert_eq!(error.to_string(), "cannot write: device or resource busy");
        assert_eq!(std::fs::read(&path).unwrap(), b"FROM a\n");
        assert_eq!(entries(dir.path()), ["Dockerfile"]);
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
