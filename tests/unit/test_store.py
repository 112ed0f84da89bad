from __future__ import annotations

import importlib.util
import json
import math
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.store import (
    AnswerRecord,
    MemoryStore,
    Position,
    SectionRead,
    StoreError,
    open_store,
)
from course.store import files, layout, migrations
from course.store.tiny import TinyStore

REPO = Path(__file__).resolve().parents[2]
HELPER_PATH = Path(__file__).with_name("store_helpers.py")
_spec = importlib.util.spec_from_file_location("store_helpers", HELPER_PATH)
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)

_UNSET = object()


def make_answer(qid: str = "q1", module: str = "m1", choice=_UNSET, **extra) -> AnswerRecord:
    values = dict(
        question_id=qid,
        module_id=module,
        choice=[0] if choice is _UNSET else choice,
        correct=True,
        seconds=2.5,
        timestamp=1_700_000_000.25,
    )
    values.update(extra)
    return AnswerRecord(**values)


@pytest.fixture(params=["memory", "tiny"])
def store(request, tmp_path):
    made = MemoryStore() if request.param == "memory" else TinyStore(tmp_path / "progress")
    yield made
    made.close()


@pytest.fixture
def small_segments(monkeypatch):
    monkeypatch.setattr(layout, "SEGMENT_SIZE", 3)


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# -- behaviour shared by both stores -------------------------------------------


CHOICES = [[0, 2], [], 3.5, 7, True, False, None]


def test_answers_round_trip_exactly(store):
    recorded = [
        make_answer(f"q{i}", choice=choice, correct=i % 2 == 0, seconds=i + 0.125, mode="exam",
                    session_id="abc" if i else None, seed=i * 1000 if i % 2 else None)
        for i, choice in enumerate(CHOICES)
    ]
    for answer in recorded:
        store.record_answer(answer)
    back = store.answers()
    assert back == recorded
    assert [type(a.choice) for a in back] == [type(c) for c in CHOICES]


def test_tuple_choice_comes_back_as_list(store):
    store.record_answer(make_answer(choice=(1, 3)))
    assert store.answers()[0].choice == [1, 3]


def test_stored_lists_are_not_shared_with_the_caller(store):
    choice = [1]
    store.record_answer(make_answer(choice=choice))
    choice.append(2)
    store.answers()[0].choice.append(3)
    assert store.answers()[0].choice == [1]


@pytest.mark.parametrize("choice", [math.nan, math.inf, {1, 2}, "b", [True], [1.5]])
def test_unstorable_answer_is_refused_and_not_stored(store, choice):
    with pytest.raises(ValueError):
        store.record_answer(make_answer(choice=choice))
    assert store.answers() == []


def test_answers_filter_by_module_keeping_order(store):
    for i in range(6):
        store.record_answer(make_answer(f"q{i}", module=f"m{i % 2}"))
    assert [a.question_id for a in store.answers("m1")] == ["q1", "q3", "q5"]
    assert store.answers("nope") == []


def test_mark_read_twice_keeps_one_record_and_first_time(store):
    store.mark_read("m1", "l1", "s1")
    first = store.sections_read()
    store.mark_read("m1", "l1", "s1")
    assert store.sections_read() == [SectionRead("m1", "l1", "s1")]
    assert store.sections_read()[0].timestamp == first[0].timestamp > 0


def test_sections_read_filter_by_module(store):
    store.mark_read("m1", "l1", "s1")
    store.mark_read("m2", "l1", "s1")
    store.mark_read("m1", "l1", "s2")
    assert store.sections_read("m1") == [SectionRead("m1", "l1", "s1"), SectionRead("m1", "l1", "s2")]
    assert len(store.sections_read()) == 3


