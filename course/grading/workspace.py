"""A learner's workspace: the folder holding their copy of an exercise's files.

The last check's outcome is also written into the workspace, so that tools
looking only at the folder can tell how it stands.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from course.content.exercises import Exercise

RESULT_FILE = ".coldstart-result.json"


class WorkspaceExists(Exception):
    """The workspace already holds files; starting again would overwrite the learner's work."""


def copy_files(exercise: Exercise, dest: Path, solution: bool = False) -> None:
    """The starter files, and with ``solution`` the reference solution laid over them."""
    for name in exercise.files:
        _copy(exercise.starter_dir / name, dest / name)
    if solution:
        for name in exercise.solution:
            _copy(exercise.solution_dir / name, dest / name)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def start_workspace(exercise: Exercise, dest: Path | str, force: bool = False) -> Path:
    """Copy the starter files into ``dest``. With ``force`` only the exercise's own files are
    overwritten (and the last result forgotten): the folder may hold other work of the learner's."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise WorkspaceExists(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise WorkspaceExists(f"{dest} already holds files; use --force to put the starter files back")
    dest.mkdir(parents=True, exist_ok=True)
    copy_files(exercise, dest)
    (dest / RESULT_FILE).unlink(missing_ok=True)
    return dest


def write_result(report, dest: Path | str) -> None:
    """Remember the last check's outcome in the workspace (written whole, then renamed into place)."""
    dest = Path(dest)
    data = {"exercise": report.exercise, "status": report.status, "checked_at": time.time(),
            "passed": sum(c.passed for c in report.checks), "total": len(report.checks),
            "checks": {c.id: c.status for c in report.checks}}
    tmp = dest / (RESULT_FILE + ".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    tmp.replace(dest / RESULT_FILE)
