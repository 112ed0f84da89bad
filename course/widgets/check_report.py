"""The exercise's results pane: what the last run of the checks said, or why it could not run.

Lines are styled when the widget renders, not when a report arrives, and their colours
come from component classes that app.tcss sets from theme variables: switching theme
(ctrl+t) then recolours a report already on screen along with everything else.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

IDLE, RUNNING, REPORT, FAILED = "idle", "running", "report", "failed"


class CheckReport(Widget):
    COMPONENT_CLASSES = {
        "check-report--pass",
        "check-report--fail",
        "check-report--problem",
        "check-report--failure",
    }
    DEFAULT_CSS = """
    CheckReport { height: auto; }
    """

    def __init__(self, text: str, **kwargs):
        super().__init__(**kwargs)
        self.kind = IDLE
        self.text = text

    def show(self, kind: str, text: str) -> None:
        """Set what the pane says; ``kind`` decides how it is styled (one of IDLE, RUNNING, REPORT, FAILED)."""
        self.kind, self.text = kind, text
        self.refresh(layout=True)

    def _style(self, name: str):
        return self.get_component_rich_style(f"check-report--{name}", partial=True)

    def render(self) -> Text:
        if self.kind == RUNNING:
            return Text(self.text, style="italic")
        if self.kind == FAILED:
            heading, _, rest = self.text.partition("\n")
            return Text.assemble((heading, self._style("failure")), f"\n{rest}" if rest else "")
        if self.kind == REPORT:
            return self._styled_report()
        return Text(self.text)

    def _styled_report(self) -> Text:
        """The report's plain text, with each line styled by the mark the grader put at its start."""
        marks = {"✓": self._style("pass"), "✗": self._style("fail"), "!": self._style("problem")}
        out = Text()
        for line in self.text.splitlines():
            style = marks.get(line[:1], "")
            if not style:
                stripped = line.lstrip()
                if stripped.startswith(("expected:", "hint:")):
                    style = "italic"
                elif stripped.startswith("|"):
                    style = "dim"
            out.append(line + "\n", style=style)
        out.rstrip()
        return out
