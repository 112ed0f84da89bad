"""How an event source mapping works through a stream: batches, retries, bisection, failures.

Driven by the simulated clock. Per shard, records are read in order and split into
``ParallelizationFactor`` lanes by partition key (Kinesis) or item key (DynamoDB), so records of one
key stay in order while up to that many batches of a shard are processed; each lane has one batch in
flight. A batch goes to the function synchronously as ``{"Records": [...]}``. Then, as "Lambda event
source mapping" error handling describes (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html,
https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html):
- success moves the lane on; with ``ReportBatchItemFailures`` a response's ``batchItemFailures``
  checkpoints before the failed record with the lowest sequence number and retries from it (an empty
  list is success; a failure entry that names no record of the batch fails the whole batch);
- a function error retries the batch until ``MaximumRetryAttempts`` (-1: until the records expire) or
  the records grow older than ``MaximumRecordAgeInSeconds`` (-1: the stream's retention), then the
  batch is given up: an invocation record with the batch's shard and sequence range goes to the
  ``OnFailure`` destination (recorded in ``LambdaService.deliveries``) and the lane moves on;
- ``BisectBatchOnFunctionError`` splits a failing batch in two and processes the halves in order.

Assumptions (AWS publishes no figures): a failed batch is retried after ``RETRY_BASE_S`` doubling per
attempt up to ``RETRY_CAP_S``; halves of a bisected batch start with a fresh retry count (so bisection
can isolate one bad record even when retries are few); a throttled invocation is retried on the same
schedule but does not count as an attempt; the condition named for records given up for their age is
``MaximumRecordAgeExceeded``. Time spent in the handler does not move the simulated clock.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from course.sim.awslambda import config
from course.sim.awslambda.esm_filters import matches_any
from course.sim.awslambda.esm_sources import SourceRecord
from course.sim.errors import AwsError

RETRY_BASE_S = 1.0
RETRY_CAP_S = 180.0
#: Batches a lane may run in one poll before the poller yields to the clock (keeps one tick bounded).
BATCHES_PER_TICK = 100
#: Records a shard read may buffer per lane before the poller stops reading ahead.
READ_AHEAD = 10_000


@dataclass
class Lane:
    queue: deque = field(default_factory=deque)
    batch: list[SourceRecord] | None = None
    pending: list[list[SourceRecord]] = field(default_factory=list)    # bisected halves still to run
    attempts: int = 0
    throttles: int = 0
    retry_at: float = 0.0
    first_seen: float | None = None


@dataclass
class Cursor:
    shard_id: str
    parent_id: str | None
    after: str | None = None
    start: str = "TRIM_HORIZON"
    finished: bool = False
    lanes: list[Lane] = field(default_factory=list)


def _backoff(failures: int) -> float:
    return min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (failures - 1))


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Poller:
    """The polling side of one mapping (its settings live on ``mapping``)."""

    def __init__(self, service, mapping):
        self.service = service
        self.mapping = mapping
        self.cursors: dict[str, Cursor] = {}
        self.next_poll: float | None = None
        self._token = 0
        self._initial = True

    # -- scheduling -----------------------------------------------------------------------------

    @property
    def clock(self):
        return self.service.account.clock

    def schedule(self, when: float) -> None:
        """Poll at ``when`` unless a poll is already due sooner."""
        if self.next_poll is not None and self.next_poll <= when:
            return
        self._token += 1
        token = self._token
        self.next_poll = when
        self.clock.call_at(when, lambda: self._fire(token))

    def wake(self) -> None:
        """A record may have arrived: an idle poller looks at the next polling interval."""
        if self.mapping.enabled and not self.mapping.deleted:
            self.schedule(self.clock.now() + self.mapping.source.poll_interval)

    def stop(self) -> None:
        self._token += 1
        self.next_poll = None

    def _fire(self, token: int) -> None:
        if token != self._token:
            return
        self.next_poll = None
        if self.mapping.deleted:
            return
        self.mapping.settle()
        if not self.mapping.enabled:
            return
        wake_at = self.poll()
        if wake_at is not None:
            self.schedule(wake_at)

    # -- one poll ---------------------------------------------------------------------------------

    def poll(self) -> float | None:
        """Read every shard and run what is ready; the time of the next poll, or None when idle."""
        mapping, now = self.mapping, self.clock.now()
        try:
            shards = mapping.source.shards()
        except AwsError:
            mapping.last_result = "PROBLEM: Stream not found"
            return None
        try:
            self._discover(shards)
        except AwsError as error:
            mapping.last_result = f"PROBLEM: {error.code}"
            return now + mapping.source.poll_interval
        live = {s.shard_id for s in shards}
        wakes = []
        for cursor in list(self.cursors.values()):
            if cursor.shard_id not in live:
                continue
            parent = self.cursors.get(cursor.parent_id or "")
            if parent is not None and not parent.finished and parent.shard_id in live:
                continue  # a child shard is read only after its parent, so an item's changes stay in order
            if not self._read(cursor):
                wakes.append(now + mapping.source.poll_interval)
            for lane in cursor.lanes:
                wake = self._run_lane(cursor, lane, now)
                if wake is not None:
                    wakes.append(wake)
        # A shard that left the stream (trimmed 24 hours after it closed) has nothing more to give,
        # read or not; its children must not wait for it.
        for shard_id in [k for k in self.cursors if k not in live]:
            del self.cursors[shard_id]
        return min(wakes) if wakes else None

    def prepare(self) -> None:
        """Settle each shard's starting position when the mapping is created (or, should the stream
        refuse the read just then, at the first poll)."""
        try:
            self._discover(self.mapping.source.shards())
        except AwsError:
            self.cursors.clear()

    def _discover(self, shards) -> None:
        for shard in shards:
            if shard.shard_id in self.cursors:
                continue
            cursor = Cursor(shard.shard_id, shard.parent_id,
                            lanes=[Lane() for _ in range(self.mapping.parallelization)])
            if self._initial or shard.parent_id is None:
                cursor.start = self.mapping.starting_position
                if cursor.start == "LATEST":
                    # LATEST means records written after the mapping was created: settle the
                    # position now, so a record written before the first poll is not lost.
                    records, _ = self.mapping.source.read(shard.shard_id, None, "TRIM_HORIZON", None, 10 ** 9)
                    cursor.after = records[-1].sequence if records else None
                    cursor.start = "TRIM_HORIZON"
            self.cursors[shard.shard_id] = cursor
        self._initial = False

    def _read(self, cursor: Cursor) -> bool:
        """Buffer what the shard holds past the cursor; False when the stream refused the read (too
        many readers of the shard, say), so the poller tries again at its next interval."""
        if cursor.finished:
            return True
        mapping = self.mapping
        if len(cursor.lanes) != mapping.parallelization and not any(
                lane.queue or lane.batch or lane.pending for lane in cursor.lanes):
            cursor.lanes = [Lane() for _ in range(mapping.parallelization)]  # an update changed the factor
        buffered = sum(len(lane.queue) for lane in cursor.lanes)
        if buffered >= READ_AHEAD:
            return True
        try:
            records, done = mapping.source.read(cursor.shard_id, cursor.after, cursor.start,
                                                mapping.starting_timestamp, READ_AHEAD - buffered)
        except mapping.source.gone:
            cursor.finished = True
            return True
        except AwsError as error:
            mapping.last_result = f"PROBLEM: {error.code}"
            mapping.stats["read_errors"] += 1
            return False
        now = self.clock.now()
        for record in records:
            cursor.after = record.sequence
            if not matches_any(mapping.filters, record.event):
                mapping.stats["filtered_records"] += 1  # discarded: it never reaches the function
                continue
            lane = cursor.lanes[self._lane_of(record)]
            lane.queue.append(record)
            if lane.first_seen is None:
                lane.first_seen = now
        cursor.finished = done
        return True

    def _lane_of(self, record: SourceRecord) -> int:
        count = self.mapping.parallelization
        if count == 1:
            return 0
        return int.from_bytes(hashlib.md5(record.group.encode()).digest()[:4], "big") % count

    # -- one lane -----------------------------------------------------------------------------------

    def _run_lane(self, cursor: Cursor, lane: Lane, now: float) -> float | None:
        mapping = self.mapping
        for _ in range(BATCHES_PER_TICK):
            if lane.batch is None:
                if lane.pending:
                    lane.batch, lane.attempts = lane.pending.pop(0), 0
                elif lane.queue:
                    full = len(lane.queue) >= mapping.batch_size
                    waited = lane.first_seen is not None and now >= lane.first_seen + mapping.window
                    if not full and not waited:
                        return lane.first_seen + mapping.window
                    lane.batch, lane.attempts = self._take(lane), 0
                    lane.first_seen = now if lane.queue else None
                else:
                    return None
            if lane.retry_at > now:
                return lane.retry_at
            self._drop_old(cursor, lane, now)
            if not lane.batch:
                lane.batch = None
                continue
            self._invoke(cursor, lane, now)
        return now + mapping.source.poll_interval

    def _take(self, lane: Lane) -> list[SourceRecord]:
        """Up to BatchSize records, and no more than fit the 6 MB synchronous payload."""
        batch, size = [], len('{"Records":[]}')
        while lane.queue and len(batch) < self.mapping.batch_size:
            record_size = len(json.dumps(lane.queue[0].event)) + 1
            if batch and size + record_size > config.SYNC_PAYLOAD_MAX:
                break
            batch.append(lane.queue.popleft())
            size += record_size
        return batch

    def _drop_old(self, cursor: Cursor, lane: Lane, now: float) -> None:
        limit = self.mapping.max_age_s()
        old = [r for r in lane.batch if now - r.arrival > limit]
        if old:
            self._give_up(cursor, old, "MaximumRecordAgeExceeded", None)
            gone = {id(r) for r in old}
            kept = [r for r in lane.batch if id(r) not in gone]
            lane.batch = kept or None
            lane.attempts = 0 if not kept else lane.attempts

    def _invoke(self, cursor: Cursor, lane: Lane, now: float) -> None:
        mapping, stats = self.mapping, self.mapping.stats
        batch = lane.batch
        payload = json.dumps({"Records": [r.event for r in batch]}).encode()
        outcome = self.service.run_for_mapping(mapping, payload)
        stats["invocations"] += 1
        if outcome is None:  # throttled or the function is gone: try again later, not an attempt
            stats["throttles"] += 1
            lane.throttles += 1
            lane.retry_at = now + _backoff(lane.throttles)
            return
        lane.throttles = 0
        mapping.last_result = "OK" if outcome["error"] is None else "PROBLEM: Function call failed"
        failed_from = self._failed_from(batch, outcome)
        if failed_from is None:
            stats["batches"] += 1
            stats["records"] += len(batch)
            lane.batch, lane.retry_at = None, 0.0
            return
        done, rest = batch[:failed_from], batch[failed_from:]
        stats["records"] += len(done)
        if done:
            stats["partial_failures"] += 1
        lane.batch = rest
        if outcome["error"] is not None and mapping.bisect and len(rest) > 1:
            half = len(rest) // 2
            lane.batch, lane.attempts = rest[:half], 0
            lane.pending.insert(0, rest[half:])
            stats["bisections"] += 1
            return
        lane.attempts += 1
        if mapping.max_retries != -1 and lane.attempts > mapping.max_retries:
            self._give_up(cursor, rest, "RetryAttemptsExhausted", outcome)
            lane.batch, lane.retry_at = None, 0.0
            return
        stats["retries"] += 1
        lane.retry_at = now + _backoff(lane.attempts)

    def _failed_from(self, batch: list[SourceRecord], outcome: dict) -> int | None:
        """Index of the first record to retry; None when the batch succeeded."""
        if outcome["error"] is not None:
            return 0
        if not self.mapping.report_item_failures:
            return None
        body = outcome["body"]
        failures = body.get("batchItemFailures") if isinstance(body, dict) else None
        if not failures:
            return None
        positions = {r.sequence: i for i, r in enumerate(batch)}
        found = []
        for failure in failures:
            ident = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if ident not in positions:
                return 0  # an identifier that is empty or not in the batch fails the whole batch
            found.append(positions[ident])
        return min(found)

    def _give_up(self, cursor: Cursor, records: list[SourceRecord], condition: str, outcome: dict | None) -> None:
        mapping = self.mapping
        mapping.stats["failed_batches"] += 1
        mapping.stats["discarded_records"] += len(records)
        document = {
            "requestContext": {"requestId": (outcome or {}).get("request_id") or self.service.new_request_id(),
                               "functionArn": mapping.function_arn, "condition": condition,
                               "approximateInvokeCount": self._attempts_of(cursor, records)},
            "responseContext": {"statusCode": 200, "executedVersion": (outcome or {}).get("version", "$LATEST")},
            "version": "1.0",
            "timestamp": _iso(self.clock.now()),
            mapping.source.batch_info_key: {
                "shardId": cursor.shard_id, "startSequenceNumber": records[0].sequence,
                "endSequenceNumber": records[-1].sequence,
                "approximateArrivalOfFirstRecord": _iso(records[0].arrival),
                "approximateArrivalOfLastRecord": _iso(records[-1].arrival),
                "batchSize": len(records), "streamArn": mapping.event_source_arn},
        }
        if outcome and outcome.get("error"):
            document["responseContext"]["functionError"] = outcome["error"]
        mapping.failures.append(document)
        if mapping.on_failure:
            self.service._deliver("OnFailure", mapping.on_failure, document)

    def _attempts_of(self, cursor: Cursor, records: list[SourceRecord]) -> int:
        for lane in cursor.lanes:
            if lane.batch and lane.batch[0] is records[0]:
                return lane.attempts
        return 0

    def busy(self) -> bool:
        return self.next_poll is not None
