"""A simulated Lambda function using DynamoDB the way application code does: through
``boto3.resource("dynamodb").Table(name)`` (put/get, Query with ``Key`` conditions, a conditional
update, ``batch_writer``) and a plain ``boto3.client`` side by side, both answered by the same
simulated account the test reads back from. Skipped when the runtime module is not there.

boto3's resource layer: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/dynamodb.html
"""

from __future__ import annotations

import json

from tests.unit.sim.test_lambda_support import needs_runtime

pytestmark = needs_runtime

HANDLER = '''
import os
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
client = boto3.client("dynamodb")


def handler(event, context):
    out = {}
    table.put_item(Item={"pk": "user#1", "sk": 1, "name": "Ada", "score": Decimal("1.5"),
                         "tags": {"a", "b"}, "meta": {"langs": ["py", "go"]}})
    out["got"] = table.get_item(Key={"pk": "user#1", "sk": 1})["Item"]
    with table.batch_writer() as batch:
        for n in range(2, 30):
            batch.put_item(Item={"pk": "user#1", "sk": n, "name": f"n{n}"})
    page = table.query(KeyConditionExpression=Key("pk").eq("user#1") & Key("sk").between(5, 8),
                       ScanIndexForward=False)
    out["query"] = [int(item["sk"]) for item in page["Items"]]
    out["filtered"] = table.query(KeyConditionExpression=Key("pk").eq("user#1"),
                                  FilterExpression=Attr("name").begins_with("n1"))["Count"]
    updated = table.update_item(Key={"pk": "user#1", "sk": 1}, UpdateExpression="SET score = score + :d",
                                ConditionExpression=Attr("name").eq("Ada"),
                                ExpressionAttributeValues={":d": Decimal("2")}, ReturnValues="UPDATED_NEW")
    out["score"] = str(updated["Attributes"]["score"])
    try:
        table.update_item(Key={"pk": "user#1", "sk": 1}, UpdateExpression="SET score = :z",
                          ConditionExpression=Attr("name").eq("Bob"), ExpressionAttributeValues={":z": 0})
        out["refused"] = None
    except ClientError as error:
        out["refused"] = error.response["Error"]["Code"]
    try:
        table.meta.client.get_item(TableName=os.environ["TABLE"], Key={"pk": "user#1"})
    except ClientError as error:
        out["bad_key"] = error.response["Error"]["Code"]
    client.put_item(TableName=os.environ["TABLE"], Item={"pk": {"S": "raw"}, "sk": {"N": "0"}})
    out["raw_seen_by_resource"] = "Item" in table.get_item(Key={"pk": "raw", "sk": 0})
    out["count"] = client.scan(TableName=os.environ["TABLE"], Select="COUNT")["Count"]
    out["got"] = {k: sorted(v) if isinstance(v, set) else v for k, v in out["got"].items()}
    return json.loads(json.dumps(out, default=str))
'''.replace("def handler", "import json\n\n\ndef handler", 1)

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Scores:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: N}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Timeout: 30
      Environment:
        Variables:
          TABLE: !Ref Scores
"""


def test_resource_and_client_in_a_handler_share_the_account(acct, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    stack = acct.deploy(tmp_path / "template.yaml")
    table, function = stack.physical_id("Scores"), stack.physical_id("Fn")

    response = acct.client("lambda").invoke(FunctionName=function, Payload=b"{}")
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body

    assert body["got"] == {"pk": "user#1", "sk": "1", "name": "Ada", "score": "1.5", "tags": ["a", "b"],
                           "meta": {"langs": ["py", "go"]}}
    assert body["query"] == [8, 7, 6, 5]
    assert body["filtered"] == 10  # n10..n19
    assert body["score"] == "3.5"
    assert body["refused"] == "ConditionalCheckFailedException"
    assert body["bad_key"] == "ValidationException"
    assert body["raw_seen_by_resource"] is True
    assert body["count"] == 30

    # What the handler wrote is in the account the test holds, in DynamoDB's wire format.
    ddb = acct.client("dynamodb")
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "user#1"}, "sk": {"N": "1"}})["Item"]
    assert item["score"] == {"N": "3.5"} and sorted(item["tags"]["SS"]) == ["a", "b"]
    assert item["meta"] == {"M": {"langs": {"L": [{"S": "py"}, {"S": "go"}]}}}
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 30
    operations = [c["operation"] for c in acct.calls if c["service"] == "dynamodb"]
    assert "BatchWriteItem" in operations and "Query" in operations
