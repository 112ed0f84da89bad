"""Property schemas of the resource types the simulator supports, as plain data.

Written from the AWS CloudFormation resource reference (and the AWS SAM
specification for the ``AWS::Serverless::*`` types). Ranges that the course
teaches come from ../shared/facts.md: Lambda memory 128-10,240 MB, timeout
1-900 s, ephemeral storage 512-10,240 MB, at most 5 layers, PITR 1-35 days,
at most 5 LSIs and 20 GSIs per table. A property the reference lists but the
simulator has no behaviour for is still accepted (``OPEN``), so a valid
template is never refused for being thorough.

Each property schema is a dict with ``type`` (string, integer, number,
boolean, list, object, map, json, any, one_of) and optional checks: ``enum``,
``min``/``max`` (numbers), ``min_length``/``max_length`` (text), ``pattern``
with a ``hint``, ``min_items``/``max_items``, and for objects ``properties``
and ``required``. Resource types also list their ``Fn::GetAtt`` attributes and
what ``Ref`` returns.
"""

from __future__ import annotations


def string(enum=None, min_length=None, max_length=None, pattern=None, hint=None) -> dict:
    return {"type": "string", "enum": enum, "min_length": min_length, "max_length": max_length,
            "pattern": pattern, "hint": hint}


def integer(low=None, high=None) -> dict:
    return {"type": "integer", "min": low, "max": high}


def number(low=None, high=None) -> dict:
    return {"type": "number", "min": low, "max": high}


def list_of(item: dict, min_items=None, max_items=None) -> dict:
    return {"type": "list", "items": item, "min_items": min_items, "max_items": max_items}


def obj(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, "required": tuple(required)}


def map_of(value: dict) -> dict:
    """An object whose keys are the learner's own (environment variable names, say)."""
    return {"type": "map", "values": value}


def one_of(*options: dict) -> dict:
    return {"type": "one_of", "options": options}


def resource(properties: dict, required=(), attributes=(), ref: str = "") -> dict:
    return {"properties": properties, "required": tuple(required), "attributes": tuple(attributes), "ref": ref}


BOOLEAN = {"type": "boolean"}
#: A policy document: an object, or the same as JSON text.
JSON = {"type": "json"}
#: Accepted as written; the simulator does not act on it.
OPEN = {"type": "any"}
TEXT = string()
TEXT_LIST = list_of(TEXT)
TAGS = list_of(obj({"Key": string(max_length=128), "Value": string(max_length=256)}, required=("Key", "Value")))
SAM_TAGS = map_of(TEXT)

RUNTIMES = (
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
    "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
    "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10", "python3.11",
    "python3.12", "python3.13", "python3.14",
    "java8", "java8.al2", "java11", "java17", "java21", "java25",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "dotnet10",
    "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "go1.x", "provided", "provided.al2", "provided.al2023",
)
ARCHITECTURES = ("x86_64", "arm64")
ROLE_ARN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
FUNCTION_NAME = r"[a-zA-Z0-9_-]+"

# -- pieces shared by AWS::Lambda::Function and AWS::Serverless::Function ------------------------

ENVIRONMENT = obj({"Variables": map_of(TEXT)})
EPHEMERAL_STORAGE = obj({"Size": integer(512, 10240)}, required=("Size",))
FILE_SYSTEMS = list_of(obj({"Arn": TEXT, "LocalMountPath": TEXT}, required=("Arn", "LocalMountPath")), max_items=1)
IMAGE_CONFIG = obj({"Command": TEXT_LIST, "EntryPoint": TEXT_LIST, "WorkingDirectory": TEXT})
LAYERS = list_of(TEXT, max_items=5)
LOGGING = obj({
    "ApplicationLogLevel": string(enum=("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")),
    "LogFormat": string(enum=("Text", "JSON")),
    "LogGroup": TEXT,
    "SystemLogLevel": string(enum=("DEBUG", "INFO", "WARN")),
})
RUNTIME_MANAGEMENT = obj({"RuntimeVersionArn": TEXT,
                          "UpdateRuntimeOn": string(enum=("Auto", "FunctionUpdate", "Manual"))},
                         required=("UpdateRuntimeOn",))
SNAP_START = obj({"ApplyOn": string(enum=("PublishedVersions", "None"))}, required=("ApplyOn",))
VPC_CONFIG = obj({"Ipv6AllowedForDualStack": BOOLEAN, "SecurityGroupIds": list_of(TEXT, max_items=5),
                  "SubnetIds": list_of(TEXT, max_items=16)})
