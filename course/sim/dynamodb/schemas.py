"""Property schemas of DynamoDB's CloudFormation types and of SAM's ``AWS::Serverless::SimpleTable``.

Written from the AWS CloudFormation Template Reference (aws-resource-dynamodb-table.html,
aws-resource-dynamodb-globaltable.html: ``Replicas`` of ReplicaSpecification, each with a required
``Region``) and the AWS SAM specification (sam-resource-simpletable.html). Limits the course teaches
come from ../shared/facts.md: PITR 1-35 days, at most 5 LSIs and 20 GSIs per table. Properties the
reference lists that the simulator has no behaviour for are accepted as written (``OPEN``); the
creators in ``resources.py`` refuse the ones that would change behaviour.
"""

from __future__ import annotations

from course.sim.template.schemas import (
    BOOLEAN, OPEN, SAM_TAGS, TAGS, TEXT, TEXT_LIST, integer, list_of, obj, resource, string,
)

# -- AWS::DynamoDB::Table --------------------------------------------------------------------------------------

KEY_SCHEMA = list_of(obj({"AttributeName": string(min_length=1, max_length=255),
                          "KeyType": string(enum=("HASH", "RANGE"))}, required=("AttributeName", "KeyType")),
                     min_items=1, max_items=2)
PROJECTION = obj({"NonKeyAttributes": TEXT_LIST, "ProjectionType": string(enum=("KEYS_ONLY", "INCLUDE", "ALL"))})
THROUGHPUT = obj({"ReadCapacityUnits": integer(1), "WriteCapacityUnits": integer(1)},
                 required=("ReadCapacityUnits", "WriteCapacityUnits"))
ON_DEMAND_THROUGHPUT = obj({"MaxReadRequestUnits": integer(-1), "MaxWriteRequestUnits": integer(-1)})
INSIGHTS = obj({"Enabled": BOOLEAN, "Mode": TEXT}, required=("Enabled",))
INDEX_NAME = string(min_length=3, max_length=255)
SSE = obj({"KMSMasterKeyId": TEXT, "SSEEnabled": BOOLEAN, "SSEType": string(enum=("KMS", "AES256"))},
          required=("SSEEnabled",))
PITR = obj({"PointInTimeRecoveryEnabled": BOOLEAN, "RecoveryPeriodInDays": integer(1, 35)})

DYNAMODB_TABLE = resource(
    {"AttributeDefinitions": list_of(obj({"AttributeName": string(min_length=1, max_length=255),
                                          "AttributeType": string(enum=("S", "N", "B"))},
                                         required=("AttributeName", "AttributeType"))),
     "BillingMode": string(enum=("PROVISIONED", "PAY_PER_REQUEST")),
     "ContributorInsightsSpecification": INSIGHTS, "DeletionProtectionEnabled": BOOLEAN,
     "GlobalSecondaryIndexes": list_of(obj({
         "ContributorInsightsSpecification": INSIGHTS, "IndexName": INDEX_NAME, "KeySchema": KEY_SCHEMA,
         "OnDemandThroughput": ON_DEMAND_THROUGHPUT, "Projection": PROJECTION, "ProvisionedThroughput": THROUGHPUT,
         "WarmThroughput": OPEN}, required=("IndexName", "KeySchema", "Projection")), max_items=20),
     "ImportSourceSpecification": OPEN, "KeySchema": KEY_SCHEMA, "KinesisStreamSpecification": OPEN,
     "LocalSecondaryIndexes": list_of(obj({"IndexName": INDEX_NAME, "KeySchema": KEY_SCHEMA, "Projection": PROJECTION},
                                          required=("IndexName", "KeySchema", "Projection")), max_items=5),
     "OnDemandThroughput": ON_DEMAND_THROUGHPUT, "PointInTimeRecoverySpecification": PITR,
     "ProvisionedThroughput": THROUGHPUT, "ResourcePolicy": OPEN, "SSESpecification": SSE,
     "StreamSpecification": obj({"ResourcePolicy": OPEN, "StreamViewType": string(
         enum=("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"))}, required=("StreamViewType",)),
     "TableClass": string(enum=("STANDARD", "STANDARD_INFREQUENT_ACCESS")),
     "TableName": string(min_length=3, max_length=255), "Tags": TAGS,
     "TimeToLiveSpecification": obj({"AttributeName": TEXT, "Enabled": BOOLEAN}, required=("Enabled",)),
     "WarmThroughput": OPEN},
    required=("KeySchema",), attributes=("Arn", "StreamArn"), ref="the table name",
)

