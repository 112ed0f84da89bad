"""Resource properties against the resource schemas: every problem, exactly where it was written."""

from __future__ import annotations

import pytest

from course.sim.template.types import SCHEMAS, load_types
from course.content.yamlsrc import plain
from tests.unit.sim.test_template_support import TEMPLATES, problems, props

FUNCTION = """
    Parameters:
      Memory: {Type: Number, Default: 1024}
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {Statement: []}
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Role: !GetAtt Role.Arn
          Code: {ZipFile: "def handler(event, context): pass"}
          Runtime: python3.12
"""


def function(extra: str, **kwargs):
    return props(FUNCTION + "\n".join("          " + line for line in extra.splitlines()), **kwargs)


def function_problems(extra: str) -> list[str]:
    return problems(FUNCTION + "\n".join("          " + line for line in extra.splitlines()))


def test_many_problems_are_reported_at_once_each_where_it_was_written():
    assert problems(TEMPLATES / "schema_errors.yaml") == [
        "schema_errors.yaml:6:7: Resources.Fn.Properties.Role: required property is missing",
        "schema_errors.yaml:10:7: Resources.Fn.Properties.MemorySze: unknown property 'MemorySze'"
        " (did you mean 'MemorySize'?)",
        "schema_errors.yaml:11:16: Resources.Fn.Properties.Timeout: must be an integer, got a string ('lots')",
        "schema_errors.yaml:12:19: Resources.Fn.Properties.MemorySize: must be at most 10240, got 20000",
        "schema_errors.yaml:14:15: Resources.Fn.Properties.EphemeralStorage.Size: must be at least 512, got 100",
        "schema_errors.yaml:15:15: Resources.Fn.Properties.Layers: must be a list, got a string"
        " ('arn:aws:lambda:us-east-1:123456789012:layer:x:1')",
        "schema_errors.yaml:17:15: Resources.Fn.Properties.TracingConfig.Mode: 'Activ' is not one of the allowed"
        " values: Active, PassThrough (did you mean 'Active'?)",
        "schema_errors.yaml:21:26: Resources.Queue.Properties.VisibilityTimeout: must be at most 43200, got 50000",
        "schema_errors.yaml:22:18: Resources.Queue.Properties.FifoQueue: must be a boolean (true or false),"
        " got a string ('yes')",
        # A type no service models is checked against CloudFormation's own schema (AWS::Logs::LogGroup's
        # RetentionInDays takes only the listed numbers of days)...
        "schema_errors.yaml:26:7: Resources.Logs.Properties.LogGroupNam: unknown property 'LogGroupNam'"
        " (did you mean 'LogGroupName'?)",
        "schema_errors.yaml:27:24: Resources.Logs.Properties.RetentionInDays: 4 is not one of the allowed values:"
        " 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        # ...and only a type CloudFormation does not have either is refused.
        "schema_errors.yaml:29:11: Resources.Machine.Type: 'AWS::EC2::Instanse' is not a CloudFormation resource"
        " type (did you mean 'AWS::EC2::Instance'?)",
    ]


