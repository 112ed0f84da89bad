"""Reserved and provisioned concurrency, and the account's concurrency pool they are cut from.

The account has one pool (1,000 by default); reserving concurrency for a
function takes it out of the pool shared by every other function, and Lambda
always leaves at least 100 unreserved. Provisioned concurrency keeps
initialised environments for a published version or alias; it lives inside
the function's reserved concurrency when there is one, otherwise in the
unreserved pool.
"""

from __future__ import annotations

from course.sim.awslambda import config
from course.sim.awslambda.errors import ProvisionedConcurrencyConfigNotFoundException
from course.sim.awslambda.state import Function, ProvisionedConfig, lambda_time
from course.sim.service import operation

RESERVED_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_REASON = "ConcurrentInvocationLimitExceeded"


class ConcurrencyOps:
    # ---- reserved ---------------------------------------------------------------------------

    @operation("PutFunctionConcurrency")
    def put_function_concurrency(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        requested = params["ReservedConcurrentExecutions"]
        config.check_reserved(requested, self.concurrency_limit, self.reserved_total(exclude=function.name),
                              function.provisioned_total())
        function.reserved = requested
        return {"ReservedConcurrentExecutions": requested}

    @operation("GetFunctionConcurrency")
    def get_function_concurrency(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        return {} if function.reserved is None else {"ReservedConcurrentExecutions": function.reserved}

    @operation("DeleteFunctionConcurrency")
    def delete_function_concurrency(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        function.reserved = None
        return {}

    def reserved_total(self, exclude: str | None = None) -> int:
        return sum(f.reserved or 0 for f in self._functions.values() if f.name != exclude)

    def concurrency_cap(self, function: Function) -> tuple[int, str]:
        """How many executions this function may run at once, and the throttle reason past that."""
        if function.reserved is not None:
            return function.reserved, RESERVED_REASON
        return self.concurrency_limit - self.reserved_total(), ACCOUNT_REASON

    # ---- provisioned ------------------------------------------------------------------------

    @operation("PutProvisionedConcurrencyConfig")
    def put_provisioned_concurrency_config(self, params: dict, settle: bool = False) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        qualifier = qualifier or "$LATEST"
        requested = params["ProvisionedConcurrentExecutions"]
        version = None if qualifier == "$LATEST" else self.version(function, qualifier)
        elsewhere = function.provisioned_total() - (function.provisioned[qualifier].requested
                                                    if qualifier in function.provisioned else 0)
        unreserved_provisioned = sum(f.provisioned_total() for f in self._functions.values()
                                     if f.reserved is None and f.name != function.name)
        config.check_provisioned(qualifier, requested, function.reserved, elsewhere, self.concurrency_limit,
                                 self.reserved_total(), unreserved_provisioned + elsewhere,
                                 bool(version and version.snapstart_on))
        ready_at = self.now if settle else self.now + self.provisioning_delay_s
        function.provisioned[qualifier] = ProvisionedConfig(requested, self.now, ready_at)
        return self._provisioned_shape(function.provisioned[qualifier], answer_put=True)

    @operation("GetProvisionedConcurrencyConfig")
    def get_provisioned_concurrency_config(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        return self._provisioned_shape(self._provisioned(function, qualifier))

    @operation("DeleteProvisionedConcurrencyConfig")
    def delete_provisioned_concurrency_config(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        self._provisioned(function, qualifier)
        del function.provisioned[qualifier]
        return {}

    def _provisioned(self, function: Function, qualifier: str | None) -> ProvisionedConfig:
        found = function.provisioned.get(qualifier or "$LATEST")
        if found is None:
            raise ProvisionedConcurrencyConfigNotFoundException("No Provisioned Concurrency "
                                                                "Config found for this function")
        return found

    def _provisioned_shape(self, found: ProvisionedConfig, answer_put: bool = False) -> dict:
        ready = not answer_put and self.now >= found.ready_at
        return {"RequestedProvisionedConcurrentExecutions": found.requested,
                "AvailableProvisionedConcurrentExecutions": found.requested if ready else 0,
                "AllocatedProvisionedConcurrentExecutions": found.requested if ready else 0,
                "Status": "READY" if ready else "IN_PROGRESS",
                "LastModified": lambda_time(found.requested_at)}

    def provisioned_for(self, function: Function, version: str, at: float) -> int:
        """Initialised environments ready for ``version`` at time ``at``, through any qualifier naming it."""
        return sum(found.requested for qualifier, found in function.provisioned.items()
                   if function.version_of(qualifier) == version and at >= found.ready_at)

    # ---- account ----------------------------------------------------------------------------

    @operation("GetAccountSettings")
    def get_account_settings(self, params: dict) -> dict:
        code_bytes = 0
        for function in self._functions.values():
            code_bytes += function.latest.code.size + sum(v.code.size for v in function.versions.values())
        return {
            "AccountLimit": {"TotalCodeSize": 75 * 1024 ** 3, "CodeSizeUnzipped": config.UNZIPPED_MAX_BYTES,
                             "CodeSizeZipped": 50 * 1024 ** 2, "ConcurrentExecutions": self.concurrency_limit,
                             "UnreservedConcurrentExecutions": self.concurrency_limit - self.reserved_total()},
            "AccountUsage": {"TotalCodeSize": code_bytes, "FunctionCount": len(self._functions)},
        }
