"""Nested stacks from local templates: the child deploys with the parent's parameters, and the parent
reads its outputs with !GetAtt Child.Outputs.Name (aws-resource-cloudformation-stack.html)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.sim import TemplateError
from tests.unit.sim.test_template_support import problems, text

NESTED = Path(__file__).resolve().parents[2] / "data" / "templates" / "nested"


def test_a_nested_stack_deploys_and_the_parent_reads_its_outputs(acct):
    parent = acct.deploy(NESTED / "parent.yaml", parameters={"Env": "prod"})
    assert parent.outputs["QueueUrl"] == "https://sqs.us-east-1.amazonaws.com/123456789012/prod-jobs"
    assert parent.outputs["ChildId"].startswith("arn:aws:cloudformation:us-east-1:123456789012:stack/coldstart-")
    child = next(stack for name, stack in acct.stacks.items() if name.startswith("coldstart-Network-"))
    assert child.outputs["QueueName"] == "prod-jobs"
    attributes = acct.client("sqs").get_queue_attributes(QueueUrl=parent.outputs["QueueUrl"],
                                                         AttributeNames=["MessageRetentionPeriod"])["Attributes"]
    assert attributes == {"MessageRetentionPeriod": "3600"}
    topic = acct.client("sns").get_topic_attributes(TopicArn=parent.physical_id("Alerts"))["Attributes"]
    assert topic["DisplayName"] == "prod-jobs"


def test_a_problem_in_the_child_is_reported_in_the_childs_file(acct, tmp_path):
    (tmp_path / "child.yaml").write_text("Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"
                                         "    Properties: {DelaySeconds: 9000}\n")
    (tmp_path / "parent.yaml").write_text("Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
                                          "    Properties: {TemplateURL: child.yaml}\n")
    with pytest.raises(TemplateError) as caught:
        acct.deploy(tmp_path / "parent.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "child.yaml:4:32: Resources.Jobs.Properties.DelaySeconds: must be at most 900, got 9000"]


def test_a_template_url_the_simulator_cannot_fetch_is_refused_plainly(acct):
    with pytest.raises(TemplateError) as caught:
        acct.deploy(text("""
            Resources:
              Child:
                Type: AWS::CloudFormation::Stack
                Properties: {TemplateURL: "https://example.com/child.yaml"}
        """))
    assert "write TemplateURL as a local path" in str(caught.value)
    assert problems("""
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: child.yaml}
        Outputs:
          Bad: {Value: !GetAtt Child.Output.Name}
    """) == ["template.yaml:6:16: Outputs.Bad.Value: Child (AWS::CloudFormation::Stack) has no attribute"
             " 'Output.Name' (did you mean 'Outputs'?); its attributes: StackId, Outputs.<Name>"]
