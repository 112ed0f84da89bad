"""Intrinsic functions, short and long forms: resolved at load unless they name a resource."""

from __future__ import annotations

import pytest

from course.sim import Account
from tests.unit.sim.test_template_support import load, problems, props

QUEUE = """
    Parameters:
      Stage: {Type: String, Default: dev}
      Names: {Type: CommaDelimitedList, Default: "a, b,c"}
      Count: {Type: Number, Default: 3}
    Conditions:
      IsProd: !Equals [!Ref Stage, prod]
    Mappings:
      Retention:
        dev: {Seconds: 60}
        prod: {Seconds: 1209600}
    Resources:
      Other:
        Type: AWS::SQS::Queue
      Fn:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: {value}
"""


def queue_name(value: str, **kwargs):
    return props(QUEUE.replace("{value}", value), **kwargs)["QueueName"]


@pytest.mark.parametrize("written, expected", [
    ("!Ref Stage", "dev"),
    ("{Ref: Stage}", "dev"),
    ("!Ref AWS::AccountId", "123456789012"),
    ("!Ref AWS::Region", "us-east-1"),
    ("!Ref AWS::StackName", "coldstart"),
    ("!Ref AWS::Partition", "aws"),
    ("!Ref AWS::URLSuffix", "amazonaws.com"),
    ("!Sub '${Stage}-orders'", "dev-orders"),
    ("{'Fn::Sub': '${Stage}-orders'}", "dev-orders"),
    ("!Sub ['${Name}-${Stage}', {Name: !Select [1, !Ref Names]}]", "b-dev"),
    ("{'Fn::Sub': ['${Name}', {Name: x}]}", "x"),
    ("!Sub '${!Literal}-${AWS::Region}'", "${Literal}-us-east-1"),
    ("!Sub '${Count} queues'", "3 queues"),
    ("!Join ['-', [!Ref Stage, !Ref AWS::Region]]", "dev-us-east-1"),
    ("{'Fn::Join': ['', [a, b]]}", "ab"),
    ("!Join [',', !Ref Names]", "a,b,c"),
    ("!Select [2, !Ref Names]", "c"),
    ("{'Fn::Select': ['0', [x, y]]}", "x"),
    ("!Select [1, !Split ['/', 'a/b/c']]", "b"),
    ("!Join ['+', {'Fn::Split': [',', '1,2']}]", "1+2"),
    ("!If [IsProd, big, small]", "small"),
    ("{'Fn::If': [IsProd, big, small]}", "small"),
    # Numbers become text where text is wanted, as in CloudFormation.
    ("!FindInMap [Retention, !Ref Stage, Seconds]", "60"),
    ("{'Fn::FindInMap': [Retention, prod, Seconds]}", "1209600"),
    ("!Select [1, !GetAZs '']", "us-east-1b"),
    ("!Join [',', {'Fn::GetAZs': !Ref AWS::Region}]", "us-east-1a,us-east-1b,us-east-1c"),
    ("!Base64 hello", "aGVsbG8="),
    ("{'Fn::Base64': !Sub '${Stage}'}", "ZGV2"),
])
def test_functions_resolve_at_load(written, expected):
    assert queue_name(written) == expected


def test_parameters_and_the_account_decide_pseudo_parameters():
    with Account(account_id="111122223333", region="eu-west-1") as acct:
        assert queue_name("!Sub '${AWS::AccountId}/${AWS::Region}/${AWS::StackName}'", account=acct,
                          stack_name="orders") == "111122223333/eu-west-1/orders"
        template = load(QUEUE.replace("{value}", "x"), account=acct, stack_name="orders")
    assert template.pseudo["AWS::StackId"].startswith("arn:aws:cloudformation:eu-west-1:111122223333:stack/orders/")
    assert queue_name("!Ref Stage", parameters={"Stage": "prod"}) == "prod"
    assert queue_name("!If [IsProd, big, small]", parameters={"Stage": "prod"}) == "big"


def test_functions_naming_resources_wait_for_them():
    assert queue_name("!Ref Other") == {"Ref": "Other"}
    assert queue_name("!GetAtt Other.QueueName") == {"Fn::GetAtt": ["Other", "QueueName"]}
    assert queue_name("{'Fn::GetAtt': 'Other.QueueName'}") == {"Fn::GetAtt": ["Other", "QueueName"]}
    # What can be worked out is, and what waits keeps its place.
    assert queue_name("!Sub '${Stage}-${Other.QueueName}-${!Keep}'") == {"Fn::Sub": "dev-${Other.QueueName}-${!Keep}"}
    assert queue_name("!Sub ['${A}-${B}', {A: !Ref Stage, B: !Ref Other}]") == \
        {"Fn::Sub": ["dev-${B}", {"B": {"Ref": "Other"}}]}
    assert queue_name("!Join ['-', [!Ref Stage, !Ref Other]]") == {"Fn::Join": ["-", ["dev", {"Ref": "Other"}]]}
    assert queue_name("!If [IsProd, x, !Ref Other]") == {"Ref": "Other"}


