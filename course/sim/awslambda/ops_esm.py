"""Event source mappings for streams: Create/Get/List/Update/DeleteEventSourceMapping.

A mapping connects a Kinesis data stream or a DynamoDB stream to a function; its poller
(``esm_poller.py``) reads the stream on the simulated clock and invokes the function with batches.
Parameters, defaults and ranges come from the API reference (CreateEventSourceMapping,
https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html) and the stream pages
("Lambda parameters for Amazon DynamoDB event source mappings",
https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html, and the Kinesis one,
https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html): BatchSize default 100,
at most 10,000; MaximumBatchingWindowInSeconds 0-300 (default 0); StartingPosition required,
AT_TIMESTAMP for Kinesis only; MaximumRetryAttempts and MaximumRecordAgeInSeconds default -1 (retry
until the record expires), age -1 or 60-604,800; ParallelizationFactor 1-10; OnFailure destinations
an SQS queue, SNS topic or S3 bucket; no OnSuccess for streams.

Per-mapping figures (``mapping.stats``) and the invocation records of batches given up
(``mapping.failures``) stay on the service for checks and tests. Sources other than Kinesis and
DynamoDB streams and tumbling windows are refused with NotModeledBySimulator; FilterCriteria is
applied as ``esm_filters.py`` describes.

Assumptions: a mapping is ``Creating`` until its first poll, one polling interval after it is
created, then ``Enabled`` (or ``Disabled``); ``LATEST`` is settled when the mapping is created, so a
record written in between is not lost.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

from course.sim.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from course.sim.awslambda.esm_filters import compile_filters
from course.sim.awslambda.esm_poller import Poller
from course.sim.awslambda.esm_sources import source_for
from course.sim.awslambda.lookup import page
from course.sim.errors import NotModeled
from course.sim.service import operation

DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 10_000
_SETTINGS = ("BatchSize", "MaximumBatchingWindowInSeconds", "ParallelizationFactor", "MaximumRetryAttempts",
             "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "DestinationConfig", "FunctionResponseTypes",
             "FilterCriteria")
_REFUSED = ("TumblingWindowInSeconds", "Topics", "Queues", "SourceAccessConfigurations",
            "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig",
            "DocumentDBEventSourceConfig", "ScalingConfig", "ProvisionedPollerConfig", "MetricsConfig",
            "LoggingConfig", "KMSKeyArn")
_ON_FAILURE = re.compile(r"arn:aws[a-zA-Z-]*:(sqs|sns|s3):[a-z0-9-]*:(\d{12})?:.+")
#: How long ``drain`` lets pollers work before it leaves a batch that keeps failing to later
#: ``advance`` steps (an assumption of the simulator, so a check cannot run for a simulated year).
DRAIN_LIMIT_S = 3600.0


def _refuse(what: str) -> NotModeled:
    return NotModeled.said(f"Coldstart's simulator does not model {what} for event source "
                           "mappings; it models Kinesis and DynamoDB stream sources.")


class Mapping:
    def __init__(self, service, mapping_id: str, params: dict, function, qualifier: str | None, source):
        self.service = service
        self.uuid = mapping_id
        self.event_source_arn = params["EventSourceArn"]
        self.function_name, self.qualifier = function.name, qualifier
        self.function_arn = function.qualified_arn(qualifier) if qualifier else function.arn
        self.source = source
        self.starting_position = params["StartingPosition"]
        stamp = params.get("StartingPositionTimestamp")
        self.starting_timestamp = stamp.timestamp() if isinstance(stamp, datetime) else stamp
        self.enabled = params.get("Enabled", True)
        self.state = "Creating"
        self.deleted = False
        self.last_modified = service.now
        self.last_result = "No records processed"
        self.tags = dict(params.get("Tags") or {})
        self.stats = {"invocations": 0, "batches": 0, "records": 0, "retries": 0, "throttles": 0, "bisections": 0,
                      "partial_failures": 0, "failed_batches": 0, "discarded_records": 0,
                      "read_errors": 0, "filtered_records": 0}
        #: Invocation records of batches given up, whether or not an OnFailure destination is set.
        self.failures: list[dict] = []
        self.apply(params)
        self.poller = Poller(service, self)

    def apply(self, params: dict) -> None:
        self.batch_size = params.get("BatchSize", getattr(self, "batch_size", DEFAULT_BATCH_SIZE))
        self.window = params.get("MaximumBatchingWindowInSeconds", getattr(self, "window", 0))
        self.parallelization = params.get("ParallelizationFactor", getattr(self, "parallelization", 1))
        self.max_retries = params.get("MaximumRetryAttempts", getattr(self, "max_retries", -1))
        self.max_age = params.get("MaximumRecordAgeInSeconds", getattr(self, "max_age", -1))
        self.bisect = params.get("BisectBatchOnFunctionError", getattr(self, "bisect", False))
        if "DestinationConfig" in params:
            self.on_failure = ((params["DestinationConfig"] or {}).get("OnFailure") or {}).get("Destination")
        elif not hasattr(self, "on_failure"):
            self.on_failure = None
        if "FilterCriteria" in params:
            given = params["FilterCriteria"] or {}
            self.filter_criteria = given if given.get("Filters") else None
            self.filters = compile_filters(given)
        elif not hasattr(self, "filters"):
            self.filter_criteria, self.filters = None, []
        if "FunctionResponseTypes" in params:
            self.report_item_failures = "ReportBatchItemFailures" in (params["FunctionResponseTypes"] or [])
        elif not hasattr(self, "report_item_failures"):
            self.report_item_failures = False

    def max_age_s(self) -> float:
        return float(self.max_age) if self.max_age != -1 else self.source.retention_s()

    def settle(self) -> None:
        """The first poll after a change finishes it: Creating/Updating/Enabling become Enabled or Disabled."""
        if self.state in ("Creating", "Updating", "Enabling", "Disabling"):
            self.state = "Enabled" if self.enabled else "Disabled"

    def configuration(self) -> dict:
        out = {
            "UUID": self.uuid, "StartingPosition": self.starting_position, "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.window, "ParallelizationFactor": self.parallelization,
            "EventSourceArn": self.event_source_arn, "FunctionArn": self.function_arn,
            "LastModified": datetime.fromtimestamp(self.last_modified, tz=UTC),
            "LastProcessingResult": self.last_result, "State": self.state, "StateTransitionReason": "User action",
            "DestinationConfig": {"OnFailure": {"Destination": self.on_failure} if self.on_failure else {}},
            "MaximumRecordAgeInSeconds": self.max_age, "BisectBatchOnFunctionError": self.bisect,
            "MaximumRetryAttempts": self.max_retries, "FunctionResponseTypes":
                ["ReportBatchItemFailures"] if self.report_item_failures else [],
            "EventSourceMappingArn": self.service.account.arn("lambda", f"event-source-mapping:{self.uuid}"),
        }
        if self.filter_criteria:
            out["FilterCriteria"] = self.filter_criteria
        if self.starting_timestamp is not None:
            out["StartingPositionTimestamp"] = datetime.fromtimestamp(self.starting_timestamp, tz=UTC)
        return out


class EventSourceMappingOps:
    @property
    def mappings(self) -> dict[str, Mapping]:
        found = self.__dict__.get("_mappings")
        if found is None:
            found = self.__dict__["_mappings"] = {}
        return found

    def _check_settings(self, params: dict, source) -> None:
        for key in _REFUSED:
            if params.get(key) not in (None, {}, []):
                raise _refuse(f"{key}")
        size = params.get("BatchSize")
        if size is not None and not 1 <= size <= MAX_BATCH_SIZE:
            raise InvalidParameterValueException("BatchSize must be between 1 and "
                                                 f"{MAX_BATCH_SIZE} for this event source.")
        compile_filters(params.get("FilterCriteria"))
        age = params.get("MaximumRecordAgeInSeconds")
        if age is not None and age != -1 and not 60 <= age <= 604_800:
            raise InvalidParameterValueException("MaximumRecordAgeInSeconds must be -1 "
                                                 "(infinite) or between 60 and 604800 seconds.")
        destinations = params.get("DestinationConfig") or {}
        if destinations.get("OnSuccess"):
            raise InvalidParameterValueException("Unsupported DestinationConfig parameter for "
                                                 "given event source mapping type: OnSuccess.")
        arn = (destinations.get("OnFailure") or {}).get("Destination")
        if arn and not _ON_FAILURE.fullmatch(arn):
            raise InvalidParameterValueException(f"The destination ARN {arn} is invalid: an event "
                                                 "source mapping for a stream sends failed batches "
                                                 "to an SQS queue, an SNS topic or an S3 bucket.")

    @operation("CreateEventSourceMapping")
    def create_event_source_mapping(self, params: dict) -> dict:
        arn = params.get("EventSourceArn")
        if not arn:
            raise _refuse("mappings without an EventSourceArn (self-managed Kafka)")
        function, qualifier = self.function(params["FunctionName"])
        if qualifier:
            self.version(function, qualifier)
        source = source_for(self.account, arn, function.latest.config.get("Role"))
        if source is None:
            raise _refuse(f"the event source {arn}")
        self._check_settings(params, source)
        start = params.get("StartingPosition")
        if start is None:
            raise InvalidParameterValueException("1 validation error detected: Value null at "
                                                 "'startingPosition' failed to satisfy constraint: Member must "
                                                 "not be null (a stream source needs TRIM_HORIZON or LATEST).")
        if start == "AT_TIMESTAMP" and source.kind != "kinesis":
            raise InvalidParameterValueException("Unsupported starting position AT_TIMESTAMP for "
                                                 "a DynamoDB stream; use TRIM_HORIZON or LATEST.")
        if start == "AT_TIMESTAMP" and params.get("StartingPositionTimestamp") is None:
            raise InvalidParameterValueException("StartingPositionTimestamp is required "
                                                 "when StartingPosition is AT_TIMESTAMP.")
        if not source.exists():
            raise InvalidParameterValueException(f"Cannot access stream {arn}. Please ensure the role can "
                                                 "perform the GetRecords, GetShardIterator, "
                                                 "DescribeStream, and ListStreams Actions on your stream.")
        for existing in self.mappings.values():
            if existing.event_source_arn == arn and existing.function_arn == (
                    function.qualified_arn(qualifier) if qualifier else function.arn):
                raise ResourceConflictException(f"The event source arn ({arn}) and function ({function.name}) "
                                                "provided mapping already exists. Please update or delete "
                                                f"the existing mapping with UUID {existing.uuid}")
        mapping_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        mapping = Mapping(self, mapping_id, params, function, qualifier, source)
        mapping.poller.prepare()
        self.mappings[mapping_id] = mapping
        source.subscribe(mapping.poller.wake)
        mapping.poller.schedule(self.now + source.poll_interval)
        return mapping.configuration()

    def _mapping(self, mapping_id: str) -> Mapping:
        mapping = self.mappings.get(mapping_id)
        if mapping is None:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        return mapping

    @operation("GetEventSourceMapping")
    def get_event_source_mapping(self, params: dict) -> dict:
        return self._mapping(params["UUID"]).configuration()

    @operation("ListEventSourceMappings")
    def list_event_source_mappings(self, params: dict) -> dict:
        rows = list(self.mappings.values())
        if params.get("EventSourceArn"):
            rows = [m for m in rows if m.event_source_arn == params["EventSourceArn"]]
        if params.get("FunctionName"):
            function, qualifier = self.function(params["FunctionName"])
            rows = [m for m in rows if m.function_name == function.name and (not qualifier or m.qualifier == qualifier)]
        return page([m.configuration() for m in rows], "EventSourceMappings", params)

    @operation("UpdateEventSourceMapping")
    def update_event_source_mapping(self, params: dict) -> dict:
        mapping = self._mapping(params["UUID"])
        self._check_settings(params, mapping.source)
        if params.get("FunctionName"):
            function, qualifier = self.function(params["FunctionName"])
            if qualifier:
                self.version(function, qualifier)
            mapping.function_name, mapping.qualifier = function.name, qualifier
            mapping.function_arn = function.qualified_arn(qualifier) if qualifier else function.arn
        mapping.apply({key: params[key] for key in _SETTINGS if key in params})
        if "Enabled" in params and params["Enabled"] != mapping.enabled:
            mapping.enabled = params["Enabled"]
            mapping.state = "Enabling" if mapping.enabled else "Disabling"
        else:
            mapping.state = "Updating"
        mapping.last_modified = self.now
        mapping.poller.stop()
        # A disabled mapping keeps its position in each shard; enabling it again carries on from there.
        mapping.poller.schedule(self.now + mapping.source.poll_interval)
        return mapping.configuration()

    @operation("DeleteEventSourceMapping")
    def delete_event_source_mapping(self, params: dict) -> dict:
        mapping = self._mapping(params["UUID"])
        mapping.deleted = True
        mapping.poller.stop()
        mapping.source.unsubscribe(mapping.poller.wake)
        del self.mappings[mapping.uuid]
        out = mapping.configuration()
        out["State"] = "Deleting"
        return out

    # -- invoking -----------------------------------------------------------------------------

    def run_for_mapping(self, mapping: Mapping, payload: bytes) -> dict | None:
        """One synchronous invocation for a poller: the parsed outcome, or None when throttled or gone."""
        function = self._functions.get(mapping.function_name)
        if function is None:
            mapping.last_result = "PROBLEM: Function not found"
            return None
        try:
            version = self.routed_version(function, mapping.qualifier)
            outcome = self.run(function, mapping.qualifier, version, payload, "RequestResponse")
        except (TooManyRequestsException, ResourceNotFoundException) as error:
            mapping.last_result = f"PROBLEM: {error.code}"
            return None
        try:
            body = json.loads(outcome.payload) if outcome.payload else None
        except ValueError:
            body = None
        return {"error": outcome.function_error, "body": body, "version": version.number,
                "request_id": outcome.record.request_id}

    def drain(self, advance_clock: bool = True) -> int:
        """Queued asynchronous events, then pollers until every shard is idle (moving the clock to each
        poll), for at most DRAIN_LIMIT_S of simulated time. Counts events run and batches delivered."""
        done = super().drain(advance_clock)
        if not advance_clock:
            return done
        clock = self.account.clock
        before = sum(m.stats["batches"] + m.stats["failed_batches"] for m in self.mappings.values())
        deadline = clock.now() + DRAIN_LIMIT_S
        while True:
            due = [m.poller.next_poll for m in self.mappings.values() if m.poller.busy()]
            if not due or min(due) > deadline:
                break
            clock.set(max(clock.now(), min(due)))
            done += super().drain(advance_clock)
        after = sum(m.stats["batches"] + m.stats["failed_batches"] for m in self.mappings.values())
        return done + after - before
