"""What loading and deploying a template produce.

A ``Template`` is everything that can be known before anything exists: values of
parameters and conditions, resources after the SAM transform with every intrinsic
resolved except those naming another resource (they stay as ``{"Ref": ...}``
until that resource has a physical id), and the order to create them in. A
``Stack`` is what a deploy made of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.content.problems import Mark


@dataclass
class Note:
    """Something in the template the simulator accepts but does not act on (an Export, say)."""

    mark: Mark
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.path}: {self.message}"


@dataclass
class SamEvent:
    """One entry of a SAM function's ``Events``, as the checks before SAM's transform read it."""

    name: str
    type: str
    properties: dict
    mark: Mark


@dataclass
class Resource:
    """One resource to create. ``properties`` are checked against the type's schema."""

    logical_id: str
    type: str
    properties: dict
    mark: Mark
    depends_on: list[str] = field(default_factory=list)
    condition: str | None = None
    metadata: dict = field(default_factory=dict)
    deletion_policy: str | None = None
    #: The SAM resource this one was generated from, and its type (None when written directly).
    source: str | None = None
    source_type: str | None = None
    #: Every resource this one waits for: DependsOn plus those its properties refer to.
    needs: list[str] = field(default_factory=list)
    #: Where each property was written, as (path, position): a SAM function's properties may come
    #: from Globals, and ``Code`` from ``CodeUri``; problems found later are reported there.
    written: dict[str, tuple[str, Mark]] = field(default_factory=dict)

    def where(self, key: str) -> tuple[str, Mark]:
        return self.written.get(key, (f"{self.path}.Properties.{key}", self.mark))

    @property
    def path(self) -> str:
        return f"Resources.{self.source or self.logical_id}"


@dataclass
class Output:
    name: str
    value: Any
    mark: Mark
    description: str = ""
    condition: str | None = None
    export_name: Any = None


@dataclass
class Template:
    name: str
    text: str
    base_dir: Path | None
    stack_name: str
    given_parameters: dict[str, Any]
    description: str = ""
    transforms: list[str] = field(default_factory=list)
    #: Parameter values as ``Ref`` returns them: text, or a list of text for list types.
    parameters: dict[str, Any] = field(default_factory=dict)
    pseudo: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, bool] = field(default_factory=dict)
    mappings: dict = field(default_factory=dict)
    globals: dict = field(default_factory=dict)
    #: In template order, each SAM resource followed by what it generated.
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    #: Logical ids in an order that creates every resource after those it needs.
    order: list[str] = field(default_factory=list)
    #: Resources left out because their Condition is false.
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    #: Names SAM lets a template use for what it generated (``Fn.Alias`` → the alias's logical id).
    ref_aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class PhysicalResource:
    """What a creator returns: the id ``Ref`` gives and the values ``Fn::GetAtt`` gives."""

    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class StackResource:
    logical_id: str
    type: str
    physical_id: str
    attributes: dict[str, Any]
    properties: dict


@dataclass
class Stack:
    name: str
    stack_id: str
    template: Template
    resources: dict[str, StackResource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    #: What the deploy accepted without acting on (the template's notes, resources not simulated).
    notes: list[Note] = field(default_factory=list)

    def _resource(self, logical_id: str) -> StackResource:
        try:
            return self.resources[logical_id]
        except KeyError:
            known = ", ".join(self.resources) or "none"
            raise KeyError(f"stack {self.name} has no resource '{logical_id}'; it has: {known}") from None

    def physical_id(self, logical_id: str) -> str:
        """What ``Ref`` returns for the resource (a function's name, a queue's URL, ...)."""
        return self._resource(logical_id).physical_id

    def attribute(self, logical_id: str, name: str) -> Any:
        """What ``Fn::GetAtt`` returns for the resource's attribute ``name``."""
        resource = self._resource(logical_id)
        try:
            return resource.attributes[name]
        except KeyError:
            known = ", ".join(resource.attributes) or "none"
            raise KeyError(f"{logical_id} ({resource.type}) has no attribute '{name}'; it has: {known}") from None