# -- AWS::DynamoDB::GlobalTable ---------------------------------------------------------------

_THROUGHPUT_SETTINGS = OPEN
_REPLICA = obj(
    {"ContributorInsightsSpecification": OPEN, "DeletionProtectionEnabled": BOOLEAN, "GlobalSecondaryIndexes": OPEN,
     "GlobalTableSettingsReplicationMode": OPEN, "KinesisStreamSpecification": OPEN,
     "PointInTimeRecoverySpecification": PITR, "ReadOnDemandThroughputSettings": OPEN,
     "ReadProvisionedThroughputSettings": _THROUGHPUT_SETTINGS, "Region": TEXT,
     "ReplicaStreamSpecification": OPEN, "ResourcePolicy": OPEN,
     "SSESpecification": obj({"KMSMasterKeyId": TEXT}), "TableClass": string(
         enum=("STANDARD", "STANDARD_INFREQUENT_ACCESS")), "Tags": TAGS},
    required=("Region",))

DYNAMODB_GLOBAL_TABLE = resource(
    {"AttributeDefinitions": list_of(obj({"AttributeName": string(min_length=1, max_length=255),
                                          "AttributeType": string(enum=("S", "N", "B"))},
                                         required=("AttributeName", "AttributeType")), min_items=1),
     "BillingMode": string(enum=("PROVISIONED", "PAY_PER_REQUEST")),
     "GlobalSecondaryIndexes": list_of(obj({"IndexName": INDEX_NAME, "KeySchema": KEY_SCHEMA, "Projection": PROJECTION,
                                            "WarmThroughput": OPEN, "WriteOnDemandThroughputSettings": OPEN,
                                            "WriteProvisionedThroughputSettings": OPEN},
                                           required=("IndexName", "KeySchema", "Projection")), max_items=20),
     "GlobalTableWitnesses": OPEN, "KeySchema": KEY_SCHEMA,
     "LocalSecondaryIndexes": list_of(obj({"IndexName": INDEX_NAME, "KeySchema": KEY_SCHEMA, "Projection": PROJECTION},
                                          required=("IndexName", "KeySchema", "Projection")), max_items=5),
     "MultiRegionConsistency": string(enum=("EVENTUAL", "STRONG")),
     "Replicas": list_of(_REPLICA, min_items=1),
     "SSESpecification": obj({"SSEEnabled": BOOLEAN, "SSEType": string(enum=("KMS", "AES256"))},
                             required=("SSEEnabled",)),
     "StreamSpecification": obj({"StreamViewType": string(
         enum=("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"))}, required=("StreamViewType",)),
     "TableName": string(min_length=3, max_length=255),
     "TimeToLiveSpecification": obj({"AttributeName": TEXT, "Enabled": BOOLEAN}, required=("Enabled",)),
     "WarmThroughput": OPEN, "WriteOnDemandThroughputSettings": OPEN,
     "WriteProvisionedThroughputSettings": OPEN},
    required=("AttributeDefinitions", "KeySchema", "Replicas"), attributes=("Arn", "StreamArn", "TableId"),
    ref="the table name",
)

SAM_SIMPLE_TABLE = resource(
    {"PointInTimeRecoverySpecification": PITR,
     "PrimaryKey": obj({"Name": TEXT, "Type": string(enum=("String", "Number", "Binary"))}, required=("Name", "Type")),
     "ProvisionedThroughput": THROUGHPUT, "SSESpecification": SSE, "TableName": string(min_length=3, max_length=255),
     "Tags": SAM_TAGS},
    attributes=("Arn", "StreamArn"), ref="the table name",
)
