"""Exports between stacks: an output's Export is imported by another stack of the account with
Fn::ImportValue, as CloudFormation does; a name is exported once, and must exist when imported."""

from __future__ import annotations

import pytest

from course.sim import TemplateError
from tests.unit.sim.test_template_support import text

NETWORK = text("""
    Parameters:
      Env: {Type: String, Default: dev}
    Resources:
      Jobs:
        Type: AWS::SQS::Queue
    Outputs:
      JobsArn:
        Value: !GetAtt Jobs.Arn
        Export:
          Name: !Sub "${Env}-jobs-arn"
""")
APP = text("""
    Resources:
      Alerts:
        Type: AWS::SNS::Topic
        Properties:
          DisplayName: !ImportValue dev-jobs-arn
    Outputs:
      Imported:
        Value: !ImportValue dev-jobs-arn
""")


def test_a_stack_imports_what_another_exported(acct):
    network = acct.deploy(NETWORK, stack_name="network")
    app = acct.deploy(APP, stack_name="app")
    assert app.outputs["Imported"] == network.outputs["JobsArn"]
    topic = acct.client("sns").get_topic_attributes(TopicArn=app.physical_id("Alerts"))["Attributes"]
    assert topic["DisplayName"] == network.outputs["JobsArn"]
    assert acct.exports == {"dev-jobs-arn": ("network", network.outputs["JobsArn"])}


def test_an_import_of_a_name_nobody_exports_is_reported_where_it_was_written(acct):
    acct.deploy(NETWORK, stack_name="network")
    with pytest.raises(TemplateError) as caught:
        acct.deploy(APP.replace("dev-jobs-arn", "dev-job-arn"), stack_name="app")
    assert [str(p) for p in caught.value.problems][0] == (
        "template.yaml:5:33: Resources.Alerts.Properties.DisplayName: no stack exports 'dev-job-arn'"
        " (did you mean 'dev-jobs-arn'?); exported names: dev-jobs-arn (deploy the exporting stack first)")


def test_a_name_is_exported_by_one_stack_only_and_a_stack_may_export_it_again(acct):
    acct.deploy(NETWORK, stack_name="network")
    acct.deploy(NETWORK, stack_name="network")  # deploying the same stack again keeps its own export
    with pytest.raises(TemplateError) as caught:
        acct.deploy(NETWORK, stack_name="copy")
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:8:12: Outputs.JobsArn.Export.Name: CREATE_FAILED: Export with name dev-jobs-arn is already"
        " exported by stack network"]
    acct.deploy(NETWORK, stack_name="copy", parameters={"Env": "prod"})
    assert sorted(acct.exports) == ["dev-jobs-arn", "prod-jobs-arn"]
