"""SAM through AWS's own transform: checks where the learner wrote things, then what SAM makes."""

from __future__ import annotations

from course.content.yamlsrc import plain
from tests.unit.sim.test_template_support import TEMPLATES, load, problems, text



def sam(source: str) -> str:
    """A SAM template: the Transform line, then ``source`` (so ``source`` starts on line 2)."""
    return "Transform: AWS::Serverless-2016-10-31\n" + text(source)


def version_of(template, function: str = "OrdersFunction") -> str:
    """SAM names a function's version after a hash of its code and configuration."""
    (name,) = [n for n, r in template.resources.items() if r.type == "AWS::Lambda::Version" and r.source == function]
    assert name.startswith(f"{function}Version") and len(name) == len(f"{function}Version") + 10
    return name


def test_the_sample_app_transforms_like_sam():
    template = load_app()
    version = version_of(template)
    assert list(template.resources) == [
        "OrdersFunction", version, "OrdersFunctionAliaslive", "OrdersFunctionRole", "OrdersFunctionFromQueue",
        "OrdersQueue", "OrdersTable",
    ]
    assert template.order == [
        "OrdersQueue", "OrdersTable", "OrdersFunctionRole", "OrdersFunction", version, "OrdersFunctionAliaslive",
        "OrdersFunctionFromQueue",
    ]
    function = template.resources["OrdersFunction"]
    assert function.type == "AWS::Lambda::Function"
    assert function.source_type == "AWS::Serverless::Function"
    assert plain(function.properties) == {
        # Globals first, the function's own values win, mappings merge and lists add up.
        "Runtime": "python3.12", "Handler": "app.handler", "Timeout": 30, "MemorySize": 256,
        "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:common:1",
                   "arn:aws:lambda:us-east-1:123456789012:layer:orders:3"],
        "Environment": {"Variables": {"STAGE": "dev", "LOG_LEVEL": "DEBUG", "TABLE": {"Ref": "OrdersTable"},
                                      "QUEUE_ARN": {"Fn::GetAtt": ["OrdersQueue", "Arn"]}}},
        "SnapStart": {"ApplyOn": "PublishedVersions"},
        "Code": {"LocalPath": str(TEMPLATES / "sam_app" / "src")},
        "Tags": [{"Key": "lambda:createdBy", "Value": "SAM"}],
        "Role": {"Fn::GetAtt": ["OrdersFunctionRole", "Arn"]},
    }
    assert function.needs == ["OrdersFunctionRole", "OrdersTable", "OrdersQueue"]
    # The SQS event is an event source mapping, aimed at the alias SAM published.
    mapping = template.resources["OrdersFunctionFromQueue"]
    assert (mapping.type, mapping.source) == ("AWS::Lambda::EventSourceMapping", "OrdersFunction")
    assert plain(mapping.properties) == {"BatchSize": 10, "EventSourceArn": {"Fn::GetAtt": ["OrdersQueue", "Arn"]},
                                         "FunctionName": {"Ref": "OrdersFunctionAliaslive"}}


def load_app(**kwargs):
    from course.sim.template import load_template

    return load_template(TEMPLATES / "sam_app" / "template.yaml", **kwargs)


