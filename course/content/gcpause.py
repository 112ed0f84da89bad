"""Pausing the cyclic garbage collector while a pack is built.

Loading or decoding a pack creates hundreds of thousands of small objects with no
cycles among them; the collections they would set off cost more than the work
itself, and in a running app they sweep the whole UI as well.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
