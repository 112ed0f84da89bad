"""Home: the course map, with progress and a way back to where the learner left off."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from course.quiz.progress import pack_progress
from course.widgets.module_map import ModuleMap


class HomeScreen(Screen):
    BINDINGS = [
        Binding("l", "read", "Read"),
        Binding("z", "quiz", "Quiz"),
        Binding("w", "mistakes", "My mistakes", show=False),
        Binding("c", "continue", "Continue"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        yield Header()
        yield Static(self._continue_text(), id="continue")
        count = len(pack.modules)
        yield Label(f"{pack.info.title} · {count} module{'s' if count != 1 else ''}", id="course-title")
        yield ModuleMap(pack.modules, pack_progress(pack, self.app.store), id="modules")
        yield Footer()

    AUTO_FOCUS = "#modules"
    _shown_once = False

    def on_mount(self) -> None:
        # Focusing the (tall) map scrolls it to the top of the screen; keep what is above it in view.
        self.call_after_refresh(self.scroll_home, animate=False)

    def on_screen_resume(self) -> None:
        """Coming back from a lesson or quiz: the figures may have changed (not on first show)."""
        if not self._shown_once:
            self._shown_once = True
            return
        self.query_one(ModuleMap).update_progress(pack_progress(self.app.pack, self.app.store))
        self.query_one("#continue", Static).update(self._continue_text())

    def _continue_text(self) -> Text:
        label = self.app.nav.continue_label()
        return (Text.assemble(("Continue where you left off: ", "bold"), label, "  (c)") if label
                else Text("Start with a module below: enter opens it, l reads, z quizzes."))

    @property
    def highlighted(self):
        return self.query_one(ModuleMap).highlighted

    def on_module_map_chosen(self, message: ModuleMap.Chosen) -> None:
        message.stop()
        self.app.nav.open_module(message.module.id)

    def action_read(self) -> None:
        if self.highlighted:
            self.app.nav.open_next_lesson(self.highlighted.id)

    def action_quiz(self) -> None:
        if self.highlighted:
            self.app.nav.start_quiz([self.highlighted.id])

    def action_mistakes(self) -> None:
        if self.highlighted:
            self.app.nav.start_quiz([self.highlighted.id], only_wrong=True)

    def action_continue(self) -> None:
        self.app.nav.continue_learning()
