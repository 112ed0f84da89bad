"""The course map on Home: every module with its reading, quiz accuracy and mastery bar.

One widget draws all the modules, each in a fixed four-line block, rather than a
widget per module: Home is the first thing a learner sees, and one widget keeps
it appearing as fast as a bare Textual app.
"""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from course.content.models import Module
from course.quiz.progress import ModuleProgress

BAR_WIDTH = 20
BLOCK = 4  # lines per module: title, bar, figures, gap


def progress_line(progress: ModuleProgress) -> str:
    accuracy = "no quiz yet" if progress.accuracy is None else f"{progress.accuracy:.0%} correct of {progress.answered}"
    line = (f"read {progress.sections_read}/{progress.sections_total} sections · "
            f"{progress.questions_total} questions · {accuracy}")
    if progress.exercises_passed or progress.exercises_attempted:
        line += f" · exercises: {progress.exercises_passed} passed"
        if progress.exercises_attempted:
            line += f", {progress.exercises_attempted} in progress"
    return line


def mastery_bar(mastery: float, filled_style: Style | str = "bold") -> Text:
    filled = round(mastery * BAR_WIDTH)
    bar = Text()
    bar.append("█" * filled, style=filled_style)
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {mastery:4.0%} mastery")
    return bar


class ModuleMap(Widget, can_focus=True):
    # The bar's colour is set in app.tcss from the theme, and read at render time so ctrl+t recolours it.
    COMPONENT_CLASSES = {"module-map--mastery"}
    DEFAULT_CSS = """
    ModuleMap { height: auto; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter", "choose", "Open"),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Chosen(Message):
        """The learner pressed enter on a module or clicked it."""

        def __init__(self, module: Module):
            super().__init__()
            self.module = module

    def __init__(self, modules: list[Module], progress: dict[str, ModuleProgress], **kwargs):
        super().__init__(**kwargs)
        self.modules = modules
        self.progress = progress

    @property
    def highlighted(self) -> Module | None:
        return self.modules[self.cursor] if self.modules else None

    def update_progress(self, progress: dict[str, ModuleProgress]) -> None:
        self.progress = progress
        self.refresh()

    def render(self) -> Group:
        blocks = []
        filled = self.get_component_rich_style("module-map--mastery", partial=True)
        for index, module in enumerate(self.modules):
            chosen = index == self.cursor
            mark = "▶ " if chosen else "  "
            title = Text(no_wrap=True, overflow="ellipsis")
            title.append(mark + module.title, style="bold reverse" if chosen and self.has_focus else "bold")
            title.append(f"  {module.summary.strip().splitlines()[0]}", style="italic dim")
            bar = Text("  ", no_wrap=True)
            bar.append_text(mastery_bar(self.progress[module.id].mastery, filled))
            figures = Text("  " + progress_line(self.progress[module.id]), style="dim", no_wrap=True,
                           overflow="ellipsis")
            blocks += [title, bar, figures, Text("")]
        return Group(*blocks)

    def watch_cursor(self) -> None:
        self.refresh()
        self.scroll_cursor_visible()

    def scroll_cursor_visible(self) -> None:
        """Scroll the screen (the map itself does not scroll) so the chosen block shows."""
        if self.cursor == 0:  # show what sits above the map too (where to continue, the title)
            self.screen.scroll_home(animate=False)
            return
        top = self.virtual_region
        block = Region(top.x, top.y + self.cursor * BLOCK, top.width, BLOCK)
        self.screen.scroll_to_region(block, animate=False)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.modules:
            self.cursor = max(0, min(len(self.modules) - 1, self.cursor + delta))

    def action_choose(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Chosen(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        index = event.y // BLOCK
        if 0 <= index < len(self.modules):
            self.cursor = index
            self.post_message(self.Chosen(self.modules[index]))
