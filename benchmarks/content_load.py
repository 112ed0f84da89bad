"""Loading and validating packs, against plain ``yaml.load(CSafeLoader)`` of the same files.

Two packs: the bundled course and a generated pack of 10,000 questions.
Run: python benchmarks/content_load.py
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.content import load_pack  # noqa: E402
from course.paths import bundled_pack_dir  # noqa: E402

TARGET = 1.5
REPEATS = 7


def yaml_files(root: Path) -> list[Path]:
    return sorted([root / "pack.yaml", *(root / "content").rglob("*.yaml")])


def plain_yaml(root: Path) -> None:
    for path in yaml_files(root):
        with open(path, encoding="utf-8") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)


def timed(fn, *args) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def medians(root: Path) -> tuple[float, float]:
    """Both loaders, interleaved so that machine noise hits them alike."""
    ours, plain = [], []
    for _ in range(REPEATS):
        ours.append(timed(load_pack, root))
        plain.append(timed(plain_yaml, root))
    return statistics.median(ours), statistics.median(plain)


QUESTION = """  - id: q-{n}
    type: {kind}
    domains: [saa-performant, dva-development]
    difficulty: medium
    source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    see: big-lesson/s{s}
    stem: |
      A team runs workload number {n} on AWS Lambda with several functions behind an API.
      Which setting should they change first to reduce the observed latency?
{body}"""
SINGLE = """    options:
      - text: Increase the memory of function {n}
        correct: true
        explain: More memory also brings proportionally more CPU, which shortens the run.
      - text: Add a second layer to function {n}
        explain: Layers share code; they do not make a function faster.
      - text: Move function {n} to another Region
        explain: Moving Regions does not change a function's own duration.
      - text: Lower the timeout of function {n}
        explain: A lower timeout only stops slow invocations sooner.
"""
NUMERIC = """    answer: {n}
    unit: seconds
    tolerance: 0
    explain: The answer for workload {n} is {n} seconds.
"""


def make_big_pack(root: Path, questions: int = 10_000, per_file: int = 100) -> None:
    (root / "content" / "big" / "lessons").mkdir(parents=True)
    (root / "content" / "big" / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text(
        "format_version: 1\nid: big\ntitle: Big pack\nversion: '1'\nauthors: [Bench]\nlicense: CC0-1.0\n")
    (root / "content" / "big" / "module.yaml").write_text(
        "id: big\ntitle: Big\nsummary: Many questions.\norder: 1\nobjectives: [Speed]\ndomains: [saa-cost]\n")
    sections = "".join(f"  - id: s{i}\n    title: Section {i}\n    body: Text of section {i}.\n" for i in range(20))
    (root / "content" / "big" / "lessons" / "big.yaml").write_text(
        f"id: big-lesson\ntitle: Big lesson\norder: 1\nsections:\n{sections}")
    for f in range(questions // per_file):
        parts = ["questions:\n"]
        for i in range(per_file):
            n = f * per_file + i
            kind, body = ("single", SINGLE) if n % 2 else ("numeric", NUMERIC)
            parts.append(QUESTION.format(n=n, kind=kind, s=n % 20, body=body.format(n=n)))
        (root / "content" / "big" / "questions" / f"q{f:03}.yaml").write_text("".join(parts))


def plain_yaml_no_gc(root: Path) -> None:
    gc.disable()
    try:
        plain_yaml(root)
    finally:
        gc.enable()


def compare(name: str, root: Path) -> bool:
    result = load_pack(root)
    assert result.ok, result.problems[:5]
    count = sum(len(m.questions) for m in result.pack.modules)
    ours, plain = medians(root)
    ratio = ours / plain
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"{name}: {count} questions in {len(yaml_files(root))} files")
    print(f"  load_pack (parse + validate)   {ours * 1000:8.1f} ms")
    print(f"  yaml.load(CSafeLoader) only    {plain * 1000:8.1f} ms")
    print(f"  ratio {ratio:.2f} (target <= {TARGET}) {verdict}")
    # load_pack pauses the cyclic garbage collector while it builds; for a like-for-like
    # view, the same plain load with the collector paused too:
    paused = statistics.median(timed(plain_yaml_no_gc, root) for _ in range(REPEATS))
    print(f"  for reference, yaml.load with the garbage collector paused: {paused * 1000:.1f} ms "
          f"(ratio {ours / paused:.2f})")
    return ratio <= TARGET


def main() -> int:
    ok = compare("bundled course", bundled_pack_dir())
    with tempfile.TemporaryDirectory() as tmp:
        make_big_pack(Path(tmp))
        ok = compare("generated pack", Path(tmp)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
