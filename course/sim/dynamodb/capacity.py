"""Capacity arithmetic: how many read/write units a DynamoDB request consumes, and how it is reported.

Sources:
- "DynamoDB read and write operations" (per-operation rules: GetItem/BatchGetItem round per item,
  Query/Scan sum the data read then round once, PutItem/UpdateItem charge the larger of the item
  before and after, DeleteItem the deleted item, a failed condition still consumes write capacity),
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
- Unit sizes (4 KB read, 1 KB write, eventually consistent = half, transactional = double; on-demand
  request units sized the same way): "Constraints in Amazon DynamoDB",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
- Per-partition and per-table throughput: "Service quotas",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
  (also /work/shared/facts.md section 8).
- Response shape: botocore's DynamoDB ``ConsumedCapacity`` / ``Capacity`` structures.

Sizes given to these functions are item sizes from ``items.item_size``. Every function returns a
float because DynamoDB reports fractional units (0.5 for an eventually consistent read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

READ_UNIT_BYTES = 4 * 1024
WRITE_UNIT_BYTES = 1024

# A single partition serves at most this many units per second (ServiceQuotas page).
PARTITION_MAX_RCU = 3000
PARTITION_MAX_WCU = 1000
# Default per-table and per-account (provisioned) throughput quotas; both adjustable.
TABLE_DEFAULT_MAX_RCU = 40_000
TABLE_DEFAULT_MAX_WCU = 40_000
ACCOUNT_DEFAULT_MAX_RCU = 80_000
ACCOUNT_DEFAULT_MAX_WCU = 80_000

STRONG = "strong"
EVENTUAL = "eventual"
TRANSACTIONAL = "transactional"
_READ_FACTOR = {STRONG: 1.0, EVENTUAL: 0.5, TRANSACTIONAL: 2.0}


def _blocks(size: int, unit: int) -> int:
    """Whole units covering ``size`` bytes, never fewer than one: a read of a missing item or a
    write that changes nothing is still a request DynamoDB charges for."""
    if size < 0:
        raise ValueError(f"negative size {size}")
    return max(1, -(-size // unit))


def consistency(consistent_read: bool | None) -> str:
    """Map the API's ``ConsistentRead`` flag (absent means eventually consistent) to a mode."""
    return STRONG if consistent_read else EVENTUAL


# --- reads -------------------------------------------------------------------------------------

def read_units(size: int, mode: str = STRONG) -> float:
    """Units for reading ``size`` bytes in one go: 4 KB blocks, then the consistency factor."""
    return _blocks(size, READ_UNIT_BYTES) * _READ_FACTOR[mode]


def get_item_read(size: int | None, mode: str = STRONG) -> float:
    """GetItem: the item rounded up to 4 KB; a missing item (None) still costs one block."""
    return read_units(size or 0, mode)


def batch_get_read(sizes, mode: str = STRONG) -> float:
    """BatchGetItem treats each item as its own GetItem, so it rounds per item, then adds.

    Docs' example: items of 1.5 KB and 6.5 KB cost 4 KB + 8 KB, not 8 KB.
    """
    return sum(get_item_read(s, mode) for s in sizes)


def query_read(sizes_read, mode: str = STRONG) -> float:
    """Query/Scan: sum the sizes of every item *read* (before any filter, whether or not it is
    returned), round that total up to 4 KB once. Pass the evaluated items, not the returned ones."""
    return read_units(sum(sizes_read), mode)


# --- writes ------------------------------------------------------------------------------------

def write_units(size: int, transactional: bool = False) -> float:
    """Units for writing one item of ``size`` bytes: 1 KB blocks, doubled inside a transaction."""
    return _blocks(size, WRITE_UNIT_BYTES) * (2.0 if transactional else 1.0)


def put_write(new_size: int, old_size: int | None = None, transactional: bool = False) -> float:
    """PutItem/UpdateItem: charged on the larger of the item before and after, because DynamoDB
    must rewrite whichever is bigger."""
    return write_units(max(new_size, old_size or 0), transactional)


update_write = put_write


