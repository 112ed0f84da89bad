"""Template creator for ``AWS::Kinesis::Stream``: CreateStream, then the retention CloudFormation sets.

CloudFormation creates the stream with its shard count or mode and, when ``RetentionPeriodHours`` is
above the 24-hour default, raises the retention with IncreaseStreamRetentionPeriod
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html).
A stream without ``ShardCount`` or ``StreamModeDetails`` gets one shard, CloudFormation's default.
"""

from __future__ import annotations

from course.sim.errors import AwsError, NotModeled
from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import TAGS, TEXT, integer, list_of, obj, resource, string

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


def create_stream(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = account.service("kinesis")
    name = props.get("Name") or context.physical_name(128)
    if props.get("StreamEncryption") or props.get("MaxRecordSizeInKiB") or props.get("WarmThroughputMiBps"):
        raise NotModeled("kinesis", "stream encryption, record sizes above 1 MiB or warm throughput")
    params: dict = {"StreamName": name}
    mode = (props.get("StreamModeDetails") or {}).get("StreamMode")
    if mode == "ON_DEMAND":
        params["StreamModeDetails"] = {"StreamMode": "ON_DEMAND"}
    else:
        params["ShardCount"] = int(props.get("ShardCount") or 1)
    if props.get("Tags"):
        params["Tags"] = {tag["Key"]: tag["Value"] for tag in props["Tags"]}
    service.call("CreateStream", params)
    hours = props.get("RetentionPeriodHours")
    if hours is not None and int(hours) != 24:
        try:
            service.call("IncreaseStreamRetentionPeriod", {"StreamName": name, "RetentionPeriodHours": int(hours)})
        except AwsError:
            service.call("DeleteStream", {"StreamName": name})
            raise
    arn = service.call("DescribeStreamSummary", {"StreamName": name})["StreamDescriptionSummary"]["StreamARN"]
    return PhysicalResource(name, {"Arn": arn})


def _delete(account, made) -> None:
    account.service("kinesis").call("DeleteStream", {"StreamName": made.physical_id})


register_creator("AWS::Kinesis::Stream", create_stream, ("Arn",), schema=KINESIS_STREAM, delete=_delete)
