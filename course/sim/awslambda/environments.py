"""Warm execution environments, kept per function version, reused while idle.

This is where cold starts come from. An invocation takes an idle environment
of the version it runs (warm) or, when none is idle, creates one (cold: the
handler module is imported again, module state starts over). An environment
that died (timeout, crash, out of memory) is dropped; one idle longer than the
reclaim time, read from the account's simulated clock, is closed, so a scenario
that advances the clock past it sees the next call start cold.

Provisioned concurrency is modelled here too: the first environments of a
version, up to the provisioned amount, are created already initialised, so
their first invocation is not a cold start.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Callable

from course.sim.awslambda.errors import ServiceException

#: A SnapStart cold start resumes a snapshot instead of running init. AWS gives no formula; its
#: launch figure was "up to 10x" faster starts for Java, so a restore is modelled as a tenth of the
#: init it replaces: the best case the launch claimed, not a measured figure.
SNAPSTART_RESTORE_FRACTION = 0.1


def restore_ms(init_ms: float) -> float:
    return round(init_ms * SNAPSTART_RESTORE_FRACTION, 2)


@dataclass
class Slot:
    env: Any
    created_at: float
    last_used: float
    busy: bool = False
    provisioned: bool = False
    uses: int = 0


class Pool:
    """The environments of one function version."""

    def __init__(self, spec, factory: Callable, rpc: Callable):
        self.spec = spec
        self._factory = factory
        self._rpc = rpc
        self.slots: list[Slot] = []
        self.created = 0

    def acquire(self, now: float, reclaim_after_s: float, provisioned: int = 0) -> Slot:
        """An idle environment if there is one, else a new one (provisioned while the quota lasts)."""
        self.reclaim(now, reclaim_after_s)
        idle = [s for s in self.slots if not s.busy]
        if idle:
            slot = max(idle, key=lambda s: (s.provisioned, s.last_used))
        else:
            warm_ready = sum(1 for s in self.slots if s.provisioned) < provisioned
            slot = Slot(self._factory(self.spec, self._rpc), now, now, provisioned=warm_ready)
            self.slots.append(slot)
            self.created += 1
        slot.busy = True
        return slot

    def release(self, slot: Slot, now: float) -> None:
        slot.busy = False
        slot.last_used = now
        slot.uses += 1
        if not slot.env.alive:
            self._drop(slot)

    def reclaim(self, now: float, reclaim_after_s: float) -> int:
        """Close dead environments and idle on-demand ones past the reclaim time; provisioned ones stay."""
        gone = [s for s in self.slots if not s.busy and (
            not s.env.alive or (not s.provisioned and now - s.last_used > reclaim_after_s))]
        for slot in gone:
            self._drop(slot)
        return len(gone)

    def _drop(self, slot: Slot) -> None:
        if slot in self.slots:
            self.slots.remove(slot)
        slot.env.close()

    @property
    def warm(self) -> int:
        return len(self.slots)

    def close(self) -> None:
        for slot in list(self.slots):
            self._drop(slot)


class Pools:
    """Every pool of one Lambda service, keyed by function name and version number."""

    def __init__(self, service):
        self._service = service
        self._pools: dict[tuple[str, str], Pool] = {}

    def get(self, function, version) -> Pool:
        key = (function.name, version.number)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = Pool(self._spec(function, version), self._factory(),
                                           self._service.account.call)
        return pool

    def find(self, function_name: str, version: str) -> Pool | None:
        return self._pools.get((function_name, version))

    def discard(self, function_name: str, version: str) -> None:
        pool = self._pools.pop((function_name, version), None)
        if pool is not None:
            pool.close()

    def reclaim(self, now: float) -> int:
        return sum(pool.reclaim(now, self._service.reclaim_after_s) for pool in self._pools.values())

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def _factory(self) -> Callable:
        if self._service.environment_factory is not None:
            return self._service.environment_factory
        try:
            from course.sim.awslambda.runtime import Environment
        except ImportError as missing:
            raise ServiceException(f"The simulator's Lambda runtime is unavailable: {missing}") from None
        return lambda spec, rpc: Environment(spec, rpc=rpc)

    def _spec(self, function, version):
        account = self._service.account
        cfg = version.config
        fields = dict(
            function_name=function.name,
            version=version.number,
            arn=function.qualified_arn(None if version.number == "$LATEST" else version.number),
            runtime=cfg.get("Runtime") or "",
            handler=cfg.get("Handler") or "",
            code_dir=version.code.code_dir,
            memory_mb=cfg["MemorySize"],
            timeout_s=float(cfg["Timeout"]),
            ephemeral_mb=cfg["EphemeralStorage"]["Size"],
            environment=dict(cfg.get("Environment", {}).get("Variables") or {}),
            region=account.region,
            account_id=account.account_id,
            clock=account.clock.now,
        )
        try:
            from course.sim.awslambda.runtime import FunctionSpec
        except ImportError:
            return types.SimpleNamespace(**fields)
        return FunctionSpec(**fields)
