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


#: What each layer may import from the rest of the package (design: nothing imports upward).
ALLOWED = {
    "content": {"content", "paths"},
    "sim": {"sim", "content"},
    "grading": {"grading", "sim", "content"},
    "quiz": {"quiz", "content", "store"},
    "store": {"store", "paths"},
}


def _course_imports(path):
    """The ``course.<top>`` packages a module imports, wherever in the module the import is."""
    import ast

    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "course" and len(parts) > 1:
                yield parts[1], node.lineno


def test_no_layer_imports_a_layer_above_it():
    upward = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((ROOT / "course" / layer).rglob("*.py")):
            for top, line in _course_imports(path):
                if top not in allowed:
                    upward.append(f"{path.relative_to(ROOT)}:{line}: imports course.{top}")
    assert upward == []


def test_the_layer_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from course.grading import grade\n")
    assert list(_course_imports(bad)) == [("grading", 2)]


def test_the_simulator_and_grading_do_not_import_textual():
    modules = imported_after(
        "import course.sim, course.sim.template, course.grading.runner, course.grading.vocabulary\n"
        "from course.sim.registry import rooms\n"
        "for room in ('models', 'errors', 'resources', 'steps'):\n    rooms(room)\n"
        "course.grading.vocabulary.vocabulary()"
    )
    assert "course.sim.awslambda.models" in modules and "course.grading.runner" in modules
    assert not {m for m in modules if m.split(".")[0] == "textual"}
