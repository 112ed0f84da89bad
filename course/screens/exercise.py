"""A hands-on exercise: the brief, an editor tab per file, and the checks' results.

Files live in the learner's workspace folder, so any editor works too: the
screen saves before every run and notices edits made outside it. Grading runs
in a thread worker that only posts its report back; the UI never waits on it,
and a grading run that raises is shown in the results pane rather than ending
the app. The report bubbles on to the app, which records the attempt.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static, TabbedContent, TabPane, TextArea
from textual.worker import Worker, WorkerState

from course.messages import ExerciseGraded
from course.widgets.check_report import FAILED, REPORT, RUNNING, CheckReport


LANGUAGES = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".json": "json", ".md": "markdown"}


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
                with VerticalScroll(id="exercise-results"):
                    yield CheckReport("Press ctrl+r to run the checks.", id="exercise-report")
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
        self.query_one(CheckReport).show(RUNNING, "Running the checks…")
        self._grade()

    @work(thread=True, exclusive=True, group="grading", exit_on_error=False)
    def _grade(self) -> None:
        from course.grading.runner import grade

        started = time.perf_counter()
        report = grade(self.exercise, self.workspace)
        self.post_message(ExerciseGraded(self.exercise, self.workspace, report, time.perf_counter() - started))

    def on_exercise_graded(self, message: ExerciseGraded) -> None:
        """Show the report; the message goes on up to the app, which records the attempt."""
        self.running = False
        report = message.report
        self.query_one(CheckReport).show(REPORT, report.text())
        self.query_one("#exercise-results", VerticalScroll).scroll_home(animate=False)
        passed = sum(1 for check in report.checks if check.passed)
        verdict = "All checks pass!" if report.passed else f"{passed} of {len(report.checks)} checks pass."
        self.notify(f"{verdict} ({message.seconds:.1f} s)", severity="information" if report.passed else "warning")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed grading run ends up: say so in the results pane and stay open."""
        if event.worker.group != "grading" or event.state != WorkerState.ERROR:
            return
        event.stop()
        self.running = False
        error = event.worker.error
        why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        self.query_one(CheckReport).show(FAILED, (
            "Grading failed: the checks could not run.\n"
            f"Why: {why}\n"
            "Your files are untouched: they were saved before the run, and grading only reads them. "
            "This is a fault in Coldstart, not in your work; ctrl+r tries again."))
        # No toast: at 80×24 one would sit on top of this very explanation.
        self.query_one("#exercise-results", VerticalScroll).scroll_home(animate=False)

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
