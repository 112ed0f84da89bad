"""Each simulated service's typed errors: AWS's codes and statuses, raised by the models themselves,
and no service left building an ``AwsError`` from a string code."""

from __future__ import annotations

import ast
import importlib
import io
import zipfile
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from course.sim import registry
from course.sim.errors import AwsError, NotModeled, ServiceError

#: Service package → the botocore service whose model lists that service's errors: every registered one.
PACKAGES = {package: name for name, package in registry.SERVICES.items()}
#: Codes AWS answers with that botocore's service model does not declare as an exception shape:
#: ValidationException is in each service's CommonErrors page; S3 sends InvalidArgument,
#: InvalidBucketName and BucketNotEmpty (ErrorResponses.html#ErrorCodeList) and a bodiless 404 to
#: HEAD. SourceTableNotFoundException is the simulator's answer to RestoreTableToPointInTime's missing
#: source, kept as it was; the API Reference's Errors section for it lists TableNotFoundException.
UNDECLARED = {
    "lambda": {"ValidationException"},
    "dynamodb": {"ValidationException", "SourceTableNotFoundException"},
    "dynamodbstreams": {"ValidationException"},
    "s3": {"InvalidArgument", "InvalidBucketName", "BucketNotEmpty", "404"},
    "dax": {"ValidationException"},
    # SQS answers a queue name that breaks the naming rules with InvalidParameterValue, the code
    # CloudFormation reports for it; IAM's model-level refusals are ValidationError (CommonErrors.html).
    "sqs": {"InvalidParameterValue"},
    "iam": {"ValidationError"},
}
#: Statuses of those undeclared codes other than 400 (S3's ErrorResponses.html#ErrorCodeList; a
#: HEAD miss is the bare status).
UNDECLARED_STATUS = {("s3", "BucketNotEmpty"): 409, ("s3", "404"): 404}
#: Classes whose code is not their name, because AWS's code is not a valid class name.
#: Query-protocol services (SNS, IAM) name exception shapes ``...Exception`` but send the shorter
#: code botocore's model records for each.
RENAMED = {("s3", "NotFound"): "404",
           ("sns", "InvalidParameterException"): "InvalidParameter", ("sns", "NotFoundException"): "NotFound",
           ("iam", "EntityAlreadyExistsException"): "EntityAlreadyExists",
           ("iam", "NoSuchEntityException"): "NoSuchEntity", ("iam", "DeleteConflictException"): "DeleteConflict",
           ("iam", "MalformedPolicyDocumentException"): "MalformedPolicyDocument"}
SIM = Path(__file__).resolve().parents[3] / "course" / "sim"


def declared(package: str) -> list[type[ServiceError]]:
    """The classes a service's errors.py defines (its base included)."""
    module = importlib.import_module(f"course.sim.{package}.errors")
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, ServiceError) and value.__module__ == module.__name__]


def raisable(package: str) -> list[type[ServiceError]]:
    """Those a model raises: the leaves (a base such as DynamoDB's ``Throttled`` is only caught)."""
    classes = declared(package)
    return [c for c in classes if not any(other is not c and issubclass(other, c) for other in classes)]


def botocore_errors(service: str) -> dict[str, int | None]:
    """Error code → HTTP status (None where the model gives none) from botocore's service model."""
    model = botocore.session.get_session().get_service_model(service)
    found = {}
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.metadata.get("exception"):
            error = shape.metadata.get("error", {})
            found[error.get("code", name)] = error.get("httpStatusCode")
    return found


# -- codes and statuses ----------------------------------------------------------------------------

@pytest.mark.parametrize("package", PACKAGES)
def test_each_class_is_named_after_its_aws_code_and_no_code_is_declared_twice(package):
    service = PACKAGES[package]
    known = botocore_errors(service)
    codes = []
    for klass in raisable(package):
        assert klass.code == RENAMED.get((package, klass.__name__), klass.__name__)
        assert klass.code in known or klass.code in UNDECLARED.get(service, set()), klass
        codes.append(klass.code)
    assert len(codes) == len(set(codes)), sorted(codes)
    assert len({c.service for c in declared(package)}) == 1


@pytest.mark.parametrize("package", PACKAGES)
def test_statuses_agree_with_botocore_where_its_model_states_one(package):
    service = PACKAGES[package]
    known = botocore_errors(service)
    for klass in raisable(package):
        expected = known.get(klass.code) or UNDECLARED_STATUS.get((service, klass.code), 400)
        assert klass.status == expected, klass


