"""Property schemas of Lambda's CloudFormation types and of SAM's ``AWS::Serverless::Function``.

Written from the AWS CloudFormation resource reference for ``AWS::Lambda::*`` and the AWS SAM
specification (sam-resource-function.html; the ``DynamoDB`` and ``Kinesis`` event properties from
sam-property-function-dynamodb.html and sam-property-function-kinesis.html, which SAM turns into an
``AWS::Lambda::EventSourceMapping``). Ranges the course teaches come from ../shared/facts.md:
memory 128-10,240 MB, timeout 1-900 s, ephemeral storage 512-10,240 MB, at most 5 layers.
Registered with their creators in ``resources.py``; the SAM expansion in ``sam.py`` reads
``FUNCTION_COMMON`` to know which properties pass straight to the function.
"""

from __future__ import annotations

from course.sim.template.schemas import (
    BOOLEAN, JSON, OPEN, SAM_TAGS, TAGS, TEXT, TEXT_LIST, integer, list_of, map_of, number, obj, one_of, resource,
    string,
)

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

# -- AWS SAM: AWS::Serverless::Function ---------------------------------------------------------------------------------------

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

_SAM_ON_FAILURE = obj({"Destination": TEXT, "Type": string(enum=("SQS", "SNS", "S3"))})

#: Properties of a SAM ``DynamoDB`` or ``Kinesis`` event; ``Stream`` is the stream's ARN.
SAM_STREAM_EVENT = obj(
    {"BatchSize": integer(1, 10000), "BisectBatchOnFunctionError": BOOLEAN,
     "DestinationConfig": obj({"OnFailure": _SAM_ON_FAILURE}), "Enabled": BOOLEAN,
     "FilterCriteria": obj({"Filters": list_of(obj({"Pattern": TEXT}))}),
     "FunctionResponseTypes": list_of(string(enum=("ReportBatchItemFailures",))), "KmsKeyArn": TEXT,
     "MaximumBatchingWindowInSeconds": integer(0, 300), "MaximumRecordAgeInSeconds": integer(-1, 604800),
     "MaximumRetryAttempts": integer(-1, 10000), "MetricsConfig": OPEN, "ParallelizationFactor": integer(1, 10),
     "StartingPosition": string(enum=("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")),
     "StartingPositionTimestamp": number(0), "Stream": TEXT, "TumblingWindowInSeconds": integer(0, 900)},
)  # Stream is required; the SAM transform reports it missing with the other event types' requirements

#: SAM's ``AWS::Serverless::LayerVersion`` (sam-resource-layerversion.html).
SAM_LAYER_VERSION = resource(
    {"CompatibleArchitectures": list_of(string(enum=ARCHITECTURES), max_items=2),
     "CompatibleRuntimes": list_of(string(enum=RUNTIMES), max_items=15),
     "ContentUri": one_of(TEXT, obj({"Bucket": TEXT, "Key": TEXT, "Version": TEXT}, required=("Bucket", "Key"))),
     "Description": string(max_length=256), "LayerName": string(min_length=1, max_length=140), "LicenseInfo": TEXT,
     "PublishLambdaVersion": BOOLEAN, "RetentionPolicy": string(enum=("Retain", "Delete"))},
    required=("ContentUri",), attributes=(), ref="the layer version's ARN",
)