PROVISIONED_CONCURRENCY = obj({"ProvisionedConcurrentExecutions": integer(1)},
                              required=("ProvisionedConcurrentExecutions",))
FUNCTION_COMMON = {
    "Architectures": list_of(string(enum=ARCHITECTURES), min_items=1, max_items=1),
    "CapacityProviderConfig": OPEN,
    "CodeSigningConfigArn": TEXT,
    "Description": string(max_length=256),
    "DurableConfig": OPEN,
    "Environment": ENVIRONMENT,
    "EphemeralStorage": EPHEMERAL_STORAGE,
    "FileSystemConfigs": FILE_SYSTEMS,
    "FunctionName": string(min_length=1, max_length=64, pattern=FUNCTION_NAME,
                           hint="a function name uses only letters, digits, hyphens and underscores"),
    "FunctionScalingConfig": OPEN,
    "Handler": string(max_length=128, pattern=r"[^\s]+", hint="a handler has no spaces, e.g. app.handler"),
    "ImageConfig": IMAGE_CONFIG,
    "KmsKeyArn": TEXT,
    "Layers": LAYERS,
    "LoggingConfig": LOGGING,
    "MemorySize": integer(128, 10240),
    "PackageType": string(enum=("Zip", "Image")),
    "RecursiveLoop": string(enum=("Allow", "Terminate")),
    "ReservedConcurrentExecutions": integer(0),
    "Role": string(pattern=ROLE_ARN, hint="Role takes the role's ARN (arn:aws:iam::123456789012:role/name),"
                   " for example !GetAtt MyRole.Arn"),
    "Runtime": string(enum=RUNTIMES),
    "RuntimeManagementConfig": RUNTIME_MANAGEMENT,
    "SnapStart": SNAP_START,
    "Timeout": integer(1, 900),
    "VpcConfig": VPC_CONFIG,
}
CODE = obj({
    "ImageUri": TEXT, "S3Bucket": string(min_length=3, max_length=63), "S3Key": string(min_length=1, max_length=1024),
    "S3ObjectStorageMode": string(enum=("COPY", "REFERENCE")), "S3ObjectVersion": TEXT, "SourceKMSKeyArn": TEXT,
    "ZipFile": TEXT,
})
DESTINATION = obj({"Destination": TEXT}, required=("Destination",))

# -- AWS::Lambda -----------------------------------------------------------------------------------

