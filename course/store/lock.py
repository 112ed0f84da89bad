"""An exclusive lock on the progress directory, shared by every Coldstart process.

Two windows open on the same learner data must not interleave their
read-modify-write cycles, or one silently drops the other's answers. An OS
file lock (flock, or msvcrt on Windows) is released by the kernel when a
process dies, so a crashed app never leaves the store locked.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _acquire(fd: int) -> None:
        # LK_LOCK gives up after about ten seconds; a slow peer is not an error.
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _acquire(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """Re-entrant within one store object, exclusive across processes and objects.

    Re-entry lets a store method that holds the lock call another that takes
    it; the thread lock keeps worker threads of one app from sharing the file
    lock by accident (flock would let them both in).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        self._threads = threading.RLock()
        self._depth = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._fd is None:
                raise ValueError("lock is closed")
            if self._depth == 0:
                _acquire(self._fd)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    _release(self._fd)

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
