"""Simulated time and its timers: background work runs in time order, each at its own time."""

from __future__ import annotations

import pytest

from course.sim.clock import Clock


def test_timers_run_in_time_order_at_their_own_time():
    clock, seen = Clock(start=100), []
    clock.call_at(130, lambda: seen.append(("b", clock.now())))
    clock.call_at(110, lambda: seen.append(("a", clock.now())))
    clock.call_at(500, lambda: seen.append(("late", clock.now())))
    assert clock.advance(50) == 150
    assert seen == [("a", 110), ("b", 130)] and clock.next_timer() == 500


def test_a_timer_may_schedule_the_next_and_both_run_within_one_move():
    clock, seen = Clock(start=0), []

    def tick():
        seen.append(clock.now())
        if clock.now() < 3:
            clock.call_at(clock.now() + 1, tick)

    clock.call_at(1, tick)
    clock.advance(10)
    assert seen == [1, 2, 3] and clock.now() == 10


def test_a_timer_already_due_runs_on_the_next_move_and_time_never_goes_back():
    clock, seen = Clock(start=100), []
    clock.call_at(50, lambda: seen.append(clock.now()))
    assert clock.run_due() == 1 and seen == [100]
    with pytest.raises(ValueError):
        clock.set(99)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_a_timer_that_moves_the_clock_itself_does_not_rerun_timers_inside():
    clock, seen = Clock(start=0), []
    clock.call_at(1, lambda: (seen.append("first"), clock.advance(5)))
    clock.call_at(3, lambda: seen.append(("second", clock.now())))
    clock.advance(2)
    assert seen == ["first", ("second", 6)] and clock.now() == 6


def test_an_account_reset_cancels_the_background_work_of_what_it_forgets():
    from course.sim import Account

    with Account() as acct:
        ddb = acct.client("dynamodb")
        ddb.create_table(TableName="sessions", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "x"})
        ddb.put_item(TableName="sessions", Item={"id": {"S": "a"}, "x": {"N": str(int(acct.clock.now()) + 10)}})
        assert acct.clock.next_timer() is not None
        acct.reset()
        assert acct.clock.next_timer() is None and acct.clock.advance(86_400)
