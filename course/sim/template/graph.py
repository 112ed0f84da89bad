"""Which resources a value refers to, and an order that creates each resource after those it needs.

After loading, the only intrinsics left in a value are the ones that name
resources, so walking a value finds exactly its dependencies. Creation order is
the template's own order wherever the dependencies allow, so a deploy is the
same every time; a cycle is reported where it starts, naming every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.content.problems import Mark, Problems
from course.sim.template.intrinsics import SUB_VARIABLE, resource_target
from course.sim.template.values import function_of, mark_of, text_position, value_mark


@dataclass(frozen=True)
class Reference:
    logical_id: str
    attribute: str | None
    path: str
    mark: Mark


def find_references(value, path: str, mark: Mark) -> list[Reference]:
    found: list[Reference] = []
    _walk(value, path, mark, found)
    return found


def _walk(value, path: str, mark: Mark, found: list[Reference]) -> None:
    fn = function_of(value)
    here = mark_of(value, mark)
    if fn == "Ref" and isinstance(value[fn], str):
        found.append(Reference(value[fn], None, path, here))
        return
    if fn == "Fn::GetAtt" and isinstance(value[fn], list) and len(value[fn]) == 2 \
            and all(isinstance(part, str) for part in value[fn]):
        found.append(Reference(value[fn][0], value[fn][1], path, here))
        return
    if fn == "Fn::Sub":
        arg = value[fn]
        if isinstance(arg, str):
            text, variables = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text, variables = arg
        else:
            text, variables = "", {}
        for match in SUB_VARIABLE.finditer(text):
            name = match.group(1).strip()
            if name.startswith("!") or name in variables or name.startswith("AWS::"):
                continue
            where = text_position(value, fn, match.start(), here) if isinstance(arg, str) else value_mark(arg, 0, here)
            logical, attribute = resource_target(name)
            found.append(Reference(logical, attribute, path, where))
        for key, item in variables.items():
            _walk(item, path, value_mark(variables, key, here), found)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, path if fn else f"{path}.{key}", value_mark(value, key, mark), found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, path if fn else f"{path}[{i}]", value_mark(value, i, mark), found)


def creation_order(resources: dict, edges: dict[tuple[str, str], tuple[str, Mark]], problems: Problems) -> list[str]:
    """Logical ids, each after everything in its ``needs``; every cycle becomes one problem."""
    position = {logical: i for i, logical in enumerate(resources)}
    waiting = {logical: {n for n in resource.needs if n in resources} for logical, resource in resources.items()}
    order: list[str] = []
    ready = sorted((logical for logical, needs in waiting.items() if not needs), key=position.get)
    while ready:
        logical = ready.pop(0)
        order.append(logical)
        for other, needs in waiting.items():
            if logical in needs:
                needs.discard(logical)
                if not needs:
                    ready.append(other)
        ready.sort(key=position.get)
        waiting[logical] = set()
    stuck = [logical for logical in resources if logical not in order]
    reported: set[str] = set()
    for start in stuck:
        if start in reported:
            continue
        loop = _cycle_from(start, waiting)
        if loop is None:
            continue  # only waits for a cycle; that cycle is reported from its own members
        reported.update(loop)
        first = min(loop[:-1], key=position.get)
        at = loop.index(first)
        loop = loop[at:-1] + loop[:at] + [first]
        path, mark = edges.get((loop[0], loop[1]), (resources[first].path, resources[first].mark))
        steps = " -> ".join(loop)
        message = (f"refers to itself ({steps})" if len(loop) == 2
                   else f"circular dependency: {steps}; CloudFormation cannot create any of them first")
        problems.add(mark, path, message)
    return order


def _cycle_from(start: str, waiting: dict[str, set[str]]) -> list[str] | None:
    """The shortest loop through ``start``, as [start, b, ..., start], or None when it is on none."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(waiting.get(node, ())):
                if nxt == start:
                    loop = [node]
                    while loop[-1] != start:
                        loop.append(parents[loop[-1]])
                    return [start, *reversed(loop[:-1]), start] if len(loop) > 1 else [start, start]
                if nxt not in parents:
                    parents[nxt] = node
                    following.append(nxt)
        frontier = following
    return None
