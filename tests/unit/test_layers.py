"""Layering: the model layers never import Textual, and heavy imports stay lazy."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import MINIMAL, ROOT


def imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('MODULES', *sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                         stdin=subprocess.DEVNULL)
    return set(out.stdout.split("MODULES", 1)[1].split())


def test_content_quiz_and_store_do_not_import_textual():
    modules = imported_after(
        "import course.content.loader, course.content.cache, course.quiz.engine, course.quiz.plain, "
        "course.quiz.progress, course.store.tiny, course.store.memory"
    )
    assert not {m for m in modules if m.split(".")[0] == "textual"}


def test_the_app_module_does_not_import_yaml_or_tinydb():
    """A cached pack and an unopened store must not pay for PyYAML or TinyDB at start-up."""
    modules = imported_after("import course.app, course.screens.home, course.content.cache")
    assert "yaml" not in modules
    assert "tinydb" not in modules


def test_plain_cli_does_not_import_textual():
    modules = imported_after(
        f"from course.cli import main\nmain(['--pack', {str(MINIMAL)!r}, 'quiz', '--plain', '--count', '2'])"
    )
    assert "course.quiz.plain" in modules
    assert not {m for m in modules if m.split(".")[0] == "textual"}
