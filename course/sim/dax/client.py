"""Reaching a DAX cluster: a DynamoDB client whose requests go to the cluster's endpoint.

On AWS, Python code reads through DAX with the ``amazon-dax-client`` package:
``amazondax.AmazonDaxClient(endpoint_url=...)`` returns a client with the same methods as boto3's
DynamoDB client, so "the only change is the client" (facts.md §9, DAX.html: minimal changes, not
zero). It does not support table operations ("The Amazon DAX client does not support table
operations", https://pypi.org/project/amazon-dax-client/).

In the simulator there is no network: a handler's ``AmazonDaxClient(endpoint_url=url)`` (see
``shim/amazondax``) is a real botocore DynamoDB client created with that endpoint URL, and any
DynamoDB client whose ``endpoint_url`` is a ``dax://`` or ``daxs://`` URL has its requests answered
by the cluster's caches instead of by DynamoDB. ``boto3.client("dynamodb",
endpoint_url="dax://...")`` therefore works here but NOT on AWS, where boto3 cannot speak DAX's
protocol; the exercise and docs/simulator.md say so.
"""

from __future__ import annotations

from typing import Callable

#: Where a routed DynamoDB request carries the endpoint it was sent to (never a DynamoDB parameter).
ENDPOINT_PARAM = "__dax_endpoint__"
SCHEMES = ("dax://", "daxs://")
Answer = Callable[[str, dict], dict]


def is_dax_endpoint(endpoint_url) -> bool:
    return isinstance(endpoint_url, str) and endpoint_url.strip().lower().startswith(SCHEMES)


def through_cluster(answer: Answer, endpoint_url: str) -> Answer:
    """Turn ``answer(operation, params)`` for service ``dax`` into the answer of a DynamoDB client
    pointed at ``endpoint_url``: every request names the endpoint it was sent to."""

    def routed(operation: str, params: dict) -> dict:
        return answer(operation, {**params, ENDPOINT_PARAM: endpoint_url})

    return routed


def connect(account, endpoint_url: str):
    """An in-process DynamoDB client that talks to the DAX cluster at ``endpoint_url``."""
    from botocore.config import Config

    from course.sim import bridge

    client = bridge.botocore_session().create_client(
        "dynamodb", region_name=account.region, aws_access_key_id="SIMULATED",
        aws_secret_access_key="SIMULATED", endpoint_url=endpoint_url,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=True))
    bridge.install(client, through_cluster(lambda op, params: account.call("dax", op, params), endpoint_url))
    return client
