"""Template creator for ``AWS::DynamoDB::GlobalTable`` (imported by ``resources.py``).

CloudFormation makes the table in the stack's Region and adds every other entry of ``Replicas``
with UpdateTable ``ReplicaUpdates``, the calls a caller of the API would make; settings that belong
to each replica (point-in-time recovery, Kinesis streaming) are applied in that replica's Region,
and the table-wide TTL setting in every Region. The rules come from the CloudFormation reference:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html
(the stack's Region must be one of the replicas' Regions; ``StreamSpecification`` is required for
an MREC global table with more than one replica: aws-properties-dynamodb-globaltable-
streamspecification.html). Provisioned global tables (which need write auto scaling settings),
multi-Region strong consistency, witnesses and per-replica capacity or index settings are not
modeled and are refused loudly.
"""

from __future__ import annotations

from course.sim.dynamodb.resources import _create_params
from course.sim.dynamodb.schemas import DYNAMODB_GLOBAL_TABLE
from course.sim.errors import AwsError, NotModeled
from course.sim.template.errors import ValidationError
from course.sim.template import PhysicalResource, register_creator

# Accepted and without effect in the simulator (as for AWS::DynamoDB::Table).
_IGNORED_REPLICA = {"Region", "Tags", "DeletionProtectionEnabled", "ContributorInsightsSpecification",
                    "PointInTimeRecoverySpecification", "KinesisStreamSpecification", "TableClass",
                    "SSESpecification", "ResourcePolicy", "ReplicaStreamSpecification"}


def _refuse(what: str) -> NotModeled:
    return NotModeled("AWS::DynamoDB::GlobalTable", what)


def _invalid(message: str) -> ValidationError:
    return ValidationError(message)


def _check(account, props: dict) -> list[dict]:
    replicas = props["Replicas"]
    regions = [replica["Region"] for replica in replicas]
    if len(set(regions)) != len(regions):
        raise _invalid("Each replica must be in a different Region; a global table has one replica per Region")
    if account.region not in regions:
        raise _invalid(f"The stack's Region {account.region} must be one of the Regions in Replicas")
    if (props.get("BillingMode") or "PROVISIONED") != "PAY_PER_REQUEST":
        raise _refuse("BillingMode PROVISIONED (with WriteProvisionedThroughputSettings auto scaling)")
    if (props.get("MultiRegionConsistency") or "EVENTUAL") != "EVENTUAL":
        raise _refuse("MultiRegionConsistency STRONG")
    for name in ("GlobalTableWitnesses", "WriteProvisionedThroughputSettings", "WarmThroughput"):
        if props.get(name):
            raise _refuse(name)
    if len(replicas) > 1 and not props.get("StreamSpecification"):
        raise _invalid("StreamSpecification must be specified for a global table with more than one replica")
    for replica in replicas:
        extra = sorted(set(replica) - _IGNORED_REPLICA)
        if extra:
            raise _refuse(f"replica settings {', '.join(extra)}")
    return replicas


def create_global_table(account, logical_id: str, props: dict, context) -> PhysicalResource:
    replicas = _check(account, props)
    service = account.service("dynamodb")
    name = props.get("TableName") or context.physical_name(255)
    table_props = {key: props[key] for key in ("AttributeDefinitions", "KeySchema", "BillingMode",
                                               "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
                                               "StreamSpecification") if props.get(key)}
    made = service.call("CreateTable", _create_params(table_props, name))["TableDescription"]
    try:
        others = [r["Region"] for r in replicas if r["Region"] != account.region]
        if others:
            service.call("UpdateTable", {"TableName": name,
                                         "ReplicaUpdates": [{"Create": {"RegionName": r}} for r in others]})
        ttl = props.get("TimeToLiveSpecification")
        for replica in replicas:
            regional = account.service("dynamodb", region=replica["Region"])
            if ttl and ttl.get("Enabled"):
                regional.call("UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": {
                    "Enabled": True, "AttributeName": ttl.get("AttributeName")}})
            pitr = replica.get("PointInTimeRecoverySpecification")
            if pitr and pitr.get("PointInTimeRecoveryEnabled"):
                spec = {"PointInTimeRecoveryEnabled": True}
                if pitr.get("RecoveryPeriodInDays") is not None:
                    spec["RecoveryPeriodInDays"] = int(pitr["RecoveryPeriodInDays"])
                regional.call("UpdateContinuousBackups", {"TableName": name,
                                                          "PointInTimeRecoverySpecification": spec})
            kinesis = replica.get("KinesisStreamSpecification")
            if kinesis:
                regional.call("EnableKinesisStreamingDestination", {"TableName": name,
                                                                    "StreamArn": kinesis["StreamArn"]})
    except AwsError:
        _delete_everywhere(account, name)
        raise
    made = service.call("DescribeTable", {"TableName": name})["Table"]
    attributes = {"Arn": made["TableArn"], "TableId": made["TableId"]}
    if made.get("LatestStreamArn"):
        attributes["StreamArn"] = made["LatestStreamArn"]
    return PhysicalResource(name, attributes)


def _delete_everywhere(account, name: str) -> None:
    service = account.service("dynamodb")
    if name not in service.tables:
        return
    regions = [r["RegionName"] for r in service.describe(service.tables[name]).get("Replicas", [])]
    for region in regions:
        account.service("dynamodb", region=region).call("DeleteTable", {"TableName": name})
    service.call("DeleteTable", {"TableName": name})


def _delete(account, made) -> None:
    _delete_everywhere(account, made.physical_id)


register_creator("AWS::DynamoDB::GlobalTable", create_global_table, ("Arn", "StreamArn", "TableId"),
                 schema=DYNAMODB_GLOBAL_TABLE, delete=_delete)
