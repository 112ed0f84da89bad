"""How long a request takes, as the simulator reports it in the call log's ``latency_ms``.

AWS publishes orders of magnitude, not figures: DynamoDB answers in single-digit milliseconds, and
DAX brings eventually consistent reads "from milliseconds to microseconds"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.html). Every number below
is therefore an ASSUMPTION chosen to sit inside those documented ranges, named so that a check
or a lesson can say where it came from. None of them is a measurement, and real figures vary
with item size, network distance and load.
"""

from __future__ import annotations

from course.sim.dynamodb.latency import dynamodb_ms

#: ASSUMPTION: a read DAX answers from its item or query cache ("microseconds"): 300 µs.
DAX_HIT_MS = 0.3
#: ASSUMPTION: what DAX adds in front of a request it forwards to DynamoDB (a cache miss, a
#: strongly consistent or transactional read, any write): one more network hop and a cache
#: lookup, so a miss is slower than reading DynamoDB directly.
DAX_FORWARD_MS = 0.5


def dax_forward_ms(operation: str) -> float:
    """A request DAX passes on to DynamoDB: DynamoDB's time plus DAX's own hop."""
    return round(dynamodb_ms(operation) + DAX_FORWARD_MS, 3)
