"""Property schemas for stream processing: ``AWS::Kinesis::Stream`` and SAM's stream events.

``AWS::Lambda::EventSourceMapping`` itself is in ``schemas.py``. The SAM ``DynamoDB`` and ``Kinesis``
event properties follow the SAM specification
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-dynamodb.html,
.../sam-property-function-kinesis.html); SAM turns each into an ``AWS::Lambda::EventSourceMapping``.
"""

from __future__ import annotations

from course.sim.template.schemas import (
    BOOLEAN,
    OPEN,
    TAGS,
    TEXT,
    integer,
    list_of,
    number,
    obj,
    resource,
    string,
)

KINESIS_STREAM = resource(
    {"DesiredShardLevelMetrics": list_of(TEXT), "MaxRecordSizeInKiB": integer(1024, 10240),
     "Name": string(min_length=1, max_length=128, pattern=r"[a-zA-Z0-9_.-]+"),
     "RetentionPeriodHours": integer(24, 8760), "ShardCount": integer(1),
     "StreamEncryption": obj({"EncryptionType": string(enum=("KMS",)), "KeyId": TEXT},
                             required=("EncryptionType", "KeyId")),
     "StreamModeDetails": obj({"StreamMode": string(enum=("ON_DEMAND", "PROVISIONED"))}, required=("StreamMode",)),
     "Tags": TAGS, "WarmThroughputMiBps": integer(0)},
    attributes=("Arn",), ref="the stream name",
)

_SAM_ON_FAILURE = obj({"Destination": TEXT, "Type": string(enum=("SQS", "SNS", "S3"))})

#: Properties of a SAM ``DynamoDB`` or ``Kinesis`` event; ``Stream`` is the stream's ARN.
SAM_STREAM_EVENT = obj(
    {"BatchSize": integer(1, 10000), "BisectBatchOnFunctionError": BOOLEAN,
     "DestinationConfig": obj({"OnFailure": _SAM_ON_FAILURE}), "Enabled": BOOLEAN,
     "FilterCriteria": obj({"Filters": list_of(obj({"Pattern": TEXT}))}),
     "FunctionResponseTypes": list_of(string(enum=("ReportBatchItemFailures",))), "KmsKeyArn": TEXT,
     "MaximumBatchingWindowInSeconds": integer(0, 300), "MaximumRecordAgeInSeconds": integer(-1, 604800),
     "MaximumRetryAttempts": integer(-1, 10000), "MetricsConfig": OPEN, "ParallelizationFactor": integer(1, 10),
     "StartingPosition": string(enum=("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")),
     "StartingPositionTimestamp": number(0), "Stream": TEXT, "TumblingWindowInSeconds": integer(0, 900)},
)  # Stream is required; the SAM transform reports it missing with the other event types' requirements

SCHEMAS: dict[str, dict] = {"AWS::Kinesis::Stream": KINESIS_STREAM}
