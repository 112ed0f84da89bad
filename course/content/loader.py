"""Load a pack: ``pack.yaml`` plus ``content/<module>/`` folders.

Every file is read in one safe pass; every problem in every file is collected
and returned together, sorted by file and position, so an author fixes a pack
in one round instead of one error at a time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from course import __version__
from course.content.fields import MISSING, Fields
from course.content.gcpause import collector_paused
from course.content.models import DOMAINS, MODULE_FIELDS, Fact, Lesson, Module, Myth, Pack, PackInfo, Section
from course.content.problems import LoadResult, Mark, PackError, Problems, did_you_mean
from course.content.questions import read_questions
from course.content.yamlsrc import BROKEN, load_file

FORMAT_VERSION = 1
PACK_FIELDS = ("format_version", "id", "title", "version", "authors", "license", "requires")
LESSON_FIELDS = ("id", "title", "order", "summary", "sections")
SECTION_FIELDS = ("id", "title", "body", "facts", "diagram", "tips", "myths")
FACT_FIELDS = ("label", "value", "source")
MYTH_FIELDS = ("belief", "truth", "source")


class LoadContext(Problems):
    """Problems, plus where each lesson and question id was written (for pack-wide checks)."""

    def __init__(self):
        super().__init__()
        # Where each lesson's and question's id and see: were written, as (fields, key):
        # the position is worked out only if a pack-wide check has something to report.
        self.id_marks: dict[int, tuple[Fields, str]] = {}
        self.see_marks: dict[int, tuple[Fields, str]] = {}
        #: Set when a module or lesson file could not be read: its lessons are unknown.
        self.lessons_unknown = False
        #: The step kinds and document roots exercises may use (``exercise_steps.Vocabulary``),
        #: given by whoever loads exercises.
        self.vocabulary = None

    def display_name(self, path: Path) -> str:
        """Files under the working directory are named relative to it, others in full."""
        try:
            rel = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            return str(path)
        return str(path) if rel.startswith("..") else Path(rel).as_posix()

    def start(self, path: Path) -> Mark:
        return Mark(self.display_name(path), 1, 1)


def load_bundled() -> Pack:
    from course.paths import bundled_pack_dir

    result = load_pack(bundled_pack_dir())
    if not result.ok:
        raise PackError(result.problems)
    return result.pack


def load_pack(root: Path | str) -> LoadResult:
    """Load and check a pack (with the garbage collector paused: see gcpause)."""
    with collector_paused():
        return _load_pack(Path(root))


def _load_pack(root: Path) -> LoadResult:
    ctx = LoadContext()
    info = _load_info(root, ctx)
    modules: list[Module] = []
    content = root / "content"
    if info is not None and not content.is_dir():
        ctx.add(ctx.start(root / "pack.yaml"), "", "the pack has no content/ folder next to pack.yaml")
    elif content.is_dir():
        for folder in sorted(p for p in content.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            module = _load_module(folder, ctx)
            if module is not None:
                modules.append(module)
    _check_pack(modules, ctx)
    modules.sort(key=lambda m: (m.order, m.id))
    pack = Pack(info, root, modules) if info is not None else None
    return LoadResult(pack, ctx.sorted())


def _load_info(root: Path, ctx: LoadContext) -> PackInfo | None:
    path = root / "pack.yaml"
    if not path.is_file():
        what = "folder does not exist" if not root.is_dir() else "pack.yaml is missing"
        ctx.add(ctx.start(path), "", f"{what}: a pack is a folder with pack.yaml, content/ and exercises/")
        return None
    data = load_file(path, ctx)
    if data is BROKEN:
        return None
    f = Fields(ctx, data, "", PACK_FIELDS, ctx.start(path))
    fmt = f.integer("format_version", low=1)
    if fmt > FORMAT_VERSION:
        f.error("format_version", f"this app reads pack format {FORMAT_VERSION}; the pack needs {fmt} (update Coldstart)")
    version = f.raw("version", True)
    if version is not MISSING and (isinstance(version, bool) or not isinstance(version, (str, int, float))):
        f.error("version", 'expected a version like "1.0"')
    info = PackInfo(
        format_version=fmt,
        id=f.slug("id"),
        title=f.text("title"),
        version=str(version) if isinstance(version, (str, int, float)) else "",
        authors=f.text_list("authors", min_items=1),
        license=f.text("license"),
        requires=f.text("requires", required=False, default=None),
    )
    if info.requires:
        message = requirement_problem(info.requires, __version__)
        if message:
            f.error("requires", message)
    return info


_SPEC = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*$")


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def requirement_problem(requires: str, version: str) -> str | None:
    """Why ``version`` does not meet ``requires`` (e.g. ``">=0.2, <2"``), or None."""
    have = _version_tuple(version)
    for spec in requires.split(","):
        match = _SPEC.match(spec)
        if not match:
            return f"cannot read requirement '{spec.strip()}'; write it like '>=0.1' or '>=0.1, <2'"
        op, wanted = match.group(1), _version_tuple(match.group(2))
        width = max(len(have), len(wanted))
        a, b = have + (0,) * (width - len(have)), wanted + (0,) * (width - len(wanted))
        ok = {">=": a >= b, "<=": a <= b, "==": a == b, "!=": a != b, ">": a > b, "<": a < b}[op]
        if not ok:
            return f"the pack requires Coldstart {requires.strip()}, this is {version}"
    return None


def _load_module(folder: Path, ctx: LoadContext) -> Module | None:
    path = folder / "module.yaml"
    if not path.is_file():
        ctx.add(ctx.start(path), "", f"module folder '{folder.name}' has no module.yaml")
        ctx.lessons_unknown = True
        return None
    data = load_file(path, ctx)
    if data is BROKEN:
        ctx.lessons_unknown = True
        return None
    f = Fields(ctx, data, "", MODULE_FIELDS, ctx.start(path))
    module = Module(
        id=f.slug("id"),
        title=f.text("title"),
        summary=f.text("summary"),
        order=f.integer("order", low=0),
        objectives=f.text_list("objectives", min_items=1),
        domains=f.text_list("domains", min_items=1, choices=DOMAINS),
    )
    if module.id and module.id != folder.name:
        f.error("id", f"module id '{module.id}' must match its folder name '{folder.name}'")
    module_id = module.id or folder.name
    for lesson_path in _yaml_files(folder / "lessons"):
        lesson = _load_lesson(lesson_path, module_id, ctx)
        if lesson is not None:
            module.lessons.append(lesson)
    module.lessons.sort(key=lambda l: (l.order, l.id))
    for question_path in _yaml_files(folder / "questions"):
        data = load_file(question_path, ctx)
        if data is not BROKEN:
            module.questions.extend(read_questions(data, question_path, module_id, ctx))
    return module


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _load_lesson(path: Path, module_id: str, ctx: LoadContext) -> Lesson | None:
    data = load_file(path, ctx)
    if data is BROKEN:
        ctx.lessons_unknown = True
        return None
    f = Fields(ctx, data, "", LESSON_FIELDS, ctx.start(path))
    lesson = Lesson(
        id=f.slug("id"),
        title=f.text("title"),
        order=f.integer("order", low=0),
        module_id=module_id,
        summary=f.text("summary", required=False),
        sections=[],
    )
    seen: dict[str, Mark] = {}
    for item, mark, spath in f.items("sections", min_items=1):
        s = Fields(ctx, item, spath, SECTION_FIELDS, mark)
        section = Section(
            id=s.slug("id"),
            title=s.text("title"),
            body=s.text("body", required=False),
            diagram=s.text("diagram", required=False, default=None),
            tips=s.text_list("tips", required=False),
        )
        for fact_item, fmark, fpath in s.items("facts", required=False):
            ff = Fields(ctx, fact_item, fpath, FACT_FIELDS, fmark)
            section.facts.append(Fact(ff.text("label"), _scalar_text(ff, "value"), ff.url("source")))
        for myth_item, mmark, mpath in s.items("myths", required=False):
            mf = Fields(ctx, myth_item, mpath, MYTH_FIELDS, mmark)
            section.myths.append(Myth(mf.text("belief"), mf.text("truth"), mf.url("source")))
        if s.ok and not (section.body or section.facts or section.diagram or section.tips or section.myths):
            ctx.add(mark, spath, "section is empty: give it a body, facts, a diagram, tips or myths")
        if section.id in seen:
            s.error("id", f"section id '{section.id}' is already used in this lesson (line {seen[section.id].line})")
        elif section.id:
            seen[section.id] = s.value_mark("id")  # sections are few; the mark is cheap here
        lesson.sections.append(section)
    ctx.id_marks[id(lesson)] = (f, "id")
    return lesson


def _scalar_text(f: Fields, key: str) -> str:
    """Fact values may be written as numbers; they are shown as text."""
    value = f.node.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return f.text(key)


def _check_pack(modules: list[Module], ctx: LoadContext) -> None:
    """Checks that need the whole pack: unique ids and question → section references."""
    seen: dict[tuple[str, str], tuple[Fields, str]] = {}

    def unique(kind: str, obj, ident: str) -> None:
        where = ctx.id_marks.get(id(obj))
        if not ident or where is None:
            return
        fields, key = where
        if (kind, ident) in seen:
            first_fields, first_key = seen[kind, ident]
            ctx.add(fields.value_mark(key), fields.sub(key),
                    f"{kind} id '{ident}' is already used at {first_fields.value_mark(first_key)}")
        else:
            seen[kind, ident] = where

    sections: set[str] = set()
    lessons: set[str] = set()
    for module in modules:
        for lesson in module.lessons:
            unique("lesson", lesson, lesson.id)
            lessons.add(lesson.id)
            sections.update(f"{lesson.id}/{s.id}" for s in lesson.sections)
        for question in module.questions:
            unique("question", question, question.id)
    for module in modules:
        for question in module.questions:
            where = ctx.see_marks.get(id(question))
            if question.see and where is not None and question.see not in sections:
                if ctx.lessons_unknown and question.see.split("/")[0] not in lessons:
                    continue  # the lesson may be in a file that could not be read; that problem is reported
                fields, key = where
                ctx.add(fields.value_mark(key), fields.sub(key), f"refers to lesson section '{question.see}', which does not exist"
                                    f"{did_you_mean(question.see, sections)}")