def test_sessions_start_unique_and_finish(store):
    first = store.start_session("practice", ["m1", "m2"], 10)
    second = store.start_session("exam", ["m1"], 65)
    assert first != second and len(first) == 32 and int(first, 16) >= 0
    started = store.sessions()
    assert [(s.session_id, s.mode, s.module_ids, s.question_count) for s in started] == [
        (first, "practice", ["m1", "m2"], 10),
        (second, "exam", ["m1"], 65),
    ]
    assert all(s.finished is None and s.asked == 0 and s.started > 0 for s in started)
    store.finish_session(second, asked=60, correct=45)
    done = {s.session_id: s for s in store.sessions()}
    assert done[second].finished >= done[second].started
    assert (done[second].asked, done[second].correct) == (60, 45)
    assert done[first].finished is None


def test_finish_unknown_session_raises(store):
    with pytest.raises(KeyError):
        store.finish_session("missing", 1, 1)


def test_position_is_one_record_that_is_replaced(store):
    assert store.position() is None
    store.set_position(Position("lesson", "m1", "l1", "s1", updated=5.5))
    assert store.position() == Position("lesson", "m1", "l1", "s1", updated=5.5)
    store.set_position(Position("quiz", "m2"))
    assert store.position() == Position("quiz", "m2")


def _fill(store) -> tuple[str, str]:
    for i in range(4):
        store.record_answer(make_answer(f"q{i}", module=f"m{i % 2}"))
    store.mark_read("m0", "l", "s")
    store.mark_read("m1", "l", "s")
    only_m0 = store.start_session("practice", ["m0"], 5)
    mixed = store.start_session("practice", ["m0", "m1"], 5)
    return only_m0, mixed


def test_reset_everything(store):
    _fill(store)
    store.set_position(Position("lesson", "m0", "l", "s"))
    store.reset()
    assert (store.answers(), store.sections_read(), store.sessions(), store.position()) == ([], [], [], None)
    store.record_answer(make_answer("again"))
    assert [a.question_id for a in store.answers()] == ["again"]


def test_reset_one_module_keeps_the_others(store):
    only_m0, mixed = _fill(store)
    store.set_position(Position("lesson", "m0", "l", "s"))
    store.reset("m0")
    assert [a.question_id for a in store.answers()] == ["q1", "q3"]
    assert store.sections_read() == [SectionRead("m1", "l", "s")]
    assert [s.session_id for s in store.sessions()] == [mixed]
    assert store.position() is None


def test_reset_other_module_keeps_position(store):
    _fill(store)
    store.set_position(Position("lesson", "m1", "l", "s"))
    store.reset("m0")
    assert store.position() == Position("lesson", "m1", "l", "s")


def test_closed_store_refuses_work(store):
    store.close()
    with pytest.raises(StoreError):
        store.answers()


# -- the file store --------------------------------------------------------------


def test_everything_survives_reopening(tmp_path):
    directory = tmp_path / "progress"
    with TinyStore(directory) as first:
        for i, choice in enumerate(CHOICES):
            first.record_answer(make_answer(f"q{i}", choice=choice, seed=i))
        first.mark_read("m1", "l1", "s1")
        session = first.start_session("exam", ["m1"], 3)
        first.finish_session(session, 3, 2)
        first.set_position(Position("quiz", "m1", updated=9.0))
        expected = (first.answers(), first.sections_read(), first.sessions(), first.position())
    with TinyStore(directory) as second:
        again = (second.answers(), second.sections_read(), second.sessions(), second.position())
        assert again == expected
        assert [s.timestamp for s in again[1]] == [s.timestamp for s in expected[1]]
        assert second.notices == []
    assert read_json(directory / "meta.json")["store"] == {"1": {"schema_version": 1}}


def test_answers_are_split_into_bounded_segments(tmp_path, small_segments):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        for i in range(10):
            store.record_answer(make_answer(f"q{i}"))
    names = sorted(p.name for p in directory.glob("answers-*.json"))
    assert names == [f"answers-00000{n}.json" for n in (1, 2, 3, 4)]
    sizes = [len(read_json(directory / name)["answers"]) for name in names]
    assert sizes == [3, 3, 3, 1]
    with TinyStore(directory) as store:
        assert [a.question_id for a in store.answers()] == [f"q{i}" for i in range(10)]


