"""TransactWriteItems, TransactGetItems and the simulated competing writer, through a real boto3 client."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim.dynamodb.errors import ProvisionedThroughputExceededException
from course.sim.errors import AwsError


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    for name in ("accounts", "ledger"):
        client.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName="accounts", Item={"pk": {"S": "alice"}, "balance": {"N": "100"}})
    client.put_item(TableName="accounts", Item={"pk": {"S": "bob"}, "balance": {"N": "5"}})
    return client


def key(pk):
    return {"pk": {"S": pk}}


def balance(ddb, pk):
    return ddb.get_item(TableName="accounts", Key=key(pk), ConsistentRead=True)["Item"]["balance"]["N"]


def transfer(amount, *, guard=True, **extra):
    """Move ``amount`` from alice to bob and write a ledger line, all or nothing."""
    debit = {"TableName": "accounts", "Key": key("alice"), "UpdateExpression": "SET balance = balance - :a",
             "ExpressionAttributeValues": {":a": {"N": str(amount)}}, **extra}
    if guard:
        debit["ConditionExpression"] = "balance >= :a"
    return [
        {"Update": debit},
        {"Update": {"TableName": "accounts", "Key": key("bob"), "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
        {"Put": {"TableName": "ledger", "Item": {"pk": {"S": f"t-{amount}"}, "amount": {"N": str(amount)}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ]


# -- TransactWriteItems -------------------------------------------------------------------------

def test_a_transaction_applies_every_action(ddb):
    out = ddb.transact_write_items(TransactItems=transfer(30), ReturnConsumedCapacity="TOTAL")
    assert (balance(ddb, "alice"), balance(ddb, "bob")) == ("70", "35")
    assert ddb.get_item(TableName="ledger", Key=key("t-30"))["Item"]["amount"] == {"N": "30"}
    # Transactional writes cost 2 WCU per 1 KB: three small items, 2 units each.
    assert {c["TableName"]: c["WriteCapacityUnits"] for c in out["ConsumedCapacity"]} == {"accounts": 4.0, "ledger": 2.0}


def test_a_failed_condition_cancels_every_action_with_reasons_in_order(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=transfer(500, ReturnValuesOnConditionCheckFailure="ALL_OLD"))
    response = err.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                            "reasons [ConditionalCheckFailed, None, None]")
    reasons = response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None", "None"]
    assert reasons[0]["Message"] == "The conditional request failed"
    assert reasons[0]["Item"] == {"pk": {"S": "alice"}, "balance": {"N": "100"}}
    assert "Item" not in reasons[1]
    assert (balance(ddb, "alice"), balance(ddb, "bob")) == ("100", "5")
    assert "Item" not in ddb.get_item(TableName="ledger", Key=key("t-500"))
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_cancellation_leaves_out_the_item_unless_asked(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=transfer(500))
    assert "Item" not in err.value.response["CancellationReasons"][0]


def test_a_condition_check_guards_writes_to_other_items(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "ledger", "Item": {"pk": {"S": "new"}}}},
            {"ConditionCheck": {"TableName": "ledger", "Key": key("other"),
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert [r["Code"] for r in err.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName="ledger", Key=key("new"))
    ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": "accounts", "Key": key("bob"), "ConditionExpression": "balance < :x",
                            "ExpressionAttributeValues": {":x": {"N": "10"}}}},
        {"Delete": {"TableName": "accounts", "Key": key("alice"), "ConditionExpression": "balance = :b",
                    "ExpressionAttributeValues": {":b": {"N": "100"}}}},
    ])
    assert "Item" not in ddb.get_item(TableName="accounts", Key=key("alice"))
    assert balance(ddb, "bob") == "5"


def test_an_invalid_result_is_a_validation_error_reason(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "ledger", "Item": {"pk": {"S": "ok"}}}},
            {"Update": {"TableName": "accounts", "Key": key("alice"), "UpdateExpression": "SET balance = balance + :s",
                        "ExpressionAttributeValues": {":s": {"S": "text"}}}},
        ])
    reasons = err.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ValidationError"]
    assert "operand" in reasons[1]["Message"]
    assert "Item" not in ddb.get_item(TableName="ledger", Key=key("ok"))


def test_two_actions_on_one_item_are_refused(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": "accounts", "Key": key("alice"), "ConditionExpression": "attribute_exists(pk)"}},
            {"Update": {"TableName": "accounts", "Key": key("alice"), "UpdateExpression": "SET x = :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
    assert err.value.response["Error"] == {"Code": "ValidationException", "Message":
                                           "Transaction request cannot include multiple operations on one item"}
    # The same key in two tables is two items.
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "ledger", "Item": {"pk": {"S": "alice"}}}},
        {"ConditionCheck": {"TableName": "accounts", "Key": key("alice"), "ConditionExpression": "attribute_exists(pk)"}},
    ])


def test_request_problems_are_validation_exceptions_before_anything_is_read(ddb):
    cases = [
        [{"Put": {"TableName": "ledger", "Item": {"nokey": {"S": "x"}}}}],
        [{"Update": {"TableName": "accounts", "Key": key("alice"), "UpdateExpression": "SET pk = :v",
                     "ExpressionAttributeValues": {":v": {"S": "x"}}}}],
        [{"Delete": {"TableName": "accounts", "Key": key("alice"), "ConditionExpression": "balance >",
                     "ExpressionAttributeValues": {":v": {"S": "x"}}}}],
        [{"Put": {"TableName": "ledger", "Item": {"pk": {"S": "x"}}}, "Delete": {"TableName": "ledger", "Key": key("y")}}],
    ]
    for items in cases:
        with pytest.raises(ClientError) as err:
            ddb.transact_write_items(TransactItems=items)
        assert err.value.response["Error"]["Code"] == "ValidationException", items
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "missing", "Item": key("x")}}])
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert ddb.scan(TableName="ledger", Select="COUNT")["Count"] == 0


def test_up_to_100_actions(ddb):
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "ledger", "Item": key(f"i{n}")}} for n in range(100)])
    assert ddb.scan(TableName="ledger", Select="COUNT")["Count"] == 100
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "ledger", "Item": key(f"j{n}")}}
                                                for n in range(101)])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "less than or equal to 100" in err.value.response["Error"]["Message"]


def test_the_items_of_a_transaction_may_not_pass_4_mb(acct, ddb):
    # 4 MB written transactionally is over 8,000 WCU, more than a new on-demand table serves in a
    # second; throughput is not what this test is about.
    acct.service("dynamodb").tables["ledger"].meter = None
    blob = {"S": "x" * (390 * 1024)}
    ten = [{"Put": {"TableName": "ledger", "Item": {"pk": {"S": f"b{n}"}, "blob": blob}}} for n in range(10)]
    ddb.transact_write_items(TransactItems=ten)  # 3.8 MB
    acct.clock.advance(1)
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "ledger", "Item": {"pk": {"S": f"c{n}"},
                                                                                     "blob": blob}}}
                                                for n in range(11)])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "4 MB" in err.value.response["Error"]["Message"]
    assert "Item" not in ddb.get_item(TableName="ledger", Key=key("c0"))


def test_a_client_request_token_makes_a_retry_harmless(acct, ddb):
    items = [{"Update": {"TableName": "accounts", "Key": key("bob"), "UpdateExpression": "SET balance = balance + :a",
                         "ExpressionAttributeValues": {":a": {"N": "10"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1")
    again = ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1", ReturnConsumedCapacity="TOTAL")
    assert balance(ddb, "bob") == "15"
    # The repeat reports reading the item, not writing it.
    assert again["ConsumedCapacity"] == [{"TableName": "accounts", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}]
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=transfer(1), ClientRequestToken="retry-1")
    assert err.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    # Ten minutes after it completed the token is forgotten: the same request is a new transaction.
    acct.clock.advance(9 * 60 + 59)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1")
    assert balance(ddb, "bob") == "15"
    acct.clock.advance(1)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1")
    assert balance(ddb, "bob") == "25"


def test_a_cancelled_transaction_does_not_claim_its_token(ddb):
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=transfer(500), ClientRequestToken="t-500")
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "alice"}, "balance": {"N": "1000"}})
    ddb.transact_write_items(TransactItems=transfer(500), ClientRequestToken="t-500")
    assert balance(ddb, "alice") == "500"


def test_a_throttled_action_cancels_the_transaction(acct, ddb):
    class Meter:
        def consume(self, now, read=0.0, write=0.0, key=None, index=None):
            if key and key["pk"]["S"] == "bob":
                raise ProvisionedThroughputExceededException("throttled")

    acct.service("dynamodb").tables["accounts"].meter = Meter()
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=transfer(10))
    assert [r["Code"] for r in err.value.response["CancellationReasons"]] == \
        ["None", "ProvisionedThroughputExceeded", "None"]
    acct.service("dynamodb").tables["accounts"].meter = None
    assert (balance(ddb, "alice"), balance(ddb, "bob")) == ("100", "5")


# -- TransactGetItems ---------------------------------------------------------------------------

def test_transact_get_reads_items_in_request_order_with_projections(ddb):
    out = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": "accounts", "Key": key("bob"), "ProjectionExpression": "#b",
                 "ExpressionAttributeNames": {"#b": "balance"}}},
        {"Get": {"TableName": "ledger", "Key": key("none")}},
        {"Get": {"TableName": "accounts", "Key": key("alice")}},
    ], ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [{"Item": {"balance": {"N": "5"}}}, {},
                                {"Item": {"pk": {"S": "alice"}, "balance": {"N": "100"}}}]
    # A transactional read costs 2 RCU per 4 KB, a missing item included.
    assert {c["TableName"]: c["ReadCapacityUnits"] for c in out["ConsumedCapacity"]} == {"accounts": 4.0, "ledger": 2.0}


def test_transact_get_refuses_duplicates_too_many_and_bad_keys(ddb):
    with pytest.raises(ClientError) as err:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "accounts", "Key": key("bob")}}] * 2)
    assert err.value.response["Error"]["Message"] == "Transaction request cannot include multiple operations on one item"
    with pytest.raises(ClientError) as err:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "accounts", "Key": key(f"k{n}")}}
                                              for n in range(101)])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert len(ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "accounts", "Key": key(f"k{n}")}}
                                                     for n in range(100)])["Responses"]) == 100
    with pytest.raises(ClientError) as err:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "accounts", "Key": {"id": {"S": "x"}}}}])
    assert err.value.response["Error"]["Code"] == "ValidationException"


# -- the competing writer ----------------------------------------------------------------------

COMPETING_DEPOSIT = {"Key": key("alice"), "UpdateExpression": "SET balance = balance + :d",
                     "ExpressionAttributeValues": {":d": {"N": "50"}}}


def read_modify_write(ddb, delta, conditional):
    """A handler's read-modify-write: read the balance, add, write it back (optionally guarded)."""
    seen = ddb.get_item(TableName="accounts", Key=key("alice"), ConsistentRead=True)["Item"]["balance"]["N"]
    params = {"TableName": "accounts", "Item": {"pk": {"S": "alice"}, "balance": {"N": str(int(seen) + delta)}}}
    if conditional:
        params.update(ConditionExpression="balance = :seen", ExpressionAttributeValues={":seen": {"N": seen}})
    ddb.put_item(**params)


