"""Aliases: stable names for versions, with weighted routing for canary releases."""

from __future__ import annotations

import re

from course.sim.awslambda.config import validation_error
from course.sim.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from course.sim.awslambda.lookup import page
from course.sim.awslambda.state import Alias, Function, alias_shape, new_revision
from course.sim.service import operation

_ALIAS = re.compile(r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)")


class AliasOps:
    @operation("CreateAlias")
    def create_alias(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        name = params["Name"]
        if not _ALIAS.fullmatch(name) or len(name) > 128:
            raise validation_error(name, "name", "Member must satisfy regular expression pattern: "
                                                 "(?!^[0-9]+$)([a-zA-Z0-9-_]+)")
        if name in function.aliases:
            raise ResourceConflictException(f"Alias already exists: {function.qualified_arn(name)}")
        version = params["FunctionVersion"]
        weights = self._weights(function, version, params.get("RoutingConfig"))
        self._existing_version(function, version)
        alias = Alias(name, version, params.get("Description", ""), weights)
        function.aliases[name] = alias
        return alias_shape(function, alias)

    @operation("GetAlias")
    def get_alias(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        return alias_shape(function, self._alias(function, params["Name"]))

    @operation("UpdateAlias")
    def update_alias(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        alias = self._alias(function, params["Name"])
        self.check_revision(alias.revision_id, params.get("RevisionId"))
        version = params.get("FunctionVersion", alias.version)
        self._existing_version(function, version)
        routing = params.get("RoutingConfig")
        weights = self._weights(function, version, routing) if routing is not None else alias.weights
        if version != alias.version and alias.name in function.provisioned:
            self.pools.discard(function.name, alias.version)
        alias.version, alias.weights = version, weights
        if "Description" in params:
            alias.description = params["Description"]
        alias.revision_id = new_revision()
        return alias_shape(function, alias)

    @operation("DeleteAlias")
    def delete_alias(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        alias = self._alias(function, params["Name"])
        del function.aliases[alias.name]
        function.provisioned.pop(alias.name, None)
        function.event_configs.pop(alias.name, None)
        function.policies.pop(alias.name, None)
        return {}

    @operation("ListAliases")
    def list_aliases(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        wanted = params.get("FunctionVersion")
        rows = [alias_shape(function, a) for _, a in sorted(function.aliases.items())
                if wanted is None or a.version == wanted]
        return page(rows, "Aliases", params)

    def _alias(self, function: Function, name: str) -> Alias:
        alias = function.aliases.get(name)
        if alias is None:
            raise ResourceNotFoundException(f"Alias not found: {function.qualified_arn(name)}")
        return alias

    def _existing_version(self, function: Function, version: str) -> None:
        if version != "$LATEST" and version not in function.versions:
            raise ResourceNotFoundException(f"Function not found: {function.qualified_arn(version)}")

    def _weights(self, function: Function, primary: str, routing: dict | None) -> dict[str, float]:
        """One extra version, weight 0–1, both versions published: Lambda's rules for weighted aliases."""
        weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
        if not weights:
            return {}
        if len(weights) > 1:
            raise validation_error(weights, "routingConfig.additionalVersionWeights",
                                   "Member must have length less than or equal to 1")
        if primary == "$LATEST" or "$LATEST" in weights:
            raise InvalidParameterValueException("$LATEST is not supported for an "
                                                 "alias pointing to more than 1 version")
        for version, weight in weights.items():
            if not 0.0 <= float(weight) <= 1.0:
                raise validation_error(weight, "routingConfig.additionalVersionWeights",
                                       "Member must have value less than or equal to 1.0")
            if version == primary:
                raise InvalidParameterValueException(f"Invalid function version {version}. Function version "
                                                     f"{version} is already included in routing configuration.")
            self._existing_version(function, version)
        return {k: float(v) for k, v in weights.items()}
