"""A finished quiz, question by question: a mark, the stem, and the right answer for each one missed.

The marks take their colours from component classes set in app.tcss, resolved at render
time, so a summary on screen follows a theme switch like the rest of the app.
"""

from __future__ import annotations

from textwrap import shorten

from rich.text import Text
from textual.widget import Widget

from course.quiz.engine import answer_text


class QuizResults(Widget):
    COMPONENT_CLASSES = {"quiz-results--right", "quiz-results--wrong"}
    DEFAULT_CSS = """
    QuizResults { height: auto; }
    """

    def __init__(self, results: list, **kwargs):
        """``results`` are a QuizRun's ``(question, given, correct)`` triples, in the order asked."""
        super().__init__(**kwargs)
        self.results = results

    def render(self) -> Text:
        right = self.get_component_rich_style("quiz-results--right", partial=True)
        wrong = self.get_component_rich_style("quiz-results--wrong", partial=True)
        text = Text()
        for question, _, ok in self.results:
            text.append("✔ " if ok else "✘ ", style=right if ok else wrong)
            text.append(shorten(question.stem, 110, placeholder=" …") + "\n")
            if not ok:
                text.append(f"    answer: {answer_text(question)}\n", style="dim")
        text.rstrip()
        return text
