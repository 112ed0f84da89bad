"""Start-up time: process start to the first rendered Home frame, against a bare Textual app.

Both apps run headless in fresh processes, alternately, several times; each child
reports the moment its first screen has rendered. Run: python benchmarks/startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 15
TARGET = 1.3

BARE = """
import os, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Hello")
        yield Footer()

async def first_frame(pilot):
    await pilot.pause()
    print(time.time() - float(os.environ["T0"]), flush=True)
    pilot.app.exit()

Bare().run(headless=True, size=(100, 32), auto_pilot=first_frame)
"""

COLDSTART = """
import os, time
from course.app import CourseApp
from course.cli import _load
from course.store import open_store
from argparse import Namespace

async def first_frame(pilot):
    from course.screens.home import HomeScreen
    while not isinstance(pilot.app.screen, HomeScreen):
        await pilot.pause()
    await pilot.pause()
    print(time.time() - float(os.environ["T0"]), flush=True)
    pilot.app.exit()

CourseApp(_load(Namespace(pack=None)), open_store()).run(headless=True, size=(100, 32), auto_pilot=first_frame)
"""


def measure(code: str, home: str) -> float:
    env = dict(os.environ, COLDSTART_HOME=home)
    env["T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        measure(BARE, home), measure(COLDSTART, home)  # warm the file cache
        bare, ours = [], []
        for _ in range(RUNS):
            bare.append(measure(BARE, home))
            ours.append(measure(COLDSTART, home))
        # The first start after installing (or editing a pack) reads and checks the YAML
        # and fills the pack cache; later starts read the cache.
        first = []
        for _ in range(5):
            with tempfile.TemporaryDirectory() as fresh:
                first.append(measure(COLDSTART, fresh))
    b, o = statistics.median(bare), statistics.median(ours)
    ratio = o / b
    print(f"bare Textual app   median {b * 1000:7.1f} ms  (min {min(bare) * 1000:.1f})")
    print(f"coldstart Home     median {o * 1000:7.1f} ms  (min {min(ours) * 1000:.1f})")
    print(f"  first start, no pack cache yet: median {statistics.median(first) * 1000:.1f} ms "
          f"(ratio {statistics.median(first) / b:.2f}, not the target)")
    print(f"ratio {ratio:.2f} (target <= {TARGET}) {'PASS' if ratio <= TARGET else 'FAIL'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
