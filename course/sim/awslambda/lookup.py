"""Finding a function, version or alias from the many ways Lambda lets a caller name one.

``FunctionName`` may be a name, a full or partial ARN, and may carry a
qualifier (``my-fn:prod``); ``Qualifier`` may say the same thing again. The
not-found messages quote the full ARN, as Lambda's do, so a learner who typed
the wrong Region or alias sees it in the error.
"""

from __future__ import annotations

import re

from course.sim.awslambda.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceNotFoundException,
    ValidationException,
)
from course.sim.awslambda.state import Function, Version

_NAME = re.compile(
    r"(?:arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:|(?P<partial>\d{12}):function:)?"
    r"(?P<name>[a-zA-Z0-9-_]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?")


class Registry:
    """State lookups shared by every group of operations."""

    _functions: dict[str, Function]

    @property
    def now(self) -> float:
        return self.account.clock.now()

    def function_arn(self, name: str) -> str:
        return self.account.arn("lambda", f"function:{name}")

    def split_name(self, function_name: str, qualifier: str | None = None) -> tuple[str, str | None]:
        match = _NAME.fullmatch(function_name or "")
        if not match:
            raise ValidationException(f"1 validation error detected: Value '{function_name}' at 'functionName' failed "
                                      "to satisfy constraint: Member must satisfy regular expression pattern: "
                                      "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
                                      "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
        derived = match.group("qualifier")
        if derived and qualifier and derived != qualifier:
            raise InvalidParameterValueException("The derived qualifier from the function "
                                                 "name does not match the specified qualifier.")
        account = match.group("account") or match.group("partial")
        region = match.group("region")
        if (account and account != self.account.account_id) or (region and region != self.account.region):
            raise ResourceNotFoundException(f"Function not found: {function_name}")
        return match.group("name"), derived or qualifier or None

    def function(self, function_name: str, qualifier: str | None = None) -> tuple[Function, str | None]:
        name, qualifier = self.split_name(function_name, qualifier)
        function = self._functions.get(name)
        if function is None:
            arn = self.function_arn(name)
            raise ResourceNotFoundException(f"Function not found: {arn}:{qualifier}" if qualifier
                                            else f"Function not found: {arn}")
        return function, qualifier

    def version(self, function: Function, qualifier: str | None) -> Version:
        """The version a qualifier names: ``$LATEST`` when absent, a number, or an alias's primary version."""
        number = function.version_of(qualifier or "$LATEST")
        if number == "$LATEST":
            return function.latest
        version = function.versions.get(number)
        if version is None:
            raise ResourceNotFoundException(f"Function not found: {function.qualified_arn(qualifier)}")
        return version

    def check_revision(self, current: str, given: str | None) -> None:
        if given and given != current:
            raise PreconditionFailedException("The Revision Id provided does not match the latest Revision Id. "
                                              "Call the GetFunction/GetAlias API to retrieve the latest Revision Id")


def page(rows: list, key: str, params: dict) -> dict:
    """Marker-based paging, so a learner's pagination loop meets the same NextMarker it would on AWS."""
    start = int(params.get("Marker") or 0)
    size = params.get("MaxItems") or 50
    out = {key: rows[start:start + size]}
    if start + size < len(rows):
        out["NextMarker"] = str(start + size)
    return out
