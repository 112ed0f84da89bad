"""Deploying: creation order, live values, creators, and failures that leave no half stack."""

from __future__ import annotations

import pytest

from course.sim import Account
from course.sim.errors import AwsError, TemplateError
from course.sim.template import PhysicalResource, deploy, load_template, physical_name
from course.sim.template.schemas import resource, string
from tests.unit.sim.test_template_support import TEMPLATES, Recorder, problems, registry, text  # noqa: F401

APP = TEMPLATES / "sam_app" / "template.yaml"
ACCOUNT = "123456789012"


@pytest.fixture
def fake(registry):  # noqa: F811 - the fixture is imported above
    return Recorder(registry)


def test_the_sample_app_deploys_in_dependency_order_with_live_values(fake):
    with Account() as acct:
        stack = acct.deploy(APP)
    assert acct.stacks["coldstart"] is stack
    version = next(name for name in stack.resources if name.startswith("OrdersFunctionVersion"))
    assert fake.order == ["OrdersTable", "OrdersFunction", version, "OrdersFunctionAliaslive",
                          "OrdersFunctionFromQueue"]
    assert list(stack.resources) == [
        "OrdersQueue", "OrdersTable", "OrdersFunctionRole", "OrdersFunction", version,
        "OrdersFunctionAliaslive", "OrdersFunctionFromQueue",
    ]
    queue_name = physical_name("coldstart", "OrdersQueue", 80)
    queue_url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/{queue_name}"
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue_name}"
    role_name = physical_name("coldstart", "OrdersFunctionRole", 64)
    table_name = physical_name("coldstart", "OrdersTable", 255)
    function_name = physical_name("coldstart", "OrdersFunction", 64)
    assert stack.physical_id("OrdersQueue") == queue_url
    assert stack.attribute("OrdersQueue", "Arn") == queue_arn
    assert stack.attribute("OrdersFunctionRole", "Arn") == f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    seen = fake.props("OrdersFunction")
    assert seen["Role"] == f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
    assert seen["Environment"] == {"Variables": {"STAGE": "dev", "LOG_LEVEL": "DEBUG", "TABLE": table_name,
                                                 "QUEUE_ARN": queue_arn}}
    assert seen["Code"] == {"LocalPath": str(TEMPLATES / "sam_app" / "src")}
    assert fake.props(version) == {"FunctionName": function_name}
    assert fake.props("OrdersFunctionAliaslive") == {
        "Name": "live", "FunctionName": function_name, "FunctionVersion": "1",
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1},
    }
    alias_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function_name}:live"
    assert stack.outputs == {
        "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function_name}",
        "LiveAlias": alias_arn,
        "QueueUrl": queue_url,
    }
    # SAM's SQS event is an event source mapping aimed at the alias SAM published.
    assert fake.props("OrdersFunctionFromQueue") == {"BatchSize": 10, "EventSourceArn": queue_arn,
                                                     "FunctionName": alias_arn}
    assert stack.notes == []
    assert acct.exports == {"orders-queue-url": ("coldstart", queue_url)}


def test_depends_on_orders_creation_and_the_template_order_breaks_ties(fake):
    template = load_template(text("""
        Resources:
          Last:
            Type: AWS::SNS::Topic
            DependsOn: [Middle]
          Middle:
            Type: AWS::SQS::Queue
            DependsOn: First
          Loose:
            Type: AWS::SNS::Topic
          First:
            Type: AWS::SQS::Queue
    """))
    assert template.order == ["Loose", "First", "Middle", "Last"]
    with Account() as acct:
        stack = deploy(acct, template)
    assert list(stack.resources) == ["Loose", "First", "Middle", "Last"]


def test_cycles_are_reported_where_they_start():
    assert problems(TEMPLATES / "cycle.yaml") == [
        "cycle.yaml:5:18: Resources.First.Properties.QueueName: circular dependency: First -> Second -> Third ->"
        " First; CloudFormation cannot create any of them first",
        "cycle.yaml:16:20: Resources.Fourth.Properties.DisplayName: refers to itself (Fourth -> Fourth)",
    ]
    assert problems("""
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            DependsOn: [Queue, Tpoic]
          Queue:
            Type: AWS::SQS::Queue
            DependsOn: Topic
    """) == [
        "template.yaml:4:17: Resources.Topic.DependsOn: circular dependency: Topic -> Queue -> Topic;"
        " CloudFormation cannot create any of them first",
        "template.yaml:4:24: Resources.Topic.DependsOn: unknown resource 'Tpoic' (did you mean 'Topic'?)",
    ]


