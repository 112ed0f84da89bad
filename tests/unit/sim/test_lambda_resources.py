"""Template creators: a template's Lambda resources go through the same model and rules as the API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from course.sim.awslambda import resources
from course.sim.errors import AwsError, TemplateError
from course.sim.template import PhysicalResource
from tests.unit.sim.test_lambda_support import ARN, ROLE, client, fake, make  # noqa: F401

SAM = """Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: |
        def handler(event, context):
            return event
      Handler: index.handler
      Runtime: {runtime}
      MemorySize: 512
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 3
{extra}"""


class Context:
    """What a creator reads from the deploy context when called directly."""

    def __init__(self, logical_id):
        self.logical_id = logical_id

    def physical_name(self, max_length=64, suffix=""):
        return f"stack-{self.logical_id}"[:max_length] + suffix


def test_sam_function_with_alias_and_provisioned_concurrency(acct, client, fake):
    stack = acct.deploy(SAM.format(runtime="python3.12", extra=""))
    name = stack.physical_id("Fn")
    assert stack.attribute("Fn", "Arn") == ARN + name
    # SAM names the version after a hash of the function's code and configuration, as on AWS.
    (version,) = [logical for logical in stack.resources if logical.startswith("FnVersion")]
    assert stack.attribute(version, "Version") == "1"
    assert stack.physical_id("FnAliaslive") == ARN + name + ":live"
    got = client.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert (got["Status"], got["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 3)
    assert client.get_function_configuration(FunctionName=name)["MemorySize"] == 512
    client.invoke(FunctionName=name, Qualifier="live")
    assert acct.service("lambda").invocation_log.records[-1].provisioned


def test_a_blocked_runtime_fails_the_deploy_with_lambdas_message(acct):
    with pytest.raises(TemplateError) as caught:
        acct.deploy(SAM.format(runtime="python3.8", extra=""))
    assert "CREATE_FAILED: InvalidParameterValueException: The runtime parameter of python3.8 is no longer " \
           "supported" in str(caught.value)
    assert acct.service("lambda").functions == {}


def test_environment_over_4_kb_fails_the_deploy(acct):
    extra = "      Environment:\n        Variables:\n          BIG: " + "x" * 4100 + "\n"
    with pytest.raises(TemplateError) as caught:
        acct.deploy(SAM.format(runtime="python3.12", extra=extra))
    assert "exceeded the 4KB limit. String measured: {\"BIG\":" in str(caught.value)


def test_snapstart_with_provisioned_concurrency_fails_the_deploy(acct):
    extra = "      SnapStart:\n        ApplyOn: PublishedVersions\n"
    with pytest.raises(TemplateError) as caught:
        acct.deploy(SAM.format(runtime="python3.12", extra=extra))
    assert "Provisioned Concurrency is not supported for function versions with SnapStart enabled." in \
        str(caught.value)


def test_function_creator_matches_the_api_at_the_boundaries(acct):
    props = {"Code": {"ZipFile": "x"}, "Handler": "index.handler", "Runtime": "python3.12", "Role": ROLE}
    made = resources.create_function(acct, "Fn", {**props, "MemorySize": "10240", "Timeout": 900,
                                                  "Tags": [{"Key": "team", "Value": "a"}]}, Context("Fn"))
    assert isinstance(made, PhysicalResource) and made.physical_id == "stack-Fn"
    assert acct.service("lambda").functions["stack-Fn"].tags == {"team": "a"}
    for key, value, member in (("MemorySize", 127, "memorySize"), ("MemorySize", 10_241, "memorySize"),
                               ("Timeout", 0, "timeout"), ("Timeout", 901, "timeout")):
        with pytest.raises(AwsError) as caught:
            resources.create_function(acct, "Other", {**props, key: value}, Context("Other"))
        assert caught.value.code == "ValidationException"
        assert f"Value '{value}' at '{member}'" in caught.value.message


def test_reserved_concurrency_in_a_template_follows_the_account_rule(acct):
    props = {"Code": {"ZipFile": "x"}, "Handler": "index.handler", "Runtime": "python3.12", "Role": ROLE}
    resources.create_function(acct, "A", {**props, "ReservedConcurrentExecutions": 900}, Context("A"))
    with pytest.raises(AwsError, match="below its minimum value of \\[100\\]"):
        resources.create_function(acct, "B", {**props, "ReservedConcurrentExecutions": 1}, Context("B"))
    assert set(acct.service("lambda").functions) == {"stack-A"}  # B was created, then removed again


def test_version_alias_permission_and_event_config_creators(acct, client):
    make(client)
    version = resources.create_version(acct, "V", {"FunctionName": "fn", "Description": "v1"}, Context("V"))
    assert (version.physical_id, version.attributes["Version"]) == (ARN + "fn:1", "1")
    alias = resources.create_alias(acct, "A", {"FunctionName": "fn", "Name": "live", "FunctionVersion": "1",
                                               "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2}},
                                   Context("A"))
    assert alias.attributes == {"AliasArn": ARN + "fn:live"}
    permission = resources.create_permission(acct, "P", {"FunctionName": ARN + "fn", "Action": "lambda:InvokeFunction",
                                                         "Principal": "sns.amazonaws.com"}, Context("P"))
    policy = json.loads(client.get_policy(FunctionName="fn")["Policy"])
    assert policy["Statement"][0]["Sid"] == permission.physical_id
    resources.create_event_invoke_config(acct, "E", {"FunctionName": "fn", "Qualifier": "live",
                                                     "MaximumRetryAttempts": "0"}, Context("E"))
    assert client.get_function_event_invoke_config(FunctionName="fn", Qualifier="live")["MaximumRetryAttempts"] == 0


def test_weighted_alias_from_cloudformation_routing_config(acct, client):
    make(client)
    client.publish_version(FunctionName="fn")
    client.update_function_configuration(FunctionName="fn", Timeout=4)
    client.publish_version(FunctionName="fn")
    resources.create_alias(acct, "A", {"FunctionName": "fn", "Name": "canary", "FunctionVersion": "1",
                                       "RoutingConfig": {"AdditionalVersionWeights": [
                                           {"FunctionVersion": "2", "FunctionWeight": 0.25}]}}, Context("A"))
    assert client.get_alias(FunctionName="fn", Name="canary")["RoutingConfig"] == {
        "AdditionalVersionWeights": {"2": 0.25}}


def test_importing_the_model_does_not_import_boto3():
    code = ("import sys, course.sim.awslambda.models, course.sim.awslambda.scaling;"
            " print('botocore' in sys.modules, 'boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
