"""Types no simulated service models: checked against CloudFormation's own schema, deployed as
placeholders whose Ref and attributes have AWS's shape, and named in the deploy and the report."""

from __future__ import annotations

import re


from course.sim import Account
from tests.unit.sim.test_template_support import problems, text

SERVICE_STACK = text("""
    AWSTemplateFormatVersion: "2010-09-09"
    Description: A queue with the pieces real stacks put around it
    Parameters:
      Stage: {Type: String, Default: dev}
    Resources:
      Jobs:
        Type: AWS::SQS::Queue
        Description: CloudFormation accepts a description on any resource
      JobsPolicy:
        Type: AWS::SQS::QueuePolicy
        Properties:
          Queues: [!Ref Jobs]
          PolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: events.amazonaws.com}, Action: sqs:SendMessage,
                         Resource: !GetAtt Jobs.Arn}]
      AppLogs:
        Type: AWS::Logs::LogGroup
        Properties: {LogGroupName: !Sub "/app/${Stage}", RetentionInDays: 14}
      Nightly:
        Type: AWS::Events::Rule
        Properties:
          ScheduleExpression: rate(1 day)
          Targets: [{Arn: !GetAtt Jobs.Arn, Id: jobs}]
      DbSecret:
        Type: AWS::SecretsManager::Secret
        Properties: {GenerateSecretString: {PasswordLength: 32}}
      QueueDepth:
        Type: AWS::CloudWatch::Alarm
        Properties:
          ComparisonOperator: GreaterThanThreshold
          EvaluationPeriods: 1
          MetricName: ApproximateNumberOfMessagesVisible
          Namespace: AWS/SQS
          Period: 60
          Statistic: Maximum
          Threshold: 100
          Dimensions: [{Name: QueueName, Value: !GetAtt Jobs.QueueName}]
    Outputs:
      LogGroupArn: {Value: !GetAtt AppLogs.Arn}
      LogGroup: {Value: !Ref AppLogs}
      Rule: {Value: !GetAtt Nightly.Arn}
      Secret: {Value: !Ref DbSecret}
""")


def test_a_stack_with_types_no_service_models_deploys(acct):
    stack = acct.deploy(SERVICE_STACK)
    assert stack.outputs["LogGroup"] == "/app/dev"  # the name the learner gave is what Ref gives
    assert re.fullmatch(r"arn:aws:logs:us-east-1:123456789012:logGroup/\S+", stack.outputs["LogGroupArn"])
    assert re.fullmatch(r"arn:aws:events:us-east-1:123456789012:rule/\S+", stack.outputs["Rule"])
    assert re.fullmatch(r"[a-z]+-[0-9a-f]{17}", stack.outputs["Secret"])  # the schema's identifier is an opaque Id
    notes = [n.message for n in stack.notes if n.message.startswith("not simulated")]
    assert [n.split(" is deployed")[0] for n in notes] == [
        "not simulated: AWS::SQS::QueuePolicy JobsPolicy", "not simulated: AWS::Logs::LogGroup AppLogs",
        "not simulated: AWS::Events::Rule Nightly", "not simulated: AWS::SecretsManager::Secret DbSecret",
        "not simulated: AWS::CloudWatch::Alarm QueueDepth"]
    # the modeled queue is real; the placeholders beside it did not stop it
    assert acct.client("sqs").get_queue_url(QueueName=stack.physical_id("Jobs").rsplit("/", 1)[1])


def test_the_same_stack_gives_the_same_placeholder_values_on_every_deploy():
    with Account() as one, Account() as two:
        assert one.deploy(SERVICE_STACK).outputs == two.deploy(SERVICE_STACK).outputs


def test_placeholder_types_are_checked_against_cloudformations_schema():
    assert problems("""
        Resources:
          Policy:
            Type: AWS::SQS::QueuePolicy
            Properties: {Queues: [q]}
          Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties: {ComparisonOperator: Bigger, EvaluationPeriods: one}
        Outputs:
          Bad: {Value: !GetAtt Policy.Url}
    """) == [
        "template.yaml:4:17: Resources.Policy.Properties.PolicyDocument: required property is missing",
        "template.yaml:7:38: Resources.Alarm.Properties.ComparisonOperator: 'Bigger' is not one of the allowed"
        " values: GreaterThanOrEqualToThreshold, GreaterThanThreshold, GreaterThanUpperThreshold,"
        " LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, LessThanOrEqualToThreshold,"
        " LessThanThreshold",
        "template.yaml:7:65: Resources.Alarm.Properties.EvaluationPeriods: must be an integer, got a string ('one')",
        "template.yaml:9:16: Outputs.Bad.Value: Policy (AWS::SQS::QueuePolicy) has no attribute 'Url'; its"
        " attributes: Id",
    ]


def test_a_type_cloudformation_does_not_have_is_still_refused():
    assert problems("""
        Resources:
          Thing:
            Type: AWS::Logs::LogGroops
    """) == ["template.yaml:3:11: Resources.Thing.Type: 'AWS::Logs::LogGroops' is not a CloudFormation resource"
             " type (did you mean 'AWS::Logs::LogGroup'?)"]


def test_the_grading_document_and_report_name_the_placeholders(tmp_path):
    from course.grading import grade
    from tests.unit.test_grading_support import one_exercise, workspace_with

    exercise = one_exercise(tmp_path, """\
        - id: logs-kept
          title: Logs are kept for two weeks
          steps: [deploy]
          expect: [{query: "stack.resources.AppLogs.properties.RetentionInDays", equals: 14}]
          hint: Set RetentionInDays.
          docs: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html
    """, starter=SERVICE_STACK.replace("RetentionInDays: 14", "RetentionInDays: 7"), solution=SERVICE_STACK)
    failed = grade(exercise, workspace_with(tmp_path, SERVICE_STACK.replace("RetentionInDays: 14", "RetentionInDays: 7")))
    report = grade(exercise, workspace_with(tmp_path, SERVICE_STACK))
    assert (failed.status, report.status) == ("failed", "passed")
    assert "AWS::Logs::LogGroup AppLogs" in report.not_simulated
    assert report.as_dict()["not_simulated"] == report.not_simulated
    assert "not simulated (deployed as placeholders; nothing behind them acts): AWS::SQS::QueuePolicy JobsPolicy" \
        in report.text()