def test_local_code_must_exist(tmp_path, fake):
    source = text("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: handlers/
              Handler: app.handler
              Runtime: python3.12
          Raw:
            Type: AWS::Lambda::Function
            Properties:
              Code: ./lib/layer.zip
              Role: arn:aws:iam::123456789012:role/r
    """)
    (tmp_path / "template.yaml").write_text(source)
    assert problems(tmp_path / "template.yaml") == [
        f"template.yaml:6:16: Resources.Fn.Properties.CodeUri: no file or folder 'handlers/' next to the template"
        f" (looked for {tmp_path / 'handlers'})",
        f"template.yaml:12:13: Resources.Raw.Properties.Code: no file or folder './lib/layer.zip' next to the"
        f" template (looked for {tmp_path / 'lib' / 'layer.zip'})",
    ]
    # Template text has no folder of its own: deploy resolves local code against base_dir.
    with Account() as acct, pytest.raises(TemplateError) as caught:
        deploy(acct, source, base_dir=tmp_path)
    assert len(caught.value.problems) == 2
    (tmp_path / "handlers").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "layer.zip").write_bytes(b"PK")
    with Account() as acct:
        deploy(acct, source, base_dir=tmp_path)
    assert fake.props("Fn")["Code"] == {"LocalPath": str(tmp_path / "handlers")}
    assert fake.props("Raw")["Code"] == {"LocalPath": str(tmp_path / "lib" / "layer.zip")}


def test_a_type_no_service_creates_fails_before_anything_is_created(registry):  # noqa: F811
    registry.CREATORS.pop("AWS::Lambda::LayerVersion", None)
    registry.REGISTRATIONS.pop("AWS::Lambda::LayerVersion", None)
    source = text("""
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          Layer:
            Type: AWS::Lambda::LayerVersion
            Properties:
              Content: {S3Bucket: b, S3Key: k}
    """)
    with Account() as acct, pytest.raises(TemplateError) as caught:
        deploy(acct, source)
    deployable = ", ".join(sorted(registry.CREATORS))
    assert [str(p) for p in caught.value.problems] == [
        f"template.yaml:4:3: Resources.Layer.Type: AWS::Lambda::LayerVersion is checked by the simulator but"
        f" can't be deployed yet: no service creates it. Deployable types: {deployable}",
    ]
    assert "AWS::SQS::Queue" in deployable and "AWS::Lambda::LayerVersion" not in deployable


def test_an_attribute_the_creator_does_not_give_fails_before_anything_is_created(registry):  # noqa: F811
    registry.register_creator("AWS::DynamoDB::Table", lambda *args: PhysicalResource("t"), ["Arn"])
    with Account() as acct, pytest.raises(TemplateError) as caught:
        deploy(acct, text("""
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
                Properties:
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
            Outputs:
              Stream:
                Value: !GetAtt Table.StreamArn
        """))
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:8:12: Outputs.Stream.Value: the simulator can't give Table.StreamArn yet;"
        " for AWS::DynamoDB::Table it gives: Arn",
    ]


def test_a_failing_creation_is_create_failed_and_rolls_back(registry):  # noqa: F811
    deleted = []

    def table(account, logical_id, props, context):
        if logical_id == "Second":
            raise AwsError("LimitExceededException", "Subscriber limit exceeded", 400)
        return PhysicalResource(f"table-{logical_id}", {"Arn": "a", "StreamArn": "s"})

    registry.register_creator("AWS::DynamoDB::Table", table, ["Arn", "StreamArn"],
                              delete=lambda account, made: deleted.append(made.physical_id))
    with Account() as acct, pytest.raises(TemplateError) as caught:
        acct.deploy(text("""
            Resources:
              First:
                Type: AWS::DynamoDB::Table
                Properties: {KeySchema: [{AttributeName: id, KeyType: HASH}]}
              Second:
                Type: AWS::DynamoDB::Table
                DependsOn: First
                Properties: {KeySchema: [{AttributeName: id, KeyType: HASH}]}
        """))
        assert acct.stacks == {}
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:5:3: Resources.Second: CREATE_FAILED: LimitExceededException: Subscriber limit exceeded",
    ]
    assert deleted == ["table-First"]


def test_a_creator_can_report_a_problem_at_a_property(registry):  # noqa: F811
    def table(account, logical_id, props, context):
        raise TemplateError([context.problem("TableName", "a table named 'orders' already exists")])

    registry.register_creator("AWS::DynamoDB::Table", table, ["Arn"])
    with Account() as acct, pytest.raises(TemplateError) as caught:
        deploy(acct, text("""
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
                Properties:
                  TableName: orders
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
        """))
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:5:18: Resources.Table.Properties.TableName: a table named 'orders' already exists",
    ]


def test_register_creator_checks_what_it_is_given(registry):  # noqa: F811
    # A type of the service's own (a real one might already be a placeholder CloudFormation's schema made).
    with pytest.raises(ValueError, match="AWS::SQS::Queue has no attribute Url; its schema lists: Arn, QueueName,"
                                         " QueueUrl"):
        registry.register_creator("AWS::SQS::Queue", lambda *a: None, ["Url"])
    with pytest.raises(ValueError, match="Coldstart::Test::Rule has no property schema"):
        registry.register_creator("Coldstart::Test::Rule", lambda *a: None)
    rule = resource({"Name": string(max_length=64), "ScheduleExpression": string()}, attributes=("Arn",),
                    ref="the rule name")
    registry.register_creator("Coldstart::Test::Rule", lambda account, logical, props, context: PhysicalResource(
        props["Name"], {"Arn": f"arn:aws:events:{context.region}:{context.account_id}:rule/{props['Name']}"}),
        ["Arn"], schema=rule)
    source = text("""
        Resources:
          Rule:
            Type: Coldstart::Test::Rule
            Properties: {Name: nightly, ScheduleExpression: rate(1 day)}
    """)
    with Account() as acct:
        assert deploy(acct, source).attribute("Rule", "Arn") == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly"
    assert problems(source.replace("Name: nightly", "Nme: nightly")) == [
        "template.yaml:4:18: Resources.Rule.Properties.Nme: unknown property 'Nme' (did you mean 'Name'?)",
    ]


def test_roles_queues_and_topics_are_recorded():
    with Account(account_id="111122223333", region="eu-west-1") as acct:
        stack = deploy(acct, text("""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  RoleName: worker
                  Path: /service/
                  AssumeRolePolicyDocument: {Statement: []}
              Jobs:
                Type: AWS::SQS::Queue
                Properties: {FifoQueue: true}
              Alerts:
                Type: AWS::SNS::Topic
                Properties: {TopicName: alerts}
        """), stack_name="ops")
    assert stack.physical_id("Role") == "worker"
    assert stack.attribute("Role", "Arn") == "arn:aws:iam::111122223333:role/service/worker"
    assert stack.attribute("Role", "RoleId").startswith("AROA") and len(stack.attribute("Role", "RoleId")) == 21
    name = physical_name("ops", "Jobs", 80, ".fifo")
    assert name.startswith("ops-Jobs-") and name.endswith(".fifo")
    assert stack.physical_id("Jobs") == f"https://sqs.eu-west-1.amazonaws.com/111122223333/{name}"
    assert stack.attribute("Jobs", "QueueName") == name
    assert stack.physical_id("Alerts") == "arn:aws:sns:eu-west-1:111122223333:alerts"
    assert stack.attribute("Alerts", "TopicName") == "alerts"
    with pytest.raises(KeyError, match="Jobs \\(AWS::SQS::Queue\\) has no attribute 'Url'; it has: Arn,"
                                       " QueueName, QueueUrl"):
        stack.attribute("Jobs", "Url")
    with pytest.raises(KeyError, match="stack ops has no resource 'Nope'"):
        stack.physical_id("Nope")


def test_a_fifo_queue_needs_a_fifo_name():
    with Account() as acct, pytest.raises(TemplateError) as caught:
        deploy(acct, text("""
            Resources:
              Jobs:
                Type: AWS::SQS::Queue
                Properties: {FifoQueue: true, QueueName: jobs}
        """))
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:2:3: Resources.Jobs: CREATE_FAILED: InvalidParameterValue: The name of a FIFO queue must end"
        " with the .fifo suffix",
    ]


def test_a_loaded_template_deploys_again_with_other_parameters(fake):
    template = load_template(APP)
    with Account() as acct:
        prod = deploy(acct, template, parameters={"Stage": "prod"}, stack_name="prod")
    assert prod.template.parameters["Stage"] == "prod"
    assert fake.props("OrdersFunction")["MemorySize"] == 1024
    assert fake.props("OrdersFunctionAliaslive")["ProvisionedConcurrencyConfig"] == {
        "ProvisionedConcurrentExecutions": 10}
    assert prod.physical_id("OrdersTable") == physical_name("prod", "OrdersTable", 255)


def test_sam_events_become_the_resources_aws_makes_for_them():
    """SAM's own transform turns each event into what AWS makes: a mapping for a stream or queue, a rule
    or subscription with a permission for pushed events. What nothing simulates yet deploys and says so."""
    with Account() as acct:
        stack = acct.deploy(text("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Jobs:
                Type: AWS::SQS::Queue
              Alerts:
                Type: AWS::SNS::Topic
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  InlineCode: "def handler(e, c): return 1"
                  Events:
                    FromQueue: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, BatchSize: 5}}
                    FromTopic: {Type: SNS, Properties: {Topic: !Ref Alerts}}
                    Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}
        """))
    kinds = {name: resource.type for name, resource in stack.resources.items()}
    assert kinds["FnFromQueue"] == "AWS::Lambda::EventSourceMapping"
    assert kinds["FnFromTopic"] == "AWS::SNS::Subscription" and kinds["FnFromTopicPermission"] == "AWS::Lambda::Permission"
    assert kinds["FnNightly"] == "AWS::Events::Rule" and kinds["FnNightlyPermission"] == "AWS::Lambda::Permission"
    assert stack.resources["FnFromQueue"].properties["BatchSize"] == 5
    notes = [n.message for n in stack.notes]
    assert any(n.startswith("not simulated: FnFromQueue connects arn:aws:sqs:") for n in notes), notes
    assert any(n.startswith("not simulated: AWS::SNS::Subscription FnFromTopic") for n in notes), notes
    assert any(n.startswith("not simulated: AWS::Events::Rule FnNightly") for n in notes), notes


