"""How long recording one answer takes once the history is long.

Pre-fills a TinyStore in a temporary directory with 10,000 answers, then times
200 further ``record_answer`` calls. Each call is a full durable write (fsync'd
temp file, rename, directory fsync), so the figures depend on the disk.

Cost grows with the size of the newest segment, not the whole history, so two
cases are timed: right after a segment boundary (10,000 stored, the calls fill
a fresh segment) and the worst case (10,800 stored, the calls fill the last
200 slots of a segment). The verdict uses the worst case.

Run from the repository root: ``python benchmarks/store.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.store import SCHEMA_VERSION, AnswerRecord  # noqa: E402
from course.store import layout, records  # noqa: E402
from course.store.tiny import TinyStore  # noqa: E402

TIMED = 200
TARGET_MS = 10.0


def answer(index: int) -> AnswerRecord:
    return AnswerRecord(
        question_id=f"lambda-{index % 250:03d}",
        module_id=f"module-{index % 8}",
        choice=[index % 4, (index + 1) % 4] if index % 3 else 42.5,
        correct=index % 2 == 0,
        seconds=12.25,
        timestamp=1_700_000_000.0 + index,
        mode="practice",
        session_id="5f0c2a9e8b7d4c3f9e1a2b3c4d5e6f70",
        seed=index,
    )


def prefill(directory: Path, count: int) -> None:
    """Write full segment files directly, in the store's on-disk format.

    Recording 10,000 answers one by one would take a minute of fsyncs; the
    store validates every file when opened, so a format mistake here would
    show up as a notice and fail the run.
    """
    for start in range(0, count, layout.SEGMENT_SIZE):
        docs = {
            str(doc_id): records.answer_to_doc(answer(index))
            for doc_id, index in enumerate(range(start, min(start + layout.SEGMENT_SIZE, count)), 1)
        }
        tables = {"store": {"1": {"schema_version": SCHEMA_VERSION}}, layout.ANSWERS: docs}
        path = directory / layout.segment_name(start // layout.SEGMENT_SIZE + 1)
        path.write_text(json.dumps(tables, separators=(",", ":")), encoding="utf-8")


def run(stored: int) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="coldstart-bench-") as tmp:
        directory = Path(tmp)
        prefill(directory, stored)
        store = TinyStore(directory)
        if store.notices:
            raise SystemExit(f"pre-filled data was rejected: {store.notices}")
        timings = []
        for index in range(stored, stored + TIMED):
            began = time.perf_counter()
            store.record_answer(answer(index))
            timings.append((time.perf_counter() - began) * 1000)
        total = len(store.answers())
        store.close()
        if total != stored + TIMED:
            raise SystemExit(f"expected {stored + TIMED} answers, found {total}")
    return sorted(timings)


def report(label: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    p95 = timings[round(0.95 * len(timings)) - 1]
    mean = statistics.fmean(timings)
    print(f"{label}: median {median:.2f} ms, p95 {p95:.2f} ms, mean {mean:.2f} ms")
    return median


def main() -> int:
    print(f"record_answer, {TIMED} timed calls each, segment size {layout.SEGMENT_SIZE}")
    report("10,000 stored (fresh segment)   ", run(10_000))
    worst = report("10,800 stored (segment 80% full)", run(10_800))
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"target: median <= {TARGET_MS:.0f} ms in the worst case: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
