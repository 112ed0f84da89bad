"""A minimal Amazon SQS: queues that exist, with their attributes, URLs and ARNs.

Enough for templates and handlers to create, find, describe, list and delete queues: CreateQueue,
GetQueueUrl, GetQueueAttributes, ListQueues and DeleteQueue. Messages are not modeled yet; every
other operation is refused with NotModeledBySimulator by ``Service.call``.

Rules (Amazon SQS API Reference, CreateQueue): a queue name has 1 to 80 characters, letters,
digits, hyphens and underscores, and a FIFO queue's name ends in ``.fifo`` (the suffix is only for
FIFO queues); names are case-sensitive. CreateQueue with the name of an existing queue and the same
attributes returns that queue's URL; with different attributes it fails with QueueNameExists.
The queue type can't change after creation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course.sim.service import Service, operation
from course.sim.sqs.errors import InvalidAttributeName, InvalidParameterValue, QueueDoesNotExist, QueueNameExists

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
#: The attributes CreateQueue accepts (SQS API Reference, CreateQueue "Attributes").
SETTABLE = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "ReceiveMessageWaitTimeSeconds",
            "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId",
            "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication",
            "DeduplicationScope", "FifoThroughputLimit")
COMPUTED = ("QueueArn", "CreatedTimestamp", "LastModifiedTimestamp", "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")


@dataclass
class Queue:
    name: str
    url: str
    arn: str
    created: int
    attributes: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, str]:
        return {**self.attributes, "QueueArn": self.arn, "CreatedTimestamp": str(self.created),
                "LastModifiedTimestamp": str(self.created), "ApproximateNumberOfMessages": "0",
                "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0"}


class SQSService(Service):
    name = "sqs"

    def __init__(self, account):
        super().__init__(account)
        self.queues: dict[str, Queue] = {}

    def queue_by_url(self, url: str) -> Queue:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        queue = self.queues.get(name)
        if queue is None or queue.url != url:
            raise QueueDoesNotExist("The specified queue does not exist.")
        return queue

    @operation("CreateQueue")
    def create_queue(self, params: dict) -> dict:
        name = params["QueueName"]
        attributes = {key: str(value) for key, value in (params.get("Attributes") or {}).items()}
        unknown = sorted(set(attributes) - set(SETTABLE))
        if unknown:
            raise InvalidAttributeName(f"Unknown Attribute {unknown[0]}.")
        fifo = attributes.get("FifoQueue", "false").lower() == "true"
        base = name[:-5] if name.endswith(".fifo") else name
        if not _NAME.fullmatch(base) or len(name) > 80:
            raise InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores."
                                        " 1 to 80 in length")
        if fifo != name.endswith(".fifo"):
            raise InvalidParameterValue("The name of a FIFO queue must end with the .fifo suffix" if fifo
                                        else "Only a FIFO queue (FifoQueue: true) may have a name ending in .fifo")
        existing = self.queues.get(name)
        if existing is not None:
            if existing.attributes != attributes:
                raise QueueNameExists("A queue already exists with the same name and a different value for"
                                      " attribute(s)")
            return {"QueueUrl": existing.url}
        region, account_id = self.account.region, self.account.account_id
        url = f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"
        queue = Queue(name, url, self.account.arn("sqs", name), int(self.account.clock.now()), attributes)
        self.queues[name] = queue
        return {"QueueUrl": url}

    @operation("GetQueueUrl")
    def get_queue_url(self, params: dict) -> dict:
        queue = self.queues.get(params["QueueName"])
        if queue is None:
            raise QueueDoesNotExist("The specified queue does not exist.")
        return {"QueueUrl": queue.url}

    @operation("GetQueueAttributes")
    def get_queue_attributes(self, params: dict) -> dict:
        described = self.queue_by_url(params["QueueUrl"]).describe()
        wanted = params.get("AttributeNames") or []
        if "All" in wanted:
            return {"Attributes": described}
        bad = [name for name in wanted if name not in SETTABLE and name not in COMPUTED]
        if bad:
            raise InvalidAttributeName(f"Unknown Attribute {bad[0]}.")
        return {"Attributes": {name: described[name] for name in wanted if name in described}}

    @operation("ListQueues")
    def list_queues(self, params: dict) -> dict:
        prefix = params.get("QueueNamePrefix", "")
        urls = [q.url for name, q in sorted(self.queues.items()) if name.startswith(prefix)]
        return {"QueueUrls": urls[: params.get("MaxResults", 1000)]} if urls else {}

    @operation("DeleteQueue")
    def delete_queue(self, params: dict) -> dict:
        queue = self.queue_by_url(params["QueueUrl"])
        del self.queues[queue.name]
        return {}