def test_representative_statuses_and_fields():
    from course.sim.awslambda import errors as awslambda
    from course.sim.dynamodb import errors as dynamodb
    from course.sim.s3 import errors as s3

    # Lambda API Reference, API_GetFunction.html "Errors": ResourceNotFoundException, 404.
    assert awslambda.ResourceNotFoundException.status == 404
    # API_CreateFunction.html: ResourceConflictException 409, InvalidParameterValueException 400.
    assert awslambda.ResourceConflictException.status == 409
    assert awslambda.InvalidParameterValueException.status == 400
    # API_Invoke.html: TooManyRequestsException 429, RequestTooLargeException 413, ServiceException 500.
    assert awslambda.TooManyRequestsException.status == 429
    assert awslambda.RequestTooLargeException.status == 413
    assert awslambda.ServiceException.status == 500
    # API_UpdateFunctionCode.html: PreconditionFailedException 412.
    assert awslambda.PreconditionFailedException.status == 412
    assert awslambda.InvalidParameterValueException("x").extra == {"Type": "User"}
    assert awslambda.ValidationException("x").extra == {}
    # DynamoDB developer guide, Programming.Errors.html: every client error is an HTTP 400.
    assert dynamodb.ConditionalCheckFailedException.status == 400
    assert dynamodb.ResourceNotFoundException.status == 400
    # S3 API Reference, ErrorResponses.html#ErrorCodeList: NoSuchKey 404, BucketNotEmpty 409.
    assert (s3.NoSuchKey.status, s3.BucketNotEmpty.status, s3.NotFound.code) == (404, 409, "404")
    assert (NotModeled("s3", "x").code, NotModeled.status) == ("NotModeledBySimulator", 501)


def test_fields_are_copied_into_each_error_not_shared():
    from course.sim.awslambda.errors import TooManyRequestsException

    throttled = TooManyRequestsException("Rate Exceeded.", extra={"Reason": "ReservedFunctionConcurrency"})
    assert throttled.extra == {"Type": "User", "Reason": "ReservedFunctionConcurrency"}
    assert TooManyRequestsException.fields == {"Type": "User"}


def test_throttling_errors_say_which_limit_refused_the_request():
    from course.sim.dynamodb.errors import ProvisionedThroughputExceededException, Throttled

    error = ProvisionedThroughputExceededException("slow down", reason="TableWriteProvisionedThroughputExceeded",
                                                   resource="arn:aws:dynamodb:us-east-1:123456789012:table/orders")
    assert isinstance(error, Throttled) and error.reason == "TableWriteProvisionedThroughputExceeded"
    assert error.extra["ThrottlingReasons"] == [{"reason": "TableWriteProvisionedThroughputExceeded",
                                                 "resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"}]


# -- raised by the models, seen through botocore ---------------------------------------------------

def _zip() -> bytes:
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return code.getvalue()


FUNCTION = {"FunctionName": "fn", "Runtime": "python3.12", "Handler": "index.handler",
            "Role": "arn:aws:iam::123456789012:role/r", "Code": {"ZipFile": _zip()}}


def _function(acct) -> None:
    acct.client("lambda").create_function(**FUNCTION)


def _table(acct) -> None:
    acct.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    acct.client("dynamodb").put_item(TableName="orders", Item={"pk": {"S": "a"}})


def _bucket(acct) -> None:
    acct.client("s3").create_bucket(Bucket="exports")
    acct.client("s3").put_object(Bucket="exports", Key="k", Body=b"x")


def _reserved_zero(acct) -> None:
    _function(acct)
    acct.client("lambda").put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)


ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"
NOT_DYNAMODB_TARGET = {"ServiceNamespace": "dynamodb", "ResourceId": "table/orders",
                       "ScalableDimension": "dynamodb:table:WriteCapacityUnits"}