@pytest.mark.parametrize("extra, expected", [
    ("Timeout: 0", "template.yaml:14:16: Resources.Fn.Properties.Timeout: must be at least 1, got 0"),
    ("Timeout: 901", "template.yaml:14:16: Resources.Fn.Properties.Timeout: must be at most 900, got 901"),
    ("MemorySize: 127", "template.yaml:14:19: Resources.Fn.Properties.MemorySize: must be at least 128, got 127"),
    ("EphemeralStorage: {Size: 10241}",
     "template.yaml:14:32: Resources.Fn.Properties.EphemeralStorage.Size: must be at most 10240, got 10241"),
    ("EphemeralStorage: {}",
     "template.yaml:14:25: Resources.Fn.Properties.EphemeralStorage.Size: required property is missing"),

    ("TracingConfig: {Level: high}",
     "template.yaml:14:23: Resources.Fn.Properties.TracingConfig.Level: unknown property 'Level';"
     " expected one of: Mode"),
    ("Environment: [A, B]", "template.yaml:14:20: Resources.Fn.Properties.Environment: must be an object, got a list"),
    ("Environment: {Variables: {A: [1]}}",
     "template.yaml:14:36: Resources.Fn.Properties.Environment.Variables.A: must be a string, got a list"),
    ("Handler: [index.handler]",
     "template.yaml:14:16: Resources.Fn.Properties.Handler: must be a string, got a list"),
    ("Handler: index handler",
     "template.yaml:14:16: Resources.Fn.Properties.Handler: a handler has no spaces, e.g. app.handler"),
    ("Architectures: [x86_64, arm64]",
     "template.yaml:14:22: Resources.Fn.Properties.Architectures: must have at most 1 item, got 2"),
    ("Layers: [a, b, c, d, e, f]", "template.yaml:14:15: Resources.Fn.Properties.Layers: must have at most 5 items,"
                                   " got 6"),
    ("FunctionName: my function",
     "template.yaml:14:21: Resources.Fn.Properties.FunctionName: a function name uses only letters, digits,"
     " hyphens and underscores"),
    ("ReservedConcurrentExecutions: -1",
     "template.yaml:14:37: Resources.Fn.Properties.ReservedConcurrentExecutions: must be at least 0, got -1"),
    ("SnapStart: {ApplyOn: Always}",
     "template.yaml:14:28: Resources.Fn.Properties.SnapStart.ApplyOn: 'Always' is not one of the allowed values:"
     " PublishedVersions, None"),
])
def test_single_property_problems(extra, expected):
    assert function_problems(extra) == [expected]


def test_a_misspelt_required_property_is_unknown_and_missing():
    assert function_problems("EphemeralStorage: {Sise: 512}") == [
        "template.yaml:14:25: Resources.Fn.Properties.EphemeralStorage.Size: required property is missing",
        "template.yaml:14:26: Resources.Fn.Properties.EphemeralStorage.Sise: unknown property 'Sise'"
        " (did you mean 'Size'?)",
    ]


def test_a_role_name_where_an_arn_belongs_is_explained():
    assert problems(FUNCTION.replace("Role: !GetAtt Role.Arn", "Role: my-role")) == [
        "template.yaml:11:13: Resources.Fn.Properties.Role: Role takes the role's ARN"
        " (arn:aws:iam::123456789012:role/name), for example !GetAtt MyRole.Arn",
    ]


def test_values_are_normalised_as_cloudformation_accepts_them():
    fn = function('Timeout: "30"\nMemorySize: !Ref Memory\nEnvironment: {Variables: {PORT: 8080, DEBUG: true}}\n'
                  'SnapStart: {ApplyOn: PublishedVersions}\nDescription: 42')
    assert fn["Timeout"] == 30
    assert fn["MemorySize"] == 1024
    assert fn["Environment"] == {"Variables": {"PORT": "8080", "DEBUG": "true"}}
    assert fn["Description"] == "42"
    queue = props("""
        Resources:
          Fn:
            Type: AWS::SQS::Queue
            Properties:
              FifoQueue: "true"
              ContentBasedDeduplication: false
              RedrivePolicy: '{"maxReceiveCount": 3, "deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq"}'
    """)
    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is False


def test_values_still_waiting_for_a_resource_are_accepted():
    fn = function("Timeout: !GetAtt Role.RoleId\nDescription: !Sub '${Role.Arn}'")
    assert fn["Timeout"] == {"Fn::GetAtt": ["Role", "RoleId"]}
    assert fn["Description"] == {"Fn::Sub": "${Role.Arn}"}


def test_policy_documents_may_be_json_text():
    assert problems("""
        Resources:
          Q:
            Type: AWS::SQS::Queue
            Properties:
              RedrivePolicy: '{"maxReceiveCount": 3,}'
    """) == [
        "template.yaml:5:22: Resources.Q.Properties.RedrivePolicy: is text but not valid JSON (Expecting property"
        " name enclosed in double quotes at character 23)",
    ]


