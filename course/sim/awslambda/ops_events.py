"""Asynchronous invocation settings and the function's resource-based policy.

``EventInvokeConfig`` decides what happens to an event that keeps failing
(how many retries, how old it may get, where the record goes); the resource
policy records which services may invoke the function, so the services that
call Lambda (API Gateway, S3, EventBridge...) can ask ``allows`` before they do.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from course.sim.awslambda.config import validation_error
from course.sim.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from course.sim.awslambda.state import Function, new_revision
from course.sim.service import operation

DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE_S = 21_600
_DESTINATION = re.compile(r"arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events|s3):[a-z0-9-]*:\d{12}:.+")


class EventOps:
    # ---- EventInvokeConfig ------------------------------------------------------------------

    @operation("PutFunctionEventInvokeConfig")
    def put_function_event_invoke_config(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        qualifier = qualifier or "$LATEST"
        self.version(function, qualifier)
        retries = params.get("MaximumRetryAttempts")
        if retries is not None and not 0 <= retries <= 2:
            bound = "less than or equal to 2" if retries > 2 else "greater than or equal to 0"
            raise validation_error(retries, "maximumRetryAttempts", f"Member must have value {bound}")
        age = params.get("MaximumEventAgeInSeconds")
        if age is not None and not 60 <= age <= DEFAULT_MAX_AGE_S:
            bound = f"less than or equal to {DEFAULT_MAX_AGE_S}" if age > 60 else "greater than or equal to 60"
            raise validation_error(age, "maximumEventAgeInSeconds", f"Member must have value {bound}")
        destinations = params.get("DestinationConfig") or {}
        for kind in ("OnSuccess", "OnFailure"):
            arn = (destinations.get(kind) or {}).get("Destination")
            if arn and not _DESTINATION.fullmatch(arn):
                raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")
        stored = {"LastModified": datetime.fromtimestamp(self.now, tz=timezone.utc),
                  "FunctionArn": function.qualified_arn(qualifier)}
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            if params.get(key) is not None:
                stored[key] = params[key]
        stored["DestinationConfig"] = {k: dict(v) for k, v in destinations.items() if v}
        function.event_configs[qualifier] = stored
        return dict(stored)

    @operation("GetFunctionEventInvokeConfig")
    def get_function_event_invoke_config(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        qualifier = qualifier or "$LATEST"
        stored = function.event_configs.get(qualifier)
        if stored is None:
            raise ResourceNotFoundException(f"The function {function.qualified_arn(qualifier)} "
                                            "doesn't have an EventInvokeConfig")
        return dict(stored)

    @operation("DeleteFunctionEventInvokeConfig")
    def delete_function_event_invoke_config(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        self.get_function_event_invoke_config({"FunctionName": function.name, "Qualifier": qualifier})
        del function.event_configs[qualifier or "$LATEST"]
        return {}

    def event_settings(self, function: Function, qualifier: str | None) -> tuple[int, int, dict]:
        """Retries, maximum event age and destinations for an event sent to ``qualifier``."""
        stored = function.event_configs.get(qualifier or "$LATEST", {})
        retries = stored.get("MaximumRetryAttempts", DEFAULT_RETRIES)
        age = stored.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S)
        return retries, age, stored.get("DestinationConfig", {})

    # ---- resource policy --------------------------------------------------------------------

    @operation("AddPermission")
    def add_permission(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        if qualifier:
            self.version(function, qualifier)
        key = qualifier or ""
        statements = function.policies.setdefault(key, [])
        self.check_revision(function.policy_revisions.get(key, ""), params.get("RevisionId"))
        sid = params["StatementId"]
        if any(s["Sid"] == sid for s in statements):
            raise ResourceConflictException(f"The statement id ({sid}) provided already exists. Please "
                                            "provide a new statement id, or remove the existing statement.")
        statement = _statement(function.qualified_arn(qualifier), params)
        statements.append(statement)
        function.policy_revisions[key] = new_revision()
        return {"Statement": json.dumps(statement, separators=(",", ":"))}

    @operation("RemovePermission")
    def remove_permission(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        statements = function.policies.get(qualifier or "", [])
        kept = [s for s in statements if s["Sid"] != params["StatementId"]]
        if len(kept) == len(statements):
            raise ResourceNotFoundException(f"Statement {params['StatementId']} is not found in resource policy.")
        function.policies[qualifier or ""] = kept
        function.policy_revisions[qualifier or ""] = new_revision()
        return {}

    @operation("GetPolicy")
    def get_policy(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        statements = function.policies.get(qualifier or "")
        if not statements:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        policy = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
        return {"Policy": json.dumps(policy, separators=(",", ":")),
                "RevisionId": function.policy_revisions[qualifier or ""]}

    def allows(self, function_name: str, principal: str, source_arn: str | None = None,
               qualifier: str | None = None) -> bool:
        """Whether the function's policy lets ``principal`` (e.g. ``apigateway.amazonaws.com``) invoke it."""
        function, qualifier = self.function(function_name, qualifier)
        for statement in function.policies.get(qualifier or "", []):
            granted = statement["Principal"].get("Service") or statement["Principal"].get("AWS")
            if granted not in (principal, "*"):
                continue
            pattern = statement.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
            if pattern and not (source_arn and _arn_like(pattern, source_arn)):
                continue
            return True
        return False


def _statement(resource: str, params: dict) -> dict:
    principal = params["Principal"]
    who = {"Service": principal} if "." in principal and not principal.startswith("arn:") else {"AWS": principal}
    statement = {"Sid": params["StatementId"], "Effect": "Allow", "Principal": who,
                 "Action": params["Action"], "Resource": resource}
    condition: dict = {}
    if params.get("SourceArn"):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = params["SourceArn"]
    if params.get("SourceAccount"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = params["SourceAccount"]
    if params.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
    if params.get("FunctionUrlAuthType"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = params["FunctionUrlAuthType"]
    if condition:
        statement["Condition"] = condition
    return statement


def _arn_like(pattern: str, arn: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn) is not None
