"""Template creators for Lambda's resource types.

Each creator turns a resource's CloudFormation properties into the API call
CloudFormation itself would make and calls the same model method the boto3
bridge calls, so a template meets exactly the rules an API caller meets and a
failure comes back as the same error (the template layer reports it as
CREATE_FAILED at the resource). ``course.sim.template`` imports this module
when it deploys.
"""

from __future__ import annotations

import hashlib

from course.sim.awslambda import schemas
from course.sim.awslambda.sam import NOT_GLOBAL, check_function, check_layer, ref_aliases
from course.sim.errors import AwsError, NotModeled
from course.sim.template import Note, PhysicalResource, register_creator, register_sam_type
from course.sim.template.inert import name_placeholders, register_placeholder

_INTEGERS = ("MemorySize", "Timeout", "ReservedConcurrentExecutions", "MaximumRetryAttempts",
             "MaximumEventAgeInSeconds")
_FUNCTION_KEYS = ("Code", "Handler", "Runtime", "Role", "MemorySize", "Timeout", "Environment", "EphemeralStorage",
                  "Architectures", "Layers", "PackageType", "SnapStart", "Description", "DeadLetterConfig",
                  "TracingConfig", "VpcConfig", "ImageConfig", "LoggingConfig", "FileSystemConfigs")


def _lambda(account):
    return account.service("lambda")


def _numbers(props: dict) -> dict:
    """CloudFormation passes every parameter as text; Lambda's integer properties are converted, as it does."""
    out = dict(props)
    for key in _INTEGERS:
        if isinstance(out.get(key), str) and out[key].strip().lstrip("-").isdigit():
            out[key] = int(out[key])
    size = (out.get("EphemeralStorage") or {}).get("Size")
    if isinstance(size, str) and size.isdigit():
        out["EphemeralStorage"] = {**out["EphemeralStorage"], "Size": int(size)}
    return out


def _provisioned(props: dict) -> int | None:
    amount = (props.get("ProvisionedConcurrencyConfig") or {}).get("ProvisionedConcurrentExecutions")
    return int(amount) if amount is not None else None


