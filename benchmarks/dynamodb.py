"""DynamoDB throughput: the simulator against moto, through the same boto3 client calls.

For PutItem, GetItem and Query this prints operations per second (median of several runs) for
- the simulator through a real boto3 client (``Account().client("dynamodb")``);
- moto's DynamoDB (``mock_aws``) through a boto3 client, in the same process and run;
- the simulator's in-process API (``account.call("dynamodb", ...)``), with no botocore at all;
- botocore alone: a bridged client whose answer is an empty response (the floor of the first line);
and the ratio simulator/moto for the boto3 path. botocore validates the parameters on both boto3
paths; a bridged client skips what only a request that is sent needs (endpoint rules, the
serialised body, the User-Agent header), while moto's path serialises, sends through its mock and
parses the response.

The simulated clock is advanced one second every ``OPS_PER_SECOND`` operations so the run stays
inside a partition's documented throughput (3,000 RCU / 1,000 WCU a second, facts.md section 8)
and measures the model, not its throttling.

Needs moto (``pip install .[bench]``). Run: python benchmarks/dynamodb.py [--ops N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.sim import Account

TABLE = "bench"
OPS_PER_SECOND = 500
SCHEMA = {
    "TableName": TABLE,
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"}],
    "BillingMode": "PAY_PER_REQUEST",
}
PARTITIONS = 50


def item(n: int) -> dict:
    """A small, typical item: a few strings, a number, a map and a set."""
    return {"pk": {"S": f"user#{n % PARTITIONS}"}, "sk": {"N": str(n)}, "name": {"S": f"name {n}"},
            "score": {"N": str(n * 3 / 2)}, "tags": {"SS": ["a", "b"]},
            "address": {"M": {"city": {"S": "Lisbon"}, "zip": {"S": "1000"}}}}


def key(n: int) -> dict:
    return {"pk": {"S": f"user#{n % PARTITIONS}"}, "sk": {"N": str(n)}}


def query(n: int) -> dict:
    return {"TableName": TABLE, "KeyConditionExpression": "pk = :p AND sk BETWEEN :lo AND :hi",
            "FilterExpression": "attribute_exists(#n)", "ExpressionAttributeNames": {"#n": "name"},
            "ExpressionAttributeValues": {":p": {"S": f"user#{n % PARTITIONS}"}, ":lo": {"N": "0"},
                                          ":hi": {"N": str(10 ** 9)}}, "Limit": 10}


def workloads(call, tick):
    """(name, one-operation function) for each measured operation; ``call(op, params)`` makes it."""
    def put(n):
        tick(n)
        call("PutItem", {"TableName": TABLE, "Item": item(n)})

    def get(n):
        tick(n)
        call("GetItem", {"TableName": TABLE, "Key": key(n)})

    def q(n):
        tick(n)
        call("Query", query(n))

    return [("PutItem", put), ("GetItem", get), ("Query", q)]


def timed(fn, ops: int) -> float:
    """Operations per second for one run of ``ops`` operations."""
    start = time.perf_counter()
    for n in range(ops):
        fn(n)
    return ops / (time.perf_counter() - start)


def _boto_caller(client):
    methods = {"PutItem": client.put_item, "GetItem": client.get_item, "Query": client.query}
    return lambda op, params: methods[op](**params)


def _empty_client():
    """A bridged client answered with an empty response: what botocore and the bridge cost on
    their own, the part of every simulated call that no change to the model can remove."""
    from botocore.config import Config

    from course.sim import bridge

    client = bridge.botocore_session().create_client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="SIMULATED", aws_secret_access_key="SIMULATED",
        endpoint_url="https://dynamodb.us-east-1.simulated.invalid",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=True))
    bridge.install(client, lambda operation, params: {})
    return client


def backends(stack: ExitStack) -> dict:
    """name -> workloads, each backend with its own table of the same schema."""
    account = stack.enter_context(Account())
    sim_client = account.client("dynamodb")
    sim_client.create_table(**SCHEMA)

    def tick(n):
        if n % OPS_PER_SECOND == 0:
            account.clock.advance(1)

    out = {"sim boto3": workloads(_boto_caller(sim_client), tick),
           "sim direct": workloads(lambda op, params: account.call("dynamodb", op, params), tick),
           "boto3 alone": workloads(_boto_caller(_empty_client()), tick)}
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        print("moto is not installed (pip install .[bench]); showing the simulator only\n")
        return out
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ.setdefault(name, "testing")
    # The simulator's clients answer before botocore would send anything, so moto's interception
    # (on sending) never sees them, and both can stay active for the whole run.
    stack.enter_context(mock_aws())
    moto_client = boto3.client("dynamodb", region_name="us-east-1")
    moto_client.create_table(**SCHEMA)
    out["moto boto3"] = workloads(_boto_caller(moto_client), lambda n: None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000, help="operations per run (default 2000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; the median is printed (default 5)")
    args = parser.parse_args()
    with ExitStack() as stack:
        sides = backends(stack)
        rates: dict = {(side, op): [] for side, loads in sides.items() for op, _ in loads}
        # Runs alternate between the backends, so a busy machine slows each of them alike.
        for _ in range(args.runs):
            for side, loads in sides.items():
                for op, fn in loads:
                    rates[side, op].append(timed(fn, args.ops))
    median = {key: statistics.median(values) for key, values in rates.items()}
    moto = "moto boto3" in sides
    print(f"{args.ops} operations a run, median of {args.runs} runs, operations per second")
    print(f"{'operation':<10} {'sim boto3':>11} {'moto boto3':>11} {'sim/moto':>9} {'sim direct':>11} "
          f"{'boto3 alone':>12}")
    for op, _ in sides["sim boto3"]:
        sim = median["sim boto3", op]
        other = f"{median['moto boto3', op]:11,.0f}" if moto else f"{'-':>11}"
        ratio = f"{sim / median['moto boto3', op]:8.1f}x" if moto else f"{'-':>9}"
        print(f"{op:<10} {sim:11,.0f} {other} {ratio} {median['sim direct', op]:11,.0f} "
              f"{median['boto3 alone', op]:12,.0f}")
    print("boto3 alone: the same calls answered with an empty response, i.e. botocore's own share of a call")


if __name__ == "__main__":
    main()
