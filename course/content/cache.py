"""A cache of checked packs, so the app does not re-read and re-check YAML at every start.

The cache holds only what the loader produced from a pack that had no problems,
as plain JSON (never pickle: nothing in it can run). It is keyed by the app
version and by the name, size and modification time of every file of the pack;
any change to the pack, or a new app version, means a fresh load through the
loader. ``coldstart validate`` never uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from course import __version__
from course.content.gcpause import collector_paused
from course.content.problems import LoadResult
from course.content.models import (
    MODULE_FIELDS,
    Distractor,
    Fact,
    Generator,
    Lesson,
    Mistake,
    Module,
    Myth,
    Option,
    Pack,
    PackInfo,
    Param,
    Question,
    Section,
    Tolerance,
)

CACHE_FORMAT = 1


def fingerprint(root: Path) -> str:
    """Changes whenever a file of the pack is added, removed, resized or touched."""
    entries = []
    for base, dirs, files in os.walk(root / "content"):
        dirs.sort()
        for name in sorted(files):
            stat = os.stat(os.path.join(base, name))
            entries.append(f"{os.path.relpath(os.path.join(base, name), root)}|{stat.st_size}|{stat.st_mtime_ns}")
    stat = os.stat(root / "pack.yaml")
    entries.append(f"pack.yaml|{stat.st_size}|{stat.st_mtime_ns}")
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{root.resolve()}".encode())
    digest.update("\n".join(entries).encode())
    return digest.hexdigest()


def cache_file(root: Path, cache_dir: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"pack-{name}.json"


def body_file(root: Path, cache_dir: Path) -> Path:
    return cache_file(root, cache_dir).with_suffix(".body.json")


def load_pack_cached(root: Path, cache_dir: Path, outline: bool = False):
    """The pack from the cache when it is current, else from the loader (then cached).

    Returns the loader's ``LoadResult``; a pack with problems is never cached. With
    ``outline`` the pack comes back with lesson outlines (ids and titles) and question
    ids only, and the rest is read by ``pack.ensure_loaded()``: the app's first screen
    needs no more, and appears sooner.
    """
    root = Path(root)
    try:
        key = fingerprint(root)
        data = json.loads(cache_file(root, cache_dir).read_text(encoding="utf-8"))
        if data.get("key") == key:
            pack = decode_outline(data, root)
            pack.deferred = lambda p: _fill(p, root, cache_dir, key)
            if not outline:
                pack.ensure_loaded()
            return LoadResult(pack)
    except (OSError, ValueError, KeyError, TypeError):
        key = None  # no cache, an old one, or a damaged one: load normally
    from course.content.loader import load_pack

    result = load_pack(root)
    if result.ok:
        _save(result.pack, root, cache_dir, key)
    return result


def _fill(pack: Pack, root: Path, cache_dir: Path, key: str) -> None:
    """Replace an outline's lessons and questions with the full ones (from the loader if the
    body file is gone or does not match the outline), with the garbage collector paused.
    """
    with collector_paused():
        _fill_now(pack, root, cache_dir, key)


def _fill_now(pack: Pack, root: Path, cache_dir: Path, key: str) -> None:
    try:
        data = json.loads(body_file(root, cache_dir).read_text(encoding="utf-8"))
        if data.get("key") != key:
            raise ValueError("the cached body belongs to another version of the pack")
        full = decode_pack(data["pack"], root)
    except (OSError, ValueError, KeyError, TypeError):
        from course.content.loader import load_pack

        full = load_pack(root).pack
    by_id = {m.id: m for m in full.modules}
    for module in pack.modules:
        loaded = by_id.get(module.id)
        module.lessons = loaded.lessons if loaded else []
        module.questions = loaded.questions if loaded else []
        module.outline_question_ids = None


def _save(pack: Pack, root: Path, cache_dir: Path, key: str | None) -> None:
    try:
        key = key or fingerprint(root)
        cache_dir.mkdir(parents=True, exist_ok=True)
        # The body first: an outline is only ever found next to the body it describes.
        _write(body_file(root, cache_dir), {"key": key, "pack": encode_pack(pack)})
        _write(cache_file(root, cache_dir), {"key": key, **encode_outline(pack)})
    except OSError:
        pass  # a cache that cannot be written only costs time


def _write(target: Path, data: dict) -> None:
    temp = target.with_suffix(f".{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temp, target)


def encode_outline(pack: Pack) -> dict:
    return {
        "info": asdict(pack.info),
        "modules": [
            {
                **{k: getattr(m, k) for k in MODULE_FIELDS},
                "lessons": [{"id": l.id, "title": l.title, "order": l.order, "summary": l.summary,
                             "sections": [[s.id, s.title] for s in l.sections]} for l in m.lessons],
                "question_ids": [q.id for q in m.questions],
            }
            for m in pack.modules
        ],
    }


def decode_outline(data: dict, root: Path) -> Pack:
    modules = []
    for m in data["modules"]:
        module = Module(*(m[k] for k in MODULE_FIELDS))
        module.lessons = [Lesson(l["id"], l["title"], l["order"], m["id"],
                                 [Section(sid, title) for sid, title in l["sections"]], l["summary"])
                          for l in m["lessons"]]
        module.outline_question_ids = list(m["question_ids"])
        modules.append(module)
    return Pack(PackInfo(**data["info"]), root, modules)


def encode_pack(pack: Pack) -> dict:
    return {
        "info": asdict(pack.info),
        "modules": [
            {
                **{k: getattr(m, k) for k in MODULE_FIELDS},
                "lessons": [asdict(lesson) for lesson in m.lessons],
                "questions": [_encode_question(q) for q in m.questions],
            }
            for m in pack.modules
        ],
    }


def _encode_question(q: Question) -> dict:
    out = {k: getattr(q, k) for k in Question.__dataclass_fields__ if k not in ("generator", "options",
                                                                                "mistakes", "tolerance")}
    out["options"] = [asdict(o) for o in q.options]
    out["mistakes"] = [asdict(m) for m in q.mistakes]
    out["tolerance"] = asdict(q.tolerance)
    gen = q.generator
    if gen is not None:
        out["generator"] = {
            "params": [asdict(p) for p in gen.params],
            "let": [[name, formula.text] for name, formula in gen.let],
            "answer": gen.answer.text,
            "answer_format": gen.answer_format,
            "distractors": [[d.formula.text, d.explain] for d in gen.distractors],
        }
    return out


def decode_pack(data: dict, root: Path) -> Pack:
    modules = []
    for m in data["modules"]:
        module = Module(*(m[k] for k in MODULE_FIELDS))
        module.lessons = [_decode_lesson(lesson) for lesson in m["lessons"]]
        module.questions = [_decode_question(q) for q in m["questions"]]
        modules.append(module)
    return Pack(PackInfo(**data["info"]), root, modules)


def _decode_lesson(data: dict) -> Lesson:
    sections = [
        Section(
            id=s["id"], title=s["title"], body=s["body"], diagram=s["diagram"], tips=s["tips"],
            facts=[Fact(**f) for f in s["facts"]], myths=[Myth(**m) for m in s["myths"]],
        )
        for s in data["sections"]
    ]
    return Lesson(data["id"], data["title"], data["order"], data["module_id"], sections, data["summary"])


def _decode_question(data: dict) -> Question:
    fields = dict(data)
    fields["options"] = [Option(**o) for o in data["options"]]
    fields["mistakes"] = [Mistake(**m) for m in data["mistakes"]]
    fields["tolerance"] = Tolerance(**data["tolerance"])
    gen = data.get("generator")
    if gen is not None:
        from course.content.formula import deferred_formula

        # Formulas were checked when the pack was loaded; they compile again on first use.
        params = [Param(**p) for p in gen["params"]]
        declared = {p.name for p in params}
        lets = []
        for name, text in gen["let"]:
            lets.append((name, deferred_formula(text, frozenset(declared))))
            declared.add(name)
        answer = deferred_formula(gen["answer"], frozenset(declared))
        declared.add("answer")
        distractors = [Distractor(deferred_formula(text, frozenset(declared)), explain)
                       for text, explain in gen["distractors"]]
        fields["generator"] = Generator(params, lets, answer, gen["answer_format"], distractors)
    return Question(**fields)
