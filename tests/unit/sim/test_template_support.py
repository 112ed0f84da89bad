"""Helpers shared by the template tests (this module holds no tests itself)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from course.sim.errors import TemplateError
from course.sim.template import PhysicalResource, load_template
from course.sim.template import types
from course.content.yamlsrc import plain

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


def text(source: str) -> str:
    return dedent(source).lstrip("\n")


def load(source: str, **kwargs):
    return load_template(text(source), **kwargs)


def problems(source, **kwargs) -> list[str]:
    """Every problem of a template (text, or a Path), as the lines a learner sees."""
    with pytest.raises(TemplateError) as caught:
        load_template(source if isinstance(source, Path) else text(source), **kwargs)
    return [str(problem) for problem in caught.value.problems]


def props(source: str, logical: str = "Fn", **kwargs) -> dict:
    return plain(load(source, **kwargs).resources[logical].properties)


@pytest.fixture
def registry():
    """Creators registered by a test are forgotten afterwards; services' own creators are loaded first."""
    types.load_types()
    tables = (types.CREATORS, types.REGISTRATIONS, types.SCHEMAS, types.SAM_TYPES,
              types.LOCAL_CODE)
    saved = tuple(dict(table) for table in tables)
    yield types
    for live, copy in zip(tables, saved):
        live.clear()
        live.update(copy)


class Recorder:
    """Fake Lambda and DynamoDB creators that remember what they were asked to create, in order."""

    def __init__(self, registry):
        self.calls: list[tuple[str, str, dict]] = []
        registry.register_creator("AWS::Lambda::Function", self.function, ["Arn"])
        registry.register_creator("AWS::Lambda::Version", self.version, ["Version", "FunctionArn"])
        registry.register_creator("AWS::Lambda::Alias", self.alias, ["AliasArn"])
        registry.register_creator("AWS::DynamoDB::Table", self.table, ["Arn", "StreamArn"])
        registry.register_creator("AWS::Lambda::EventSourceMapping", self.mapping, ["Id"])

    def record(self, context, logical, props):
        self.calls.append((logical, context.resource.type, props))

    def function(self, account, logical, props, context):
        self.record(context, logical, props)
        name = props.get("FunctionName") or context.physical_name(64)
        return PhysicalResource(name, {"Arn": f"arn:aws:lambda:{context.region}:{context.account_id}:function:{name}"})

    def version(self, account, logical, props, context):
        self.record(context, logical, props)
        arn = f"{props['FunctionName']}:1"
        return PhysicalResource(arn, {"Version": "1", "FunctionArn": arn})

    def alias(self, account, logical, props, context):
        self.record(context, logical, props)
        arn = f"arn:aws:lambda:{context.region}:{context.account_id}:function:{props['FunctionName']}:{props['Name']}"
        return PhysicalResource(arn, {"AliasArn": arn})

    def mapping(self, account, logical, props, context):
        self.record(context, logical, props)
        return PhysicalResource(f"uuid-{logical}", {"Id": f"uuid-{logical}"})

    def table(self, account, logical, props, context):
        self.record(context, logical, props)
        name = props.get("TableName") or context.physical_name(255)
        return PhysicalResource(name, {"Arn": f"arn:aws:dynamodb:{context.region}:{context.account_id}:table/{name}",
                                       "StreamArn": ""})

    @property
    def order(self) -> list[str]:
        return [logical for logical, _, _ in self.calls]

    def props(self, logical: str) -> dict:
        return next(props for name, _, props in self.calls if name == logical)