def test_a_competing_write_after_a_read_makes_a_blind_write_lose_it(acct, ddb):
    rule = acct.service("dynamodb").interfere(table="accounts", after="GetItem", operation="UpdateItem",
                                              params=COMPETING_DEPOSIT)
    read_modify_write(ddb, -30, conditional=False)
    assert balance(ddb, "alice") == "70"  # 100 + 50 - 30 should be 120: the deposit was lost
    assert rule.fired == 1 and rule.results == [{}]
    competitor = [c for c in acct.calls if c.get("competitor")]
    assert [c["operation"] for c in competitor] == ["UpdateItem"]


def test_a_conditional_write_notices_the_competing_write(acct, ddb):
    acct.service("dynamodb").interfere(table="accounts", after="GetItem", operation="UpdateItem",
                                       params=COMPETING_DEPOSIT)
    with pytest.raises(ClientError) as err:
        read_modify_write(ddb, -30, conditional=True)
    assert err.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    read_modify_write(ddb, -30, conditional=True)  # the retry reads 150; the rule fired its one time
    assert balance(ddb, "alice") == "120"
    put_calls = [c for c in acct.calls if c["operation"] == "PutItem" and c.get("table") == "accounts"]
    assert [c.get("condition") for c in put_calls[-2:]] == [True, True]
    assert put_calls[-2]["error"] == "ConditionalCheckFailedException"


