"""Home: the course map, with progress and a way back to where the learner left off."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from course.quiz.progress import pack_progress
from course.widgets.module_card import ModuleCard


class HomeScreen(Screen):
    BINDINGS = [
        Binding("enter", "open_module", "Open", show=True),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("l", "read", "Read"),
        Binding("z", "quiz", "Quiz"),
        Binding("w", "mistakes", "My mistakes", show=False),
        Binding("c", "continue", "Continue"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        pack = self.app.pack
        progress = pack_progress(pack, self.app.store)
        yield Header()
        yield Static(id="continue")
        count = len(pack.modules)
        yield Label(f"{pack.info.title} · {count} module{'s' if count != 1 else ''}", id="course-title")
        # Cards sit straight on the scrolling screen: a list widget would double the time
        # Home takes to appear, and the course has only a handful of modules.
        for m in pack.modules:
            yield ModuleCard(m, progress[m.id], id=f"module-{m.id}")
        yield Footer()

    AUTO_FOCUS = "ModuleCard"

    def on_mount(self) -> None:
        self._show_continue()

    def on_screen_resume(self) -> None:
        progress = pack_progress(self.app.pack, self.app.store)
        for card in self.query(ModuleCard):
            card.update_progress(progress[card.module.id])
        self._show_continue()

    def _show_continue(self) -> None:
        label = self.app.continue_label()
        widget = self.query_one("#continue", Static)
        widget.update(Text.assemble(("Continue where you left off: ", "bold"), label, "  (c)") if label
                      else Text("Start with a module below: enter opens it, l reads, z quizzes."))

    @property
    def highlighted(self):
        focused = self.focused
        return focused.module if isinstance(focused, ModuleCard) else None

    def action_move(self, delta: int) -> None:
        cards = list(self.query(ModuleCard))
        if not cards:
            return
        index = cards.index(self.focused) if self.focused in cards else -delta
        cards[max(0, min(len(cards) - 1, index + delta))].focus()

    def on_module_card_chosen(self, message: ModuleCard.Chosen) -> None:
        message.stop()
        self.app.open_module(message.module.id)

    def action_open_module(self) -> None:
        if self.highlighted:
            self.app.open_module(self.highlighted.id)

    def action_read(self) -> None:
        if self.highlighted:
            self.app.open_next_lesson(self.highlighted.id)

    def action_quiz(self) -> None:
        if self.highlighted:
            self.app.start_quiz([self.highlighted.id])

    def action_mistakes(self) -> None:
        if self.highlighted:
            self.app.start_quiz([self.highlighted.id], only_wrong=True)

    def action_continue(self) -> None:
        self.app.continue_learning()
