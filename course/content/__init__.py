"""Course content: YAML packs turned into typed, validated models."""

from course.content.loader import LoadResult, load_pack, load_bundled
from course.content.problems import Problem, PackError

__all__ = ["LoadResult", "PackError", "Problem", "load_bundled", "load_pack"]
