"""One lesson section: Markdown, a key-fact table with sources, a diagram, tips and myths."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Markdown, Static

from course.content.models import Section


def facts_table(section: Section) -> Table:
    """Facts with numbered source references; each distinct page is listed once below."""
    sources: list[str] = []
    table = Table(expand=True, title="Key facts", title_justify="left", caption_justify="left")
    table.add_column("Fact", ratio=2, style="bold")
    table.add_column("Value", ratio=3)
    table.add_column("Src", width=4, justify="right", style="dim")
    for fact in section.facts:
        if fact.source not in sources:
            sources.append(fact.source)
        table.add_row(fact.label, fact.value, f"[{sources.index(fact.source) + 1}]")
    caption = Text(style="dim")
    for number, url in enumerate(sources, start=1):
        caption.append(f"[{number}] ")
        caption.append(url, style=f"link {url}")
        caption.append("\n")
    caption.rstrip()  # rich's Text.rstrip works in place
    table.caption = caption
    return table


class Myths(Widget):
    """Common myths, each set against the fact; the two marks take the theme's error and success
    colours (set in app.tcss), read at render time so a theme switch recolours them."""

    COMPONENT_CLASSES = {"myths--myth", "myths--fact"}
    DEFAULT_CSS = """
    Myths { height: auto; }
    """

    def __init__(self, myths: list, **kwargs):
        super().__init__(**kwargs)
        self.myths = myths

    def render(self) -> Text:
        myth_style = self.get_component_rich_style("myths--myth", partial=True)
        fact_style = self.get_component_rich_style("myths--fact", partial=True)
        text = Text()
        text.append("Common myths\n", style="bold")
        for myth in self.myths:
            text.append("✘ Myth: ", style=myth_style)
            text.append(myth.belief.strip() + "\n")
            text.append("✔ Fact: ", style=fact_style)
            text.append(myth.truth.strip() + "\n")
            text.append(f"  {myth.source}\n", style=f"dim link {myth.source}")
        text.rstrip()
        return text


class SectionView(Vertical):
    DEFAULT_CSS = """
    SectionView { height: auto; }
    SectionView > * { margin-bottom: 1; }
    """

    def __init__(self, section: Section, **kwargs):
        super().__init__(**kwargs)
        self.section = section

    def compose(self) -> ComposeResult:
        s = self.section
        yield Label(s.title, classes="section-title")
        if s.body:
            yield Markdown(s.body, classes="section-body")
        if s.diagram:
            yield Static(Text(s.diagram.rstrip("\n")), classes="diagram")
        if s.facts:
            yield Static(facts_table(s), classes="facts")
        if s.tips:
            text = Text()
            text.append("Exam tips\n", style="bold")
            for tip in s.tips:
                text.append(f"• {tip.strip()}\n")
            text.rstrip()
            yield Static(text, classes="tips")
        if s.myths:
            yield Myths(s.myths, classes="myths")
