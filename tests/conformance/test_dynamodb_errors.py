"""Table-level errors every item operation shares: missing tables, duplicate tables, bad keys.

- https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
- https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html (ResourceInUseException)
- https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html (ResourceNotFoundException)
"""

from __future__ import annotations

import pytest

from tests.conformance.support import PK_ONLY, invalid, refused

MISSING_TABLE_CALLS = [
    ("put_item", {"Item": {"pk": {"S": "k"}}}),
    ("get_item", {"Key": {"pk": {"S": "k"}}}),
    ("update_item", {"Key": {"pk": {"S": "k"}}, "UpdateExpression": "REMOVE a"}),
    ("delete_item", {"Key": {"pk": {"S": "k"}}}),
    ("query", {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "k"}}}),
    ("scan", {}),
    ("delete_table", {}),
]


@pytest.mark.parametrize("operation, params", MISSING_TABLE_CALLS, ids=[c[0] for c in MISSING_TABLE_CALLS])
def test_missing_table_is_resource_not_found(ddb, operation, params):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as caught:
        getattr(ddb, operation)(TableName="nope", **params)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["Error"]["Message"].startswith("Requested resource not found")


def test_describe_missing_table_names_it(ddb):
    code, message = refused(ddb.describe_table, TableName="nope")
    assert code == "ResourceNotFoundException" and message == "Requested resource not found: Table: nope not found"


def test_creating_an_existing_table_is_resource_in_use(ddb):
    code, message = refused(ddb.create_table, TableName="items", **PK_ONLY)
    assert code == "ResourceInUseException" and "Table already exists: items" in message


def test_table_named_by_arn(ddb, acct):
    arn = ddb.describe_table(TableName="items")["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={"pk": {"S": "k"}})
    assert ddb.get_item(TableName="items", Key={"pk": {"S": "k"}})["Item"] == {"pk": {"S": "k"}}


def test_key_of_the_wrong_type_in_get_item(ddb):
    message = invalid(ddb.get_item, TableName="items", Key={"pk": {"N": "1"}})
    assert message == "The provided key element does not match the schema"


def test_incomplete_key_in_delete_item(ddb):
    message = invalid(ddb.delete_item, TableName="events", Key={"pk": {"S": "p"}})
    assert message == "The provided key element does not match the schema"


def test_attribute_value_with_two_types_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "v": {"S": "a", "N": "1"}})
    assert "Supplied AttributeValue has more than one datatypes set" in message


def test_attribute_value_with_no_type_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "v": {}})
    assert "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes" in message


def test_legacy_parameters_are_refused_loudly(ddb):
    code, message = refused(ddb.get_item, TableName="items", Key={"pk": {"S": "k"}}, AttributesToGet=["pk"])
    assert code == "NotModeledBySimulator" and "AttributesToGet" in message
