"""Evaluation half of DynamoDB's expression languages: parsed trees applied to wire-format items.

Kept apart from the parser so the rules about *values* (Decimal numbers, set equality, which types
order) live in one place and can be read without wading through grammar. Items are plain dicts in
DynamoDB's wire format ({"S": "x"}, {"N": "1"}, ...); nothing here mutates the caller's item.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, Overflow, Rounded, Underflow

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import copy_item, copy_value

# DynamoDB keeps 38 significant digits; trapping Inexact/Rounded makes a result that would lose
# digits fail loudly, as the service does, instead of silently rounding.
NUMBER_CONTEXT = Context(prec=38, traps=[Inexact, Rounded, Overflow, Underflow], Emax=125, Emin=-130)
SET_TYPES = ("SS", "NS", "BS")
SCALAR_OF_SET = {"SS": "S", "NS": "N", "BS": "B"}


def type_of(av: dict) -> str:
    return next(iter(av))


def number(text: str) -> Decimal:
    return Decimal(text)


def format_number(d: Decimal) -> str:
    """Wire numbers carry no exponent and no trailing zeros, which is how DynamoDB echoes them."""
    if d == 0:
        return "0"
    return format(NUMBER_CONTEXT.normalize(d), "f")


def _set_members(av: dict):
    kind = type_of(av)
    if kind == "NS":
        return {number(x) for x in av[kind]}
    if kind == "BS":
        return {bytes(x) for x in av[kind]}
    return set(av[kind])


def equal(a: dict | None, b: dict | None) -> bool:
    """Deep equality with DynamoDB's meaning: numbers by value, sets unordered."""
    if a is None or b is None:
        return False
    ta, tb = type_of(a), type_of(b)
    if ta != tb:
        return False
    if ta == "N":
        return number(a["N"]) == number(b["N"])
    if ta in SET_TYPES:
        return _set_members(a) == _set_members(b)
    if ta == "L":
        return len(a["L"]) == len(b["L"]) and all(equal(x, y) for x, y in zip(a["L"], b["L"]))
    if ta == "M":
        return a["M"].keys() == b["M"].keys() and all(equal(a["M"][k], b["M"][k]) for k in a["M"])
    if ta == "B":
        return bytes(a["B"]) == bytes(b["B"])
    return a[ta] == b[tb]


def order_key(av: dict | None):
    """A sortable key for the three orderable types, or None: other types never satisfy < or >."""
    if av is None:
        return None
    kind = type_of(av)
    if kind == "N":
        return ("N", number(av["N"]))
    if kind == "S":
        return ("S", av["S"])
    if kind == "B":
        return ("B", bytes(av["B"]))
    return None


def compare(op: str, a: dict | None, b: dict | None) -> bool:
    if op == "=":
        return equal(a, b)
    if op == "<>":
        return not equal(a, b)
    ka, kb = order_key(a), order_key(b)
    if ka is None or kb is None or ka[0] != kb[0]:
        return False
    return {"<": ka < kb, "<=": ka <= kb, ">": ka > kb, ">=": ka >= kb}[op]


def render_value(av: dict) -> str:
    """How DynamoDB prints an operand inside an error message: ``AttributeValue: {N:5}``."""
    kind = type_of(av)
    return f"AttributeValue: {{{kind}:{av[kind]}}}"


# ---------------------------------------------------------------------------------------- paths


class Path:
    """A document path; elements are attribute names (str) or list indexes (int)."""

    def __init__(self, elements: list):
        self.elements = elements

    def __repr__(self):
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"

    def resolve(self, item: dict):
        return _walk(item, self.elements)

    def overlaps(self, other: Path) -> bool:
        n = min(len(self.elements), len(other.elements))
        return self.elements[:n] == other.elements[:n]

    def conflicts(self, other: Path) -> bool:
        """Where the two paths first part, one indexes a list and the other names a map key."""
        for mine, theirs in zip(self.elements, other.elements):
            if mine != theirs:
                return isinstance(mine, int) != isinstance(theirs, int)
        return False


