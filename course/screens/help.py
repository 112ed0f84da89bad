"""Every key, on one page."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEYS = [
    ("Everywhere", [("? or F1", "this help"), ("ctrl+p", "command palette: open any module, lesson or quiz"),
                    ("ctrl+t", "switch light / dark theme"), ("escape", "back"), ("ctrl+q", "quit")]),
    ("Home", [("↑ ↓", "move between modules"), ("enter", "open the module"), ("l", "read the next unread lesson"),
              ("z", "quiz on the module"), ("w", "quiz on your mistakes"), ("c", "continue where you left off"),
              ("q", "quit")]),
    ("Module", [("enter", "open the lesson or exercise"), ("z", "quiz me"), ("w", "only my mistakes"),
                ("s", "custom quiz: length, modules, mistakes only")]),
    ("Lesson", [("n or →", "next section"), ("p or ←", "previous section"), ("z", "quiz on this module")]),
    ("Quiz", [("1–9", "choose an option (toggle when choosing several)"), ("↑ ↓ and space", "move and choose"),
              ("enter", "submit, then next question"), ("escape", "end the quiz and see the results")]),
    ("Results", [("r", "retry the questions you missed"), ("escape", "done")]),
    ("Exercise", [("ctrl+r", "save and run the checks"), ("ctrl+s", "save the files to your workspace"),
                  ("ctrl+n", "show the next hint"), ("tab", "move between the brief, the editor and results"),
                  ("escape", "leave the editor; again to save and go back")]),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for group, keys in KEYS:
            table.add_row(f"[reverse] {group} [/]", "")
            for key, what in keys:
                table.add_row(key, what)
            table.add_row("", "")
        with VerticalScroll(id="help"):
            yield Label("Keys  (escape closes this)", classes="screen-title")
            yield Static(table)
            yield Label("The mouse works too: click options, buttons and list rows.", classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss(None)
