"""``AWS::SQS::Queue``: CreateQueue as CloudFormation calls it, with the properties as queue attributes.

Schema from the CloudFormation reference (aws-resource-sqs-queue.html): ``Ref`` is the queue URL,
``Fn::GetAtt`` gives ``Arn``, ``QueueName`` and ``QueueUrl``. A queue without ``QueueName`` gets a
generated name, with the ``.fifo`` suffix when ``FifoQueue`` is true, as CloudFormation does.
"""

from __future__ import annotations

import json

from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import BOOLEAN, JSON, TAGS, TEXT, integer, resource, string

SQS_QUEUE = resource(
    {"ContentBasedDeduplication": BOOLEAN, "DeduplicationScope": string(enum=("messageGroup", "queue")),
     "DelaySeconds": integer(0, 900), "FifoQueue": BOOLEAN,
     "FifoThroughputLimit": string(enum=("perQueue", "perMessageGroupId")),
     "KmsDataKeyReusePeriodSeconds": integer(60, 86400), "KmsMasterKeyId": TEXT,
     "MaximumMessageSize": integer(1024, 1048576), "MessageRetentionPeriod": integer(60, 1209600),
     "QueueName": string(min_length=1, max_length=80), "ReceiveMessageWaitTimeSeconds": integer(0, 20),
     "RedriveAllowPolicy": JSON, "RedrivePolicy": JSON, "SqsManagedSseEnabled": BOOLEAN, "Tags": TAGS,
     "VisibilityTimeout": integer(0, 43200)},
    attributes=("Arn", "QueueName", "QueueUrl"), ref="the queue URL",
)

#: Properties that are not queue attributes.
_NOT_ATTRIBUTES = ("QueueName", "Tags")


def _attribute(value) -> str:
    """Queue attributes are text; policies given as objects are JSON, booleans lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def create_queue(account, logical_id: str, props: dict, context) -> PhysicalResource:
    fifo = props.get("FifoQueue") is True or str(props.get("FifoQueue")).lower() == "true"
    name = props.get("QueueName") or context.physical_name(80, ".fifo" if fifo else "")
    params = {"QueueName": name}
    attributes = {key: _attribute(value) for key, value in props.items() if key not in _NOT_ATTRIBUTES}
    if attributes:
        params["Attributes"] = attributes
    if props.get("Tags"):
        params["tags"] = {tag["Key"]: tag["Value"] for tag in props["Tags"]}
    sqs = account.service("sqs")
    url = sqs.call("CreateQueue", params)["QueueUrl"]
    queue = sqs.queue_by_url(url)
    return PhysicalResource(url, {"Arn": queue.arn, "QueueName": queue.name, "QueueUrl": url})


def _delete(account, made) -> None:
    account.service("sqs").call("DeleteQueue", {"QueueUrl": made.physical_id})


register_creator("AWS::SQS::Queue", create_queue, ("Arn", "QueueName", "QueueUrl"), schema=SQS_QUEUE, delete=_delete)
