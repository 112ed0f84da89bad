"""Course content: YAML packs turned into typed, validated models.

The loader (and PyYAML with it) is imported only when a pack is actually read,
so code that only needs the models, or a pack from the cache, starts faster.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LoadResult", "PackError", "Problem", "load_bundled", "load_pack"]


def __getattr__(name: str) -> Any:
    if name in ("load_pack", "load_bundled"):
        from course.content import loader

        return getattr(loader, name)
    if name in ("Problem", "PackError", "LoadResult"):
        from course.content import problems

        return getattr(problems, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
