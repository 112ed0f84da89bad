"""A TinyDB storage that writes atomically and re-reads only files that changed.

TinyDB asks its storage for the whole file before every operation. Parsing a
1,000-answer segment each time would be slow, and trusting an in-memory copy
would hide other processes' writes, so each file's parsed content is cached
under its (mtime_ns, size, inode) and reused only while the file on disk still
matches. Damaged files are moved aside here, at the one place files are read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from . import migrations
from .errors import StoreError
from .files import atomic_write, move_aside

Tables = dict[str, Any]
FileKey = tuple[int, int, int]


def file_key(stat: os.stat_result) -> FileKey:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def newer_format_message(path: Path, version: int) -> str:
    return (
        f"Your progress in {path.parent} was saved by a newer version of Coldstart "
        f"(data format {version}; this version understands up to {migrations.current_version()}). "
        f"Please update Coldstart to continue. Nothing has been changed: {path.name} was left as it is."
    )


class AtomicJSONStorage(Storage):
    """One JSON file holding TinyDB tables plus a ``store`` table with its format version.

    ``validate`` raises ValueError if the tables have the wrong shape for this
    kind of file; ``notify`` receives the learner-facing message when a damaged
    file is moved aside. Callers must hold the store lock around every call.
    """

    def __init__(
        self,
        path: str,
        kind: str,
        validate: Callable[[Tables], None],
        notify: Callable[[str], None],
        lost: str,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self._validate = validate
        self._notify = notify
        self._lost = lost
        self._key: FileKey | None = None
        self._tables: Tables | None = None
        #: True while the cached tables were migrated in memory but not yet saved.
        self.upgraded = False

    def read(self) -> Tables:
        try:
            key = file_key(os.stat(self.path))
        except FileNotFoundError:
            self._forget()
            return self._fresh()
        if key == self._key and self._tables is not None:
            return self._tables
        return self._load()

    def write(self, data: Tables) -> None:
        data[migrations.VERSION_TABLE] = migrations.version_table(migrations.current_version())
        try:
            payload = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            try:
                previous = os.stat(self.path).st_mtime_ns
            except FileNotFoundError:
                previous = None
            stat = atomic_write(self.path, payload.encode("utf-8"), previous)
        except BaseException:
            # TinyDB edited the cached tables in place; they no longer match the disk.
            self._forget()
            raise
        self._key = file_key(stat)
        self._tables = data
        self.upgraded = False

    def close(self) -> None:
        self._forget()

    def exists(self) -> bool:
        return self.path.exists()

    def _fresh(self) -> Tables:
        return {migrations.VERSION_TABLE: migrations.version_table(migrations.current_version())}

    def _forget(self) -> None:
        self._key = None
        self._tables = None
        self.upgraded = False

    def _load(self) -> Tables:
        self._forget()
        try:
            with open(self.path, "rb") as handle:
                key = file_key(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            return self._fresh()
        except OSError as error:
            return self._set_aside(f"it could not be opened: {error.strerror or error}")
        try:
            tables = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return self._set_aside("it is not UTF-8 text")
        except ValueError as error:
            return self._set_aside(f"it is not valid JSON: {error}")
        if not isinstance(tables, dict):
            return self._set_aside(f"it holds a JSON {type(tables).__name__} instead of an object")
        try:
            version = migrations.read_version(tables)
        except ValueError as error:
            return self._set_aside(str(error))
        if version > migrations.current_version():
            raise StoreError(newer_format_message(self.path, version))
        upgraded = version < migrations.current_version()
        if upgraded:
            tables = self._migrate(tables, version)
        try:
            self._validate(tables)
        except ValueError as error:
            return self._set_aside(str(error))
        self._key = key
        self._tables = tables
        self.upgraded = upgraded
        return tables

    def _migrate(self, tables: Tables, version: int) -> Tables:
        try:
            return migrations.upgrade(self.kind, tables, version)
        except Exception as error:
            raise StoreError(
                f"Your progress file {self.path.name} could not be upgraded from data format "
                f"{version} to {migrations.current_version()} ({type(error).__name__}: {error}). "
                "It has not been changed; please report this problem."
            ) from error

    def _set_aside(self, reason: str) -> Tables:
        try:
            target = move_aside(self.path)
        except OSError as error:
            raise StoreError(
                f"Your progress file {self.path} could not be read ({reason}) and could not be "
                f"moved aside ({error.strerror or error}). Check the permissions of {self.path.parent}."
            ) from error
        self._notify(
            f"Your progress file {self.path.name} could not be read ({reason}) "
            f"and was moved to {target}; {self._lost}"
        )
        return self._fresh()