def test_before_rules_fire_ahead_of_the_call_and_log_in_that_order(acct, ddb):
    acct.service("dynamodb").interfere(table="accounts", before=["UpdateItem", "PutItem"], operation="UpdateItem",
                                       params=COMPETING_DEPOSIT, times=2, key=key("alice"))
    ddb.update_item(TableName="accounts", Key=key("bob"), UpdateExpression="SET balance = :z",
                    ExpressionAttributeValues={":z": {"N": "0"}})  # another key: no interference
    ddb.update_item(TableName="accounts", Key=key("alice"), UpdateExpression="SET balance = balance - :n",
                    ConditionExpression="balance >= :n", ExpressionAttributeValues={":n": {"N": "120"}})
    assert balance(ddb, "alice") == "30"  # the deposit landed first, so 150 - 120 succeeds
    last = list(acct.calls)[-3:]
    assert [(c["operation"], c.get("competitor", False)) for c in last[:2]] == [("UpdateItem", True), ("UpdateItem", False)]
    assert last[1]["write_units"] == 1.0 and last[1].get("condition") is True
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "alice"}, "balance": {"N": "0"}})
    assert balance(ddb, "alice") == "0"  # second firing came before the put, which then overwrote it
    ddb.put_item(TableName="accounts", Item={"pk": {"S": "alice"}, "balance": {"N": "1"}})
    assert balance(ddb, "alice") == "1"  # times=2: no third deposit
    assert not [c for c in list(acct.calls)[-2:] if c.get("competitor")]


