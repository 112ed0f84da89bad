"""The progress store used by the app: TinyDB tables spread over a few JSON files.

Every public method takes the directory's file lock, re-checks the files it
touches against the disk (cheap: a stat per file unless another process wrote
it) and, for a change, rewrites just one file atomically before returning. So a
returned call is on disk, and two Coldstart processes never overwrite each
other's progress.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where
from tinydb.table import Document, Table

from . import layout, records
from .api import AnswerRecord, AttemptRecord, Position, SectionRead, SessionRecord
from .errors import StoreError
from .files import fsync_directory, remove_stale_temp_files
from .lock import FileLock
from .storage import AtomicJSONStorage

_META_LOST = "starting fresh."
_SEGMENT_LOST = "the answers it held are missing from your history, the rest of your progress is kept."


def _in_order(docs: list[Document]) -> list[Document]:
    return sorted(docs, key=lambda doc: doc.doc_id)


class TinyStore:
    """Progress kept in ``directory``: ``meta.json`` plus ``answers-NNNNNN.json`` segments."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.notices: list[str] = []
        self._dbs: dict[str, TinyDB] = {}
        self._closed = False
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                fsync_directory(self.directory.parent)
            self._lock = FileLock(self.directory / layout.LOCK_NAME)
        except OSError as error:
            raise StoreError(
                f"Coldstart could not open its progress folder {self.directory} "
                f"({error.strerror or error}). Check that it exists and that you may write to it."
            ) from error
        try:
            with self._lock.held():
                remove_stale_temp_files(self.directory, layout.OWN_FILES)
                self._load_everything()
        except BaseException:
            self._lock.close()
            raise

    # -- plumbing -----------------------------------------------------------

    def _load_everything(self) -> None:
        """Read every file at start so damage or a too-new format shows up now, not mid-quiz.

        Migrated files are written back here: segments first and meta last, each
        file atomically and carrying its own version, so an interrupted upgrade
        resumes cleanly on the next start.
        """
        meta = self._storage(layout.META_NAME)
        segments = [self._storage(layout.segment_name(n)) for n in layout.segment_numbers(self.directory)]
        for storage in [meta, *segments]:
            storage.read()
        for storage in segments:
            if storage.upgraded:
                storage.write(storage.read())
        if meta.upgraded or not meta.exists():
            meta.write(meta.read())

    def _db(self, name: str) -> TinyDB:
        db = self._dbs.get(name)
        if db is None:
            is_meta = name == layout.META_NAME
            db = TinyDB(
                str(self.directory / name),
                storage=AtomicJSONStorage,
                kind="meta" if is_meta else "answers",
                validate=layout.validate_meta if is_meta else layout.validate_segment,
                notify=self.notices.append,
                lost=_META_LOST if is_meta else _SEGMENT_LOST,
            )
            self._dbs[name] = db
        return db

    def _storage(self, name: str) -> AtomicJSONStorage:
        return self._db(name).storage  # type: ignore[return-value]

    def _table(self, file_name: str, table_name: str) -> Table:
        # A fresh Table per operation: TinyDB's Table remembers the next document
        # id and caches queries, both of which go stale when another process writes.
        return Table(self._db(file_name).storage, table_name, cache_size=0)

    def _meta(self, table_name: str) -> Table:
        return self._table(layout.META_NAME, table_name)

    def _segment(self, number: int) -> Table:
        return self._table(layout.segment_name(number), layout.ANSWERS)

    def _forget_file(self, name: str) -> None:
        db = self._dbs.pop(name, None)
        if db is not None:
            db.close()

    @contextmanager
    def _op(self) -> Iterator[None]:
        if self._closed:
            raise StoreError("The progress store was closed; progress can no longer be read or saved.")
        with self._lock.held():
            yield

    # -- sections read ------------------------------------------------------

    def mark_read(self, module_id: str, lesson_id: str, section_id: str) -> None:
        """Keep the first time a section was read; marking again changes nothing on disk."""
        records.check_ids(module_id, lesson_id, section_id)
        doc = records.section_to_doc(SectionRead(module_id, lesson_id, section_id, time.time()))
        same = (
            (where("module_id") == module_id)
            & (where("lesson_id") == lesson_id)
            & (where("section_id") == section_id)
        )
        with self._op():
            table = self._meta(layout.SECTIONS)
            if not table.contains(same):
                table.insert(doc)

    def sections_read(self, module_id: str | None = None) -> list[SectionRead]:
        with self._op():
            table = self._meta(layout.SECTIONS)
            docs = table.all() if module_id is None else table.search(where("module_id") == module_id)
            return [records.section_from_doc(doc) for doc in _in_order(docs)]

    # -- answers ------------------------------------------------------------

    def record_answer(self, answer: AnswerRecord) -> None:
        """Append to the newest segment, starting a new one when it is full."""
        doc = records.answer_to_doc(answer)
        with self._op():
            numbers = layout.segment_numbers(self.directory)
            number = numbers[-1] if numbers else 1
            table = self._segment(number)
            if len(table) >= layout.SEGMENT_SIZE:
                number += 1
                table = self._segment(number)
            table.insert(doc)

    def answers(self, module_id: str | None = None) -> list[AnswerRecord]:
        result: list[AnswerRecord] = []
        with self._op():
            for number in layout.segment_numbers(self.directory):
                table = self._segment(number)
                docs = table.all() if module_id is None else table.search(where("module_id") == module_id)
                result.extend(records.answer_from_doc(doc) for doc in _in_order(docs))
        return result

    # -- quiz sessions ------------------------------------------------------

    def start_session(self, mode: str, module_ids: list[str], question_count: int) -> str:
        session_id = uuid.uuid4().hex
        doc = records.new_session_doc(session_id, mode, module_ids, question_count, time.time())
        with self._op():
            self._meta(layout.SESSIONS).insert(doc)
        return session_id

    def finish_session(self, session_id: str, asked: int, correct: int) -> None:
        """Raise KeyError for an unknown id rather than silently dropping the score."""
        records.check_finish(asked, correct)
        fields = {"finished": time.time(), "asked": asked, "correct": correct}
        with self._op():
            table = self._meta(layout.SESSIONS)
            if not table.contains(where("session_id") == session_id):
                raise KeyError(session_id)
            table.update(fields, where("session_id") == session_id)

    def sessions(self) -> list[SessionRecord]:
        with self._op():
            docs = self._meta(layout.SESSIONS).all()
            return [records.session_from_doc(doc) for doc in _in_order(docs)]

    # -- exercise attempts --------------------------------------------------

    def record_attempt(self, attempt: AttemptRecord) -> None:
        doc = records.attempt_to_doc(attempt)
        with self._op():
            self._meta(layout.ATTEMPTS).insert(doc)

    def attempts(self, exercise_id: str | None = None) -> list[AttemptRecord]:
        with self._op():
            table = self._meta(layout.ATTEMPTS)
            docs = table.all() if exercise_id is None else table.search(where("exercise_id") == exercise_id)
            return [records.attempt_from_doc(doc) for doc in _in_order(docs)]

    # -- position -----------------------------------------------------------

    def set_position(self, position: Position) -> None:
        doc = records.position_to_doc(position)
        with self._op():
            table = self._meta(layout.POSITION)
            current = table.all()
            if current:
                table.update(doc, doc_ids=[current[0].doc_id])
            else:
                table.insert(doc)

    def position(self) -> Position | None:
        with self._op():
            docs = self._meta(layout.POSITION).all()
            return records.position_from_doc(docs[0]) if docs else None

    # -- reset --------------------------------------------------------------

    def reset(self, module_id: str | None = None) -> None:
        """Forget everything, or one module's answers, sections, position and own sessions."""
        with self._op():
            if module_id is None:
                self._reset_all()
            else:
                self._reset_module(module_id)

    def _reset_all(self) -> None:
        # Newest segment first: if interrupted, what is left is still an unbroken history.
        for number in reversed(layout.segment_numbers(self.directory)):
            name = layout.segment_name(number)
            self._forget_file(name)
            os.unlink(self.directory / name)
        fsync_directory(self.directory)
        self._db(layout.META_NAME).drop_tables()

    def _reset_module(self, module_id: str) -> None:
        in_module = where("module_id") == module_id
        emptied = False
        for number in layout.segment_numbers(self.directory):
            table = self._segment(number)
            matching = table.count(in_module)
            if matching == 0:
                continue
            if matching == len(table):
                name = layout.segment_name(number)
                self._forget_file(name)
                os.unlink(self.directory / name)
                emptied = True
            else:
                table.remove(in_module)
        if emptied:
            fsync_directory(self.directory)
        sections = self._meta(layout.SECTIONS)
        if sections.contains(in_module):
            sections.remove(in_module)
        attempts = self._meta(layout.ATTEMPTS)
        if attempts.contains(in_module):
            attempts.remove(in_module)
        sessions = self._meta(layout.SESSIONS)
        own = sessions.search(_SessionOnly(module_id))
        if own:
            sessions.remove(doc_ids=[doc.doc_id for doc in own])
        position = self._meta(layout.POSITION)
        if position.contains(in_module):
            position.truncate()

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        with self._lock.held():
            # Under the lock so a worker thread mid-operation finishes first.
            self._closed = True
            for name in list(self._dbs):
                self._forget_file(name)
        self._lock.close()

    def __enter__(self) -> TinyStore:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class _SessionOnly:
    """TinyDB condition: the session drew only from ``module_id``."""

    def __init__(self, module_id: str) -> None:
        self.module_id = module_id

    def __call__(self, doc: dict[str, Any]) -> bool:
        return records.session_only_covers(doc, self.module_id)

    def is_cacheable(self) -> bool:
        return False
