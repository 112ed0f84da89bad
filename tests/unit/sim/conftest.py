from __future__ import annotations

import pytest

from course.sim import Account


@pytest.fixture
def acct():
    """A fresh simulated account, closed (its worker processes stopped) after the test."""
    with Account() as account:
        yield account
