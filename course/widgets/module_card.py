"""A module's row on Home: title, reading and quiz figures, and a mastery bar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar

from course.content.models import Module
from course.quiz.progress import ModuleProgress


def progress_line(progress: ModuleProgress) -> str:
    accuracy = "no quiz yet" if progress.accuracy is None else f"{progress.accuracy:.0%} correct of {progress.answered}"
    return (f"read {progress.sections_read}/{progress.sections_total} sections · "
            f"{progress.questions_total} questions · {accuracy}")


class ModuleCard(Vertical):
    DEFAULT_CSS = """
    ModuleCard { height: auto; padding: 0 1; }
    ModuleCard > Horizontal { height: 1; }
    ModuleCard .title { width: 1fr; text-style: bold; }
    ModuleCard ProgressBar { width: auto; }
    ModuleCard Bar { width: 20; }
    """

    def __init__(self, module: Module, progress: ModuleProgress):
        super().__init__()
        self.module = module
        self.progress = progress

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.module.title, classes="title")
            yield ProgressBar(total=100, show_eta=False, show_percentage=True, id="mastery")
        yield Label(progress_line(self.progress), classes="stats")

    def on_mount(self) -> None:
        self.query_one("#mastery", ProgressBar).update(progress=round(self.progress.mastery * 100))

    def update_progress(self, progress: ModuleProgress) -> None:
        self.progress = progress
        self.query_one(".stats", Label).update(progress_line(progress))
        self.query_one("#mastery", ProgressBar).update(progress=round(progress.mastery * 100))
