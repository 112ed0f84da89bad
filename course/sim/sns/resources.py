"""``AWS::SNS::Topic``: CreateTopic as CloudFormation calls it.

Schema from the CloudFormation reference (aws-resource-sns-topic.html): ``Ref`` is the topic ARN,
``Fn::GetAtt`` gives ``TopicArn`` and ``TopicName``. Inline ``Subscription`` entries are accepted and
recorded in the stack, but nothing is delivered to them yet.
"""

from __future__ import annotations

import json

from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import BOOLEAN, JSON, TAGS, TEXT, list_of, obj, resource, string

SNS_TOPIC = resource(
    {"ArchivePolicy": JSON, "ContentBasedDeduplication": BOOLEAN, "DataProtectionPolicy": JSON,
     "DeliveryStatusLogging": list_of(obj({"FailureFeedbackRoleArn": TEXT, "Protocol": TEXT,
                                           "SuccessFeedbackRoleArn": TEXT, "SuccessFeedbackSampleRate": TEXT},
                                          required=("Protocol",))),
     "DisplayName": string(max_length=100), "FifoThroughputScope": TEXT, "FifoTopic": BOOLEAN, "KmsMasterKeyId": TEXT,
     "SignatureVersion": string(enum=("1", "2")),
     "Subscription": list_of(obj({"Endpoint": TEXT, "Protocol": TEXT}, required=("Endpoint", "Protocol"))),
     "Tags": TAGS, "TopicName": string(min_length=1, max_length=256),
     "TracingConfig": string(enum=("Active", "PassThrough"))},
    attributes=("TopicArn", "TopicName"), ref="the topic ARN",
)

#: Topic attributes CreateTopic takes from the properties of the same name.
_ATTRIBUTES = ("DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId", "SignatureVersion",
               "TracingConfig", "ArchivePolicy", "DataProtectionPolicy", "FifoThroughputScope")


def create_topic(account, logical_id: str, props: dict, context) -> PhysicalResource:
    fifo = props.get("FifoTopic") is True or str(props.get("FifoTopic")).lower() == "true"
    name = props.get("TopicName") or context.physical_name(256, ".fifo" if fifo else "")
    attributes = {}
    for key in _ATTRIBUTES:
        if key in props:
            value = props[key]
            attributes[key] = (json.dumps(value) if isinstance(value, (dict, list))
                               else str(value).lower() if isinstance(value, bool) else str(value))
    params = {"Name": name, **({"Attributes": attributes} if attributes else {})}
    arn = account.service("sns").call("CreateTopic", params)["TopicArn"]
    return PhysicalResource(arn, {"TopicArn": arn, "TopicName": name})


def _delete(account, made) -> None:
    account.service("sns").call("DeleteTopic", {"TopicArn": made.physical_id})


register_creator("AWS::SNS::Topic", create_topic, ("TopicArn", "TopicName"), schema=SNS_TOPIC, delete=_delete)
