"""Lambda's configuration rules, applied identically to API calls and template deploys.

A learner meets these rules twice: as an ``InvalidParameterValueException``
from ``create_function`` and as a failed stack deploy. Both paths call the
functions here with the API's parameter names, so the two can never disagree.
Each check raises the error Lambda itself answers with, so the message a
learner reads in the simulator is the one they will search for later.

Limits come from /work/shared/facts.md sections 1 and 2 and the pages named
beside each constant.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from course.sim.awslambda.errors import InvalidParameterValueException, ValidationException

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
MEMORY_MIN_MB, MEMORY_MAX_MB = 128, 10_240
TIMEOUT_MIN_S, TIMEOUT_MAX_S = 1, 900
EPHEMERAL_MIN_MB, EPHEMERAL_MAX_MB = 512, 10_240
ENVIRONMENT_MAX_BYTES = 4 * 1024
MAX_LAYERS = 5
UNZIPPED_MAX_BYTES = 262_144_000
DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S = 128, 3
ARCHITECTURES = ("x86_64", "arm64")

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (1,000 per Region, soft)
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: "You can reserve up
# to the Unreserved account concurrency value that is shown, minus 100 for functions that don't
# have reserved concurrency."
ACCOUNT_CONCURRENCY = 1_000
MIN_UNRESERVED = 100

# https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html; facts.md: async was 256 KB before Oct 2025.
SYNC_PAYLOAD_MAX = 6 * 1024 * 1024
ASYNC_PAYLOAD_MAX = 1024 * 1024
#: Lambda reports an oversized *response* with this figure, 100 bytes above 6 MiB.
SYNC_RESPONSE_MAX = 6_291_556

# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (reserved variables)
RESERVED_ENV_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
})

_ROLE = re.compile(r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
_ENV_KEY = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")
_LAYER = re.compile(r"arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:"
                    r"[a-zA-Z0-9-_]+:[0-9]+")
_FUNCTION_NAME = re.compile(r"[a-zA-Z0-9-_]{1,64}")


def _day(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()


#: identifier → (deprecation date, block function create, block function update); None = not scheduled
#: or not found. Dates are those of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
#: as quoted in 2025–2026 (the page itself could not be read whole; far-future block-update dates
#: come from endoflife.date's copy of it). Lambda has moved the block dates of deprecated runtimes
#: more than once (nodejs18.x and python3.9: first early 2026, then Jun/Jul 2026, now 1 Feb / 3 Mar
#: 2027), so this table is the one place to edit when it moves again.
RUNTIMES: dict[str, tuple[str | None, str | None, str | None]] = {
    "python3.14": ("2029-06-30", None, "2029-08-31"),
    "python3.13": ("2029-06-30", None, "2029-08-31"),
    "python3.12": ("2028-10-31", None, None),
    "python3.11": ("2027-06-30", None, None),
    "python3.10": ("2026-10-31", None, None),
    "python3.9": ("2025-12-15", "2027-02-01", "2027-03-03"),
    "nodejs24.x": ("2028-04-30", None, "2028-07-01"),
    "nodejs22.x": ("2027-04-30", None, "2027-07-01"),
    "nodejs20.x": ("2026-04-30", "2026-06-01", "2026-07-01"),
    "nodejs18.x": ("2025-09-01", "2027-02-01", "2027-03-03"),
    "java25": ("2029-06-30", None, None),
    "java21": ("2029-06-30", None, None),
    "java17": ("2026-06-30", None, None),
    "java11": ("2026-06-30", None, None),
    "java8.al2": ("2026-06-30", None, None),
    "dotnet10": ("2028-11-14", None, "2029-01-15"),
    "dotnet8": ("2026-11-10", None, None),
    "ruby3.4": ("2028-03-31", None, "2028-05-31"),
    "ruby3.3": ("2027-03-31", None, None),
    "ruby3.2": ("2026-03-31", None, None),
    "provided.al2023": ("2029-06-30", None, None),
    "provided.al2": ("2026-06-30", None, None),
    # Deprecated and blocked for create and update before the simulator's default start (2026-01-01).
    "python3.8": ("2024-10-14", "2025-10-01", "2025-11-01"),
    "nodejs16.x": ("2024-06-12", "2025-10-01", "2025-11-01"),
    "dotnet6": ("2024-12-20", "2025-10-01", "2025-11-01"),
    "python3.7": ("2023-12-04", "2024-01-09", "2025-02-28"),
    "nodejs14.x": ("2023-12-04", "2024-01-09", "2025-02-28"),
    "ruby2.7": ("2023-12-07", "2024-01-09", "2025-02-28"),
    "java8": ("2024-01-08", "2024-02-08", "2025-02-28"),
    "go1.x": ("2024-01-08", "2024-02-08", "2025-02-28"),
    "provided": ("2024-01-08", "2024-02-08", "2025-02-28"),
    "dotnet7": ("2024-05-14", "2024-05-14", "2024-05-14"),
    "nodejs12.x": ("2023-03-31", "2023-03-31", "2023-04-30"),
    "dotnetcore3.1": ("2023-04-03", "2023-04-03", "2023-05-03"),
    "python3.6": ("2022-07-18", "2022-07-18", "2022-08-29"),
    "dotnetcore2.1": ("2022-01-05", "2022-01-05", "2022-04-13"),
    "nodejs10.x": ("2021-07-30", "2021-07-30", "2022-02-14"),
    "ruby2.5": ("2021-07-30", "2021-07-30", "2022-03-31"),
    "python2.7": ("2021-07-15", "2021-07-15", "2022-05-30"),
    "nodejs8.10": ("2020-03-06", "2020-03-06", "2020-03-06"),
    "nodejs4.3": ("2020-03-05", "2020-03-05", "2020-03-05"),
    "nodejs4.3-edge": ("2019-04-30", "2019-04-30", "2019-04-30"),
    "nodejs6.10": ("2019-08-12", "2019-08-12", "2019-08-12"),
    "dotnetcore1.0": ("2019-07-30", "2019-07-30", "2019-07-30"),
    "dotnetcore2.0": ("2019-05-30", "2019-05-30", "2019-05-30"),
    "nodejs": ("2016-10-31", "2016-10-31", "2016-10-31"),
}

# facts.md section 2 / https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html
_SNAPSTART = re.compile(r"(java(1[1-9]|[2-9]\d)(\.al2023)?)|(python3\.(1[2-9]|[2-9]\d))|(dotnet([89]|\d\d))")


def validation_error(value, member: str, constraint: str) -> ValidationException:
    """Lambda's model-level rejection: one field, its camelCase path, the broken constraint."""
    return ValidationException(f"1 validation error detected: Value '{value}' at "
                               f"'{member}' failed to satisfy constraint: {constraint}")


