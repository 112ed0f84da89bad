"""Writer processes for the store's crash and locking tests.

Run as a script (``python store_helpers.py writer DIR TAG COUNT SEGMENT_SIZE
[BARRIER_DIR PEERS]``). It records answers ``TAG-0``, ``TAG-1``... and prints
each index only after every write for it has returned, so the parent knows
exactly which writes were acknowledged. Every third index also marks a section
read and every tenth starts a session, so meta.json is rewritten concurrently
too. With a barrier, each writer waits until PEERS writers are ready, so the
writers really overlap.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def answer_id(tag: str, index: int) -> str:
    return f"{tag}-{index}"


def section_id(tag: str, index: int) -> str:
    return f"{tag}-s{index}"


def wait_for_peers(barrier: Path, tag: str, peers: int) -> None:
    barrier.mkdir(parents=True, exist_ok=True)
    (barrier / tag).touch()
    deadline = time.monotonic() + 60
    while len(os.listdir(barrier)) < peers:
        if time.monotonic() > deadline:
            raise SystemExit("peers never became ready")
        time.sleep(0.001)


def writer(directory: Path, tag: str, count: int, segment_size: int, barrier: Path | None, peers: int) -> None:
    sys.path.insert(0, str(REPO))
    from course.store import AnswerRecord, layout
    from course.store.tiny import TinyStore

    layout.SEGMENT_SIZE = segment_size
    store = TinyStore(directory)
    if barrier is not None:
        wait_for_peers(barrier, tag, peers)
    for index in range(count):
        store.record_answer(
            AnswerRecord(
                question_id=answer_id(tag, index),
                module_id=tag,
                choice=[index % 4],
                correct=index % 2 == 0,
                seconds=1.5,
                timestamp=float(index),
            )
        )
        if index % 3 == 0:
            store.mark_read(tag, "lesson", section_id(tag, index))
        if index % 10 == 0:
            store.start_session("practice", [tag], 10)
        sys.stdout.write(f"{index}\n")
        sys.stdout.flush()
    store.close()


def main(argv: list[str]) -> None:
    command, directory, tag, count, segment_size, *rest = argv
    if command != "writer":
        raise SystemExit(f"unknown command {command!r}")
    barrier = Path(rest[0]) if rest else None
    peers = int(rest[1]) if rest else 0
    writer(Path(directory), tag, int(count), int(segment_size), barrier, peers)


if __name__ == "__main__":
    main(sys.argv[1:])
