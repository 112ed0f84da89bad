"""Start-up time: process start to the first rendered Home frame, against a bare Textual app.

Both apps run headless in fresh processes, alternately, several times. Each child
notes the moment its first composed frame is handed over for display (the point a
terminal would show it; headless mode then drops it), then exits.
Run: python benchmarks/startup.py
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

FIRST_FRAME = """
import os, sys, time
from textual.app import App as _App

_display = _App._display
_seen = []

def _first_frame(self, screen, renderable):
    if not _seen and renderable is not None:
        _seen.append(time.time() - float(os.environ["T0"]))
        print(_seen[0], type(screen).__name__, flush=True)
    return _display(self, screen, renderable)

_App._display = _first_frame
"""

BARE = FIRST_FRAME + """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Hello")
        yield Footer()

async def first_frame(pilot):
    while not _seen:
        await pilot.pause()
    pilot.app.exit()

Bare().run(headless=True, size=(100, 32), auto_pilot=first_frame)
"""

COLDSTART = FIRST_FRAME + """
from course.app import CourseApp
from course.cli import _APP_ONLY, _load, _store

async def first_frame(pilot):
    from course.screens.home import HomeScreen
    while not _seen:
        await pilot.pause()
    pilot.app.exit()

# What plain `coldstart` does (course.cli.main with no arguments), with an autopilot to stop it.
CourseApp(_load(_APP_ONLY, outline=True), _store()).run(headless=True, size=(100, 32), auto_pilot=first_frame)
"""


def measure(code: str, home: str) -> float:
    env = dict(os.environ, COLDSTART_HOME=home)
    env["T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    value, screen = out.stdout.split("\n")[0].split()
    assert screen in ("Screen", "HomeScreen"), f"the first frame was {screen}"
    return float(value)


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
