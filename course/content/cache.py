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
from course.content.formula import deferred_formula
from course.content.problems import LoadResult
from course.content.models import (
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


def load_pack_cached(root: Path, cache_dir: Path):
    """The pack from the cache when it is current, else from the loader (then cached).

    Returns the loader's ``LoadResult``; a pack with problems is never cached.
    """
    root = Path(root)
    try:
        key = fingerprint(root)
        data = json.loads(cache_file(root, cache_dir).read_text(encoding="utf-8"))
        if data.get("key") == key:
            return LoadResult(decode_pack(data["pack"], root))
    except (OSError, ValueError, KeyError, TypeError):
        key = None  # no cache, an old one, or a damaged one: load normally
    from course.content.loader import load_pack

    result = load_pack(root)
    if result.ok:
        _save(result.pack, root, cache_dir, key)
    return result


def _save(pack: Pack, root: Path, cache_dir: Path, key: str | None) -> None:
    try:
        key = key or fingerprint(root)
        cache_dir.mkdir(parents=True, exist_ok=True)
        target = cache_file(root, cache_dir)
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps({"key": key, "pack": encode_pack(pack)}), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        pass  # a cache that cannot be written only costs time


def encode_pack(pack: Pack) -> dict:
    return {
        "info": asdict(pack.info),
        "modules": [
            {
                **{k: getattr(m, k) for k in ("id", "title", "summary", "order", "objectives", "domains")},
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
        module = Module(m["id"], m["title"], m["summary"], m["order"], m["objectives"], m["domains"])
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
