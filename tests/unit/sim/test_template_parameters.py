"""Parameters, mappings, conditions and outputs."""

from __future__ import annotations

from tests.unit.sim.test_template_support import load, problems

PARAMETERS = """
    Parameters:
      Stage:
        Type: String
        Default: dev
        AllowedValues: [dev, prod]
        ConstraintDescription: dev or prod
      Prefix:
        Type: String
        Default: app
        AllowedPattern: "[a-z]+"
        MinLength: 2
        MaxLength: 8
      Memory:
        Type: Number
        Default: 512
        MinValue: 128
        MaxValue: 10240
      Zones:
        Type: CommaDelimitedList
        Default: "a, b"
      Sizes:
        Type: List<Number>
        Default: "1,2"
      Subnet:
        Type: AWS::EC2::Subnet::Id
        Default: subnet-123
    Resources:
      Q:
        Type: AWS::SQS::Queue
"""


def test_defaults_and_given_values_are_what_ref_gives():
    assert load(PARAMETERS).parameters == {
        "Stage": "dev", "Prefix": "app", "Memory": "512", "Zones": ["a", "b"], "Sizes": ["1", "2"],
        "Subnet": "subnet-123",
    }
    given = load(PARAMETERS, parameters={"Stage": "prod", "Memory": 1024, "Zones": "x,y,z", "Sizes": [3, 4]})
    assert given.parameters["Stage"] == "prod"
    assert given.parameters["Memory"] == "1024"
    assert given.parameters["Zones"] == ["x", "y", "z"]
    assert given.parameters["Sizes"] == ["3", "4"]


def test_constraints_are_checked_for_given_values_and_defaults():
    assert problems(PARAMETERS, parameters={"Stage": "test", "Prefix": "App1", "Memory": "64", "Sizes": "1,x"}) == [
        "template.yaml:2:3: Parameters.Stage: the value given 'test' is not one of the AllowedValues: dev, prod"
        " (dev or prod)",
        "template.yaml:7:3: Parameters.Prefix: the value given 'App1' does not match AllowedPattern [a-z]+",
        "template.yaml:13:3: Parameters.Memory: the value given 64 is less than MinValue 128",
        "template.yaml:21:3: Parameters.Sizes: the value given has 'x', which is not a number",
    ]
    assert problems(PARAMETERS.replace("Default: dev", "Default: prd")) == [
        "template.yaml:4:14: Parameters.Stage.Default: Default 'prd' is not one of the AllowedValues: dev, prod"
        " (did you mean 'prod'?) (dev or prod)",
    ]
    assert problems(PARAMETERS, parameters={"Prefix": "abcdefghi", "Memory": "lots"}) == [
        "template.yaml:7:3: Parameters.Prefix: the value given 'abcdefghi' is longer than MaxLength 8",
        "template.yaml:13:3: Parameters.Memory: the value given 'lots' is not a number",
    ]


def test_a_parameter_without_value_or_default_is_a_problem():
    assert problems("""
        Parameters:
          Stage: {Type: String}
          Unused: {Type: String, Default: x, Typo: 1}
          Secret: {Type: AWS::SSM::Parameter::Value<String>, Default: x}
        Resources:
          Q:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Ref Stage
    """, parameters={"Stahe": "dev"}) == [
        "template.yaml:2:3: Parameters: a value was given for 'Stahe', which the template does not declare"
        " (did you mean 'Stage'?)",
        "template.yaml:2:3: Parameters.Stage: has no Default, so a value must be given when deploying"
        " (parameters={'Stage': ...})",
        "template.yaml:3:38: Parameters.Unused.Typo: unknown parameter attribute 'Typo' (did you mean 'Type'?)",
        "template.yaml:4:18: Parameters.Secret.Type: type 'AWS::SSM::Parameter::Value<String>' is not supported by"
        " the simulator; supported: String, Number, CommaDelimitedList, List<Number> and the AWS::EC2 id types",
    ]


def test_mappings_must_have_two_levels():
    assert problems("""
        Mappings:
          Sizes:
            dev: 128
        Resources:
          Q:
            Type: AWS::SQS::Queue
    """) == ["template.yaml:3:10: Mappings.Sizes.dev: must be an object of second-level keys, got an integer"]


CONDITIONAL = """
    Parameters:
      Stage: {Type: String, Default: dev}
    Conditions:
      IsProd: !Equals [prod, !Ref Stage]
      IsDev: !Not [!Condition IsProd]
      Both: !And [!Condition IsDev, {"Fn::Equals": [!Ref AWS::Region, us-east-1]}]
      Either: {"Fn::Or": [!Condition IsProd, !Condition Both]}
    Resources:
      Queue:
        Type: AWS::SQS::Queue
      ProdOnly:
        Type: AWS::SNS::Topic
        Condition: IsProd
    Outputs:
      Topic:
        Condition: IsProd
        Value: !Ref ProdOnly
      Queue:
        Description: the queue
        Value: !GetAtt Queue.QueueName
"""


