"""ReturnValues for PutItem, UpdateItem and DeleteItem.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.ReturnValues
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html (ReturnValues)
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid

KEY = {"pk": {"S": "k"}}
OLD = {**KEY, "a": {"N": "1"}, "b": {"S": "keep"}, "m": {"M": {"x": {"N": "1"}, "y": {"N": "2"}}}}


@pytest.fixture
def put(ddb):
    ddb.put_item(TableName="items", Item=OLD)
    return ddb


def upd(ddb, mode, expression="SET a = :two, c = :c, m.x = :two", values=None):
    return ddb.update_item(TableName="items", Key=KEY, UpdateExpression=expression, ReturnValues=mode,
                           **({} if values == {} else {"ExpressionAttributeValues": values or {
                               ":two": {"N": "2"}, ":c": {"S": "new"}}}))


def test_put_item_all_old(put):
    response = put.put_item(TableName="items", Item={**KEY, "z": {"S": "z"}}, ReturnValues="ALL_OLD")
    assert response["Attributes"] == OLD


def test_put_item_all_old_of_a_new_item_returns_nothing(ddb):
    assert "Attributes" not in ddb.put_item(TableName="items", Item=KEY, ReturnValues="ALL_OLD")


def test_put_item_none_returns_nothing(put):
    assert "Attributes" not in put.put_item(TableName="items", Item=KEY, ReturnValues="NONE")


@pytest.mark.parametrize("mode", ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"])
def test_put_item_refuses_other_modes(put, mode):
    invalid(put.put_item, TableName="items", Item=KEY, ReturnValues=mode)


def test_delete_item_all_old(put):
    assert put.delete_item(TableName="items", Key=KEY, ReturnValues="ALL_OLD")["Attributes"] == OLD


def test_delete_item_refuses_all_new(put):
    invalid(put.delete_item, TableName="items", Key=KEY, ReturnValues="ALL_NEW")


def test_update_none(put):
    assert "Attributes" not in upd(put, "NONE")


def test_update_all_old(put):
    assert upd(put, "ALL_OLD")["Attributes"] == OLD


def test_update_all_new(put):
    assert upd(put, "ALL_NEW")["Attributes"] == {
        **KEY, "a": {"N": "2"}, "b": {"S": "keep"}, "c": {"S": "new"},
        "m": {"M": {"x": {"N": "2"}, "y": {"N": "2"}}}}


def test_update_updated_old_returns_only_the_old_values_of_updated_paths(put):
    """c did not exist before, so it is not in UPDATED_OLD; m comes back with just m.x."""
    assert upd(put, "UPDATED_OLD")["Attributes"] == {"a": {"N": "1"}, "m": {"M": {"x": {"N": "1"}}}}


def test_update_updated_new(put):
    assert upd(put, "UPDATED_NEW")["Attributes"] == {"a": {"N": "2"}, "c": {"S": "new"}, "m": {"M": {"x": {"N": "2"}}}}


def test_update_updated_new_after_remove_returns_nothing(put):
    assert "Attributes" not in upd(put, "UPDATED_NEW", "REMOVE b", values={})


def test_update_all_old_of_a_new_item_returns_nothing(ddb):
    response = ddb.update_item(TableName="items", Key={"pk": {"S": "fresh"}}, UpdateExpression="SET a = :v",
                               ExpressionAttributeValues={":v": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in response


def test_update_refuses_an_unknown_mode(put):
    invalid(upd, put, "EVERYTHING")


def test_delete_item_all_old_of_a_missing_item_returns_nothing(ddb):
    assert "Attributes" not in ddb.delete_item(TableName="items", Key=KEY, ReturnValues="ALL_OLD")


def test_condition_failure_returns_no_item_unless_asked(put):
    try:
        put.put_item(TableName="items", Item=KEY, ConditionExpression="attribute_not_exists(pk)")
    except put.exceptions.ConditionalCheckFailedException as error:
        assert "Item" not in error.response
    else:
        raise AssertionError("the condition should have failed")
