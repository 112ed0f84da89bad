"""The plain command line: modules, quiz --plain, validate, progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from course import __version__
from course.cli import main
from tests.conftest import DATA, MINIMAL

PACK = ["--pack", str(MINIMAL)]


def run(capsys, argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_via_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "course", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.strip() == f"coldstart {__version__}"


def test_modules_json(capsys):
    code, out, _ = run(capsys, PACK + ["modules", "--json"])
    assert code == 0
    (row,) = json.loads(out)
    assert row["id"] == "demo" and row["sections"] == 2 and row["questions"] == 6
    assert row["progress"]["sections_read"] == 0 and row["progress"]["accuracy"] is None


def test_modules_table(capsys):
    code, out, _ = run(capsys, PACK + ["modules"])
    assert code == 0 and "Demo service" in out and "0/2" in out


def right_answers(pack, count: int, seed: int) -> list[str]:
    """The lines that answer a seeded plain quiz correctly (the same selection the CLI makes)."""
    import random

    from course.quiz.engine import correct_indexes, select_questions
    from course.store import MemoryStore

    lines = []
    for question in select_questions(pack, MemoryStore(), ["demo"], count, False, random.Random(seed)):
        if question.type == "numeric":
            lines.append(repr(question.answer))
        else:
            lines.append(",".join(str(i + 1) for i in correct_indexes(question)))
    return lines


def test_plain_quiz_records_answers_and_reasks_invalid(capsys, monkeypatch, minimal_pack):
    lines = ["zzz"] + right_answers(minimal_pack, 2, 5)
    code, out, _ = run(capsys, PACK + ["quiz", "--module", "demo", "--count", "2", "--plain", "--seed", "5"],
                       stdin="\n".join(lines) + "\n", monkeypatch=monkeypatch)
    assert code == 0
    assert "Not accepted:" in out
    assert "Question 1 of 2" in out and "Question 2 of 2" in out
    assert "Score:" in out and "Source: https://" in out
    code, out, _ = run(capsys, PACK + ["modules", "--json"])
    assert json.loads(out)[0]["progress"]["answered"] == 2
    from course.store import open_store

    store = open_store()
    answers = store.answers("demo")
    (session,) = store.sessions()
    store.close()
    assert all(a.correct and a.mode == "practice" and a.session_id == session.session_id for a in answers)
    assert (session.asked, session.correct, session.finished is not None) == (2, 2, True)


def test_plain_quiz_end_of_input_scores_what_was_answered(capsys, monkeypatch):
    code, out, _ = run(capsys, PACK + ["quiz", "--module", "demo", "--count", "5", "--plain", "--seed", "1"],
                       stdin="", monkeypatch=monkeypatch)
    assert code == 0
    assert "Input ended" in out and "Score: 0 of 0" in out


def test_plain_quiz_every_answer_right(capsys, monkeypatch, minimal_pack):
    """Answer each question correctly by reading it back from the pack: the score must be full."""
    lines = right_answers(minimal_pack, 6, 9)
    code, out, _ = run(capsys, PACK + ["quiz", "--module", "demo", "--count", "6", "--plain", "--seed", "9"],
                       stdin="\n".join(lines) + "\n", monkeypatch=monkeypatch)
    assert "Score: 6 of 6 (100%)" in out, out


def test_plain_quiz_wrong_answer_shows_the_right_one(capsys, monkeypatch, minimal_pack):
    (line,) = right_answers(minimal_pack, 1, 4)
    wrong = "12345" if "," not in line and "." in line else ("3" if line != "3" else "2")
    code, out, _ = run(capsys, PACK + ["quiz", "--module", "demo", "--count", "1", "--plain", "--seed", "4"],
                       stdin=wrong + "\n", monkeypatch=monkeypatch)
    assert "Incorrect. The answer is:" in out and "Score: 0 of 1" in out and "Missed:" in out


def test_unknown_module_is_an_error_with_suggestion(capsys):
    code, _, err = run(capsys, PACK + ["quiz", "--module", "dmeo", "--plain"])
    assert code == 2
    assert "no module 'dmeo' (did you mean 'demo'?)" in err


def test_validate_clean_and_broken(capsys):
    code, out, _ = run(capsys, ["validate", str(MINIMAL)])
    assert code == 0 and "ok" in out
    broken = sorted(p for p in (DATA / "bad").iterdir() if p.is_dir())
    if not broken:
        pytest.skip("no broken packs in the corpus")
    code, out, err = run(capsys, ["validate", str(broken[0])])
    assert code == 1 and out.strip() and "problem" in err


def test_validate_bundled_course(capsys):
    code, out, _ = run(capsys, ["validate"])
    assert code == 0, out


def test_progress_and_reset(capsys, monkeypatch):
    run(capsys, PACK + ["quiz", "--module", "demo", "--count", "1", "--plain", "--seed", "2"],
        stdin="1\n", monkeypatch=monkeypatch)
    code, out, _ = run(capsys, PACK + ["progress"])
    assert code == 0 and "Questions answered: 1" in out
    code, out, _ = run(capsys, PACK + ["progress", "reset"], stdin="n\n", monkeypatch=monkeypatch)
    assert code == 1 and "Nothing was changed" in out
    code, out, _ = run(capsys, PACK + ["progress"])
    assert "Questions answered: 1" in out
    code, out, _ = run(capsys, PACK + ["progress", "reset", "--module", "demo", "--yes"])
    assert code == 0 and "Forgot progress for module 'demo'" in out
    code, out, _ = run(capsys, PACK + ["progress"])
    assert "Questions answered: 0" in out


def test_broken_pack_refuses_to_start(capsys):
    broken = sorted(p for p in (DATA / "bad").iterdir() if p.is_dir()) if (DATA / "bad").is_dir() else []
    if not broken:
        pytest.skip("no broken packs in the corpus")
    code, _, err = run(capsys, ["--pack", str(broken[0]), "modules"])
    assert code == 2 and "coldstart validate" in err