def test_conditions_decide_resources_and_outputs():
    dev = load(CONDITIONAL)
    assert dev.conditions == {"IsProd": False, "IsDev": True, "Both": True, "Either": True}
    assert list(dev.resources) == ["Queue"]
    assert dev.skipped == {"ProdOnly": "IsProd"}
    assert list(dev.outputs) == ["Queue"]
    assert dev.outputs["Queue"].description == "the queue"
    assert dev.outputs["Queue"].value == {"Fn::GetAtt": ["Queue", "QueueName"]}
    prod = load(CONDITIONAL, parameters={"Stage": "prod"})
    assert prod.conditions == {"IsProd": True, "IsDev": False, "Both": False, "Either": True}
    assert list(prod.resources) == ["Queue", "ProdOnly"]
    assert list(prod.outputs) == ["Topic", "Queue"]


def test_a_resource_whose_condition_is_false_cannot_be_referred_to():
    assert problems("""
        Conditions:
          Never: !Equals [a, b]
        Resources:
          ProdOnly:
            Type: AWS::SNS::Topic
            Condition: Never
          Other:
            Type: AWS::SNS::Topic
            DependsOn: ProdOnly
            Properties:
              DisplayName: !GetAtt ProdOnly.TopicName
              TopicName: !If [Never, !GetAtt ProdOnly.TopicName, other]
    """) == [
        "template.yaml:9:16: Resources.Other.DependsOn: 'ProdOnly' is not created: its condition 'Never' is false",
        "template.yaml:11:20: Resources.Other.Properties.DisplayName: 'ProdOnly' is not created: its condition"
        " 'Never' is false; refer to it only inside Fn::If on that condition",
    ]


def test_condition_problems():
    assert problems("""
        Parameters:
          Stage: {Type: String, Default: dev}
        Conditions:
          A: !Condition B
          B: !And [!Condition A, !Condition A]
          C: !Equals [!Ref Queue, x]
          D: !Equals [one]
          E: !Ref Stage
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Condition: IsProd
    """) == [
        "template.yaml:4:3: Conditions.A: circular condition: A -> B -> A",
        "template.yaml:6:15: Conditions.C: Ref: conditions can only use parameters and pseudo parameters;"
        " 'Queue' is not a parameter",
        "template.yaml:7:14: Conditions.D: Fn::Equals takes [value, value], got a list of 1 items",
        "template.yaml:8:6: Conditions.E: a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition,"
        " got Ref",
        "template.yaml:12:16: Resources.Queue.Condition: unknown condition 'IsProd'",
    ]


def test_outputs_must_be_text_and_exports_are_noted():
    assert problems("""
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        Outputs:
          Zones:
            Value: !GetAZs ''
          Missing:
            Description: no value
          Typo:
            Valeu: x
    """) == [
        "template.yaml:6:12: Outputs.Zones.Value: an output's value must be text, got a list;"
        " make text of a list with Fn::Join",
        "template.yaml:8:5: Outputs.Missing.Value: required attribute is missing",
        "template.yaml:10:5: Outputs.Typo.Valeu: unknown output attribute 'Valeu' (did you mean 'Value'?)",
        "template.yaml:10:5: Outputs.Typo.Value: required attribute is missing",
    ]
    noted = load("""
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        Outputs:
          Url:
            Value: !Ref Queue
            Export:
              Name: shared-url
    """)
    assert noted.outputs["Url"].export_name == "shared-url"
    assert noted.notes == []  # another stack imports it (test_template_exports.py)


def test_top_level_sections_are_checked():
    assert problems("""
        AWSTemplateFormatVersion: "2010-09-10"
        Resorces:
          Queue:
            Type: AWS::SQS::Queue
        Transform: AWS::Include
    """) == [
        "template.yaml:1:1: Resources: every template needs a Resources section",
        "template.yaml:1:27: AWSTemplateFormatVersion: the only template format version is '2010-09-09',"
        " got '2010-09-10'",
        "template.yaml:2:1: Resorces: unknown top-level section 'Resorces' (did you mean 'Resources'?)",
        "template.yaml:5:12: Transform: transform 'AWS::Include' is not supported by the simulator;"
        " it supports AWS::LanguageExtensions and AWS::Serverless-2016-10-31",
    ]


def test_parameter_declarations_are_checked():
    assert problems("""
        Parameters:
          Name:
            Type: String
            Default: orders
            AllowedValues: orders
            MinLength: two
            AllowedPattern: "[a-z"
        Resources:
          Q:
            Type: AWS::SQS::Queue
    """) == [
        "template.yaml:4:14: Parameters.Name.Default: Default can't be checked: AllowedPattern [a-z is not a valid"
        " regular expression (unterminated character set at position 0)",
        "template.yaml:5:20: Parameters.Name.AllowedValues: must be a list of values, got a string",
        "template.yaml:6:16: Parameters.Name.MinLength: must be a whole number, got a string",
    ]
