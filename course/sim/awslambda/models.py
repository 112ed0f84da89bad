"""The simulated Lambda service: functions, versions, aliases, concurrency, invocation.

One instance per account. Operations take the API's parameters and answer in
botocore's output shapes; the same methods serve the boto3 bridge, a learner's
handler calling boto3 from inside Lambda, and the template creators in
``resources.py``, so every path meets the same rules (``config.py``).

Operation groups live in their own modules (aliases, concurrency, events,
invoke); this module holds the functions and their versions.
"""

from __future__ import annotations

import copy
import random

from course.sim.awslambda import config
from course.sim.awslambda.ops_aliases import AliasOps
from course.sim.awslambda.code import CodeStore
from course.sim.awslambda.ops_concurrency import ConcurrencyOps
from course.sim.awslambda.environments import Pools
from course.sim.awslambda.errors import InvalidParameterValueException, ResourceConflictException
from course.sim.awslambda.ops_esm import EventSourceMappingOps
from course.sim.awslambda.ops_events import EventOps
from course.sim.awslambda.invocations import AsyncQueue, InvocationLog
from course.sim.awslambda.ops_invoke import InvokeOps
from course.sim.awslambda.lookup import Registry, page
from course.sim.awslambda.state import Function, Version, configuration, new_revision
from course.sim.service import Service, operation

#: Configuration parameters CreateFunction and UpdateFunctionConfiguration share.
CONFIG_KEYS = ("Runtime", "Handler", "Role", "Description", "Timeout", "MemorySize", "Environment",
               "EphemeralStorage", "Architectures", "PackageType", "Layers", "SnapStart", "TracingConfig",
               "DeadLetterConfig", "VpcConfig", "KMSKeyArn", "LoggingConfig", "ImageConfig", "FileSystemConfigs")

DEFAULTS = {"Timeout": config.DEFAULT_TIMEOUT_S, "MemorySize": config.DEFAULT_MEMORY_MB,
            "EphemeralStorage": {"Size": config.EPHEMERAL_MIN_MB}, "Architectures": ["x86_64"],
            "PackageType": "Zip", "Description": ""}


