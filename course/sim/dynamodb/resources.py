"""Template creator for ``AWS::DynamoDB::Table``.

The creator turns the resource's properties into the CreateTable call CloudFormation makes and
calls the same model method the boto3 bridge calls, so a template meets exactly the API's rules.
``AWS::Serverless::SimpleTable`` needs nothing here: the SAM transform (``template/sam.py``) has
already rewritten it into an ``AWS::DynamoDB::Table``. ``course.sim.template`` imports this module
when it deploys.
"""

from __future__ import annotations

from course.sim.template import PhysicalResource, register_creator

# Passed to CreateTable unchanged; the model refuses the ones it does not model (indexes, say),
# so a template never silently loses a feature that changes behaviour.
_PASSED = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
           "OnDemandThroughput", "WarmThroughput")
# Not modeled and not needed: none of these changes what reads and writes return.
_IGNORED = ("Tags", "SSESpecification", "PointInTimeRecoverySpecification", "ContributorInsightsSpecification",
            "TableClass", "DeletionProtectionEnabled", "ResourcePolicy")


def _throughput(value: dict) -> dict:
    """CloudFormation hands parameters over as text; capacity units are integers to the API."""
    return {key: int(amount) for key, amount in value.items()}


def create_table(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = account.service("dynamodb")
    params = {key: props[key] for key in _PASSED if key in props}
    params["TableName"] = props.get("TableName") or context.physical_name(255)
    if props.get("ProvisionedThroughput"):
        params["ProvisionedThroughput"] = _throughput(props["ProvisionedThroughput"])
    if props.get("StreamSpecification"):
        params["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    for key in ("TimeToLiveSpecification", "KinesisStreamSpecification", "ImportSourceSpecification"):
        if props.get(key):
            from course.sim.dynamodb.models import _not_modeled

            raise _not_modeled(f"AWS::DynamoDB::Table property {key}")
    made = service.create_table(params)["TableDescription"]
    attributes = {"Arn": made["TableArn"]}
    if made.get("LatestStreamArn"):
        attributes["StreamArn"] = made["LatestStreamArn"]
    return PhysicalResource(made["TableName"], attributes)


def _delete(account, made) -> None:
    account.service("dynamodb").delete_table({"TableName": made.physical_id})


register_creator("AWS::DynamoDB::Table", create_table, ("Arn", "StreamArn"), delete=_delete)