def test_physical_names_are_stable_and_fit():
    name = physical_name("a-very-long-stack-name-for-testing", "AVeryLongLogicalIdentifierForAFunction", 64)
    assert len(name) == 64
    assert name == physical_name("a-very-long-stack-name-for-testing", "AVeryLongLogicalIdentifierForAFunction", 64)
    assert name != physical_name("a-very-long-stack-name-for-testing", "AVeryLongLogicalIdentifierForAFunctio", 64)
    assert physical_name("s", "Fn").startswith("s-Fn-")


def test_fn_alias_and_fn_version_reach_the_generated_resources(fake):
    with Account() as acct:
        stack = deploy(acct, text("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: "def handler(event, context): return 1"
                  Handler: index.handler
                  Runtime: python3.12
                  AutoPublishAlias: live
            Outputs:
              Alias:
                Value: !Sub "alias=${Fn.Alias}"
              Version:
                Value: !Ref Fn.Version
        """))
    name = stack.physical_id("Fn")
    assert stack.outputs == {
        "Alias": f"alias=arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}:live",
        "Version": f"{name}:1",
    }


def test_a_json_template_deploys_and_outputs_are_text(fake):
    with Account() as acct:
        stack = acct.deploy(TEMPLATES / "plain.json", parameters={"Memory": "2048"})
    name = stack.physical_id("Fn")
    assert fake.props("Fn")["MemorySize"] == 2048
    assert fake.props("Fn")["Role"] == stack.attribute("Role", "Arn")
    assert stack.outputs == {"Name": name, "Arn": f"function: arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"}
    with Account() as acct:
        numbers = deploy(acct, text("""
            Resources:
              Q:
                Type: AWS::SQS::Queue
            Outputs:
              Count:
                Value: 5
              Flag:
                Value: true
        """))
    assert numbers.outputs == {"Count": "5", "Flag": "true"}
