"""Simulated time inside a worker process: the handler's wall clock follows the account's.

Loaded by ``worker.py`` from beside it (the worker runs as ``python -I``, without the package on
its path), and only when the parent sends a simulated time. Standard library only.
"""

import time

_clock = {"offset": 0.0}


def set_simulated_now(now):
    """The parent sends the account's simulated time with the config and each invoke; from then
    on the wall clock the handler reads runs from there (real time passes during the handler, as
    it would on Lambda)."""
    if now is not None:
        _clock["offset"] = float(now) - _real_time()


_real_time = time.time


def _stand_in(real, **methods):
    """A subclass of ``real`` with other class methods, whose instance and subclass checks still
    accept every ``real`` object (a ``datetime`` made before the swap, or by a C library)."""

    class Kind(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, real)

        def __subclasscheck__(cls, other):
            return issubclass(other, real)

    namespace = {name: classmethod(fn) for name, fn in methods.items()}
    # Named like the original, so pickle and repr find it where the original was.
    namespace.update(__module__=real.__module__, __qualname__=real.__qualname__)
    return Kind(real.__name__, (real,), namespace)


def follow_simulated_clock():
    """``time.time()``, ``datetime.now()`` and friends read the account's simulated clock, so a
    handler that computes a TTL or an expiry as it would on AWS (``int(time.time()) + 3600``)
    agrees with the simulator's TTL sweeper. Monotonic and performance counters stay real: they
    measure durations, not dates. The ``datetime`` class is swapped for a subclass whose
    instance check accepts every ``datetime``, so libraries that test ``isinstance`` still work."""
    import datetime as _dt

    real_time_ns, real_gmtime, real_localtime = time.time_ns, time.gmtime, time.localtime

    def sim_time():
        return _real_time() + _clock["offset"]

    time.time = sim_time
    time.time_ns = lambda: real_time_ns() + int(_clock["offset"] * 1_000_000_000)
    time.gmtime = lambda secs=None: real_gmtime(sim_time() if secs is None else secs)
    time.localtime = lambda secs=None: real_localtime(sim_time() if secs is None else secs)
    real_strftime = time.strftime
    time.strftime = lambda fmt, t=None: real_strftime(fmt, real_localtime(sim_time()) if t is None else t)
    real_datetime, real_date = _dt.datetime, _dt.date

    def now(cls, tz=None):
        return real_datetime.fromtimestamp(sim_time(), tz)

    def utcnow(cls):
        return real_datetime.fromtimestamp(sim_time(), _dt.timezone.utc).replace(tzinfo=None)

    def today(cls):
        return real_datetime.fromtimestamp(sim_time())

    def date_today(cls):
        return real_date.fromtimestamp(sim_time())

    datetime = _stand_in(real_datetime, now=now, utcnow=utcnow, today=today)
    date = _stand_in(real_date, today=date_today)
    _dt.datetime, _dt.date = datetime, date
