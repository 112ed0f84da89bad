"""Property schemas of the resource types added for backups, export/import and global tables
(merged into ``schemas.SCHEMAS``): ``AWS::S3::Bucket`` and ``AWS::DynamoDB::GlobalTable``.

Written from the AWS CloudFormation Template Reference:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html and
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html
(``Replicas`` of ReplicaSpecification, each with a required ``Region``; ``StreamSpecification`` must be
given for an MREC global table with more than one replica, aws-properties-dynamodb-globaltable-
streamspecification.html). Properties the reference lists that the simulator has no behaviour for are
accepted as written (``OPEN``) here; the creators refuse the ones that would change behaviour.
"""

from __future__ import annotations

from course.sim.template.schemas import (
    BOOLEAN, INDEX_NAME, KEY_SCHEMA, OPEN, PITR, PROJECTION, TAGS, TEXT, list_of, obj, resource, string,
)

S3_BUCKET = resource(
    {"AbacStatus": OPEN, "AccelerateConfiguration": OPEN, "AccessControl": OPEN, "AnalyticsConfigurations": OPEN,
     "BucketEncryption": OPEN,
     "BucketName": string(min_length=3, max_length=63, pattern=r"[a-z0-9][a-z0-9.-]*[a-z0-9]",
                          hint="a bucket name uses lowercase letters, digits, dots and hyphens"),
     "CorsConfiguration": OPEN, "IntelligentTieringConfigurations": OPEN, "InventoryConfigurations": OPEN,
     "LifecycleConfiguration": OPEN, "LoggingConfiguration": OPEN, "MetadataConfiguration": OPEN,
     "MetadataTableConfiguration": OPEN, "MetricsConfigurations": OPEN, "NotificationConfiguration": OPEN,
     "ObjectLockConfiguration": OPEN, "ObjectLockEnabled": BOOLEAN, "OwnershipControls": OPEN,
     "PublicAccessBlockConfiguration": OPEN, "ReplicationConfiguration": OPEN, "Tags": TAGS,
     "VersioningConfiguration": OPEN, "WebsiteConfiguration": OPEN},
    attributes=("Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"),
    ref="the bucket name",
)

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

SCHEMAS: dict[str, dict] = {
    "AWS::S3::Bucket": S3_BUCKET,
    "AWS::DynamoDB::GlobalTable": DYNAMODB_GLOBAL_TABLE,
}