def delete_write(old_size: int | None, transactional: bool = False) -> float:
    """DeleteItem: the deleted item's size; deleting a missing item still costs one unit."""
    return write_units(old_size or 0, transactional)


def failed_condition_write(existing_size: int | None, transactional: bool = False) -> float:
    """A write whose condition fails still consumes capacity: sized on the existing item (what
    DynamoDB had to read to evaluate the condition), at least one unit."""
    return write_units(existing_size or 0, transactional)


def batch_write(requests) -> float:
    """BatchWriteItem: each put/delete is charged as its own PutItem/DeleteItem.

    ``requests`` holds ``(new_size, old_size)`` pairs; ``new_size`` None marks a delete.
    """
    total = 0.0
    for new_size, old_size in requests:
        total += delete_write(old_size) if new_size is None else put_write(new_size, old_size)
    return total


# On-demand tables bill read/write request units computed exactly like RCU/WCU (Constraints page).
read_request_units = read_units
write_request_units = write_units


# --- reporting ---------------------------------------------------------------------------------

@dataclass
class Consumption:
    """Units one request used on one table, split by where they landed.

    Kept per table (not per request) because BatchGetItem, BatchWriteItem and transactions report
    a list with one ConsumedCapacity per table touched.
    """

    table_name: str
    read: float = 0.0
    write: float = 0.0
    gsi: dict = field(default_factory=dict)   # index name -> {"read": x, "write": y}
    lsi: dict = field(default_factory=dict)

    def add(self, read: float = 0.0, write: float = 0.0, *, gsi: str | None = None, lsi: str | None = None):
        """Charge units to the table, or to a named index (LSI units are also billed to the table's
        throughput in real DynamoDB; callers add them to both if they want that)."""
        if gsi is None and lsi is None:
            self.read += read
            self.write += write
            return self
        bucket = self.gsi if gsi is not None else self.lsi
        entry = bucket.setdefault(gsi if gsi is not None else lsi, {"read": 0.0, "write": 0.0})
        entry["read"] += read
        entry["write"] += write
        return self

    @property
    def total(self) -> float:
        indexes = list(self.gsi.values()) + list(self.lsi.values())
        return self.read + self.write + sum(e["read"] + e["write"] for e in indexes)

    def response(self, mode: str | None) -> dict | None:
        """The ``ConsumedCapacity`` dict for ``ReturnConsumedCapacity`` = TOTAL / INDEXES / NONE.

        NONE (or absent) means the key is left out of the response, hence None.
        """
        if mode in (None, "NONE"):
            return None
        if mode not in ("TOTAL", "INDEXES"):
            raise ValueError(f"ReturnConsumedCapacity {mode!r}")
        out = {"TableName": self.table_name, "CapacityUnits": self.total}
        out.update(_split(self.read + _sum(self.gsi, "read") + _sum(self.lsi, "read"),
                          self.write + _sum(self.gsi, "write") + _sum(self.lsi, "write")))
        if mode == "INDEXES":
            out["Table"] = _capacity(self.read, self.write)
            if self.gsi:
                out["GlobalSecondaryIndexes"] = {n: _capacity(e["read"], e["write"]) for n, e in self.gsi.items()}
            if self.lsi:
                out["LocalSecondaryIndexes"] = {n: _capacity(e["read"], e["write"]) for n, e in self.lsi.items()}
        return out


def _sum(bucket: dict, kind: str) -> float:
    return sum(e[kind] for e in bucket.values())


def _split(read: float, write: float) -> dict:
    out = {}
    if read:
        out["ReadCapacityUnits"] = read
    if write:
        out["WriteCapacityUnits"] = write
    return out


def _capacity(read: float, write: float) -> dict:
    """botocore's ``Capacity`` structure."""
    return {"CapacityUnits": read + write, **_split(read, write)}


def responses(consumptions, mode: str | None) -> list | None:
    """The list form used by BatchGetItem, BatchWriteItem and the Transact* operations."""
    if mode in (None, "NONE"):
        return None
    return [c.response(mode) for c in consumptions]
