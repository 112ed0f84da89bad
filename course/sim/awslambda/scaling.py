"""A load scenario: steady (or shaped) traffic against one function over simulated time.

Running millions of real invocations is out of the question, so the scenario
models them, one step (1 s by default) at a time, from the handler's duration
(declared, or measured by really invoking the function a few times):

- concurrency is arrival rate × duration (Little's law);
- a request finds a warm environment if one is free, else Lambda starts a new
  one, which is a cold start, at most 1,000 new environments per 10 s per
  function (facts.md section 1, scaling rate);
- the function never runs more than its reserved concurrency, or, without a
  reservation, the account's unreserved pool (1,000 less every reservation);
  requests beyond what the environments can serve are throttled (429);
- provisioned concurrency environments exist, initialised, from the moment
  the configuration is READY, so traffic within them has no cold starts;
- on a published version with SnapStart, a cold start restores a snapshot
  instead of running init (``environments.restore_ms``);
- environments unused for longer than the service's reclaim time are dropped;
- cost follows ``pricing``: requests and billed GB-seconds, init billed on
  on-demand cold starts (a SnapStart restore is not billed as duration),
  extrapolated from the run to a 730-hour month.

Not modelled: the invocation-rate (RPS) quota, other functions' live usage of
the shared pool, weighted alias routing (the alias's primary version takes
all traffic) and provisioned-concurrency charges (see ``pricing``).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Callable

from course.sim.awslambda import pricing
from course.sim.awslambda.environments import restore_ms

#: "At 1,769 MB, a function has the equivalent of one vCPU (one vCPU-second of credits per second)."
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
ONE_VCPU_MB = 1_769
SCALE_LIMIT = 1_000
SCALE_WINDOW_S = 10.0
SCALING_REASON = "ScalingRateLimit"
#: Cold-start init used when a duration is declared but no init time is: illustrative figures only
#: (interpreted runtimes start in a few hundred ms, JVM and .NET ones take longer), not AWS data.
DEFAULT_INIT_MS = {"python": 250.0, "nodejs": 250.0, "ruby": 300.0, "java": 1500.0, "dotnet": 1000.0,
                   "provided": 100.0}


@dataclass
class Step:
    t: float
    arrivals: int
    served: int
    throttled: int
    cold_starts: int
    concurrency: float
    environments: int


@dataclass
class LoadReport:
    function: str
    qualifier: str | None
    version: str
    architecture: str
    memory_mb: int
    duration_s: float
    step_s: float
    handler_ms: float
    init_ms: float
    init_source: str
    snapstart: bool
    cold_init_ms: float
    reserved: int | None
    provisioned: int
    concurrency_cap: int
    requests: int = 0
    served: int = 0
    throttled: int = 0
    throttled_by: dict[str, int] = field(default_factory=dict)
    cold_starts: int = 0
    peak_concurrency: float = 0.0
    peak_environments: int = 0
    avg_latency_ms: float = 0.0
    max_latency_ms: float = 0.0
    gb_seconds: float = 0.0
    run_cost: dict = field(default_factory=dict)
    month_cost: dict = field(default_factory=dict)
    series: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    #: The function's timeout, and how long the work needs: when the work needs longer,
    #: every invocation is stopped at the timeout (and billed up to it) and counted here.
    timeout_s: float = 0.0
    work_ms: float = 0.0
    timed_out: int = 0
    #: Provisioned concurrency is billed for the concurrency configured, times the memory, for
    #: as long as it is configured (aws.amazon.com/lambda/pricing); this is that billing unit
    #: for a month. Its price is not modeled, so it is given in GB-seconds, not dollars.
    provisioned_gb_seconds_month: float = 0.0

    @property
    def cold_start_pct(self) -> float:
        return 100.0 * self.cold_starts / self.served if self.served else 0.0

    def as_dict(self) -> dict:
        out = asdict(self)
        out["cold_start_pct"] = self.cold_start_pct
        return out


def cpu_bound_ms(cpu_ms: float, memory_mb: int) -> float:
    """How long single-threaded CPU work takes: CPU share grows with memory up to one vCPU
    at 1,769 MB; more memory adds vCPUs that one thread cannot use."""
    return cpu_ms * max(1.0, ONE_VCPU_MB / memory_mb)


def run_load(account, function: str, qualifier: str | None = None, rate_per_s: float | Callable = 1.0,
             duration_s: float = 60.0, handler_ms: float | None = None, *, cpu_ms: float | None = None,
             init_ms: float | None = None,
             step_s: float = 1.0, samples: int = 3, event: bytes = b"{}", free_tier: bool = False,
             advance_clock: bool = True) -> LoadReport:
    """Play ``rate_per_s`` requests a second (a number, or a function of elapsed seconds) for ``duration_s``."""
    if step_s <= 0 or duration_s <= 0:
        raise ValueError("step_s and duration_s must be positive")
    service = account.service("lambda")
    fn, qualifier = service.function(function, qualifier)
    version = service.version(fn, qualifier)
    assumptions = []
    if cpu_ms is not None:
        handler_ms = cpu_bound_ms(cpu_ms, version.memory_mb)
        assumptions.append(f"CPU-bound work of {cpu_ms:g} ms at one vCPU ({ONE_VCPU_MB} MB) takes "
                           f"{handler_ms:.0f} ms at {version.memory_mb} MB")
    if handler_ms is None:
        handler_ms, measured_init = _measure(service, fn, qualifier, version, event, samples)
        init_source = "measured"
        if init_ms is None:
            init_ms = measured_init
        assumptions.append(f"handler duration measured: median of {samples} warm invocations")
    else:
        init_source = "declared" if init_ms is not None else "default"
        if init_ms is None:
            family = (version.config.get("Runtime") or "provided").rstrip("0123456789.x").split(".")[0]
            init_ms = DEFAULT_INIT_MS.get(family, 250.0)
            assumptions.append(f"init duration not given: {init_ms:.0f} ms assumed for {family}")
    if handler_ms <= 0:
        raise ValueError("handler_ms must be positive")
    snapstart = version.snapstart_on
    cold_init = restore_ms(init_ms) if snapstart else init_ms
    cap, reason = service.concurrency_cap(fn)
    start = service.now
    report = LoadReport(fn.name, qualifier, version.number, version.architecture, version.memory_mb, duration_s,
                        step_s, handler_ms, init_ms, init_source, snapstart, cold_init, fn.reserved,
                        service.provisioned_for(fn, version.number, start), cap, assumptions=assumptions)
    existing = service.pools.find(fn.name, version.number)
    warm = 0
    if existing is not None:
        existing.reclaim(start, service.reclaim_after_s)
        warm = existing.warm
    report.timeout_s = float(version.config.get("Timeout") or 3)
    report.work_ms = handler_ms
    if handler_ms > report.timeout_s * 1000:
        report.handler_ms = report.timeout_s * 1000
        report.assumptions.append(f"the work needs {handler_ms:.0f} ms but the timeout is {report.timeout_s:g} s: "
                                  "every invocation times out")
    gb_s = _simulate(service, fn, version, report, rate_per_s, start, warm, reason)
    if handler_ms > report.timeout_s * 1000:
        report.timed_out = report.served
    _price(report, gb_s, free_tier)
    service.load_reports.append(report)
    if advance_clock:
        account.clock.advance(duration_s)
    return report


def _measure(service, fn, qualifier, version, event: bytes, samples: int) -> tuple[float, float]:
    """Really invoke the function: one cold start for init, then ``samples`` warm calls for duration."""
    service.pools.discard(fn.name, version.number)
    durations, init = [], None
    for _ in range(samples + 1):
        outcome = service.run(fn, qualifier, version, event, "RequestResponse")
        if outcome.record.error_type == "Runtime.Unsupported":
            raise ValueError(f"{fn.name} cannot run in the simulator ({version.config.get('Runtime') or 'image'}); "
                             "pass handler_ms (and init_ms) to run_load")
        if outcome.record.init_ms is not None and init is None:
            init = outcome.record.init_ms
        else:
            durations.append(outcome.record.duration_ms)
    return statistics.median(durations or [1.0]), (init or 0.0)


def _simulate(service, fn, version, report: LoadReport, rate, start: float, warm: int, cap_reason: str) -> Decimal:
    """Fill the report's totals and series step by step; returns the billed GB-seconds."""
    dt = report.step_s
    d_s = report.handler_ms / 1000.0
    init_s = report.cold_init_ms / 1000.0
    window_steps = max(1, round(SCALE_WINDOW_S / dt))
    reclaim_steps = max(1, math.ceil(service.reclaim_after_s / dt))
    # New environments of the steps before this one that still count against the 10 s window.
    created = deque([0] * (window_steps - 1), maxlen=window_steps - 1)
    used_recent: deque = deque(maxlen=reclaim_steps)
    carry, envs = 0.0, warm
    latency_sum, gb_s = 0.0, Decimal(0)
    warm_billed = pricing.billed_ms(report.handler_ms)
    cold_billed = pricing.billed_ms(report.handler_ms + (0.0 if report.snapstart else report.cold_init_ms))
    throttled_by: dict[str, int] = {}
    for index in range(math.ceil(report.duration_s / dt)):
        t = index * dt
        provisioned = service.provisioned_for(fn, version.number, start + t)
        envs = max(envs, provisioned)
        carry += (rate(t) if callable(rate) else rate) * dt
        arrivals = int(carry)
        carry -= arrivals
        # Requests one warm environment serves in a step, and one that starts cold in it.
        per_warm, per_cold = dt / d_s, 1 + max(0.0, dt - init_s - d_s) / d_s
        shortfall = arrivals - envs * per_warm
        new = 0
        limited_by = None
        if shortfall > 1e-9:
            wanted = math.ceil(shortfall / per_cold - 1e-9)
            by_cap = max(0, report.concurrency_cap - envs)
            by_rate = max(0, SCALE_LIMIT - sum(created))
            new = min(wanted, by_cap, by_rate)
            if new < wanted:
                limited_by = cap_reason if by_cap <= by_rate else SCALING_REASON
        capacity = envs * per_warm + new * per_cold
        served = min(arrivals, math.floor(capacity + 1e-9))
        throttled = arrivals - served
        cold = min(new, served)
        if throttled:
            key = limited_by or cap_reason
            throttled_by[key] = throttled_by.get(key, 0) + throttled
        created.append(new)
        alive = envs + new
        used = min(alive, math.ceil(served * d_s / dt)) if served else 0
        used_recent.append(max(used, cold))
        envs = min(alive, max(used_recent))
        concurrency = min(alive, served * d_s / dt + cold * init_s / dt)
        report.series.append(Step(round(t, 6), arrivals, served, throttled, cold, round(concurrency, 3), alive))
        report.requests += arrivals
        report.served += served
        report.throttled += throttled
        report.cold_starts += cold
        report.peak_concurrency = max(report.peak_concurrency, round(concurrency, 3))
        report.peak_environments = max(report.peak_environments, alive)
        latency_sum += served * report.handler_ms + cold * report.cold_init_ms
        if cold:
            report.max_latency_ms = max(report.max_latency_ms, report.handler_ms + report.cold_init_ms)
        elif served:
            report.max_latency_ms = max(report.max_latency_ms, report.handler_ms)
        gb_s += pricing.gb_seconds(version.memory_mb, warm_billed, served - cold)
        gb_s += pricing.gb_seconds(version.memory_mb, cold_billed, cold)
    report.throttled_by = throttled_by
    report.avg_latency_ms = latency_sum / report.served if report.served else 0.0
    report.gb_seconds = float(gb_s)
    return gb_s


def _price(report: LoadReport, gb_s: Decimal, free_tier: bool) -> None:
    run = pricing.cost(report.served, gb_s, report.architecture)
    factor = Decimal(pricing.SECONDS_PER_MONTH) / Decimal(str(report.duration_s))
    month = pricing.cost(int(report.served * factor), gb_s * factor, report.architecture, free_tier)
    report.run_cost = run.as_dict()
    report.month_cost = month.as_dict()
    report.provisioned_gb_seconds_month = report.provisioned * report.memory_mb / 1024 * pricing.SECONDS_PER_MONTH
    report.assumptions.append(f"month = {pricing.SECONDS_PER_MONTH // 3600} hours at the run's average load")