def test_recording_rewrites_only_the_newest_segment(tmp_path, small_segments):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        for i in range(7):
            store.record_answer(make_answer(f"q{i}"))
        before = {p.name: p.stat().st_mtime_ns for p in directory.glob("*.json")}
        store.record_answer(make_answer("q7"))
        after = {p.name: p.stat().st_mtime_ns for p in directory.glob("*.json")}
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert changed == ["answers-000003.json"]


def test_module_reset_drops_emptied_segments(tmp_path, small_segments):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        for i, module in enumerate(["a", "a", "a", "a", "b", "a", "b"]):
            store.record_answer(make_answer(f"q{i}", module=module))
        store.reset("a")
        assert sorted(p.name for p in directory.glob("answers-*.json")) == ["answers-000002.json", "answers-000003.json"]
        store.record_answer(make_answer("q7", module="a"))
        assert [a.question_id for a in store.answers()] == ["q4", "q6", "q7"]


def test_two_open_stores_see_each_others_writes(tmp_path):
    directory = tmp_path / "progress"
    with TinyStore(directory) as one, TinyStore(directory) as two:
        one.record_answer(make_answer("from-one"))
        two.record_answer(make_answer("from-two"))
        assert [a.question_id for a in one.answers()] == ["from-one", "from-two"]
        session = one.start_session("practice", ["m1"], 2)
        two.finish_session(session, 2, 1)
        assert one.sessions()[0].correct == 1
        # Same-length rewrites in quick succession must not look unchanged.
        for section in ("s1", "s2", "s3", "s4"):
            one.set_position(Position("lesson", "m1", "l1", section))
            assert two.position().section_id == section
        two.reset()
        assert one.answers() == [] and one.position() is None


