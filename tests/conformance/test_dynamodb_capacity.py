"""ReturnConsumedCapacity=TOTAL: the units each operation reports, computed as the docs say.

- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
  (GetItem rounds the item up to 4 KB; Query/Scan sum the sizes of the items read, before any
  filter, and round once; PutItem/UpdateItem charge the larger of the item before and after in
  1 KB units; DeleteItem the deleted item)
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html (4 KB read
  unit, 1 KB write unit, eventually consistent reads cost half)
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
"""

from __future__ import annotations

import pytest

KB = 1024


def item_of(pk: str, size: int) -> dict:
    """An item of exactly ``size`` bytes: "pk"(2) + pk value + "d"(1) + the padding string."""
    return {"pk": {"S": pk}, "d": {"S": "x" * (size - 3 - len(pk))}}


def consumed(response) -> dict:
    return response["ConsumedCapacity"]


def test_no_consumed_capacity_unless_asked(ddb):
    response = ddb.put_item(TableName="items", Item=item_of("a", 100))
    assert "ConsumedCapacity" not in response
    response = ddb.put_item(TableName="items", Item=item_of("a", 100), ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in response


@pytest.mark.parametrize("size, units", [(100, 1.0), (KB, 1.0), (KB + 1, 2.0), (2500, 3.0), (10 * KB, 10.0)])
def test_put_item_write_units(ddb, size, units):
    response = ddb.put_item(TableName="items", Item=item_of("a", size), ReturnConsumedCapacity="TOTAL")
    assert consumed(response) == {"TableName": "items", "CapacityUnits": units, "WriteCapacityUnits": units}


def test_put_over_a_bigger_item_is_charged_for_the_bigger(ddb):
    ddb.put_item(TableName="items", Item=item_of("a", 5 * KB))
    response = ddb.put_item(TableName="items", Item=item_of("a", 100), ReturnConsumedCapacity="TOTAL")
    assert consumed(response)["CapacityUnits"] == 5.0


def test_update_charged_on_the_larger_of_before_and_after(ddb):
    ddb.put_item(TableName="items", Item=item_of("a", 3 * KB))
    response = ddb.update_item(TableName="items", Key={"pk": {"S": "a"}}, UpdateExpression="REMOVE d",
                               ReturnConsumedCapacity="TOTAL")
    assert consumed(response)["CapacityUnits"] == 3.0


def test_delete_charged_on_the_deleted_item(ddb):
    ddb.put_item(TableName="items", Item=item_of("a", 2 * KB + 10))
    response = ddb.delete_item(TableName="items", Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    assert consumed(response)["CapacityUnits"] == 3.0
    missing = ddb.delete_item(TableName="items", Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="TOTAL")
    assert consumed(missing)["CapacityUnits"] == 1.0


@pytest.mark.parametrize("size, strong, eventual", [(100, 1.0, 0.5), (4 * KB, 1.0, 0.5), (4 * KB + 1, 2.0, 1.0),
                                                    (6 * KB, 2.0, 1.0), (13 * KB, 4.0, 2.0)])
def test_get_item_read_units(ddb, size, strong, eventual):
    ddb.put_item(TableName="items", Item=item_of("a", size))
    key = {"pk": {"S": "a"}}
    strong_read = ddb.get_item(TableName="items", Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    eventual_read = ddb.get_item(TableName="items", Key=key, ReturnConsumedCapacity="TOTAL")
    assert consumed(strong_read) == {"TableName": "items", "CapacityUnits": strong, "ReadCapacityUnits": strong}
    assert consumed(eventual_read)["CapacityUnits"] == eventual


def test_get_of_a_missing_item_still_costs_a_unit(ddb):
    response = ddb.get_item(TableName="items", Key={"pk": {"S": "none"}}, ConsistentRead=True,
                            ReturnConsumedCapacity="TOTAL")
    assert "Item" not in response and consumed(response)["CapacityUnits"] == 1.0


def test_projection_does_not_reduce_read_units(ddb):
    ddb.put_item(TableName="items", Item=item_of("a", 10 * KB))
    response = ddb.get_item(TableName="items", Key={"pk": {"S": "a"}}, ProjectionExpression="pk", ConsistentRead=True,
                            ReturnConsumedCapacity="TOTAL")
    assert consumed(response)["CapacityUnits"] == 3.0


def _events(ddb, sizes):
    for i, size in enumerate(sizes):
        ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"N": str(i)},
                                               "d": {"S": "x" * (size - 2 - 1 - 2 - 2 - 1)}})


def test_query_sums_item_sizes_then_rounds_once(ddb):
    """Ten 1.5 KB items: 15 KB read in all, rounded up once to 16 KB = 4 strong units (not 10)."""
    _events(ddb, [1536] * 10)
    result = ddb.query(TableName="events", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}},
                       ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert result["Count"] == 10 and consumed(result)["CapacityUnits"] == 4.0
    eventual = ddb.query(TableName="events", KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": "p"}}, ReturnConsumedCapacity="TOTAL")
    assert consumed(eventual)["CapacityUnits"] == 2.0


def test_query_charges_items_read_before_the_filter(ddb):
    _events(ddb, [1536] * 10)
    result = ddb.query(TableName="events", KeyConditionExpression="pk = :p", FilterExpression="sk = :zero",
                       ExpressionAttributeValues={":p": {"S": "p"}, ":zero": {"N": "0"}}, ConsistentRead=True,
                       ReturnConsumedCapacity="TOTAL")
    assert result["Count"] == 1 and consumed(result)["CapacityUnits"] == 4.0


def test_query_with_limit_charges_only_what_it_read(ddb):
    _events(ddb, [1536] * 10)
    result = ddb.query(TableName="events", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}},
                       Limit=2, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert consumed(result)["CapacityUnits"] == 1.0


def test_empty_query_still_costs(ddb):
    result = ddb.query(TableName="events", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}},
                       ReturnConsumedCapacity="TOTAL")
    assert consumed(result)["CapacityUnits"] == 0.5


def test_scan_reads_are_summed_too(ddb):
    for i in range(6):
        ddb.put_item(TableName="items", Item=item_of(f"k{i}", 2 * KB))
    result = ddb.scan(TableName="items", ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert consumed(result)["CapacityUnits"] == 3.0
    count = ddb.scan(TableName="items", Select="COUNT", ReturnConsumedCapacity="TOTAL")
    assert consumed(count)["CapacityUnits"] == 1.5


def test_indexes_mode_reports_the_table_part(ddb):
    response = ddb.put_item(TableName="items", Item=item_of("a", 100), ReturnConsumedCapacity="INDEXES")
    assert consumed(response)["Table"] == {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}


def test_failed_conditional_write_still_consumes_write_units(ddb, acct):
    """WorkingWithItems.html, "Conditional writes": a condition that evaluates to false still
    consumes write capacity, sized on the existing item (at least one unit)."""
    ddb.put_item(TableName="items", Item=item_of("a", 3 * KB))
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName="items", Item=item_of("a", 100), ConditionExpression="attribute_not_exists(pk)")
    assert acct.calls[-1]["operation"] == "PutItem" and acct.calls[-1].get("write_units") == 3.0


def test_failed_condition_on_a_missing_item_consumes_one_unit(ddb, acct):
    """WorkingWithItems.html, "Conditional writes": at least one write unit, even with no item."""
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.delete_item(TableName="items", Key={"pk": {"S": "nobody"}}, ConditionExpression="attribute_exists(pk)")
    assert acct.calls[-1]["operation"] == "DeleteItem" and acct.calls[-1].get("write_units") == 1.0