LAMBDA_FUNCTION = resource(
    {**FUNCTION_COMMON,
     # A text Code is a local file or folder, as `aws cloudformation package` reads it.
     "Code": one_of(CODE, TEXT),
     "DeadLetterConfig": obj({"TargetArn": TEXT}),
     "Tags": TAGS,
     "TracingConfig": obj({"Mode": string(enum=("Active", "PassThrough"))})},
    required=("Code", "Role"),
    attributes=("Arn", "SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus"),
    ref="the function name",
)
LAMBDA_VERSION = resource(
    {"CodeSha256": TEXT, "Description": string(max_length=256), "FunctionName": TEXT,
     "FunctionScalingConfig": OPEN, "ProvisionedConcurrencyConfig": PROVISIONED_CONCURRENCY,
     "RuntimePolicy": RUNTIME_MANAGEMENT},
    required=("FunctionName",), attributes=("FunctionArn", "Version"), ref="the version's ARN",
)
LAMBDA_ALIAS = resource(
    {"Description": string(max_length=256), "FunctionName": TEXT, "FunctionVersion": TEXT,
     "Name": string(min_length=1, max_length=128), "ProvisionedConcurrencyConfig": PROVISIONED_CONCURRENCY,
     "RoutingConfig": obj({"AdditionalVersionWeights": list_of(
         obj({"FunctionVersion": TEXT, "FunctionWeight": number(0, 1)}, required=("FunctionVersion", "FunctionWeight")),
         max_items=1)})},
    required=("FunctionName", "FunctionVersion", "Name"), attributes=("AliasArn",), ref="the alias's ARN",
)
LAMBDA_PERMISSION = resource(
    {"Action": TEXT, "EventSourceToken": TEXT, "FunctionName": TEXT,
     "FunctionUrlAuthType": string(enum=("AWS_IAM", "NONE")), "InvokedViaFunctionUrl": BOOLEAN,
     "Principal": TEXT, "PrincipalOrgID": TEXT, "SourceAccount": TEXT, "SourceArn": TEXT},
    required=("Action", "FunctionName", "Principal"), ref="the permission's id",
)
LAMBDA_EVENT_INVOKE_CONFIG = resource(
    {"DestinationConfig": obj({"OnFailure": DESTINATION, "OnSuccess": DESTINATION}), "FunctionName": TEXT,
     "MaximumEventAgeInSeconds": integer(60, 21600), "MaximumRetryAttempts": integer(0, 2), "Qualifier": TEXT},
    required=("FunctionName", "Qualifier"), ref="the configuration's id",
)
LAMBDA_EVENT_SOURCE_MAPPING = resource(
    {"AmazonManagedKafkaEventSourceConfig": OPEN, "BatchSize": integer(1, 10000),
     "BisectBatchOnFunctionError": BOOLEAN, "DestinationConfig": obj({"OnFailure": DESTINATION}),
     "DocumentDBEventSourceConfig": OPEN, "Enabled": BOOLEAN, "EventSourceArn": TEXT,
     "FilterCriteria": obj({"Filters": list_of(obj({"Pattern": TEXT}))}), "FunctionName": TEXT,
     "FunctionResponseTypes": list_of(string(enum=("ReportBatchItemFailures",))), "KmsKeyArn": TEXT,
     "LoggingConfig": OPEN, "MaximumBatchingWindowInSeconds": integer(0, 300),
     "MaximumRecordAgeInSeconds": integer(-1, 604800), "MaximumRetryAttempts": integer(-1, 10000),
     "MetricsConfig": OPEN, "ParallelizationFactor": integer(1, 10), "ProvisionedPollerConfig": OPEN,
     "Queues": TEXT_LIST, "ScalingConfig": obj({"MaximumConcurrency": integer(2)}), "SelfManagedEventSource": OPEN,
     "SelfManagedKafkaEventSourceConfig": OPEN, "SourceAccessConfigurations": list_of(OPEN),
     "StartingPosition": string(enum=("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")),
     "StartingPositionTimestamp": number(0),
     "Tags": TAGS, "Topics": TEXT_LIST, "TumblingWindowInSeconds": integer(0, 900)},
    required=("FunctionName",), attributes=("EventSourceMappingArn", "Id"), ref="the mapping's UUID",
)
LAMBDA_LAYER_VERSION = resource(
    {"CompatibleArchitectures": list_of(string(enum=ARCHITECTURES), max_items=2),
     "CompatibleRuntimes": list_of(string(enum=RUNTIMES), max_items=15),
     # As for a function's Code, text is a local folder or .zip file.
     "Content": one_of(obj({"S3Bucket": TEXT, "S3Key": TEXT, "S3ObjectStorageMode": string(enum=("COPY", "REFERENCE")),
                            "S3ObjectVersion": TEXT}, required=("S3Bucket", "S3Key")), TEXT),
     "Description": string(max_length=256), "LayerName": string(min_length=1, max_length=140), "LicenseInfo": TEXT},
    required=("Content",), attributes=("LayerVersionArn",), ref="the layer version's ARN",
)

# -- IAM, SQS, SNS ---------------------------------------------------------------------------------

IAM_ROLE = resource(
    {"AssumeRolePolicyDocument": JSON, "Description": string(max_length=1000),
     "ManagedPolicyArns": list_of(TEXT, max_items=20), "MaxSessionDuration": integer(3600, 43200), "Path": TEXT,
     "PermissionsBoundary": TEXT,
     "Policies": list_of(obj({"PolicyDocument": JSON, "PolicyName": string(min_length=1, max_length=128)},
                             required=("PolicyDocument", "PolicyName"))),
     "RoleName": string(min_length=1, max_length=64), "Tags": TAGS},
    required=("AssumeRolePolicyDocument",), attributes=("Arn", "RoleId"), ref="the role name",
)
SQS_QUEUE = resource(
    {"ContentBasedDeduplication": BOOLEAN, "DeduplicationScope": string(enum=("messageGroup", "queue")),
     "DelaySeconds": integer(0, 900), "FifoQueue": BOOLEAN,
     "FifoThroughputLimit": string(enum=("perQueue", "perMessageGroupId")),
     "KmsDataKeyReusePeriodSeconds": integer(60, 86400), "KmsMasterKeyId": TEXT,
     "MaximumMessageSize": integer(1024, 1048576), "MessageRetentionPeriod": integer(60, 1209600),
     "QueueName": string(min_length=1, max_length=80), "ReceiveMessageWaitTimeSeconds": integer(0, 20),
     "RedriveAllowPolicy": JSON, "RedrivePolicy": JSON, "SqsManagedSseEnabled": BOOLEAN, "Tags": TAGS,
     "VisibilityTimeout": integer(0, 43200)},
    attributes=("Arn", "QueueName", "QueueUrl"), ref="the queue URL",
)
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

