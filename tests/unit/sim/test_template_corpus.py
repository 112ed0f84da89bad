"""Templates in the shapes real projects use must deploy: SAM with implicit APIs, function URLs,
policy templates, Globals and layers, every event source SAM has, a state machine, and plain
CloudFormation with log groups, alarms, queues, subscriptions, rules, secrets, parameters without
defaults and conditions. What the simulator does not model deploys as a placeholder and says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.sim import Account

CORPUS = Path(__file__).resolve().parents[2] / "data" / "templates" / "corpus"
#: Parameters a learner would pass for templates whose parameters have no default.
PARAMETERS = {"sam_policies_and_layers.yaml": {"Stage": "dev"},
              "cfn_operations.yaml": {"Environment": "prod", "AlarmEmail": "ops@example.com"}}


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.yaml")))
def test_each_template_of_the_corpus_deploys(name):
    with Account() as acct:
        stack = acct.deploy(CORPUS / name, parameters=PARAMETERS.get(name), base_dir=CORPUS)
    assert stack.resources
    for value in stack.outputs.values():
        assert value and "None" not in value and "{" not in value, stack.outputs


def test_implicit_apis_and_function_urls_have_aws_shaped_values():
    with Account() as acct:
        rest = acct.deploy(CORPUS / "sam_rest_api.yaml", base_dir=CORPUS, stack_name="rest")
        http = acct.deploy(CORPUS / "sam_http_and_url.yaml", base_dir=CORPUS, stack_name="http")
    assert re.fullmatch(r"https://\w[\w-]*\.execute-api\.us-east-1\.amazonaws\.com/Prod/", rest.outputs["ApiUrl"])
    assert "ServerlessRestApi" in rest.resources and "ServerlessRestApiProdStage" in rest.resources
    assert re.fullmatch(r"https://[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws/", http.outputs["Url"])
    assert http.outputs["Live"].endswith(":live")
    assert "not simulated: AWS::ApiGateway::RestApi ServerlessRestApi" in " ".join(n.message for n in rest.notes)


def test_policy_templates_and_a_local_layer_reach_the_role_and_the_function():
    with Account() as acct:
        stack = acct.deploy(CORPUS / "sam_policies_and_layers.yaml", parameters={"Stage": "dev"}, base_dir=CORPUS)
        iam = acct.client("iam")
        role = stack.physical_id("WorkerRole")
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        actions = [s["Action"] for n in names
                   for s in iam.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"]["Statement"]]
        managed = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]]
        layers = acct.client("lambda").get_function_configuration(FunctionName=stack.physical_id("Worker"))["Layers"]
    flat = {a for action in actions for a in ([action] if isinstance(action, str) else action)}
    assert {"dynamodb:PutItem", "s3:GetObject"} <= flat and any(a.startswith("sqs:SendMessage") for a in flat)
    assert "AWSXrayWriteOnlyAccess" in managed
    assert layers[0]["Arn"] == stack.physical_id(next(n for n in stack.resources if n.startswith("Shared")))
