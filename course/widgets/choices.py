"""The options of a question: pick with number keys, arrows and space, or the mouse."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static


class ChoiceRow(Static):
    """One option; knows nothing about the question."""

    def __init__(self, number: int, text: str):
        super().__init__()
        self.number = number
        self.label_text = text
        self.note = ""

    def paint(self, selected: bool, multiple: bool, verdict: str | None) -> None:
        box = ("[x]" if selected else "[ ]") if multiple else ("(•)" if selected else "( )")
        line = Text(f"{box} {self.number}. {self.label_text}")
        if not verdict:
            self.update(line)
            return
        note = Text("✔ right: " if verdict == "right" else "✘ wrong: ", style="bold")
        note.append(self.note, style="italic")
        self.update(Group(line, Padding(note, (0, 0, 0, 4))))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(ChoiceList.RowClicked(self.number - 1))


class ChoiceList(Vertical, can_focus=True):
    """Posts :class:`ChoiceList.Submitted` with the chosen indexes when the learner presses enter."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("space", "toggle", "Choose"),
        Binding("enter", "submit", "Submit"),
    ] + [Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)]

    cursor: reactive[int] = reactive(0)

    class Submitted(Message):
        def __init__(self, choice_list: "ChoiceList", chosen: list[int]):
            super().__init__()
            self.choice_list = choice_list
            self.chosen = chosen

    class RowClicked(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, labels: list[str], choose: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.labels = labels
        self.choose = choose
        self.chosen: list[int] = []
        self.verdicts: dict[int, str] | None = None

    @property
    def multiple(self) -> bool:
        return self.choose > 1

    def compose(self):
        for number, label in enumerate(self.labels, start=1):
            yield ChoiceRow(number, label)

    def on_mount(self) -> None:
        self._paint()

    def _rows(self) -> list[ChoiceRow]:
        return list(self.query(ChoiceRow))

    def _paint(self) -> None:
        for index, row in enumerate(self._rows()):
            verdict = self.verdicts.get(index) if self.verdicts else None
            row.paint(index in self.chosen, self.multiple, verdict)
            row.set_class(index == self.cursor and self.verdicts is None, "-cursor")
            row.set_class(index in self.chosen, "-chosen")
            row.set_class(verdict == "right", "-right")
            row.set_class(verdict == "wrong" and index in self.chosen, "-wrong")

    def watch_cursor(self) -> None:
        self._paint()
        rows = self._rows()
        if rows:
            rows[self.cursor].scroll_visible()

    def action_move(self, delta: int) -> None:
        if self.labels:
            self.cursor = (self.cursor + delta) % len(self.labels)

    def choose_index(self, index: int) -> None:
        """Select (single) or toggle (multiple) an option; ignored once the answer is shown."""
        if self.verdicts is not None or not 0 <= index < len(self.labels):
            return
        if self.multiple:
            if index in self.chosen:
                self.chosen.remove(index)
            else:
                self.chosen.append(index)
        else:
            self.chosen = [index]
        self.cursor = index
        self._paint()

    def action_toggle(self) -> None:
        self.choose_index(self.cursor)

    def action_pick(self, index: int) -> None:
        self.choose_index(index)

    def action_submit(self) -> None:
        if not self.multiple and not self.chosen and self.verdicts is None:
            self.choose_index(self.cursor)  # enter on a single-choice row picks that row
        self.post_message(self.Submitted(self, sorted(self.chosen)))

    def on_choice_list_row_clicked(self, message: RowClicked) -> None:
        message.stop()
        self.focus()
        self.choose_index(message.index)

    def reveal(self, right: list[int], notes: list[str]) -> None:
        """Show which options were right and why each is right or wrong."""
        self.verdicts = {i: ("right" if i in right else "wrong") for i in range(len(self.labels))}
        for row, note in zip(self._rows(), notes):
            row.note = note.strip()
        self._paint()
