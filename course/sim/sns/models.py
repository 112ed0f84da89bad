"""A minimal Amazon SNS: topics that exist, with their ARNs and attributes.

CreateTopic, GetTopicAttributes, ListTopics and DeleteTopic; publishing and subscriptions are not
modeled yet (``Service.call`` refuses them with NotModeledBySimulator).

Rules (Amazon SNS API Reference, CreateTopic): a topic name has up to 256 characters, letters,
digits, hyphens and underscores; a FIFO topic's name ends in ``.fifo``. CreateTopic is idempotent:
the same name and attributes return the existing topic's ARN.
"""

from __future__ import annotations

import re

from course.sim.service import Service, operation
from course.sim.sns.errors import InvalidParameterException, NotFoundException

_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SNSService(Service):
    name = "sns"

    def __init__(self, account):
        super().__init__(account)
        #: topic ARN → its attributes as CreateTopic was given them
        self.topics: dict[str, dict[str, str]] = {}

    @operation("CreateTopic")
    def create_topic(self, params: dict) -> dict:
        name = params["Name"]
        attributes = {key: str(value) for key, value in (params.get("Attributes") or {}).items()}
        fifo = attributes.get("FifoTopic", "false").lower() == "true"
        base = name[:-5] if fifo and name.endswith(".fifo") else name
        if not _NAME.fullmatch(base) or len(name) > 256:
            raise InvalidParameterException("Invalid parameter: Topic Name")
        if fifo != name.endswith(".fifo"):
            raise InvalidParameterException("Invalid parameter: Fifo Topic names must end with .fifo and"
                                            " Standard Topic cannot end with .fifo")
        arn = self.account.arn("sns", name)
        existing = self.topics.get(arn)
        if existing is not None and existing != attributes:
            raise InvalidParameterException("Invalid parameter: Attributes Reason: Topic already exists with"
                                            " different attributes")
        self.topics[arn] = attributes
        return {"TopicArn": arn}

    def _topic(self, arn: str) -> dict[str, str]:
        topic = self.topics.get(arn)
        if topic is None:
            raise NotFoundException("Topic does not exist")
        return topic

    @operation("GetTopicAttributes")
    def get_topic_attributes(self, params: dict) -> dict:
        arn = params["TopicArn"]
        attributes = self._topic(arn)
        return {"Attributes": {**attributes, "TopicArn": arn, "Owner": self.account.account_id,
                               "SubscriptionsConfirmed": "0", "SubscriptionsPending": "0",
                               "SubscriptionsDeleted": "0"}}

    @operation("ListTopics")
    def list_topics(self, params: dict) -> dict:
        return {"Topics": [{"TopicArn": arn} for arn in sorted(self.topics)]}

    @operation("DeleteTopic")
    def delete_topic(self, params: dict) -> dict:
        self.topics.pop(params["TopicArn"], None)  # deleting a topic that does not exist succeeds
        return {}
