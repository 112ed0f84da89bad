"""Template creator for ``AWS::DynamoDB::Table``.

The creator turns the resource's properties into the API calls CloudFormation makes (CreateTable,
then UpdateTimeToLive, UpdateContinuousBackups and EnableKinesisStreamingDestination for the
properties that have their own operation) and calls the same model the boto3 bridge calls, so a
template meets exactly the API's rules. ``AWS::Serverless::SimpleTable`` is registered here too: the
SAM transform rewrites it into an ``AWS::DynamoDB::Table`` (``sam.py``) before anything is created.
Schemas are in ``schemas.py``.
"""

from __future__ import annotations

from course.sim.dynamodb import schemas
from course.sim.dynamodb.sam import NOT_GLOBAL, check_simple_table
from course.sim.template import PhysicalResource, register_creator, register_sam_type

# Passed to CreateTable unchanged; the model refuses the ones it does not model, so a template
# never silently loses a feature that changes behaviour.
_PASSED = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
           "OnDemandThroughput", "WarmThroughput", "TableClass")
# Not modeled and not needed: none of these changes what reads and writes return.
_IGNORED = ("Tags", "SSESpecification", "ContributorInsightsSpecification", "DeletionProtectionEnabled",
            "ResourcePolicy")


def _throughput(value: dict) -> dict:
    """CloudFormation hands parameters over as text; capacity units are integers to the API."""
    return {key: int(amount) for key, amount in value.items()}


def _create_params(props: dict, name: str) -> dict:
    params = {key: props[key] for key in _PASSED if key in props}
    params["TableName"] = name
    if props.get("ProvisionedThroughput"):
        params["ProvisionedThroughput"] = _throughput(props["ProvisionedThroughput"])
    for index in params.get("GlobalSecondaryIndexes") or []:
        if index.get("ProvisionedThroughput"):
            index["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
    if props.get("StreamSpecification"):
        params["StreamSpecification"] = {"StreamEnabled": True,
                                         "StreamViewType": props["StreamSpecification"]["StreamViewType"]}
    return params


def _follow_ups(props: dict, name: str) -> list[tuple[str, dict]]:
    """The calls CloudFormation makes after CreateTable for properties with an operation of their own."""
    calls = []
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        calls.append(("UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": ttl.get("AttributeName")}}))
    pitr = props.get("PointInTimeRecoverySpecification")
    if pitr and pitr.get("PointInTimeRecoveryEnabled"):
        spec = {"PointInTimeRecoveryEnabled": True}
        if pitr.get("RecoveryPeriodInDays") is not None:
            spec["RecoveryPeriodInDays"] = int(pitr["RecoveryPeriodInDays"])
        calls.append(("UpdateContinuousBackups", {"TableName": name, "PointInTimeRecoverySpecification": spec}))
    kinesis = props.get("KinesisStreamSpecification")
    if kinesis:
        calls.append(("EnableKinesisStreamingDestination", {"TableName": name, "StreamArn": kinesis["StreamArn"]}))
    return calls


def create_table(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = account.service("dynamodb")
    name = props.get("TableName") or context.physical_name(255)
    if props.get("ImportSourceSpecification"):
        # ImportTable takes the source's fields at its top level; CloudFormation waits for the import.
        service.call("ImportTable", {**props["ImportSourceSpecification"],
                                     "TableCreationParameters": _create_params(props, name)})
        made = service.call("DescribeTable", {"TableName": name})["Table"]
    else:
        made = service.call("CreateTable", _create_params(props, name))["TableDescription"]
    for operation, params in _follow_ups(props, name):
        service.call(operation, params)
    attributes = {"Arn": made["TableArn"]}
    if made.get("LatestStreamArn"):
        attributes["StreamArn"] = made["LatestStreamArn"]
    return PhysicalResource(made["TableName"], attributes)


def _delete(account, made) -> None:
    account.service("dynamodb").call("DeleteTable", {"TableName": made.physical_id})


register_creator("AWS::DynamoDB::Table", create_table, ("Arn", "StreamArn"), schema=schemas.DYNAMODB_TABLE,
                 delete=_delete)
register_sam_type("AWS::Serverless::SimpleTable", schemas.SAM_SIMPLE_TABLE, check_simple_table,
                  section="SimpleTable", not_global=NOT_GLOBAL)

# AWS::DynamoDB::GlobalTable registers itself; it lives apart to keep this module to one resource.
from course.sim.dynamodb import resources_global  # noqa: E402,F401