def test_interference_follows_only_its_table_and_calls(acct, ddb):
    service = acct.service("dynamodb")
    service.interfere(table="accounts", after="Query", operation="PutItem",
                      params={"Item": {"pk": {"S": "carol"}, "balance": {"N": "1"}}})
    ddb.get_item(TableName="accounts", Key=key("alice"))
    ddb.query(TableName="ledger", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "x"}})
    assert "Item" not in ddb.get_item(TableName="accounts", Key=key("carol"))
    ddb.query(TableName="accounts", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "x"}})
    assert "Item" in ddb.get_item(TableName="accounts", Key=key("carol"))


def test_a_failing_competitor_is_recorded_not_raised(acct, ddb):
    rule = acct.service("dynamodb").interfere(
        table="accounts", after="GetItem", operation="UpdateItem",
        params={**COMPETING_DEPOSIT, "ConditionExpression": "attribute_not_exists(pk)"})
    ddb.get_item(TableName="accounts", Key=key("alice"))
    assert rule.results == [{"error": "ConditionalCheckFailedException"}]
    assert balance(ddb, "alice") == "100"


def test_impossible_interference_is_refused(acct, ddb):
    service = acct.service("dynamodb")
    with pytest.raises(ValueError):
        service.interfere(table="accounts", after="BatchGetItem", operation="UpdateItem", params=COMPETING_DEPOSIT)
    with pytest.raises(ValueError):
        service.interfere(table="accounts", after="GetItem", operation="Scan", params={})
    with pytest.raises(ValueError):
        service.interfere(table="accounts", operation="UpdateItem", params=COMPETING_DEPOSIT)
    with pytest.raises(ValueError):
        service.interfere(table="accounts", after="Query", key=key("alice"), operation="UpdateItem",
                          params=COMPETING_DEPOSIT)
    with pytest.raises(ValueError):
        service.interfere(table="accounts", after="GetItem", times=0, operation="UpdateItem", params=COMPETING_DEPOSIT)
    with pytest.raises(AwsError):
        service.interfere(table="nope", after="GetItem", operation="UpdateItem", params=COMPETING_DEPOSIT)


# -- secondary indexes ----------------------------------------------------------------------------

@pytest.fixture
def indexed(acct, ddb):
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "status", "AttributeType": "S"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                              "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "ALL"}}],
                     BillingMode="PAY_PER_REQUEST")
    return ddb


def test_index_writes_of_a_transaction_are_reported_per_index(acct, indexed):
    out = indexed.transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders", "Item": {"pk": {"S": "o1"}, "status": {"S": "NEW"}}}},
    ], ReturnConsumedCapacity="INDEXES")
    (consumed,) = out["ConsumedCapacity"]
    assert consumed["Table"]["WriteCapacityUnits"] == 2.0
    assert consumed["GlobalSecondaryIndexes"]["by-status"]["WriteCapacityUnits"] == 1.0
    acct.clock.advance(1)  # GSIs see writes a moment later
    found = indexed.query(TableName="orders", IndexName="by-status", KeyConditionExpression="#s = :s",
                          ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "NEW"}})
    assert [i["pk"]["S"] for i in found["Items"]] == ["o1"]


def test_a_throttled_index_cancels_the_transaction_before_anything_lands(acct, indexed):
    class Meter:
        def consume(self, now, read=0.0, write=0.0, key=None, index=None):
            if index == "by-status":
                raise ProvisionedThroughputExceededException("index throttled")

    acct.service("dynamodb").tables["orders"].meter = Meter()
    with pytest.raises(ClientError) as err:
        indexed.transact_write_items(TransactItems=[
            {"Put": {"TableName": "ledger", "Item": key("first")}},
            {"Put": {"TableName": "orders", "Item": {"pk": {"S": "o1"}, "status": {"S": "NEW"}}}},
        ])
    assert [r["Code"] for r in err.value.response["CancellationReasons"]] == ["None", "ProvisionedThroughputExceeded"]
    assert "Item" not in indexed.get_item(TableName="ledger", Key=key("first"))
    acct.service("dynamodb").tables["orders"].meter = None
    assert "Item" not in indexed.get_item(TableName="orders", Key=key("o1"))
