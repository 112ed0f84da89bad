"""The Conditions section, evaluated on demand so conditions can refer to each other in any order."""

from __future__ import annotations

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.intrinsics import Resolver, Scope
from course.sim.template.values import key_mark, type_name, value_mark


class Conditions:
    def __init__(self, section, problems: Problems, scope: Scope, root_mark: Mark):
        self.problems = problems
        self.root_mark = root_mark
        if section is not None and not isinstance(section, dict):
            problems.add(root_mark, "Conditions", f"must be an object of named conditions, got {type_name(section)}")
            section = None
        self.section = section or {}
        self.values: dict[str, bool | None] = {}
        self.evaluating: list[str] = []
        self.resolver = Resolver(problems, scope, in_conditions=True)

    def value(self, name: str, mark: Mark, path: str) -> bool | None:
        """The condition's truth; None when it is unknown or broken (the problem is reported once)."""
        if name not in self.section:
            self.problems.add(mark, path, f"unknown condition '{name}'{did_you_mean(name, self.section)}")
            return None
        if name in self.values:
            return self.values[name]
        if name in self.evaluating:
            loop = " -> ".join(self.evaluating[self.evaluating.index(name):] + [name])
            self.problems.add(key_mark(self.section, name, self.root_mark), f"Conditions.{name}",
                              f"circular condition: {loop}")
            self.values[name] = None
            return None
        self.evaluating.append(name)
        try:
            result = self.resolver.condition(self.section[name], f"Conditions.{name}",
                                             value_mark(self.section, name, self.root_mark))
        finally:
            self.evaluating.pop()
        self.values.setdefault(name, result)
        return self.values[name]

    def evaluate_all(self) -> dict[str, bool]:
        """Every condition, so problems in unused ones are reported too."""
        for name in self.section:
            self.value(name, key_mark(self.section, name, self.root_mark), f"Conditions.{name}")
        return {name: value for name, value in self.values.items() if value is not None}
