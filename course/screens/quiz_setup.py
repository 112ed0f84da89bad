"""Choose a quiz's length, modules, and whether to ask only past mistakes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, SelectionList, Switch

LENGTHS = [5, 10, 20, 30, 65]


class QuizSetupScreen(ModalScreen[dict | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, preselected: list[str]):
        super().__init__()
        self.preselected = preselected

    def compose(self) -> ComposeResult:
        modules = self.app.pack.modules
        with Vertical(id="setup"):
            yield Label("Custom quiz", classes="screen-title")
            yield Label("Questions")
            yield Select([(str(n), n) for n in LENGTHS], value=10, allow_blank=False, id="count")
            yield Label("Modules")
            yield SelectionList(*[(m.title, m.id, m.id in self.preselected or not self.preselected) for m in modules],
                                id="setup-modules")
            with Horizontal(classes="switch-row"):
                yield Switch(value=False, id="only-wrong")
                yield Label("Only questions I got wrong")
            with Horizontal(id="setup-actions"):
                yield Button("Start", id="start", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        modules = list(self.query_one("#setup-modules", SelectionList).selected)
        if not modules:
            self.notify("Pick at least one module.", severity="warning")
            return
        self.dismiss({
            "modules": modules,
            "count": self.query_one("#count", Select).value,
            "only_wrong": self.query_one("#only-wrong", Switch).value,
        })

    def action_cancel(self) -> None:
        self.dismiss(None)
