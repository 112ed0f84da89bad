"""The pack cache gives back exactly what the loader built, and notices every change."""

from __future__ import annotations

import os
import shutil

from course.content import load_pack
from course.content.cache import cache_file, load_pack_cached
from course.content.generated import instantiate
from tests.conftest import MINIMAL, ROOT


def test_cached_pack_equals_loaded_pack(tmp_path):
    for root in (MINIMAL, ROOT):
        fresh = load_pack(root).pack
        first = load_pack_cached(root, tmp_path)
        assert cache_file(root, tmp_path).is_file()
        cached = load_pack_cached(root, tmp_path)
        assert first.ok and cached.ok
        assert cached.pack.info == fresh.info
        for a, b in zip(cached.pack.modules, fresh.modules, strict=True):
            assert (a.id, a.title, a.lessons) == (b.id, b.title, b.lessons)
            for qa, qb in zip(a.questions, b.questions, strict=True):
                assert qa.id == qb.id and qa.options == qb.options and qa.tolerance == qb.tolerance
                if qb.generator:
                    assert instantiate(qa, 17) == instantiate(qb, 17)
                else:
                    assert qa == qb


def test_a_changed_file_is_read_again(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINIMAL, pack)
    cache = tmp_path / "cache"
    load_pack_cached(pack, cache)
    module = pack / "content" / "demo" / "module.yaml"
    module.write_text(module.read_text().replace("Demo service", "Renamed service"))
    os.utime(module, ns=(1, 10**18))
    assert load_pack_cached(pack, cache).pack.module("demo").title == "Renamed service"


def test_a_broken_pack_is_never_cached(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINIMAL, pack)
    (pack / "content" / "demo" / "module.yaml").write_text("id: demo\ntitel: x\n")
    result = load_pack_cached(pack, tmp_path / "cache")
    assert not result.ok and result.problems
    assert not cache_file(pack, tmp_path / "cache").exists()


def test_a_damaged_cache_is_ignored(tmp_path):
    load_pack_cached(MINIMAL, tmp_path)
    cache_file(MINIMAL, tmp_path).write_text("{not json")
    assert load_pack_cached(MINIMAL, tmp_path).ok


def test_an_outline_has_titles_and_ids_and_fills_in_on_demand(tmp_path):
    from course.content.cache import body_file

    full = load_pack(ROOT).pack
    load_pack_cached(ROOT, tmp_path)
    outline = load_pack_cached(ROOT, tmp_path, outline=True).pack
    module, whole = outline.modules[0], full.modules[0]
    assert module.questions == [] and module.question_ids == [q.id for q in whole.questions]
    assert [(l.id, [s.id for s in l.sections]) for l in module.lessons] == \
           [(l.id, [s.id for s in l.sections]) for l in whole.lessons]
    assert module.lessons[0].sections[0].body == ""
    outline.ensure_loaded()
    assert module.lessons == whole.lessons
    assert [q.id for q in module.questions] == [q.id for q in whole.questions]
    assert module.question_ids == [q.id for q in whole.questions]

    body_file(ROOT, tmp_path).unlink()  # a lost body is read again through the loader
    again = load_pack_cached(ROOT, tmp_path, outline=True).pack
    again.ensure_loaded()
    assert again.modules[0].lessons == whole.lessons


def test_quiz_selection_fills_an_outline_first(tmp_path):
    import random

    from course.quiz.engine import select_questions
    from course.store import MemoryStore

    load_pack_cached(MINIMAL, tmp_path)
    outline = load_pack_cached(MINIMAL, tmp_path, outline=True).pack
    assert select_questions(outline, MemoryStore(), ["demo"], 3, rng=random.Random(1))
