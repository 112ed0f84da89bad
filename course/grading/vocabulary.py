"""The check vocabulary: every step kind an exercise may use, and the document its queries read.

Written once each: the kinds any exercise may use are in ``steps.py``, each simulated service's
own in its ``steps`` room, found through the service registry. The exercise loader reads this
vocabulary (``load_exercises`` below hands it over), so a new step kind is one ``StepKind`` in one
place: it is read, checked, documented and run from there.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

from course.content.exercise_steps import StepKind, Vocabulary


def vocabulary() -> Vocabulary:
    """The step kinds of grading and of every registered service, built once per set of services."""
    from course.sim.registry import packages

    return _vocabulary(tuple(packages()))


@cache
def _vocabulary(packages: tuple[str, ...]) -> Vocabulary:
    from course.grading.steps import CORE_KINDS, DOCUMENT_ROOTS
    from course.sim.registry import rooms

    kinds: dict[str, StepKind] = {}
    for kind in [*CORE_KINDS, *(k for module in rooms("steps") for k in getattr(module, "STEP_KINDS", ()))]:
        if kind.name in kinds:
            raise ValueError(f"step kind '{kind.name}' is offered twice ({kinds[kind.name].origin} and {kind.origin})")
        kinds[kind.name] = kind
    return Vocabulary(kinds, DOCUMENT_ROOTS)


def stack_views() -> dict[str, Callable[[Any, dict], Any]]:
    """``stack.<name>`` → the service function that fills it in, from every service's ``STACK_VIEWS``."""
    from course.sim.registry import packages

    return _stack_views(tuple(packages()))


@cache
def _stack_views(packages: tuple[str, ...]) -> dict[str, Callable[[Any, dict], Any]]:
    from course.sim.registry import rooms

    views: dict[str, Callable] = {}
    for module in rooms("steps"):
        views.update(getattr(module, "STACK_VIEWS", {}))
    return views


def load_exercises(pack_root, modules=None):
    """A pack's exercises read with this vocabulary (``course.content.exercises.load_exercises``)."""
    from course.content.exercises import load_exercises as load

    return load(pack_root, modules, vocabulary=vocabulary())
