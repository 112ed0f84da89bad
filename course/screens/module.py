"""One module: what it covers, its lessons with reading progress, and its quizzes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ListItem, ListView, Markdown

from course.content.models import DOMAINS, Module


class ModuleScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("z", "quiz", "Quiz me"),
        Binding("w", "mistakes", "My mistakes"),
        Binding("s", "setup", "Custom quiz"),
    ]

    def __init__(self, module: Module):
        super().__init__()
        self.module = module

    def compose(self) -> ComposeResult:
        m = self.module
        yield Header()
        with VerticalScroll(id="module"):
            yield Label(m.title, classes="screen-title")
            objectives = "\n".join(f"- {o}" for o in m.objectives)
            domains = ", ".join(DOMAINS[d] for d in m.domains)
            yield Markdown(f"{m.summary}\n\n**You will learn to**\n\n{objectives}\n\n*Exam domains:* {domains}",
                           id="module-summary")
            yield Label("Lessons", classes="heading")
            yield ListView(*[ListItem(Label(self._lesson_line(l)), id=f"lesson-{l.id}") for l in m.lessons],
                           id="lessons")
            exercises = self.app.nav.exercises_for(m.id)
            if exercises:
                yield Label("Hands-on exercises", classes="heading")
                yield ListView(*[ListItem(Label(self._exercise_line(e)), id=f"exercise-{e.id}") for e in exercises],
                               id="exercises")
            with Horizontal(id="module-actions"):
                yield Button(f"Quiz me ({len(m.question_ids)} questions)", id="quiz", variant="primary")
                yield Button("Only my mistakes", id="mistakes")
                yield Button("Custom quiz…", id="custom")
        yield Footer()

    def _lesson_line(self, lesson) -> str:
        read = {(r.lesson_id, r.section_id) for r in self.app.store.sections_read(self.module.id)}
        done = sum(1 for s in lesson.sections if (lesson.id, s.id) in read)
        return f"{lesson.title} — {done}/{len(lesson.sections)} sections read"

    def _exercise_line(self, exercise) -> str:
        from course.attempts import exercise_status

        return f"{exercise.title} — {exercise.difficulty} — {exercise_status(self.app.store, exercise.id)}"

    def on_mount(self) -> None:
        self.query_one("#lessons", ListView).focus()

    def on_screen_resume(self) -> None:
        for lesson in self.module.lessons:
            self.query_one(f"#lesson-{lesson.id} Label", Label).update(self._lesson_line(lesson))
        for exercise in self.app.nav.exercises_for(self.module.id):
            self.query_one(f"#exercise-{exercise.id} Label", Label).update(self._exercise_line(exercise))

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if event.item.id.startswith("exercise-"):
            self.app.nav.open_exercise(event.item.id.removeprefix("exercise-"))
        else:
            self.app.nav.open_lesson(event.item.id.removeprefix("lesson-"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"quiz": self.action_quiz, "mistakes": self.action_mistakes, "custom": self.action_setup}[event.button.id]()

    def action_quiz(self) -> None:
        self.app.nav.start_quiz([self.module.id])

    def action_mistakes(self) -> None:
        self.app.nav.start_quiz([self.module.id], only_wrong=True)

    def action_setup(self) -> None:
        self.app.nav.open_quiz_setup([self.module.id])