def _walk(item: dict, elements) -> dict | None:
    """The value at ``elements`` (names and list indexes) inside ``item``, or None if absent."""
    current = {"M": item}
    for element in elements:
        if isinstance(element, int):
            if "L" not in current or element >= len(current["L"]):
                return None
            current = current["L"][element]
        else:
            if "M" not in current or element not in current["M"]:
                return None
            current = current["M"][element]
    return current


def _parent(item: dict, path: Path):
    """The container holding the path's last element, or None when the path cannot exist."""
    return _walk(item, path.elements[:-1])


def assign(item: dict, path: Path, value: dict) -> None:
    parent, last = _parent(item, path), path.elements[-1]
    bad = ValidationException("The document path provided in the update expression is invalid for update")
    if parent is None:
        raise bad
    if isinstance(last, int):
        if "L" not in parent:
            raise bad
        if last < len(parent["L"]):
            parent["L"][last] = value
        else:
            parent["L"].append(value)  # DynamoDB appends past-the-end indexes rather than padding
    else:
        if "M" not in parent:
            raise bad
        parent["M"][last] = value


def remove(item: dict, paths: list[Path]) -> None:
    # Highest list index first, so removing [1] doesn't shift [3] out from under us.
    ordered = sorted(paths, key=lambda p: [e if isinstance(e, int) else -1 for e in p.elements], reverse=True)
    for path in ordered:
        parent, last = _parent(item, path), path.elements[-1]
        if parent is None:
            continue
        if isinstance(last, int):
            if "L" in parent and last < len(parent["L"]):
                del parent["L"][last]
        elif "M" in parent:
            parent["M"].pop(last, None)


# ------------------------------------------------------------------------------------ operands


class Value:
    def __init__(self, av: dict):
        self.av = av

    def resolve(self, item):
        return self.av


class Size:
    def __init__(self, path: Path):
        self.path = path

    def resolve(self, item):
        av = self.path.resolve(item)
        if av is None:
            return None
        kind = type_of(av)
        if kind in ("S", "B", "L", "M") or kind in SET_TYPES:
            return {"N": str(len(av[kind]))}
        return None  # size() of a number or boolean has no value, so comparisons are false


# ---------------------------------------------------------------------------------- conditions


class Compare:
    def __init__(self, op, left, right):
        self.op, self.left, self.right = op, left, right

    def evaluate(self, item):
        return compare(self.op, self.left.resolve(item), self.right.resolve(item))


class Between:
    def __init__(self, subject, low, high):
        self.subject, self.low, self.high = subject, low, high

    def evaluate(self, item):
        value = self.subject.resolve(item)
        return compare(">=", value, self.low.resolve(item)) and compare("<=", value, self.high.resolve(item))


class In:
    def __init__(self, subject, options):
        self.subject, self.options = subject, options

    def evaluate(self, item):
        value = self.subject.resolve(item)
        return any(equal(value, o.resolve(item)) for o in self.options)


class And:
    def __init__(self, left, right):
        self.left, self.right = left, right

    def evaluate(self, item):
        return self.left.evaluate(item) and self.right.evaluate(item)


class Or(And):
    def evaluate(self, item):
        return self.left.evaluate(item) or self.right.evaluate(item)


class Not:
    def __init__(self, inner):
        self.inner = inner

    def evaluate(self, item):
        return not self.inner.evaluate(item)


