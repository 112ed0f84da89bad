"""Fixtures for the DynamoDB conformance suite: a fresh simulated account per test, reached
through a real botocore client, with a hash-only and a hash+range table."""

from __future__ import annotations

import pytest

from course.sim import Account
from tests.conformance.support import PK_ONLY, PK_SK


@pytest.fixture
def acct():
    with Account() as account:
        yield account


@pytest.fixture
def ddb(acct):
    """A client with tables ``items`` (pk) and ``events`` (pk, sk as a number)."""
    client = acct.client("dynamodb")
    client.create_table(TableName="items", **PK_ONLY)
    client.create_table(TableName="events", **PK_SK)
    return client