def test_no_value_removes_the_property_or_item():
    template = load("""
        Parameters:
          Stage: {Type: String, Default: dev}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
        Resources:
          Fn:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Statement: []}
              RoleName: !If [IsProd, prod-role, !Ref AWS::NoValue]
              ManagedPolicyArns:
                - arn:aws:iam::aws:policy/ReadOnlyAccess
                - {'Fn::If': [IsProd, arn:aws:iam::aws:policy/AdministratorAccess, {Ref: AWS::NoValue}]}
    """)
    role = template.resources["Fn"].properties
    assert "RoleName" not in role
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_function_problems_are_reported_where_written():
    assert problems(QUEUE.replace("{value}", "!Select [5, !Ref Names]")) == [
        "template.yaml:17:27: Resources.Fn.Properties.QueueName: Fn::Select: index 5 is out of range"
        " for a list of 3 items",
    ]
    assert problems(QUEUE.replace("{value}", "!FindInMap [Retention, staging, Seconds]")) == [
        "template.yaml:17:41: Resources.Fn.Properties.QueueName: Fn::FindInMap: Mappings.Retention has no 'staging'",
    ]
    assert problems(QUEUE.replace("{value}", "!FindInMap [Retension, dev, Seconds]")) == [
        "template.yaml:17:30: Resources.Fn.Properties.QueueName: Fn::FindInMap: Mappings has no 'Retension'"
        " (did you mean 'Retention'?)",
    ]
    assert problems(QUEUE.replace("{value}", "!Ref AWS::Regoin")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: Ref: unknown pseudo parameter 'AWS::Regoin'"
        " (did you mean 'AWS::Region'?)",
    ]
    assert problems(QUEUE.replace("{value}", "!Sub '${Names}'")) == [
        "template.yaml:17:24: Resources.Fn.Properties.QueueName: Fn::Sub: ${Names} is a list parameter;"
        " join it first with Fn::Join",
    ]
    assert problems(QUEUE.replace("{value}", "!Join ['-', [a, [b]]]")) == [
        "template.yaml:17:34: Resources.Fn.Properties.QueueName: Fn::Join: item 1 is a list;"
        " every item must be text",
    ]
    assert problems(QUEUE.replace("{value}", "!Equals [a, b]")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: Fn::Equals can only be used in the Conditions"
        " section; use Fn::If with a condition to choose a value",
    ]
    assert problems(QUEUE.replace("{value}", "{'Fn::Joinn': ['', []]}")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: unknown function 'Fn::Joinn'"
        " (did you mean 'Fn::Join'?)",
    ]
    assert problems(QUEUE.replace("{value}", "{'Fn::ImportValue': shared}")) == [
        "template.yaml:17:38: Resources.Fn.Properties.QueueName: no stack exports 'shared'; no stack in this"
        " account exports any (deploy the exporting stack first)",
    ]
    assert problems(QUEUE.replace("{value}", "!If [IsStaging, a, b]")) == [
        "template.yaml:17:23: Resources.Fn.Properties.QueueName: unknown condition 'IsStaging'",
    ]


def test_refs_to_unknown_names_are_problems_with_did_you_mean():
    assert problems(QUEUE.replace("{value}", "!Ref Stag")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: unknown parameter or resource 'Stag'"
        " (did you mean 'Stage'?)",
    ]
    assert problems(QUEUE.replace("{value}", "!GetAtt Othr.QueueName")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: unknown resource 'Othr' (did you mean 'Other'?)",
    ]
    assert problems(QUEUE.replace("{value}", "!Sub 'x-${Othr.QueueName}'")) == [
        "template.yaml:17:26: Resources.Fn.Properties.QueueName: unknown resource 'Othr' (did you mean 'Other'?)",
    ]
    assert problems(QUEUE.replace("{value}", "!GetAtt Other.Url")) == [
        "template.yaml:17:18: Resources.Fn.Properties.QueueName: Other (AWS::SQS::Queue) has no attribute 'Url';"
        " its attributes: Arn, QueueName, QueueUrl",
    ]
