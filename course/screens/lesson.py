"""A lesson, one section at a time; each section shown is reported to the app, which marks it read."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar

from course.content.models import Lesson
from course.messages import SectionRead
from course.widgets.section_view import SectionView


class LessonScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n,right", "step(1)", "Next section"),
        Binding("p,left", "step(-1)", "Previous"),
        Binding("z", "quiz", "Quiz me on this module"),
    ]

    index: reactive[int] = reactive(0, init=False)

    def __init__(self, lesson: Lesson, index: int = 0):
        super().__init__()
        self.lesson = lesson
        self.set_reactive(LessonScreen.index, max(0, min(index, len(lesson.sections) - 1)))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(id="crumb")
        yield ProgressBar(total=len(self.lesson.sections), show_eta=False, id="lesson-progress")
        with VerticalScroll(id="section-scroll"):
            yield SectionView(self.lesson.sections[self.index], id="section")
        yield Footer()

    def on_mount(self) -> None:
        self._shown()

    @property
    def section(self):
        return self.lesson.sections[self.index]

    def action_step(self, delta: int) -> None:
        target = self.index + delta
        if 0 <= target < len(self.lesson.sections):
            self.index = target
        elif target >= len(self.lesson.sections):
            self.notify("That was the last section. Press z for a quiz on this module.", title="Lesson complete")

    async def watch_index(self) -> None:
        scroll = self.query_one("#section-scroll", VerticalScroll)
        await scroll.remove_children()
        await scroll.mount(SectionView(self.section, id="section"))
        scroll.scroll_home(animate=False)
        self._shown()

    def _shown(self) -> None:
        lesson, section = self.lesson, self.section
        module = self.app.pack.module(lesson.module_id)
        self.query_one("#crumb", Label).update(
            f"{module.title} › {lesson.title} · section {self.index + 1} of {len(lesson.sections)}"
        )
        self.query_one("#lesson-progress", ProgressBar).update(progress=self.index + 1)
        self.post_message(SectionRead(lesson.module_id, lesson.id, section.id))
        self.query_one("#section-scroll").focus()

    def action_quiz(self) -> None:
        self.app.nav.start_quiz([self.lesson.module_id])
