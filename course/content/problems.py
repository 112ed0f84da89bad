"""Every problem found in a pack, each pinned to its file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class Mark(NamedTuple):
    """A 1-based position in a file. A tuple, because packs create hundreds of thousands."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    mark: Mark
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.mark}: {where}{self.message}"


@dataclass
class LoadResult:
    """A pack (None when pack.yaml itself is unusable) and every problem found in it."""

    pack: "Pack | None"  # noqa: F821 - models imports nothing from here
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.problems


class PackError(Exception):
    """Raised when a pack cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Problems:
    """Collects problems instead of stopping at the first one."""

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def display_name(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)

    def add(self, mark: Mark, path: str, message: str) -> None:
        self.items.append(Problem(mark, path, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.mark.file, p.mark.line, p.mark.col, p.path))


def did_you_mean(word: str, choices) -> str:
    from difflib import get_close_matches  # only needed when something is misspelt

    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