def test_resource_attributes_are_checked():
    assert problems("""
        Resources:
          my-queue:
            Type: AWS::SQS::Queue
          Topic:
            Typ: AWS::SNS::Topic
          Table:
            Type: AWS::DynamoDB::Table
            DeletionPolicy: Keep
            Propertiess: {}
            Properties: [KeySchema]
          Function:
            Type: AWS::Lambda::Functions
    """) == [
        "template.yaml:2:3: Resources.my-queue: a logical id uses only letters and digits (A-Z, a-z, 0-9)",
        "template.yaml:5:5: Resources.Topic.Typ: unknown resource attribute 'Typ' (did you mean 'Type'?)",
        "template.yaml:5:5: Resources.Topic.Type: required attribute is missing",
        "template.yaml:8:21: Resources.Table.DeletionPolicy: 'Keep' is not one of: Delete, Retain, Snapshot,"
        " RetainExceptOnCreate",
        "template.yaml:9:5: Resources.Table.Propertiess: unknown resource attribute 'Propertiess'"
        " (did you mean 'Properties'?)",
        "template.yaml:10:17: Resources.Table.Properties: must be an object, got a list",
        "template.yaml:12:11: Resources.Function.Type: 'AWS::Lambda::Functions' is not a CloudFormation resource"
        " type (did you mean 'AWS::Lambda::Function'?)",
    ]


def test_dynamodb_tables_are_checked_deeply():
    assert problems("""
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: ON_DEMAND
              KeySchema:
                - {AttributeName: pk, KeyType: PARTITION}
              AttributeDefinitions:
                - {AttributeName: pk, AttributeType: String}
              PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 90}
              StreamSpecification: {}
    """) == [
        "template.yaml:5:20: Resources.Table.Properties.BillingMode: 'ON_DEMAND' is not one of the allowed values:"
        " PROVISIONED, PAY_PER_REQUEST",
        "template.yaml:7:40: Resources.Table.Properties.KeySchema[0].KeyType: 'PARTITION' is not one of the allowed"
        " values: HASH, RANGE",
        "template.yaml:9:46: Resources.Table.Properties.AttributeDefinitions[0].AttributeType: 'String' is not one"
        " of the allowed values: S, N, B",
        "template.yaml:10:98: Resources.Table.Properties.PointInTimeRecoverySpecification.RecoveryPeriodInDays:"
        " must be at most 35, got 90",
        "template.yaml:11:28: Resources.Table.Properties.StreamSpecification.StreamViewType: required property"
        " is missing",
    ]


def test_every_schema_is_well_formed():
    load_types()
    assert len(SCHEMAS) >= 21  # every service's types, registered from its own resources room
    kinds = {"string", "integer", "number", "boolean", "list", "object", "map", "json", "any", "one_of"}

    def walk(schema, where):
        assert schema["type"] in kinds, where
        for child in schema.get("properties", {}).items():
            walk(child[1], f"{where}.{child[0]}")
        for key in schema.get("required", ()):
            assert key in schema["properties"], f"{where}: required {key} is not a property"
        if schema["type"] == "list":
            walk(schema["items"], f"{where}[]")
        if schema["type"] == "map":
            walk(schema["values"], f"{where}.*")
        for option in schema.get("options", ()):
            walk(option, where)

    for name, resource in SCHEMAS.items():
        walk({"type": "object", "properties": resource["properties"], "required": resource["required"]}, name)
        assert resource["ref"], name
    assert plain(SCHEMAS["AWS::Lambda::Function"]["required"]) == ("Code", "Role")
    assert SCHEMAS["AWS::Lambda::Function"]["properties"]["MemorySize"] == {"type": "integer", "min": 128,
                                                                             "max": 10240}
