"""SAM's ``AWS::Serverless::SimpleTable``: the ``AWS::DynamoDB::Table`` SAM generates for it.

A one-attribute primary key (``id`` of type String unless ``PrimaryKey`` says otherwise), on-demand
unless ``ProvisionedThroughput`` is given (sam-resource-simpletable.html). The table keeps the
SimpleTable's logical id, as SAM's does.
"""

from __future__ import annotations

from course.sim.template.model import Resource
from course.sim.template.sam import SamTransform, sam_tags

#: What SAM accepts only on each table, never in ``Globals.SimpleTable``.
NOT_GLOBAL = ("PrimaryKey", "ProvisionedThroughput", "TableName", "Tags", "PointInTimeRecoverySpecification")


def expand_simple_table(transform: SamTransform, resource: Resource) -> list[Resource]:
    merged, written, mark = transform.merged(resource, "SimpleTable")
    key = merged.get("PrimaryKey", {"Name": "id", "Type": "String"})
    name = key.get("Name", "id") if isinstance(key, dict) else "id"
    kind = {"String": "S", "Number": "N", "Binary": "B"}.get(key.get("Type") if isinstance(key, dict) else "", "S")
    props = {"AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}],
             "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}]}
    if "ProvisionedThroughput" in merged:
        props["BillingMode"] = "PROVISIONED"
        props["ProvisionedThroughput"] = merged["ProvisionedThroughput"]
    else:
        props["BillingMode"] = "PAY_PER_REQUEST"
    for copied in ("TableName", "SSESpecification", "PointInTimeRecoverySpecification"):
        if copied in merged:
            props[copied] = merged[copied]
    if "Tags" in merged:
        props["Tags"] = sam_tags(merged["Tags"])[1:]
    table = transform.generated(resource, resource.logical_id, "AWS::DynamoDB::Table", props)
    table.metadata, table.deletion_policy, table.written = resource.metadata, resource.deletion_policy, written
    return [table]
