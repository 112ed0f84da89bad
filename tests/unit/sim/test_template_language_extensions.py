"""The AWS::LanguageExtensions transform: Fn::ForEach loops, Fn::Length, Fn::ToJsonString and
Fn::FindInMap's default value (intrinsic-function-reference-foreach.html and the pages beside it)."""

from __future__ import annotations

import json

from course.content.yamlsrc import plain
from tests.unit.sim.test_template_support import load, problems

TOPICS = """
    Transform: AWS::LanguageExtensions
    Parameters:
      Teams: {Type: CommaDelimitedList, Default: "orders,billing"}
    Mappings:
      Retention: {orders: {Days: 14}}
    Resources:
      Fn::ForEach::Teams:
        - Team
        - !Ref Teams
        - "${Team}Alerts":
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub "${Team}-alerts-${AWS::Region}"
              DisplayName: !Ref Team
      Settings:
        Type: AWS::SSM::Parameter
        Properties:
          Type: String
          Value: !ToJsonString {teams: !Ref Teams, count: !Length [a, b, c]}
          Description: !FindInMap [Retention, billing, Days, {DefaultValue: 7}]
    Outputs:
      Fn::ForEach::Arns:
        - Team
        - [orders, billing]
        - "&{Team}Arn":
            Value: !Ref
              Fn::Sub: "${Team}Alerts"
"""


def test_loops_make_a_resource_and_an_output_per_item():
    template = load(TOPICS)
    assert [name for name in template.resources] == ["ordersAlerts", "billingAlerts", "Settings"]
    assert plain(template.resources["billingAlerts"].properties) == {
        "TopicName": "billing-alerts-us-east-1", "DisplayName": "billing"}
    settings = plain(template.resources["Settings"].properties)
    assert json.loads(settings["Value"]) == {"teams": ["orders", "billing"], "count": 3}
    assert settings["Description"] == "7"  # billing has no entry: FindInMap's default
    assert sorted(template.outputs) == ["billingArn", "ordersArn"]


def test_a_stack_with_loops_deploys(acct):
    stack = acct.deploy(load(TOPICS).text)
    topics = acct.client("sns").list_topics()["Topics"]
    assert sorted(t["TopicArn"].rsplit(":", 1)[1] for t in topics) == ["billing-alerts-us-east-1",
                                                                        "orders-alerts-us-east-1"]
    assert stack.outputs["ordersArn"].endswith(":orders-alerts-us-east-1")


def test_loop_problems_point_at_the_loop():
    assert problems("""
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Queues:
            - Name
            - !Ref Missing
            - "${Name}Queue": {Type: AWS::SQS::Queue}
          Fn::ForEach::Same:
            - Name
            - [a, b]
            - Queue: {Type: AWS::SQS::Queue}
          Kept:
            Type: AWS::SQS::Queue
    """) == [
        "template.yaml:5:7: Resources.Fn::ForEach::Queues[1]: the collection names 'Missing', which is not a"
        " parameter; a loop's collection is known when the template is read",
        "template.yaml:10:7: Resources.Fn::ForEach::Same.Queue: every key a loop makes must name its item: use"
        " ${Name} or &{Name} in 'Queue'",
    ]


def test_the_functions_need_the_transform():
    assert problems("""
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties: {DisplayName: !ToJsonString {a: 1}}
    """) == ["template.yaml:4:31: Resources.Topic.Properties.DisplayName: Fn::ToJsonString needs the"
             " AWS::LanguageExtensions transform: add it to the template's Transform (before"
             " AWS::Serverless-2016-10-31 when both are used)"]