class LambdaService(Registry, AliasOps, ConcurrencyOps, EventOps, EventSourceMappingOps, InvokeOps, Service):
    name = "lambda"

    #: Idle time after which a warm environment is reclaimed. AWS publishes no figure; observed
    #: reclaim times are minutes, so ten simulated minutes stands in for them.
    reclaim_after_s = 600.0
    #: Time provisioned concurrency takes to become READY after an API call ("a few minutes" in the
    #: docs; templates wait for READY, as CloudFormation does).
    provisioning_delay_s = 60.0

    def __init__(self, account):
        self._functions: dict[str, Function] = {}
        self.concurrency_limit = config.ACCOUNT_CONCURRENCY
        self.code_store = CodeStore()
        self.pools = Pools(self)
        self.invocation_log = InvocationLog()
        self.queue = AsyncQueue()
        #: Records sent to on-success/on-failure destinations and dead-letter queues, in order.
        self.deliveries: list[dict] = []
        self.load_reports: list = []
        self.in_flight: dict[str, int] = {}
        self.rng = random.Random(0)
        self.environment_factory = None
        super().__init__(account)

    def close(self) -> None:
        self.pools.close()
        self.code_store.close()

    @property
    def functions(self) -> dict[str, Function]:
        return self._functions

    # ---- functions -------------------------------------------------------------------------

    @operation("CreateFunction")
    def create_function(self, params: dict) -> dict:
        name = params["FunctionName"]
        config.check_function_name(name)
        if name in self._functions:
            raise ResourceConflictException(f"Function already exist: {name}")
        cfg = copy.deepcopy(DEFAULTS)
        cfg.update({k: copy.deepcopy(params[k]) for k in CONFIG_KEYS if k in params})
        code = params.get("Code") or {}
        if isinstance(code, dict) and code.get("ImageUri"):
            cfg["ImageUri"] = code["ImageUri"]
        config.validate(cfg, self.now, creating=True)
        bundle = self.code_store.store(code, cfg.get("Runtime"))
        function = Function(name, self.function_arn(name), Version("$LATEST", cfg, bundle, self.now),
                            tags=dict(params.get("Tags") or {}))
        self._functions[name] = function
        if params.get("Publish"):
            self._publish(function, "")
        return configuration(function, function.latest, qualified=False)

    @operation("GetFunction")
    def get_function(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        version = self.version(function, qualifier)
        code = version.code
        if code.image_uri:
            location = {"RepositoryType": "ECR", "ImageUri": code.image_uri, "ResolvedImageUri": code.image_uri}
        else:
            location = {"RepositoryType": "S3", "Location": code.code_dir.as_uri()}
        out = {"Configuration": configuration(function, version, qualified=bool(qualifier)), "Code": location}
        if function.tags:
            out["Tags"] = dict(function.tags)
        if function.reserved is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved}
        return out

    @operation("GetFunctionConfiguration")
    def get_function_configuration(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        return configuration(function, self.version(function, qualifier), qualified=bool(qualifier))

    @operation("UpdateFunctionConfiguration")
    def update_function_configuration(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        latest = function.latest
        self.check_revision(latest.revision_id, params.get("RevisionId"))
        cfg = copy.deepcopy(latest.config)
        cfg.update({k: copy.deepcopy(params[k]) for k in CONFIG_KEYS if k in params})
        config.validate(cfg, self.now, creating=False)
        self._replace_latest(function, cfg, latest.code)
        return configuration(function, function.latest, qualified=False)

    @operation("UpdateFunctionCode")
    def update_function_code(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        latest = function.latest
        self.check_revision(latest.revision_id, params.get("RevisionId"))
        cfg = copy.deepcopy(latest.config)
        if params.get("Architectures"):
            cfg["Architectures"] = list(params["Architectures"])
        code = {k: params[k] for k in ("ZipFile", "S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri") if k in params}
        if cfg["PackageType"] == "Image" and params.get("ImageUri"):
            cfg["ImageUri"] = params["ImageUri"]
        config.validate(cfg, self.now, creating=False)
        if params.get("DryRun"):
            return configuration(function, latest, qualified=False)
        bundle = self.code_store.store(code, cfg.get("Runtime"))
        self._replace_latest(function, cfg, bundle)
        if params.get("Publish"):
            self._publish(function, "")
        return configuration(function, function.latest, qualified=False)

    def _replace_latest(self, function: Function, cfg: dict, bundle) -> None:
        """New configuration or code: warm environments of ``$LATEST`` run the old one, so they go."""
        function.latest = Version("$LATEST", cfg, bundle, self.now)
        self.pools.discard(function.name, "$LATEST")

    @operation("DeleteFunction")
    def delete_function(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        if qualifier:
            self._delete_version(function, qualifier)
            return {"StatusCode": 204}
        for number in ["$LATEST", *function.versions]:
            self.pools.discard(function.name, number)
        del self._functions[function.name]
        self.in_flight.pop(function.name, None)
        return {"StatusCode": 204}

    def _delete_version(self, function: Function, qualifier: str) -> None:
        if qualifier == "$LATEST":
            raise InvalidParameterValueException("$LATEST version cannot be deleted without deleting the function.")
        if qualifier in function.aliases:
            raise InvalidParameterValueException("Deletion of aliases is not currently supported.")
        self.version(function, qualifier)
        users = sorted(a.name for a in function.aliases.values() if a.version == qualifier or qualifier in a.weights)
        if users:
            raise ResourceConflictException("Unable to delete version because the "
                                            f"following aliases reference it: {users}")
        del function.versions[qualifier]
        function.provisioned.pop(qualifier, None)
        function.event_configs.pop(qualifier, None)
        self.pools.discard(function.name, qualifier)

    @operation("ListFunctions")
    def list_functions(self, params: dict) -> dict:
        everything = params.get("FunctionVersion") == "ALL"
        rows = []
        for name in sorted(self._functions):
            function = self._functions[name]
            rows.append(configuration(function, function.latest, qualified=everything))
            if everything:
                rows.extend(configuration(function, v, qualified=True) for v in function.versions.values())
        return page(rows, "Functions", params)

    # ---- versions --------------------------------------------------------------------------

    @operation("PublishVersion")
    def publish_version(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        latest = function.latest
        self.check_revision(latest.revision_id, params.get("RevisionId"))
        wanted = params.get("CodeSha256")
        if wanted and wanted != latest.code.sha256:
            raise InvalidParameterValueException(f"CodeSHA256 ({wanted}) is different from current "
                                                 f"CodeSHA256 in $LATEST ({latest.code.sha256}). "
                                                 "Please try again with the CodeSHA256 in $LATEST.")
        version = self._publish(function, params.get("Description", ""))
        return configuration(function, version, qualified=True)

    def _publish(self, function: Function, description: str) -> Version:
        """Lambda does not publish a version identical to the last one; it returns that one."""
        if function.versions:
            last = function.versions[max(function.versions, key=int)]
            if last.same_as(function.latest):
                return last
        number = str(function.next_version)
        function.next_version += 1
        version = function.latest.frozen(number, self.now, description)
        function.versions[number] = version
        function.latest.revision_id = new_revision()
        return version

    @operation("ListVersionsByFunction")
    def list_versions_by_function(self, params: dict) -> dict:
        function, _ = self.function(params["FunctionName"])
        rows = [configuration(function, function.latest, qualified=True)]
        rows += [configuration(function, function.versions[n], qualified=True)
                 for n in sorted(function.versions, key=int)]
        return page(rows, "Versions", params)

