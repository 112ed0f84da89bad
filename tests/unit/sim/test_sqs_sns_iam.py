"""SQS queues, SNS topics and IAM roles: created, read, listed and deleted through boto3 and templates,
with the naming rules and errors of each service's API reference."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from course.sim import TemplateError
from tests.unit.sim.test_template_support import text


def status(caught) -> int:
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


# -- SQS (API Reference: CreateQueue, GetQueueUrl, GetQueueAttributes, DeleteQueue) ----------------

def test_a_queue_has_an_aws_shaped_url_and_arn_and_create_is_idempotent(acct):
    sqs = acct.client("sqs")
    url = sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    assert sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "60"})["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:orders"
    assert attributes["VisibilityTimeout"] == "60"
    assert sqs.list_queues(QueueNamePrefix="ord")["QueueUrls"] == [url]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="x")


def test_the_same_name_with_other_attributes_is_refused(acct):
    sqs = acct.client("sqs")
    sqs.create_queue(QueueName="orders")
    with pytest.raises(sqs.exceptions.QueueNameExists) as caught:
        sqs.create_queue(QueueName="orders", Attributes={"DelaySeconds": "5"})
    assert status(caught) == 400


@pytest.mark.parametrize("name, attributes", [
    ("has space", {}), ("x" * 81, {}), ("jobs", {"FifoQueue": "true"}), ("jobs.fifo", {}),
])
def test_queue_names_follow_the_naming_rules(acct, name, attributes):
    with pytest.raises(ClientError) as caught:
        acct.client("sqs").create_queue(QueueName=name, Attributes=attributes)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_a_fifo_queue_ends_in_fifo_and_a_missing_queue_is_reported(acct):
    sqs = acct.client("sqs")
    url = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="jobs.fifo")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])


def test_messages_are_refused_as_not_modeled_rather_than_dropped(acct):
    sqs = acct.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="hi")
    assert caught.value.response["Error"]["Code"] == "NotModeledBySimulator" and status(caught) == 501


# -- SNS (API Reference: CreateTopic, GetTopicAttributes, DeleteTopic) -----------------------------

def test_a_topic_is_made_once_and_described(acct):
    sns = acct.client("sns")
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:123456789012:alerts"
    assert sns.create_topic(Name="alerts")["TopicArn"] == arn
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["TopicArn"] == arn
    assert sns.list_topics()["Topics"] == [{"TopicArn": arn}]
    sns.delete_topic(TopicArn=arn)
    with pytest.raises(sns.exceptions.NotFoundException) as caught:
        sns.get_topic_attributes(TopicArn=arn)
    assert status(caught) == 404


def test_topic_names_follow_the_naming_rules(acct):
    sns = acct.client("sns")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="no spaces")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="plain", Attributes={"FifoTopic": "true"})
    assert sns.create_topic(Name="ordered.fifo", Attributes={"FifoTopic": "true"})["TopicArn"].endswith(".fifo")


# -- IAM (API Reference: CreateRole, GetRole, DeleteRole, PutRolePolicy, AttachRolePolicy) --------

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def test_a_role_is_global_and_unique_by_name(acct):
    iam = acct.client("iam")
    role = iam.create_role(RoleName="app", Path="/service/", AssumeRolePolicyDocument=TRUST)["Role"]
    assert role["Arn"] == "arn:aws:iam::123456789012:role/service/app"
    assert role["RoleId"].startswith("AROA")
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException) as caught:
        iam.create_role(RoleName="APP", AssumeRolePolicyDocument=TRUST)  # names are case-insensitive
    assert status(caught) == 409
    with pytest.raises(iam.exceptions.NoSuchEntityException) as caught:
        iam.get_role(RoleName="other")
    assert status(caught) == 404


def test_a_role_with_policies_is_deleted_only_after_them(acct):
    iam = acct.client("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["read"]
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_role(RoleName="app")
    iam.delete_role_policy(RoleName="app", PolicyName="read")
    iam.delete_role(RoleName="app")
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument="{not json")


# -- through templates -----------------------------------------------------------------------------

def test_templates_create_queues_topics_and_roles_through_the_models(acct):
    stack = acct.deploy(text("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Jobs:
            Type: AWS::SQS::Queue
            Properties: {FifoQueue: true, VisibilityTimeout: 120}
          Alerts:
            Type: AWS::SNS::Topic
            Properties: {DisplayName: Alerts}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              InlineCode: "def handler(e, c): return 1"
              Policies: [{Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt Jobs.Arn}]}]
        Outputs:
          Queue: {Value: !GetAtt Jobs.QueueName}
    """))
    url = stack.physical_id("Jobs")
    assert url.endswith(".fifo") and stack.outputs["Queue"] == url.rsplit("/", 1)[1]
    attributes = acct.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true" and attributes["VisibilityTimeout"] == "120"
    topic = acct.client("sns").get_topic_attributes(TopicArn=stack.physical_id("Alerts"))["Attributes"]
    assert topic["DisplayName"] == "Alerts"
    iam = acct.client("iam")
    role = stack.physical_id("FnRole")
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]] == [
        "AWSLambdaBasicExecutionRole"]
    (policy,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    assert document["Statement"][0]["Resource"] == attributes["QueueArn"]


def test_a_queue_name_the_service_refuses_fails_the_deploy_where_it_was_written(acct):
    with pytest.raises(TemplateError) as caught:
        acct.deploy(text("""
            Resources:
              Jobs:
                Type: AWS::SQS::Queue
                Properties: {QueueName: "bad name"}
        """))
    assert [str(p) for p in caught.value.problems] == [
        "template.yaml:2:3: Resources.Jobs: CREATE_FAILED: InvalidParameterValue: Can only include alphanumeric"
        " characters, hyphens, or underscores. 1 to 80 in length"]
