"""File operations that keep the learner's data intact across crashes.

A write goes to a temporary file in the same directory, is flushed and fsynced,
then renamed over the old file, and the directory is fsynced so the rename
itself is on disk. A kill or power cut at any point therefore leaves either the
old file or the new one, never a mixture.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def fsync_directory(directory: Path) -> None:
    """Make renames and deletions in ``directory`` durable (no-op where unsupported)."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open directories
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, payload: bytes, after_mtime_ns: int | None = None) -> os.stat_result:
    """Replace ``path`` with ``payload`` atomically and durably; return the new file's stat.

    ``after_mtime_ns`` is the modification time of the version being replaced.
    The new file gets a strictly later one even if the clock tick has not moved,
    so a reader comparing (mtime, size, inode) can never mistake the new
    version for the old one, even if the inode number is reused.
    """
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            stamp = time.time_ns()
            if after_mtime_ns is not None and stamp <= after_mtime_ns:
                stamp = after_mtime_ns + 1
            os.utime(temp_name, ns=(stamp, stamp))
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    fsync_directory(path.parent)
    return os.stat(path)


def remove_stale_temp_files(directory: Path, names: re.Pattern[str]) -> None:
    """Delete temporaries left by a writer that was killed mid-write.

    Only safe while holding the store lock: then no live writer owns one.
    """
    removed = False
    for entry in os.scandir(directory):
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            original = entry.name[1:].rsplit(".", 2)[0]
            if names.fullmatch(original):
                os.unlink(entry.path)
                removed = True
    if removed:
        fsync_directory(directory)


def move_aside(path: Path) -> Path:
    """Rename an unreadable file to ``<name>.corrupt-<UTC time>`` and return the new path.

    The file is kept, not deleted: it may be repairable by hand.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    os.rename(path, target)
    fsync_directory(path.parent)
    return target
