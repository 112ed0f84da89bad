from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINIMAL = DATA / "good" / "minimal"


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data directory; nothing touches the learner's real progress."""
    home = tmp_path / "home"
    monkeypatch.setenv("COLDSTART_HOME", str(home))
    return home


@pytest.fixture
def minimal_pack():
    from course.content import load_pack

    result = load_pack(MINIMAL)
    assert result.ok, result.problems
    return result.pack
