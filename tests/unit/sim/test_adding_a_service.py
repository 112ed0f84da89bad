"""A new service from the recipe in docs/simulator.md ("Adding a service"): the toy Parameter Store
in ``toy_ssm/`` is one package, and the one line this test adds to the registry is all it takes for
boto3 calls, templates and exercise steps to reach it."""

from __future__ import annotations

import sys

import pytest
from botocore.exceptions import ClientError

from course.grading import grade
from course.grading.vocabulary import vocabulary
from course.sim import Account, TemplateError, registry
from course.sim.template import types
from tests.unit.sim.test_template_support import registry as type_tables  # noqa: F401  (restores the type tables)
from tests.unit.sim.test_template_support import text
from tests.unit.test_grading_support import one_exercise, workspace_with

TOY = "tests.unit.sim.toy_ssm"
TEMPLATE = text("""
    Resources:
      Greeting:
        Type: AWS::SSM::Parameter
        Properties:
          Type: String
          Value: {value}
    Outputs:
      Said:
        Value: !GetAtt Greeting.Value
""")


@pytest.fixture
def toy(monkeypatch, type_tables):  # noqa: F811
    monkeypatch.setitem(registry.SERVICES, "ssm", TOY)  # the one registry line
    yield
    # The toy registered its type while the tables were borrowed; forget the import too, so the
    # next test that adds the line registers it again.
    types._loaded.discard(TOY)
    for name in [m for m in sys.modules if m.startswith(TOY)]:
        del sys.modules[name]


def test_without_its_registry_line_the_service_does_not_exist():
    with pytest.raises(KeyError, match="no 'ssm' service"):
        Account().service("ssm")
    assert "parameter" not in vocabulary().kinds


def test_boto3_reaches_the_new_model_with_its_typed_errors(toy):
    ssm = Account().client("ssm")
    assert ssm.put_parameter(Name="/app/greeting", Value="hello", Type="String")["Version"] == 1
    assert ssm.get_parameter(Name="/app/greeting")["Parameter"]["Value"] == "hello"
    with pytest.raises(ssm.exceptions.ParameterAlreadyExists) as caught:
        ssm.put_parameter(Name="/app/greeting", Value="again", Type="String")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ssm.put_parameter(Name="/app/greeting", Value="again", Type="String", Overwrite=True)["Version"] == 2
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/nope")
    with pytest.raises(ClientError) as refused:
        ssm.describe_parameters()
    assert refused.value.response["Error"]["Code"] == "NotModeledBySimulator"
    assert "Modeled ssm operations: DeleteParameter, GetParameter, PutParameter" in str(refused.value)


def test_templates_create_the_new_type_and_check_it_against_its_schema(toy):
    with Account() as acct:
        stack = acct.deploy(TEMPLATE.format(value="hello"))
        assert stack.outputs["Said"] == "hello"
        name = stack.physical_id("Greeting")
        assert acct.client("ssm").get_parameter(Name=name)["Parameter"]["Value"] == "hello"
        with pytest.raises(TemplateError) as caught:
            acct.deploy(TEMPLATE.format(value="hello").replace("Type: String", "Typ: String"), stack_name="other")
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:5:7: Resources.Greeting.Properties.Typ: unknown property 'Typ' (did you mean 'Type'?)",
        "template.yaml:5:7: Resources.Greeting.Properties.Type: required property is missing",
    ]


def test_its_step_kind_is_read_and_graded_like_any_other(toy, tmp_path):
    assert vocabulary().kinds["parameter"].origin == "ssm"
    exercise = one_exercise(tmp_path, """\
        - id: greets
          title: The greeting is friendly
          steps: [deploy, {parameter: Greeting}]
          expect: [{query: steps.parameter.value, equals: hello}]
          hint: Say hello.
          docs: https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
    """, starter=TEMPLATE.format(value="go away"), solution=TEMPLATE.format(value="hello"))
    assert grade(exercise, workspace_with(tmp_path, TEMPLATE.format(value="go away"))).status == "failed"
    assert grade(exercise, workspace_with(tmp_path, TEMPLATE.format(value="hello"))).status == "passed"
