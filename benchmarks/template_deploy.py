"""Deploying a typical 10-resource SAM template in a warm process, and what the first one costs.

The template is shaped like a small real project, ten resources: Globals, two functions with
AutoPublishAlias, a policy template and an SQS event, a SimpleTable, two queues, a topic, a bucket,
and a log group, an alarm and a parameter (types no service models, deployed as placeholders). "Warm": the first deploy (which imports the SAM
translator, botocore and CloudFormation's schemas) is reported on its own; the median of the
following deploys, each into a fresh account, is the figure. The import cost of the translator is
measured in a fresh interpreter.
Run: python benchmarks/template_deploy.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.sim import Account  # noqa: E402

RUNS = 15
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.12, Handler: app.handler, CodeUri: src/, Timeout: 10, MemorySize: 256}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      Environment: {Variables: {TABLE: !Ref Orders}}
      Policies: [{DynamoDBCrudPolicy: {TableName: !Ref Orders}}]
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      Events:
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, BatchSize: 10}}
  Orders:
    Type: AWS::Serverless::SimpleTable
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {VisibilityTimeout: 60}
  Alerts:
    Type: AWS::SNS::Topic
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {RetentionInDays: 14}
  Backlog:
    Type: AWS::CloudWatch::Alarm
    Properties:
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 1
      MetricName: ApproximateNumberOfMessagesVisible
      Namespace: AWS/SQS
      Period: 60
      Statistic: Maximum
      Threshold: 100
      AlarmActions: [!Ref Alerts]
  DeadLetters:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::S3::Bucket
  Stage:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: prod}
"""


def import_cost() -> float:
    code = "import time; t = time.perf_counter(); import samtranslator.translator.translator; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "src").mkdir()
        (root / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
        (root / "template.yaml").write_text(TEMPLATE)
        times = []
        for _ in range(RUNS + 1):
            with Account() as account:
                started = time.perf_counter()
                stack = account.deploy(root / "template.yaml", base_dir=root)
                times.append(time.perf_counter() - started)
    first, warm = times[0], times[1:]
    written = TEMPLATE.split("Resources:\n", 1)[1].splitlines()
    count = sum(1 for line in written if line.startswith("  ") and not line.startswith("   "))
    print(f"{count} resources written, {len(stack.resources)} after SAM's transform")
    print(f"first deploy in the process  {first * 1000:8.1f} ms")
    print(f"warm deploy                  median {statistics.median(warm) * 1000:6.1f} ms "
          f"(min {min(warm) * 1000:.1f}, max {max(warm) * 1000:.1f})")
    print(f"import of the SAM translator {import_cost() * 1000:8.1f} ms (fresh interpreter)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