class Function:
    """A boolean function call; ``name`` is already lower-cased and arity-checked by the parser."""

    def __init__(self, name, args):
        self.name, self.args = name, args

    def evaluate(self, item):
        target = self.args[0].resolve(item)
        if self.name == "attribute_exists":
            return target is not None
        if self.name == "attribute_not_exists":
            return target is None
        if target is None:
            return False
        operand = self.args[1].resolve(item)
        if operand is None:
            return False
        kind, okind = type_of(target), type_of(operand)
        if self.name == "attribute_type":
            return kind == operand["S"]
        if self.name == "begins_with":
            if kind != okind or kind not in ("S", "B"):
                return False
            return bytes(target[kind]).startswith(bytes(operand[kind])) if kind == "B" else target["S"].startswith(operand["S"])
        # contains
        if kind == "S" and okind == "S":
            return operand["S"] in target["S"]
        if kind == "B" and okind == "B":
            return bytes(operand["B"]) in bytes(target["B"])
        if kind in SET_TYPES:
            return SCALAR_OF_SET[kind] == okind and any(equal({okind: m}, operand) for m in target[kind])
        if kind == "L":
            return any(equal(m, operand) for m in target["L"])
        return False


# ------------------------------------------------------------------------------------- updates

WRONG_TYPE = "An operand in the update expression has an incorrect data type"


class IfNotExists:
    def __init__(self, path: Path, fallback):
        self.path, self.fallback = path, fallback

    def update_value(self, item):
        found = self.path.resolve(item)
        return found if found is not None else update_value(self.fallback, item)


class ListAppend:
    def __init__(self, first, second):
        self.first, self.second = first, second

    def update_value(self, item):
        a, b = update_value(self.first, item), update_value(self.second, item)
        if type_of(a) != "L" or type_of(b) != "L":
            raise ValidationException(WRONG_TYPE)
        return {"L": list(a["L"]) + list(b["L"])}


class Arithmetic:
    def __init__(self, op, left, right):
        self.op, self.left, self.right = op, left, right

    def update_value(self, item):
        a, b = update_value(self.left, item), update_value(self.right, item)
        if type_of(a) != "N" or type_of(b) != "N":
            raise ValidationException(WRONG_TYPE)
        return {"N": arithmetic(self.op, number(a["N"]), number(b["N"]))}


def arithmetic(op: str, a: Decimal, b: Decimal) -> str:
    try:
        result = NUMBER_CONTEXT.add(a, b) if op == "+" else NUMBER_CONTEXT.subtract(a, b)
    except (Inexact, Rounded, Overflow, Underflow):
        raise ValidationException("Number overflow. Attempting to store a number "
                                  "with magnitude larger than supported range") from None
    return format_number(result)


def update_value(operand, item) -> dict:
    """An operand's value in SET: unlike conditions, a missing attribute is an error, not 'false'."""
    if hasattr(operand, "update_value"):
        return operand.update_value(item)
    found = operand.resolve(item)
    if found is None:
        raise ValidationException("The provided expression refers to an attribute that does not exist in the item")
    return found


def add_to(existing: dict | None, value: dict) -> dict:
    if existing is None:
        return copy_value(value)
    kind, vkind = type_of(existing), type_of(value)
    if kind != vkind:
        raise ValidationException(WRONG_TYPE)
    if kind == "N":
        return {"N": arithmetic("+", number(existing["N"]), number(value["N"]))}
    members = list(existing[kind])
    have = _set_members(existing)
    for m in value[kind]:
        key = _set_members({kind: [m]}).pop()
        if key not in have:
            have.add(key)
            members.append(m)
    return {kind: members}


def delete_from(existing: dict | None, value: dict) -> dict | None:
    """The set left after DELETE, or None when it empties (DynamoDB has no empty sets)."""
    if existing is None:
        return None
    kind = type_of(existing)
    if kind != type_of(value):
        raise ValidationException(WRONG_TYPE)
    drop = _set_members(value)
    kept = [m for m in existing[kind] if _set_members({kind: [m]}).pop() not in drop]
    return {kind: kept} if kept else None