def _between(value, low: int, high: int, member: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise validation_error(value, member, "Member must be an integer")
    if value < low:
        raise validation_error(value, member, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise validation_error(value, member, f"Member must have value less than or equal to {high}")


def check_function_name(name: str) -> None:
    if len(name) > 64:
        raise validation_error(name, "functionName", "Member must have length less than or equal to 64")
    if not _FUNCTION_NAME.fullmatch(name):
        raise validation_error(name, "functionName",
                               "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+")


def check_memory(mb) -> None:
    """128–10,240 MB in 1 MB steps: any integer in range is valid, so the range is the whole rule."""
    _between(mb, MEMORY_MIN_MB, MEMORY_MAX_MB, "memorySize")


def check_timeout(seconds) -> None:
    _between(seconds, TIMEOUT_MIN_S, TIMEOUT_MAX_S, "timeout")


def check_ephemeral(mb) -> None:
    _between(mb, EPHEMERAL_MIN_MB, EPHEMERAL_MAX_MB, "ephemeralStorage.size")


def environment_size(variables: dict[str, str]) -> tuple[int, str]:
    """Lambda measures the variables as one compact JSON object and quotes it in its error."""
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    return len(measured.encode("utf-8")), measured


def check_environment(variables: dict) -> None:
    for key in variables:
        if not _ENV_KEY.fullmatch(key):
            raise validation_error(key, "environment.variables",
                                   "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+")
    reserved = sorted(k for k in variables if k in RESERVED_ENV_KEYS)
    if reserved:
        raise InvalidParameterValueException("Lambda was unable to configure your environment variables "
                                             "because the environment variables you have provided contains "
                                             "reserved keys that are currently not supported for modification. "
                                             f"Reserved keys used in this request: {', '.join(reserved)}")
    size, measured = environment_size({k: str(v) for k, v in variables.items()})
    if size > ENVIRONMENT_MAX_BYTES:
        raise InvalidParameterValueException("Lambda was unable to configure your environment variables because the "
                                             "environment variables you have provided exceeded the 4KB limit. String "
                                             "measured: " + measured)


def runtime_phase(runtime: str, now: float) -> str:
    """'supported', 'deprecated' (still creatable), 'create-blocked' or 'update-blocked'."""
    deprecated, block_create, block_update = RUNTIMES[runtime]
    if block_update and now >= _day(block_update):
        return "update-blocked"
    if block_create and now >= _day(block_create):
        return "create-blocked"
    if deprecated and now >= _day(deprecated):
        return "deprecated"
    return "supported"


def check_runtime(runtime: str, now: float, creating: bool) -> None:
    """A deprecated runtime stays usable until its block dates, as on AWS; then Lambda refuses it."""
    if runtime not in RUNTIMES:
        allowed = ", ".join(RUNTIMES)
        raise validation_error(runtime, "runtime", f"Member must satisfy enum value set: [{allowed}]")
    phase = runtime_phase(runtime, now)
    if phase == "update-blocked" or (creating and phase == "create-blocked"):
        raise InvalidParameterValueException(f"The runtime parameter of {runtime} is no longer supported for "
                                             "creating or updating AWS Lambda functions. We recommend you "
                                             "use a supported runtime while creating or upgrading functions.")


def snapstart_supported(runtime: str | None) -> bool:
    return bool(runtime) and bool(_SNAPSTART.fullmatch(runtime))


def validate(cfg: dict, now: float, creating: bool) -> None:
    """Every rule on a function's full configuration; raises the first error, as Lambda does."""
    check_memory(cfg["MemorySize"])
    check_timeout(cfg["Timeout"])
    check_ephemeral(cfg["EphemeralStorage"]["Size"])
    role = cfg.get("Role") or ""
    if not _ROLE.fullmatch(role):
        raise validation_error(role, "role", "Member must satisfy regular expression pattern: "
                                             "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
    arches = cfg["Architectures"]
    if len(arches) != 1:
        bound = "less" if len(arches) > 1 else "greater"
        raise validation_error("[" + ", ".join(arches) + "]", "architectures",
                               f"Member must have length {bound} than or equal to 1")
    if arches[0] not in ARCHITECTURES:
        raise validation_error(arches[0], "architectures", "Member must satisfy enum value set: [x86_64, arm64]")
    layers = cfg.get("Layers") or []
    for arn in layers:
        if not _LAYER.fullmatch(arn):
            raise validation_error(arn, "layers", "Member must satisfy regular expression pattern: "
                                                  "arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}:"
                                                  "layer:[a-zA-Z0-9-_]+:[0-9]+")
    _check_package(cfg, layers, now, creating)
    check_environment(cfg.get("Environment", {}).get("Variables") or {})
    _check_snapstart(cfg)


def _check_package(cfg: dict, layers: list, now: float, creating: bool) -> None:
    if cfg["PackageType"] == "Image":
        if cfg.get("Handler") or cfg.get("Runtime") or layers:
            raise InvalidParameterValueException("Please don't provide Handler or Runtime or Layer "
                                                 "when the intended function PackageType is Image.")
        if not cfg.get("ImageUri"):
            raise InvalidParameterValueException("Please provide ImageUri when the "
                                                 "intended function PackageType is Image.")
        return
    if cfg.get("ImageUri"):
        raise InvalidParameterValueException("Please don't provide ImageUri when the "
                                             "intended function PackageType is Zip.")
    if not cfg.get("Runtime") or not cfg.get("Handler"):
        raise InvalidParameterValueException("Runtime and Handler are mandatory parameters "
                                             "for functions created with deployment packages.")
    check_runtime(cfg["Runtime"], now, creating)
    if len(layers) > MAX_LAYERS:
        raise InvalidParameterValueException(f"Cannot reference more than {MAX_LAYERS} layers.")


def _check_snapstart(cfg: dict) -> None:
    """facts.md section 2: supported runtimes only; never with EFS or more than 512 MB of /tmp."""
    if cfg.get("SnapStart", {}).get("ApplyOn", "None") != "PublishedVersions":
        return
    if cfg["PackageType"] == "Image":
        raise InvalidParameterValueException("SnapStart is not supported for functions with PackageType Image.")
    if not snapstart_supported(cfg.get("Runtime")):
        raise InvalidParameterValueException(f"{cfg.get('Runtime')} is not supported for SnapStart enabled functions.")
    if cfg["EphemeralStorage"]["Size"] > EPHEMERAL_MIN_MB:
        raise InvalidParameterValueException("SnapStart is not supported for functions "
                                             "with more than 512 MB of ephemeral storage.")
    if cfg.get("FileSystemConfigs"):
        raise InvalidParameterValueException("SnapStart is not supported for functions with an Amazon EFS file system.")


def check_reserved(requested: int, account_limit: int, reserved_elsewhere: int, provisioned_here: int) -> None:
    """Reserved concurrency may never leave fewer than 100 unreserved executions in the account."""
    if requested < 0:
        raise validation_error(requested, "reservedConcurrentExecutions",
                               "Member must have value greater than or equal to 0")
    if account_limit - reserved_elsewhere - requested < MIN_UNRESERVED:
        raise InvalidParameterValueException("Specified ReservedConcurrentExecutions for function "
                                             "decreases account's UnreservedConcurrentExecution "
                                             f"below its minimum value of [{MIN_UNRESERVED}].")
    if requested < provisioned_here:
        raise InvalidParameterValueException("Specified ReservedConcurrentExecutions for "
                                             f"function ({requested}) is less than the function's "
                                             f"total provisioned concurrency ({provisioned_here}).")


def check_provisioned(qualifier: str, requested: int, reserved: int | None, provisioned_elsewhere: int,
                      account_limit: int, reserved_total: int, unreserved_provisioned: int,
                      snapstart_on: bool) -> None:
    """Provisioned concurrency: published versions or aliases only, within reserved or unreserved room."""
    if qualifier == "$LATEST":
        raise InvalidParameterValueException("Provisioned Concurrency Configs cannot be "
                                             "applied to unpublished function versions.")
    if requested < 1:
        raise validation_error(requested, "provisionedConcurrentExecutions",
                               "Member must have value greater than or equal to 1")
    if snapstart_on:
        raise InvalidParameterValueException("Provisioned Concurrency is not supported for "
                                             "function versions with SnapStart enabled.")
    if reserved is not None:
        if provisioned_elsewhere + requested > reserved:
            raise InvalidParameterValueException("Requested Provisioned Concurrency should not be greater "
                                                 "than the reservedConcurrentExecution for function")
        return
    unreserved = account_limit - reserved_total
    if unreserved - unreserved_provisioned - requested < MIN_UNRESERVED:
        raise InvalidParameterValueException("Specified ProvisionedConcurrentExecutions for function "
                                             "decreases account's UnreservedConcurrentExecution "
                                             f"below its minimum value of [{MIN_UNRESERVED}].")