# -- DynamoDB --------------------------------------------------------------------------------------

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

# -- AWS SAM ---------------------------------------------------------------------------------------

SAM_DESTINATION = obj({"Destination": TEXT, "Type": string(enum=("SQS", "SNS", "Lambda", "EventBridge", "S3Bucket"))})
SAM_FUNCTION = resource(
    {**FUNCTION_COMMON,
     "AssumeRolePolicyDocument": JSON, "AutoPublishAlias": string(pattern=r"(?!^[0-9]+$)[a-zA-Z0-9_-]+", max_length=128,
                                                                  hint="an alias name uses letters, digits, - and _"),
     "AutoPublishAliasAllProperties": BOOLEAN, "AutoPublishCodeSha256": TEXT,
     "CodeUri": one_of(TEXT, obj({"Bucket": TEXT, "Key": TEXT, "Version": TEXT}, required=("Bucket", "Key"))),
     "DeadLetterQueue": obj({"TargetArn": TEXT, "Type": string(enum=("SQS", "SNS"))}, required=("TargetArn", "Type")),
     "DeploymentPreference": OPEN,
     "EventInvokeConfig": obj({"DestinationConfig": obj({"OnFailure": SAM_DESTINATION, "OnSuccess": SAM_DESTINATION}),
                               "MaximumEventAgeInSeconds": integer(60, 21600), "MaximumRetryAttempts": integer(0, 2)}),
     # Each event's shape is checked by the SAM transform, which knows the event types.
     "Events": map_of(OPEN),
     "FunctionUrlConfig": OPEN, "ImageUri": TEXT, "InlineCode": TEXT, "PermissionsBoundary": TEXT,
     "Policies": one_of(TEXT, list_of(one_of(TEXT, JSON)), JSON), "PropagateTags": BOOLEAN,
     "ProvisionedConcurrencyConfig": PROVISIONED_CONCURRENCY, "PublishToLatestPublished": BOOLEAN,
     "RolePath": TEXT, "SourceKMSKeyArn": TEXT, "Tags": SAM_TAGS,
     "Tracing": string(enum=("Active", "PassThrough", "Disabled")),
     "VersionDeletionPolicy": string(enum=("Delete", "Retain")), "VersionDescription": TEXT},
    attributes=("Arn",), ref="the function name",
)
SAM_SIMPLE_TABLE = resource(
    {"PointInTimeRecoverySpecification": PITR,
     "PrimaryKey": obj({"Name": TEXT, "Type": string(enum=("String", "Number", "Binary"))}, required=("Name", "Type")),
     "ProvisionedThroughput": THROUGHPUT, "SSESpecification": SSE, "TableName": string(min_length=3, max_length=255),
     "Tags": SAM_TAGS},
    attributes=("Arn", "StreamArn"), ref="the table name",
)

#: Every type the simulator can read, by CloudFormation type name.
SCHEMAS: dict[str, dict] = {
    "AWS::Lambda::Function": LAMBDA_FUNCTION,
    "AWS::Lambda::Version": LAMBDA_VERSION,
    "AWS::Lambda::Alias": LAMBDA_ALIAS,
    "AWS::Lambda::Permission": LAMBDA_PERMISSION,
    "AWS::Lambda::EventInvokeConfig": LAMBDA_EVENT_INVOKE_CONFIG,
    "AWS::Lambda::EventSourceMapping": LAMBDA_EVENT_SOURCE_MAPPING,
    "AWS::Lambda::LayerVersion": LAMBDA_LAYER_VERSION,
    "AWS::IAM::Role": IAM_ROLE,
    "AWS::SQS::Queue": SQS_QUEUE,
    "AWS::SNS::Topic": SNS_TOPIC,
    "AWS::DynamoDB::Table": DYNAMODB_TABLE,
    "AWS::Serverless::Function": SAM_FUNCTION,
    "AWS::Serverless::SimpleTable": SAM_SIMPLE_TABLE,
}
SAM_TYPES = ("AWS::Serverless::Function", "AWS::Serverless::SimpleTable")


def _merge_feature_schemas() -> None:
    """Resource types added by a service's own feature module, each in ``schemas_<feature>.py``."""
    import importlib

    for feature in ("esm", "dax", "backups", "capacity"):
        SCHEMAS.update(importlib.import_module(f"course.sim.template.schemas_{feature}").SCHEMAS)


_merge_feature_schemas()