def test_the_generated_role_carries_the_policies():
    role = load_app().resources["OrdersFunctionRole"]
    assert role.type == "AWS::IAM::Role"
    props = plain(role.properties)
    assert props["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}}]}
    assert props["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                          "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"]
    assert props["Tags"] == [{"Key": "lambda:createdBy", "Value": "SAM"}]
    crud, inline = props["Policies"]
    # The DynamoDBCrudPolicy template, expanded by SAM: the table and its indexes.
    assert crud["PolicyName"] == "OrdersFunctionRolePolicy1"
    (statement,) = crud["PolicyDocument"]["Statement"]
    assert "dynamodb:PutItem" in statement["Action"] and "dynamodb:Query" in statement["Action"]
    # SAM writes pseudo parameters into the template; they are resolved like the learner's own.
    assert statement["Resource"][1] == {"Fn::Sub": [
        "arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}/index/*", {"tableName": {"Ref": "OrdersTable"}}]}
    assert inline == {"PolicyName": "OrdersFunctionRolePolicy2", "PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["OrdersQueue", "Arn"]}}]}}


def test_auto_publish_alias_makes_a_version_and_an_alias_with_provisioned_concurrency():
    dev, prod = load_app(), load_app(parameters={"Stage": "prod"})
    version = version_of(dev)
    assert plain(dev.resources[version].properties) == {"FunctionName": {"Ref": "OrdersFunction"}}
    assert dev.resources[version].deletion_policy == "Retain"  # SAM keeps old versions
    alias = dev.resources["OrdersFunctionAliaslive"]
    assert alias.type == "AWS::Lambda::Alias"
    assert plain(alias.properties) == {
        "Name": "live", "FunctionName": {"Ref": "OrdersFunction"},
        "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1},
    }
    assert alias.needs == ["OrdersFunction", version]
    # A changed configuration is a new version, with a new name.
    assert version_of(prod) != version
    assert prod.resources["OrdersFunctionAliaslive"].properties["ProvisionedConcurrencyConfig"] == \
        {"ProvisionedConcurrentExecutions": 10}
    assert prod.resources["OrdersFunction"].properties["MemorySize"] == 1024
    # !Ref OrdersFunction.Alias reaches the alias.
    assert dev.outputs["LiveAlias"].value == {"Ref": "OrdersFunction.Alias"}


def test_provisioned_concurrency_needs_auto_publish_alias():
    assert problems(sam("""
        Globals:
          Function:
            ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: "def handler(e, c): pass"
              Handler: index.handler
              Runtime: python3.12
          Other:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: "def handler(e, c): pass"
              Handler: index.handler
              Runtime: python3.12
              ProvisionedConcurrencyConfig:
                ProvisionedConcurrentExecutions: 5
    """)) == [
        "template.yaml:4:35: Globals.Function.ProvisionedConcurrencyConfig: needs AutoPublishAlias: provisioned"
        " concurrency is set on an alias, and SAM creates the alias only when AutoPublishAlias is set",
        "template.yaml:19:9: Resources.Other.Properties.ProvisionedConcurrencyConfig: needs AutoPublishAlias:"
        " provisioned concurrency is set on an alias, and SAM creates the alias only when AutoPublishAlias is set",
    ]


def test_globals_are_overridden_by_the_function_and_forbidden_keys_are_refused():
    template = load(sam("""
        Globals:
          Function:
            Runtime: python3.11
            Handler: app.handler
            MemorySize: 512
            Tracing: Active
            Tags: {team: core}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: "def handler(e, c): pass"
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/existing
              Policies: [AmazonS3ReadOnlyAccess]
    """))
    assert list(template.resources) == ["Fn"]  # Role given: no role is generated
    assert plain(template.resources["Fn"].properties) == {
        "Runtime": "python3.12", "Handler": "app.handler", "MemorySize": 512,
        "Role": "arn:aws:iam::123456789012:role/existing",
        "Code": {"ZipFile": "def handler(e, c): pass"}, "TracingConfig": {"Mode": "Active"},
        "Tags": [{"Key": "lambda:createdBy", "Value": "SAM"}, {"Key": "team", "Value": "core"}],
    }
    assert [str(note) for note in template.notes] == [
        "template.yaml:16:17: Resources.Fn.Properties.Policies: ignored: Role is set, and SAM adds policies only to"
        " the role it creates",
    ]
    assert problems(sam("""
        Globals:
          Function:
            Role: arn:aws:iam::123456789012:role/x
            Architectures: [arm64]
          Functions:
            Timeout: 3
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: index.handler
              Runtime: python3.12
              Architectures: [x86_64]
    """)) == [
        "template.yaml:4:5: Globals.Function.Role: Role can't be set in Globals; set it on each resource",
        "template.yaml:6:3: Globals.Functions: unknown Globals section 'Functions' (did you mean 'Function'?);"
        " SAM has: Function, SimpleTable, Api, HttpApi, StateMachine, LayerVersion, CapacityProvider",
        "template.yaml:15:22: Resources.Fn.Properties.Architectures: SAM adds these to"
        " Globals.Function.Architectures, giving arm64, x86_64; a function has exactly one architecture,"
        " so set it in one place",
    ]


def test_code_sources_become_lambda_code():
    def code(line: str):
        template = load(sam(f"""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: index.handler
                  Runtime: python3.12
                  {line}
        """))
        fn = template.resources["Fn"].properties
        return plain(fn["Code"]), fn.get("PackageType")

    assert code("CodeUri: s3://bucket/key.zip") == ({"S3Bucket": "bucket", "S3Key": "key.zip"}, None)
    assert code("CodeUri: {Bucket: b, Key: k, Version: '3'}") == (
        {"S3Bucket": "b", "S3Key": "k", "S3ObjectVersion": "3"}, None)
    # Template text has no folder: the local path is resolved when it is deployed.
    assert code("CodeUri: src/") == ({"LocalPath": "src/"}, None)


def test_function_shape_problems():
    assert problems(sam("""
        Resources:
          NoCode:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
          TwoCodes:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.handler
              Runtime: python3.12
              CodeUri: src/
              InlineCode: x
              Events:
                Api:
                  Type: Api
                  Properties: {Path: /orders}
                Bad:
                  Type: SQQS
                Typo:
                  Type: SQS
                  Propertes: {}
    """), base_dir=TEMPLATES / "sam_app") == [
        "template.yaml:6:7: Resources.NoCode.Properties.CodeUri: a function needs its code: CodeUri (a folder next"
        " to the template), InlineCode or ImageUri",
        "template.yaml:6:7: Resources.NoCode.Properties.Handler: required for a .zip package (PackageType Zip);"
        " set it here or in Globals.Function",
        "template.yaml:13:19: Resources.TwoCodes.Properties.InlineCode: set only one of CodeUri and InlineCode",
        "template.yaml:17:23: Resources.TwoCodes.Properties.Events.Api.Properties.Method: required for Api events",
        "template.yaml:19:17: Resources.TwoCodes.Properties.Events.Bad.Type: unknown event type 'SQQS' (did you mean"
        " 'SQS'?); SAM has: Api, HttpApi, SQS, SNS, S3, Schedule, ScheduleV2, DynamoDB, Kinesis, EventBridgeRule,"
        " CloudWatchEvent, CloudWatchLogs, Cognito, IoTRule, AlexaSkill, MSK, MQ, SelfManagedKafka, DocumentDB",
        "template.yaml:21:11: Resources.TwoCodes.Properties.Events.Typo.Properties.Queue: required for SQS events",
        "template.yaml:22:11: Resources.TwoCodes.Properties.Events.Typo.Propertes: unknown event field 'Propertes'"
        " (did you mean 'Properties'?)",
    ]


def test_sam_needs_the_transform():
    assert problems("""
        Globals:
          Function: {Timeout: 3}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x}
    """) == [
        "template.yaml:1:1: Globals: Globals is part of AWS SAM; add 'Transform: AWS::Serverless-2016-10-31'"
        " at the top of the template",
        "template.yaml:5:11: Resources.Fn.Type: AWS::Serverless::Function is an AWS SAM type; add"
        " 'Transform: AWS::Serverless-2016-10-31' at the top of the template",
    ]


def test_simple_tables_become_dynamodb_tables():
    template = load(sam("""
        Globals:
          SimpleTable:
            SSESpecification: {SSEEnabled: true}
        Resources:
          Default:
            Type: AWS::Serverless::SimpleTable
          Provisioned:
            Type: AWS::Serverless::SimpleTable
            Properties:
              TableName: orders
              PrimaryKey: {Name: orderId, Type: Number}
              ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: "2"}
              Tags: {team: core}
    """))
    assert plain(template.resources["Default"].properties) == {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "SSESpecification": {"SSEEnabled": True},
    }
    assert plain(template.resources["Provisioned"].properties) == {
        "AttributeDefinitions": [{"AttributeName": "orderId", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},  # CloudFormation's default mode
        "TableName": "orders",
        "SSESpecification": {"SSEEnabled": True},
        "Tags": [{"Key": "team", "Value": "core"}],
    }
    assert template.resources["Provisioned"].type == "AWS::DynamoDB::Table"


def test_an_image_needs_its_package_type():
    assert problems(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1
    """)) == ["template.yaml:6:17: Resources.Fn.Properties.ImageUri: an image needs PackageType: Image (SAM's"
              " default is Zip)"]
    image = load(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              PackageType: Image
              ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1
    """)).resources["Fn"].properties
    assert (plain(image["Code"]), image["PackageType"]) == (
        {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"}, "Image")


def test_snap_start_without_a_published_version_is_noted():
    template = load(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: index.handler
              Runtime: java21
              SnapStart: {ApplyOn: PublishedVersions}
    """))
    assert template.resources["Fn"].properties["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert [str(note) for note in template.notes] == [
        "template.yaml:9:18: Resources.Fn.Properties.SnapStart: SnapStart applies only to published versions, and"
        " without AutoPublishAlias SAM publishes none, so $LATEST runs without it",
    ]


def test_fn_alias_exists_only_with_auto_publish_alias():
    assert problems(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x, Handler: index.handler, Runtime: python3.12}
        Outputs:
          Alias:
            Value: !Ref Fn.Alias
    """)) == [
        "template.yaml:8:12: Outputs.Alias.Value: unknown parameter or resource 'Fn.Alias'; Fn.Alias and Fn.Version"
        " exist only when Fn sets AutoPublishAlias",
    ]


def test_two_architectures_on_the_function_alone_are_reported_once():
    assert problems(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: index.handler
              Runtime: python3.12
              Architectures: [x86_64, arm64]
    """)) == ["template.yaml:9:22: Resources.Fn.Properties.Architectures: must have at most 1 item, got 2"]


def test_a_generated_name_already_in_use_is_a_problem():
    assert problems(sam("""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x, Handler: index.handler, Runtime: python3.12}
          FnRole:
            Type: AWS::SQS::Queue
    """)) == [
        "template.yaml:3:3: Resources.Fn: AWS SAM: Transforming resource with id [Fn] attempts to create a new"
        " resource with id [FnRole] and type \"AWS::IAM::Role\". A resource with that id already exists within this"
        " template. Please use a different id for that resource.",
    ]