def create_function(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = _lambda(account)
    props = _numbers(props)
    params = {key: props[key] for key in _FUNCTION_KEYS if key in props}
    params["FunctionName"] = props.get("FunctionName") or context.physical_name(64)
    if props.get("KmsKeyArn"):
        params["KMSKeyArn"] = props["KmsKeyArn"]
    if props.get("Tags"):
        params["Tags"] = {tag["Key"]: tag["Value"] for tag in props["Tags"]}
    made = service.create_function(params)
    if props.get("ReservedConcurrentExecutions") is not None:
        try:
            service.put_function_concurrency({"FunctionName": made["FunctionName"],
                                              "ReservedConcurrentExecutions": props["ReservedConcurrentExecutions"]})
        except AwsError:
            service.delete_function({"FunctionName": made["FunctionName"]})
            raise
    snap = made["SnapStart"]
    return PhysicalResource(made["FunctionName"], {"Arn": made["FunctionArn"], "SnapStartResponse.ApplyOn":
                                                   snap["ApplyOn"], "SnapStartResponse.OptimizationStatus":
                                                   snap["OptimizationStatus"]})


def create_version(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = _lambda(account)
    params = {"FunctionName": props["FunctionName"]}
    for key in ("Description", "CodeSha256"):
        if props.get(key):
            params[key] = props[key]
    made = service.publish_version(params)
    amount = _provisioned(props)
    if amount is not None:
        service.put_provisioned_concurrency_config(
            {"FunctionName": made["FunctionName"], "Qualifier": made["Version"],
             "ProvisionedConcurrentExecutions": amount}, settle=True)
    return PhysicalResource(made["FunctionArn"], {"Version": made["Version"],
                                                  "FunctionArn": service.function_arn(made["FunctionName"])})


def create_alias(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = _lambda(account)
    params = {"FunctionName": props["FunctionName"], "Name": props["Name"],
              "FunctionVersion": str(props["FunctionVersion"])}
    if props.get("Description"):
        params["Description"] = props["Description"]
    weights = (props.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    if weights:
        params["RoutingConfig"] = {"AdditionalVersionWeights": {
            str(w["FunctionVersion"]): float(w["FunctionWeight"]) for w in weights}}
    made = service.create_alias(params)
    amount = _provisioned(props)
    if amount is not None:
        try:
            service.put_provisioned_concurrency_config(
                {"FunctionName": props["FunctionName"], "Qualifier": props["Name"],
                 "ProvisionedConcurrentExecutions": amount}, settle=True)
        except AwsError:
            service.delete_alias({"FunctionName": props["FunctionName"], "Name": props["Name"]})
            raise
    return PhysicalResource(made["AliasArn"], {"AliasArn": made["AliasArn"]})


def create_permission(account, logical_id: str, props: dict, context) -> PhysicalResource:
    params = {key: props[key] for key in ("Action", "FunctionName", "Principal", "SourceArn", "SourceAccount",
                                          "EventSourceToken", "FunctionUrlAuthType", "PrincipalOrgID")
              if props.get(key) is not None}
    params["StatementId"] = context.physical_name(100)
    _lambda(account).add_permission(params)
    return PhysicalResource(params["StatementId"])


def create_event_invoke_config(account, logical_id: str, props: dict, context) -> PhysicalResource:
    props = _numbers(props)
    params = {key: props[key] for key in ("FunctionName", "Qualifier", "MaximumRetryAttempts",
                                          "MaximumEventAgeInSeconds", "DestinationConfig") if key in props}
    _lambda(account).put_function_event_invoke_config(params)
    return PhysicalResource(context.physical_name(64))


_ESM_INTEGERS = ("BatchSize", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts",
                 "ParallelizationFactor", "TumblingWindowInSeconds")
_ESM_KEYS = ("FunctionName", "EventSourceArn", "Enabled", "BatchSize", "MaximumBatchingWindowInSeconds",
             "StartingPosition", "StartingPositionTimestamp", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts",
             "BisectBatchOnFunctionError", "ParallelizationFactor", "DestinationConfig", "FunctionResponseTypes",
             "FilterCriteria", "TumblingWindowInSeconds", "Topics", "Queues", "SourceAccessConfigurations",
             "SelfManagedEventSource", "ScalingConfig", "MetricsConfig", "ProvisionedPollerConfig", "Tags")


def create_event_source_mapping(account, logical_id: str, props: dict, context) -> PhysicalResource:
    """CreateEventSourceMapping with the resource's properties (``KmsKeyArn`` is the API's ``KMSKeyArn``)."""
    params = {key: props[key] for key in _ESM_KEYS if props.get(key) is not None}
    for key in _ESM_INTEGERS:
        if isinstance(params.get(key), str) and params[key].strip().lstrip("-").isdigit():
            params[key] = int(params[key])
    for key in ("Enabled", "BisectBatchOnFunctionError"):
        if isinstance(params.get(key), str):
            params[key] = params[key].lower() == "true"
    if props.get("KmsKeyArn"):
        params["KMSKeyArn"] = props["KmsKeyArn"]
    if params.get("Tags"):
        params["Tags"] = {tag["Key"]: tag["Value"] for tag in params["Tags"]}
    try:
        made = _lambda(account).create_event_source_mapping(params)
    except NotModeled as refused:
        return _unmodeled_source(logical_id, params, context, refused)
    return PhysicalResource(made["UUID"], {"Id": made["UUID"], "EventSourceMappingArn": made["EventSourceMappingArn"]})


def _unmodeled_source(logical_id: str, params: dict, context, refused: NotModeled) -> PhysicalResource:
    """A mapping from a source the simulator does not poll yet (an SQS queue, say) still deploys, as
    CloudFormation would deploy it; the stack says plainly that nothing is delivered through it."""
    digest = hashlib.sha256(f"{context.stack_id}/{logical_id}".encode()).hexdigest()
    uuid = f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"
    arn = f"arn:{context.partition}:lambda:{context.region}:{context.account_id}:event-source-mapping:{uuid}"
    source = params.get("EventSourceArn") or "its source"
    context.stack.notes.append(Note(context.resource.mark, context.resource.path,
                                    f"not simulated: {logical_id} connects {source} to a function, but nothing"
                                    f" delivers its events yet ({refused.message})"))
    return PhysicalResource(uuid, {"Id": uuid, "EventSourceMappingArn": arn})


def _delete(operation: str, params_of):
    def delete(account, made) -> None:
        getattr(_lambda(account), operation)(params_of(made))
    return delete


register_creator("AWS::Lambda::Function", create_function,
                 ("Arn", "SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus"),
                 schema=schemas.LAMBDA_FUNCTION, local_code="Code", delete=_delete("delete_function", lambda made: {"FunctionName": made.physical_id}))
register_creator("AWS::Lambda::Version", create_version, ("Version", "FunctionArn"), schema=schemas.LAMBDA_VERSION,
                 delete=_delete("delete_function", lambda made: {"FunctionName": made.physical_id}))
register_creator("AWS::Lambda::Alias", create_alias, ("AliasArn",), schema=schemas.LAMBDA_ALIAS,
                 delete=_delete("delete_alias", lambda made: {"FunctionName": made.properties["FunctionName"],
                                                              "Name": made.properties["Name"]}))
register_creator("AWS::Lambda::Permission", create_permission, schema=schemas.LAMBDA_PERMISSION,
                 delete=_delete("remove_permission", lambda made: {"FunctionName": made.properties["FunctionName"],
                                                                   "StatementId": made.physical_id}))
register_creator("AWS::Lambda::EventInvokeConfig", create_event_invoke_config,
                 schema=schemas.LAMBDA_EVENT_INVOKE_CONFIG, delete=_delete("delete_function_event_invoke_config",
                                lambda made: {"FunctionName": made.properties["FunctionName"],
                                              "Qualifier": made.properties["Qualifier"]}))
register_creator("AWS::Lambda::EventSourceMapping", create_event_source_mapping, ("EventSourceMappingArn", "Id"),
                 schema=schemas.LAMBDA_EVENT_SOURCE_MAPPING, delete=_delete("delete_event_source_mapping", lambda made: {"UUID": made.physical_id}))
# Layers are checked (a function may name one) and deployed as placeholders: their code is not loaded yet.
def _layer_arn(context, props: dict) -> tuple[str, dict]:
    """A layer version's ARN, as Lambda writes it (``...:layer:NAME:VERSION``); the first version is 1."""
    name = props.get("LayerName") or context.physical_name(140)
    arn = f"arn:{context.partition}:lambda:{context.region}:{context.account_id}:layer:{name}:1"
    return arn, {"LayerVersionArn": arn}


register_placeholder("AWS::Lambda::LayerVersion", schemas.LAMBDA_LAYER_VERSION, local_code="Content",
                     identify=_layer_arn)
register_sam_type("AWS::Serverless::Function", schemas.SAM_FUNCTION, check_function, section="Function",
                  not_global=NOT_GLOBAL, aliases=ref_aliases)
register_sam_type("AWS::Serverless::LayerVersion", schemas.SAM_LAYER_VERSION, check_layer, section="LayerVersion")


def _function_url(context, props: dict) -> tuple[str, dict]:
    """A function URL as Lambda gives it: ``https://<url-id>.lambda-url.<region>.on.aws/``, where the
    id is 32 lowercase letters and digits (urls-configuration.html)."""
    digest = hashlib.sha256(f"{context.stack_id}/{context.resource.logical_id}".encode()).hexdigest()
    url = f"https://{digest[:32]}.lambda-url.{context.region}.on.aws/"
    target = str(props.get("TargetFunctionArn"))
    if not target.startswith("arn:"):  # a function name (Ref of the function): Ref of the URL is an ARN
        target = f"arn:{context.partition}:lambda:{context.region}:{context.account_id}:function:{target}"
    return target, {"FunctionUrl": url, "FunctionArn": target}


# Function URLs are not served yet: a placeholder with Lambda's URL shape keeps templates' outputs right.
name_placeholders("AWS::Lambda::Url", _function_url)
