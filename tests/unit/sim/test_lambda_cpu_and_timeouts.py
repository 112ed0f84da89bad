"""The load scenario's CPU model (one vCPU at 1,769 MB) and its timeouts."""

from __future__ import annotations

import pytest

from course.sim import Account
from course.sim.awslambda.scaling import cpu_bound_ms, run_load

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return 1\\n"
      MemorySize: {memory}
      Timeout: {timeout}
"""


def load(memory: int, timeout: int, **kwargs):
    with Account() as account:
        stack = account.deploy(TEMPLATE.format(memory=memory, timeout=timeout))
        return run_load(account, stack.physical_id("Fn"), None, 10, 30, **kwargs)


def test_cpu_share_grows_with_memory_up_to_one_vcpu():
    assert cpu_bound_ms(800, 1769) == 800
    assert cpu_bound_ms(800, 3008) == 800  # a second vCPU does not help one thread
    assert cpu_bound_ms(800, 128) == pytest.approx(800 * 1769 / 128)
    assert cpu_bound_ms(800, 1024) > cpu_bound_ms(800, 1536) > cpu_bound_ms(800, 1769)


def test_gb_seconds_stay_flat_below_one_vcpu_and_rise_above():
    small, full, big = (load(m, 30, cpu_ms=800) for m in (512, 1769, 3008))
    assert small.handler_ms == pytest.approx(800 * 1769 / 512)
    assert full.handler_ms == 800 and big.handler_ms == 800
    assert small.gb_seconds == pytest.approx(full.gb_seconds, rel=0.01)
    assert big.gb_seconds > 1.6 * full.gb_seconds


def test_work_longer_than_the_timeout_times_out_and_is_billed_to_the_timeout():
    report = load(128, 3, cpu_ms=800)
    assert report.work_ms == pytest.approx(800 * 1769 / 128)
    assert report.handler_ms == 3000
    assert report.timed_out == report.served > 0
    fine = load(1769, 3, cpu_ms=800)
    assert fine.timed_out == 0 and fine.handler_ms == 800


def test_provisioned_concurrency_is_counted_in_gb_seconds_for_the_month():
    template = TEMPLATE.format(memory=512, timeout=5) + (
        "      AutoPublishAlias: live\n"
        "      ProvisionedConcurrencyConfig:\n"
        "        ProvisionedConcurrentExecutions: 50\n")
    with Account() as account:
        stack = account.deploy(template)
        live = run_load(account, stack.physical_id("Fn"), "live", 10, 30, handler_ms=100)
        plain = run_load(account, stack.physical_id("Fn"), None, 10, 30, handler_ms=100)
    assert live.provisioned == 50
    assert live.provisioned_gb_seconds_month == 50 * 0.5 * 730 * 3600
    assert plain.provisioned_gb_seconds_month == 0