def test_writes_are_fsynced_then_renamed_then_directory_fsynced(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", Path(dst).name))
        real_replace(src, dst)

    with TinyStore(tmp_path / "progress") as store:
        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        store.record_answer(make_answer())
    assert events == ["fsync-file", ("replace", "answers-000001.json"), "fsync-dir"]


def test_each_rewrite_gets_a_later_mtime_even_if_the_clock_has_not_moved(tmp_path):
    # Readers reuse a parsed file while (mtime, size, inode) is unchanged; on a
    # coarse filesystem clock a rewrite could otherwise carry the old mtime.
    path = tmp_path / "meta.json"
    files.atomic_write(path, b"{}")
    ahead = time.time_ns() + 10**10
    os.utime(path, ns=(ahead, ahead))
    first = files.atomic_write(path, b"[]", path.stat().st_mtime_ns).st_mtime_ns
    second = files.atomic_write(path, b"{}", first).st_mtime_ns
    assert ahead < first < second


def test_failed_write_is_not_acknowledged_and_leaves_no_trace(tmp_path, monkeypatch):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        store.record_answer(make_answer("kept"))

        def broken_replace(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError):
            store.record_answer(make_answer("lost"))
        monkeypatch.undo()
        assert [a.question_id for a in store.answers()] == ["kept"]
        store.record_answer(make_answer("next"))
        assert [a.question_id for a in store.answers()] == ["kept", "next"]
    assert not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_leftover_temp_files_are_removed_on_open(tmp_path):
    directory = tmp_path / "progress"
    TinyStore(directory).close()
    stale = directory / ".answers-000001.json.x1y2z3.tmp"
    stale.write_text("half a write")
    foreign = directory / ".notes.tmp"
    foreign.write_text("not ours")
    TinyStore(directory).close()
    assert not stale.exists() and foreign.exists()


def test_open_store_defaults_to_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("COLDSTART_HOME", str(tmp_path / "home"))
    store = open_store()
    try:
        store.record_answer(make_answer())
    finally:
        store.close()
    assert (tmp_path / "home" / "progress" / "meta.json").is_file()
    assert (tmp_path / "home" / "progress" / "answers-000001.json").is_file()


def test_importing_the_package_does_not_load_tinydb():
    code = "import sys, course.store; print('tinydb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- damaged files -----------------------------------------------------------------


def _valid_meta_text(directory: Path) -> str:
    with TinyStore(directory) as store:
        store.mark_read("m1", "l1", "s1")
        store.set_position(Position("lesson", "m1", "l1", "s1"))
    return (directory / "meta.json").read_text(encoding="utf-8")


GARBAGE = {
    "not json": b"{this is not json",
    "empty": b"",
    "binary": b"\xff\xfe\x00garbage",
    "a list": b"[1, 2, 3]",
    "no version": b'{"sections": {}}',
    "bad version": b'{"store": {"1": {"schema_version": "one"}}}',
    "bad table": b'{"store": {"1": {"schema_version": 1}}, "sections": [1]}',
    "bad record": b'{"store": {"1": {"schema_version": 1}}, "sessions": {"1": {"mode": "x"}}}',
    "bad doc id": b'{"store": {"1": {"schema_version": 1}}, "sections": {"x": {}}}',
}


@pytest.mark.parametrize("content", list(GARBAGE.values()) + ["truncated"], ids=list(GARBAGE) + ["truncated"])
def test_damaged_meta_is_moved_aside_and_store_starts_fresh(tmp_path, content):
    directory = tmp_path / "progress"
    text = _valid_meta_text(directory)
    damaged = text[: len(text) // 2].encode() if content == "truncated" else content
    (directory / "meta.json").write_bytes(damaged)
    with TinyStore(directory) as store:
        aside = list(directory.glob("meta.json.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes() == damaged
        assert len(store.notices) == 1
        assert "meta.json could not be read" in store.notices[0]
        assert str(aside[0]) in store.notices[0] and "starting fresh" in store.notices[0]
        assert store.sections_read() == [] and store.position() is None
        store.mark_read("m2", "l", "s")
    with TinyStore(directory) as store:
        assert store.sections_read() == [SectionRead("m2", "l", "s")] and store.notices == []


def test_damaged_segment_loses_only_its_answers(tmp_path, small_segments):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        for i in range(8):
            store.record_answer(make_answer(f"q{i}"))
        store.mark_read("m1", "l", "s")
    (directory / "answers-000002.json").write_text('{"store": {"1": {"schema_version": 1}}, "answers": {"1": {}}}')
    (directory / "answers-000003.json").write_bytes(b"\x00" * 40)
    with TinyStore(directory) as store:
        assert [a.question_id for a in store.answers()] == ["q0", "q1", "q2"]
        assert len(store.notices) == 2
        assert all("the answers it held are missing" in notice for notice in store.notices)
        assert "answers-000002.json" in store.notices[0] and "answers-000003.json" in store.notices[1]
        assert store.sections_read() == [SectionRead("m1", "l", "s")]
        store.record_answer(make_answer("q8"))
        assert [a.question_id for a in store.answers()] == ["q0", "q1", "q2", "q8"]
    assert len(list(directory.glob("answers-00000[23].json.corrupt-*"))) == 2


def test_damage_while_running_is_caught_on_next_read(tmp_path):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        store.mark_read("m1", "l", "s")
        (directory / "meta.json").write_text("oops")
        assert store.sections_read() == []
        assert len(store.notices) == 1 and "meta.json" in store.notices[0]
        store.mark_read("m1", "l", "t")
        assert store.sections_read() == [SectionRead("m1", "l", "t")]


def test_two_damaged_files_in_one_second_are_both_kept(tmp_path):
    path = tmp_path / "meta.json"
    path.write_text("first")
    one = files.move_aside(path)
    path.write_text("second")
    two = files.move_aside(path)
    assert one != two and one.read_text() == "first" and two.read_text() == "second"


# -- format versions -----------------------------------------------------------------


def _rename_module(kind, tables):
    """A stand-in migration: module "old" became "new" in every record."""
    for name, table in tables.items():
        if name == "store":
            continue
        for doc in table.values():
            if doc.get("module_id") == "old":
                doc["module_id"] = "new"
            if "module_ids" in doc:
                doc["module_ids"] = ["new" if m == "old" else m for m in doc["module_ids"]]
    return tables


def _old_store(directory: Path, small_segments) -> None:
    with TinyStore(directory) as store:
        for i in range(5):
            store.record_answer(make_answer(f"q{i}", module="old"))
        store.mark_read("old", "l", "s")
        store.start_session("practice", ["old", "x"], 4)
        store.set_position(Position("lesson", "old", "l", "s"))


def _pretend_version(monkeypatch, version, steps):
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", version)
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)


def test_migration_runs_on_open_and_is_written_back(tmp_path, monkeypatch, small_segments):
    directory = tmp_path / "progress"
    _old_store(directory, small_segments)
    calls = []

    def step(kind, tables):
        calls.append(kind)
        return _rename_module(kind, tables)

    _pretend_version(monkeypatch, 2, {1: step})
    with TinyStore(directory) as store:
        assert {a.module_id for a in store.answers()} == {"new"}
        assert store.sections_read() == [SectionRead("new", "l", "s")]
        assert store.sessions()[0].module_ids == ["new", "x"]
        assert store.position().module_id == "new"
    assert sorted(calls) == ["answers", "answers", "meta"]
    for path in directory.glob("*.json"):
        data = read_json(path)
        assert data["store"] == {"1": {"schema_version": 2}}
        assert "old" not in json.dumps(data)
    with TinyStore(directory):
        pass
    assert len(calls) == 3


def test_migrations_chain_in_order(tmp_path, monkeypatch):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        store.record_answer(make_answer(mode="practice"))
    seen = []

    def one_to_two(kind, tables):
        seen.append((1, kind))
        for doc in tables.get("answers", {}).values():
            doc["mode"] += "-v2"
        return tables

    def two_to_three(kind, tables):
        seen.append((2, kind))
        for doc in tables.get("answers", {}).values():
            doc["mode"] += "-v3"
        return tables

    _pretend_version(monkeypatch, 3, {1: one_to_two, 2: two_to_three})
    with TinyStore(directory) as store:
        assert store.answers()[0].mode == "practice-v2-v3"
    assert seen == [(1, "meta"), (2, "meta"), (1, "answers"), (2, "answers")]


def test_interrupted_upgrade_finishes_without_migrating_twice(tmp_path, monkeypatch, small_segments):
    directory = tmp_path / "progress"
    _old_store(directory, small_segments)
    first = directory / "answers-000001.json"
    upgraded = _rename_module("answers", read_json(first))
    upgraded["store"] = {"1": {"schema_version": 2}}
    first.write_text(json.dumps(upgraded))
    calls = []

    def step(kind, tables):
        calls.append(kind)
        return _rename_module(kind, tables)

    _pretend_version(monkeypatch, 2, {1: step})
    with TinyStore(directory) as store:
        assert [a.module_id for a in store.answers()] == ["new"] * 5
    assert sorted(calls) == ["answers", "meta"]


@pytest.mark.parametrize("name", ["meta.json", "answers-000001.json"])
def test_newer_format_is_refused_and_left_untouched(tmp_path, name):
    directory = tmp_path / "progress"
    with TinyStore(directory) as store:
        store.record_answer(make_answer())
    path = directory / name
    data = read_json(path)
    data["store"] = {"1": {"schema_version": 99}}
    path.write_text(json.dumps(data))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    listing = sorted(os.listdir(directory))
    with pytest.raises(StoreError, match="newer version of Coldstart") as raised:
        TinyStore(directory)
    assert "update Coldstart" in str(raised.value) and "99" in str(raised.value)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(os.listdir(directory)) == listing


def test_missing_migration_step_refuses_without_touching(tmp_path, monkeypatch):
    directory = tmp_path / "progress"
    TinyStore(directory).close()
    before = (directory / "meta.json").read_bytes()
    _pretend_version(monkeypatch, 3, {2: _rename_module})
    with pytest.raises(StoreError, match="could not be upgraded"):
        TinyStore(directory)
    assert (directory / "meta.json").read_bytes() == before


# -- several processes -----------------------------------------------------------------


def _writer(directory: Path, tag: str, count: int, segment_size: int, *barrier: str) -> subprocess.Popen:
    command = [sys.executable, str(HELPER_PATH), "writer", str(directory), tag, str(count), str(segment_size), *barrier]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
@pytest.mark.parametrize("kill_after", [1, 4, 11, 29, 64])
def test_every_acknowledged_write_survives_kill_9(tmp_path, kill_after):
    directory = tmp_path / "progress"
    jitter = random.Random(kill_after)
    for attempt in range(3):
        process = _writer(directory, f"w{attempt}", 100_000, 5)
        acknowledged = [int(process.stdout.readline()) for _ in range(kill_after)]
        # Land the kill at varying points inside the next write.
        for _ in range(jitter.randrange(0, 3000)):
            pass
        process.send_signal(signal.SIGKILL)
        process.wait()
        acknowledged.extend(int(line) for line in process.stdout.read().split())
        process.stdout.close()
        process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        assert acknowledged == list(range(len(acknowledged)))
        with TinyStore(directory) as store:
            assert store.notices == []
            tag = f"w{attempt}"
            stored = [a.question_id for a in store.answers(tag)]
            # Everything acknowledged, in order; at most the one unacknowledged write beyond.
            assert stored[: len(acknowledged)] == [helpers.answer_id(tag, i) for i in acknowledged]
            assert len(stored) - len(acknowledged) in (0, 1)
            read = {s.section_id for s in store.sections_read(tag)}
            assert {helpers.section_id(tag, i) for i in acknowledged if i % 3 == 0} <= read
        assert not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_two_processes_never_lose_each_others_updates(tmp_path):
    directory = tmp_path / "progress"
    barrier = tmp_path / "barrier"
    count = 150
    writers = [_writer(directory, tag, count, 16, str(barrier), "2") for tag in ("a", "b")]
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.split() == [str(i) for i in range(count)]
    with TinyStore(directory) as store:
        answers = store.answers()
        assert len(answers) == 2 * count
        for tag in ("a", "b"):
            assert [a.question_id for a in answers if a.module_id == tag] == [
                helpers.answer_id(tag, i) for i in range(count)
            ]
            assert len(store.sections_read(tag)) == len(range(0, count, 3))
            assert sum(s.module_ids == [tag] for s in store.sessions()) == len(range(0, count, 10))
        order = "".join(a.module_id for a in answers)
        assert "ab" in order and "ba" in order, "the writers did not overlap, so locking went untested"


def test_exercise_attempts_round_trip_and_reset_by_module(store):
    from course.store import AttemptRecord

    first = AttemptRecord("lambda-right-size", "lambda", False, 1, 3, 10.0)
    second = AttemptRecord("lambda-right-size", "lambda", True, 3, 3, 20.0)
    other = AttemptRecord("ddb-keys", "dynamodb", False, 0, 0, 30.0, invalid=True)
    for attempt in (first, second, other):
        store.record_attempt(attempt)
    assert store.attempts("lambda-right-size") == [first, second]
    assert store.attempts() == [first, second, other]
    store.reset("lambda")
    assert store.attempts() == [other]
    store.reset()
    assert store.attempts() == []


def test_attempts_survive_reopening(tmp_path):
    from course.store import AttemptRecord, TinyStore

    with TinyStore(tmp_path / "p") as store:
        store.record_attempt(AttemptRecord("x", "lambda", True, 2, 2, 1.0))
    with TinyStore(tmp_path / "p") as store:
        assert [a.passed for a in store.attempts("x")] == [True]