class Update:
    """A parsed UpdateExpression. Every right-hand side reads the item as it was *before* the
    update, matching DynamoDB, so ``SET a = b, b = a`` swaps rather than duplicates."""

    def __init__(self, sets, removes, adds, deletes):
        self.sets, self.removes, self.adds, self.deletes = sets, removes, adds, deletes

    def apply(self, item: dict) -> dict:
        before = item
        result = copy_item(item)
        for path, operand in self.sets:
            assign(result, path, copy_value(update_value(operand, before)))
        for path, value in self.adds:
            existing = path.resolve(before)
            if existing is not None and type_of(existing) not in ("N",) + SET_TYPES:
                raise ValidationException(WRONG_TYPE)
            assign(result, path, add_to(existing, value.av))
        for path, value in self.deletes:
            existing = path.resolve(before)
            if existing is not None and type_of(existing) not in SET_TYPES:
                raise ValidationException(WRONG_TYPE)
            left = delete_from(existing, value.av)
            if left is None:
                remove(result, [path])
            else:
                assign(result, path, left)
        remove(result, self.removes)
        return result

    def paths(self) -> list[Path]:
        return [p for p, _ in self.sets] + list(self.removes) + [p for p, _ in self.adds] + [p for p, _ in self.deletes]


class KeyCondition:
    """A Query's key condition reduced to what a table scan-by-key needs: the partition value and
    an optional sort predicate (op is one of = < <= > >= BETWEEN begins_with)."""

    def __init__(self, partition_key, partition_value, sort_key, sort_op, sort_values):
        self.partition_key, self.partition_value = partition_key, partition_value
        self.sort_key, self.sort_op, self.sort_values = sort_key, sort_op, sort_values
        # A Query tests every item of a partition against the same bounds: order them once.
        # Key values are S, N or B; UTF-8 byte order is code point order, so strings compare as str.
        keys = [order_key(v) for v in sort_values]
        same = bool(keys) and all(k is not None for k in keys) and len({k[0] for k in keys}) == 1
        self._kind = keys[0][0] if same else None
        self._bounds = [k[1] for k in keys] if same else []

    def matches_sort(self, sort_value: dict | None) -> bool:
        op = self.sort_op
        if op is None:
            return True
        if sort_value is None:
            return False
        if op == "begins_with":
            return Function("begins_with", [Value(sort_value), Value(self.sort_values[0])]).evaluate({})
        for kind, raw in sort_value.items():
            break
        if kind != self._kind:
            return False
        value = Decimal(raw) if kind == "N" else raw if kind == "S" else bytes(raw)
        bounds = self._bounds
        if op == "=":
            return value == bounds[0]
        if op == "<":
            return value < bounds[0]
        if op == "<=":
            return value <= bounds[0]
        if op == ">":
            return value > bounds[0]
        if op == ">=":
            return value >= bounds[0]
        return bounds[0] <= value <= bounds[1]  # BETWEEN

    def evaluate(self, item: dict) -> bool:
        if not equal(item.get(self.partition_key), self.partition_value):
            return False
        return self.matches_sort(item.get(self.sort_key) if self.sort_key else None)


class Projection:
    """Selected paths; list elements picked by index come back compacted, in index order, which is
    what DynamoDB returns (``a[3], a[1]`` yields a two-element list)."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self.tree: dict = {}
        for path in paths:
            node = self.tree
            for element in path.elements[:-1]:
                node = node.setdefault(element, {})
            node[path.elements[-1]] = None  # leaf: take the whole value

    def apply(self, item: dict) -> dict:
        projected = _project({"M": item}, self.tree)
        return projected["M"] if projected else {}


def _project(av: dict, tree: dict):
    kind = type_of(av)
    if kind == "M":
        keys, container = [k for k in tree if isinstance(k, str)], av["M"]
        present = [k for k in keys if k in container]
    elif kind == "L":
        container = av["L"]
        present = sorted(k for k in tree if isinstance(k, int) and k < len(container))
    else:
        return None
    picked = []
    for key in present:
        sub = tree[key]
        value = copy_value(container[key]) if sub is None else _project(container[key], sub)
        if value is not None:
            picked.append((key, value))
    if not picked:
        return None  # DynamoDB omits a parent whose selected children are all missing
    return {"M": dict(picked)} if kind == "M" else {"L": [v for _, v in picked]}
