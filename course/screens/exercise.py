"""A hands-on exercise: the brief, an editor tab per file, and the checks' results.

Files live in the learner's workspace folder, so any editor works too: the
screen saves before every run and notices edits made outside it. Grading runs
in a thread worker that only posts its report back; the UI never waits on it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static, TabbedContent, TabPane, TextArea


LANGUAGES = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".json": "json", ".md": "markdown"}


@dataclass
class ExerciseGraded(Message):
    """A grading run finished (posted by the worker thread)."""

    report: object
    seconds: float


def styled_report(text: str) -> Text:
    out = Text()
    for line in text.splitlines():
        style = ""
        if line.startswith("✓"):
            style = "bold green"
        elif line.startswith("✗"):
            style = "bold red"
        elif line.startswith("!"):
            style = "bold yellow"
        elif line.lstrip().startswith(("expected:", "hint:")):
            style = "italic"
        elif line.lstrip().startswith("|"):
            style = "dim"
        out.append(line + "\n", style=style)
    out.rstrip()
    return out


class ExerciseScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "run_checks", "Run checks", priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+n", "next_hint", "Hint", priority=True),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, exercise, workspace: Path):
        super().__init__()
        self.exercise = exercise
        self.workspace = workspace
        self.hints_shown = 0
        self._saved: dict[str, str] = {}
        self._mtimes: dict[str, int] = {}
        self.running = False

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield Header()
        with Horizontal(id="exercise"):
            with VerticalScroll(id="brief"):
                yield Label(ex.title, classes="screen-title")
                yield Label(f"{ex.difficulty} · workspace: {self.workspace}", classes="hint")
                yield Markdown(ex.brief)
                yield Static(id="hints")
            with Vertical(id="work"):
                with TabbedContent(id="files"):
                    for index, name in enumerate(ex.files):
                        with TabPane(name, id=f"file-{index}"):
                            yield TextArea.code_editor("", language=LANGUAGES.get(Path(name).suffix),
                                                       id=f"editor-{index}")
                with VerticalScroll(id="results"):
                    yield Static("Press ctrl+r to run the checks.", id="report")
        yield Footer()

    def on_mount(self) -> None:
        for index, name in enumerate(self.exercise.files):
            self._load(index, name)
        self.set_interval(1.0, self._notice_outside_edits)

    def _editor(self, index: int) -> TextArea:
        return self.query_one(f"#editor-{index}", TextArea)

    def _path(self, name: str) -> Path:
        return self.workspace / name

    def _load(self, index: int, name: str) -> None:
        path = self._path(name)
        try:
            text = path.read_text(encoding="utf-8")
            self._mtimes[name] = path.stat().st_mtime_ns
        except OSError:
            text = ""
        self._saved[name] = text
        self._editor(index).load_text(text)

    def _notice_outside_edits(self) -> None:
        """Reload a file changed on disk; if it was also edited here, keep ours and say so."""
        for index, name in enumerate(self.exercise.files):
            try:
                mtime = self._path(name).stat().st_mtime_ns
            except OSError:
                continue
            if mtime == self._mtimes.get(name):
                continue
            self._mtimes[name] = mtime
            if self._editor(index).text == self._saved.get(name):
                self._load(index, name)
                self.notify(f"{name} changed on disk and was reloaded.")
            else:
                self.notify(f"{name} changed on disk, but you have unsaved edits here; ctrl+s keeps yours.",
                            severity="warning")

    def action_save(self) -> None:
        self.save()
        self.notify("Saved.", timeout=2)

    def save(self) -> None:
        for index, name in enumerate(self.exercise.files):
            text = self._editor(index).text
            path = self._path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(path.name + ".saving")
            temp.write_text(text, encoding="utf-8")
            temp.replace(path)
            self._saved[name] = text
            self._mtimes[name] = path.stat().st_mtime_ns

    def action_run_checks(self) -> None:
        if self.running:
            self.notify("The checks are already running.")
            return
        self.save()
        self.running = True
        self.query_one("#report", Static).update(Text("Running the checks…", style="italic"))
        self._grade()

    @work(thread=True, exclusive=True, group="grading")
    def _grade(self) -> None:
        from course.grading.runner import grade

        started = time.perf_counter()
        report = grade(self.exercise, self.workspace)
        self.post_message(ExerciseGraded(report, time.perf_counter() - started))

    def on_exercise_graded(self, message: ExerciseGraded) -> None:
        self.running = False
        report = message.report
        self.query_one("#report", Static).update(styled_report(report.text()))
        self.query_one("#results", VerticalScroll).scroll_home(animate=False)
        from course.attempts import record_attempt
        from course.grading.workspace import write_result

        write_result(report, self.workspace)
        passed = record_attempt(self.app.store, self.exercise, report).checks_passed
        verdict = "All checks pass!" if report.passed else f"{passed} of {len(report.checks)} checks pass."
        self.notify(f"{verdict} ({message.seconds:.1f} s)", severity="information" if report.passed else "warning")

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "grading" and event.state == WorkerState.ERROR:
            self.running = False
            self.query_one("#report", Static).update(Text(
                f"The checks could not run: {event.worker.error}. This is a fault in Coldstart, not in your work.",
                style="bold yellow"))

    def action_next_hint(self) -> None:
        hints = self.exercise.hints
        if self.hints_shown >= len(hints):
            self.notify("That was the last hint.")
            return
        self.hints_shown += 1
        text = Text()
        for number, hint in enumerate(hints[: self.hints_shown], start=1):
            text.append(f"Hint {number}: ", style="bold")
            text.append(re.sub(r"\s+", " ", hint.strip()) + "\n")
        text.rstrip()
        self.query_one("#hints", Static).update(text)

    def action_leave(self) -> None:
        self.save()
        self.app.pop_screen()