CASES = [
    ("awslambda", "ResourceNotFoundException", None, "lambda", "GetFunction", {"FunctionName": "nope"}),
    ("awslambda", "ResourceConflictException", _function, "lambda", "CreateFunction", FUNCTION),
    ("awslambda", "TooManyRequestsException", _reserved_zero, "lambda", "Invoke", {"FunctionName": "fn"}),
    ("awslambda", "InvalidRequestContentException", _function, "lambda", "Invoke",
     {"FunctionName": "fn", "Payload": b"{not json"}),
    ("dynamodb", "ResourceNotFoundException", None, "dynamodb", "DescribeTable", {"TableName": "nope"}),
    ("dynamodb", "ConditionalCheckFailedException", _table, "dynamodb", "PutItem",
     {"TableName": "orders", "Item": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(pk)"}),
    ("dynamodb", "TransactionCanceledException", _table, "dynamodb", "TransactWriteItems",
     {"TransactItems": [{"ConditionCheck": {"TableName": "orders", "Key": {"pk": {"S": "a"}},
                                            "ConditionExpression": "attribute_not_exists(pk)"}}]}),
    ("dynamodbstreams", "ResourceNotFoundException", None, "dynamodbstreams", "DescribeStream", {"StreamArn": ARN}),
    ("kinesis", "ResourceNotFoundException", None, "kinesis", "DescribeStream", {"StreamName": "nope"}),
    ("s3", "NoSuchKey", _bucket, "s3", "GetObject", {"Bucket": "exports", "Key": "missing"}),
    ("s3", "NotFound", _bucket, "s3", "HeadObject", {"Bucket": "exports", "Key": "missing"}),
    ("s3", "BucketNotEmpty", _bucket, "s3", "DeleteBucket", {"Bucket": "exports"}),
    ("dax", "ClusterNotFoundFault", None, "dax", "DescribeClusters", {"ClusterNames": ["nope"]}),
    ("autoscaling", "ObjectNotFoundException", _table, "application-autoscaling", "DeregisterScalableTarget",
     NOT_DYNAMODB_TARGET),
]


@pytest.mark.parametrize(("package", "name", "setup", "service", "operation", "params"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_the_model_raises_the_class_and_botocore_raises_its_exception(acct, package, name, setup, service,
                                                                      operation, params):
    klass = getattr(importlib.import_module(f"course.sim.{package}.errors"), name)
    if setup:
        setup(acct)
    with pytest.raises(klass) as raised:
        acct.call(service, operation, params)
    assert type(raised.value) is klass
    client = acct.client(service)
    method = getattr(client, xform_name(operation))
    expected = getattr(client.exceptions, klass.code, ClientError) if klass.code.isidentifier() else ClientError
    with pytest.raises(expected) as caught:
        method(**params)
    response = caught.value.response
    assert response["Error"]["Code"] == klass.code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == klass.status
    for key, value in klass.fields.items():
        assert response[key] == value


def test_a_throttled_invoke_carries_lambdas_reason(acct):
    _reserved_zero(acct)
    client = acct.client("lambda")
    with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
        client.invoke(FunctionName="fn", Payload=b"{}")
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_refusals_of_what_is_not_modeled_are_501(acct):
    _table(acct)
    client = acct.client("application-autoscaling")
    client.register_scalable_target(**NOT_DYNAMODB_TARGET, MinCapacity=1, MaxCapacity=10)
    with pytest.raises(NotModeled):
        acct.call("application-autoscaling", "PutScalingPolicy",
                  {**NOT_DYNAMODB_TARGET, "PolicyName": "p", "PolicyType": "StepScaling"})
    with pytest.raises(ClientError) as caught:
        acct.client("dynamodb").get_item(TableName="orders", Key={"pk": {"S": "a"}}, AttributesToGet=["pk"])
    assert caught.value.response["Error"]["Code"] == "NotModeledBySimulator"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


# -- nothing builds an error from a string code any more --------------------------------------------

def string_coded(source: str) -> list[int]:
    """Lines that build ``AwsError("SomeCode", ...)``: the code belongs in a typed class."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "AwsError" and (isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str))):
                found.append(node.lineno)
    return found


def test_the_scan_finds_a_string_coded_error():
    planted = 'from course.sim.errors import AwsError\nraise AwsError("NoSuchThing", "gone", 404)\n'
    assert string_coded(planted) == [2]
    assert string_coded("raise errors.AwsError(f'{code}', 'message')\n") == [1]
    assert string_coded("raise ResourceNotFoundException('gone')\nraise AwsError(code, 'relayed')\n") == []


def test_no_simulator_module_builds_an_error_from_a_string_code():
    allowed = {SIM / "errors.py", SIM / "awslambda" / "rpc.py"}
    offenders = []
    for path in sorted(SIM.rglob("*.py")):
        if path in allowed:
            continue
        offenders += [f"{path.relative_to(SIM.parent.parent)}:{line}" for line in string_coded(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("package", PACKAGES)
def test_service_packages_raise_only_their_typed_errors(package):
    """Within a service package, even ``AwsError(code_variable, ...)`` would bypass the classes."""
    offenders = []
    for path in sorted((SIM / package).glob("*.py")):
        if path == SIM / "awslambda" / "rpc.py":
            continue
        tree = ast.parse(path.read_text())
        offenders += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "AwsError"]
    assert offenders == []


def test_the_generic_error_still_stands_for_stand_in_services():
    error = AwsError("ResourceNotFoundException", "Function not found: x", 404, {"Type": "User"})
    assert (error.code, error.status, error.extra) == ("ResourceNotFoundException", 404, {"Type": "User"})
