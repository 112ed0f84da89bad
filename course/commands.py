"""Command palette entries: open any module, lesson or quiz by typing part of its name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class CourseCommands(Provider):
    def _commands(self):
        app, nav = self.app, self.app.nav
        for module in app.pack.modules:
            yield f"Module: {module.title}", partial(nav.open_module, module.id), module.summary
            yield f"Quiz: {module.title}", partial(nav.start_quiz, [module.id]), "10 questions, new ones first"
            yield (f"Quiz: {module.title}, my mistakes", partial(nav.start_quiz, [module.id], only_wrong=True),
                   "only questions you last answered wrong")
            for lesson in module.lessons:
                yield f"Lesson: {lesson.title}", partial(nav.open_lesson, lesson.id), module.title
            for exercise in nav.exercises_for(module.id):
                yield f"Exercise: {exercise.title}", partial(nav.open_exercise, exercise.id), \
                    f"{module.title} · hands-on · {exercise.difficulty}"
        yield "Quiz: whole course", partial(nav.start_quiz, []), "10 questions from every module"
        yield "Custom quiz…", partial(nav.open_quiz_setup, []), "choose length, modules and mistakes only"

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
