"""What the simulated Lambda service remembers about each function, and how it reports it.

A version is a frozen copy of ``$LATEST``'s configuration and code; the
configuration is kept under the API's own parameter names so validating it,
updating it and answering ``GetFunctionConfiguration`` need no translation.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from course.sim.awslambda.code import CodeBundle
from course.sim.awslambda.config import snapstart_supported


def lambda_time(epoch: float) -> str:
    """Lambda's LastModified text, e.g. ``2026-01-01T00:00:00.000+0000``."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def new_revision() -> str:
    return str(uuid.uuid4())


@dataclass
class Version:
    """``$LATEST`` (mutable) or a published number (immutable): configuration, code, revision."""

    number: str
    config: dict
    code: CodeBundle
    last_modified: float
    revision_id: str = field(default_factory=new_revision)
    description: str = ""

    @property
    def memory_mb(self) -> int:
        return self.config["MemorySize"]

    @property
    def architecture(self) -> str:
        return self.config["Architectures"][0]

    @property
    def snapstart_on(self) -> bool:
        """SnapStart only ever takes effect on published versions (facts.md section 2)."""
        return (self.number != "$LATEST" and snapstart_supported(self.config.get("Runtime"))
                and self.config.get("SnapStart", {}).get("ApplyOn") == "PublishedVersions")

    def same_as(self, other: "Version") -> bool:
        return self.code.sha256 == other.code.sha256 and self.config == other.config

    def frozen(self, number: str, now: float, description: str) -> "Version":
        return Version(number, copy.deepcopy(self.config), self.code, now, description=description)


@dataclass
class Alias:
    name: str
    version: str
    description: str = ""
    weights: dict[str, float] = field(default_factory=dict)
    revision_id: str = field(default_factory=new_revision)


@dataclass
class ProvisionedConfig:
    requested: int
    requested_at: float
    ready_at: float


@dataclass
class Function:
    name: str
    arn: str
    latest: Version
    versions: dict[str, Version] = field(default_factory=dict)
    next_version: int = 1
    aliases: dict[str, Alias] = field(default_factory=dict)
    reserved: int | None = None
    provisioned: dict[str, ProvisionedConfig] = field(default_factory=dict)
    event_configs: dict[str, dict] = field(default_factory=dict)
    policies: dict[str, list[dict]] = field(default_factory=dict)
    policy_revisions: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def qualified_arn(self, qualifier: str | None) -> str:
        return f"{self.arn}:{qualifier}" if qualifier else self.arn

    def provisioned_total(self) -> int:
        return sum(config.requested for config in self.provisioned.values())

    def version_of(self, qualifier: str) -> str:
        """The version a qualifier runs: itself, or the alias's primary version."""
        alias = self.aliases.get(qualifier)
        return alias.version if alias else qualifier


def configuration(function: Function, version: Version, qualified: bool) -> dict:
    """A ``FunctionConfiguration`` in botocore's output shape."""
    cfg = version.config
    image = cfg["PackageType"] == "Image"
    out = {
        "FunctionName": function.name,
        "FunctionArn": function.qualified_arn(version.number) if qualified else function.arn,
        "Role": cfg["Role"],
        "CodeSize": version.code.size,
        "Description": version.description if version.number != "$LATEST" else cfg.get("Description", ""),
        "Timeout": cfg["Timeout"],
        "MemorySize": cfg["MemorySize"],
        "LastModified": lambda_time(version.last_modified),
        "CodeSha256": version.code.sha256,
        "Version": version.number,
        "TracingConfig": {"Mode": cfg.get("TracingConfig", {}).get("Mode", "PassThrough")},
        "RevisionId": version.revision_id,
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": cfg["PackageType"],
        "Architectures": list(cfg["Architectures"]),
        "EphemeralStorage": {"Size": cfg["EphemeralStorage"]["Size"]},
        "SnapStart": {"ApplyOn": cfg.get("SnapStart", {}).get("ApplyOn", "None"),
                      "OptimizationStatus": "On" if version.snapstart_on else "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function.name}",
                          **cfg.get("LoggingConfig", {})},
    }
    if not image:
        out["Runtime"] = cfg["Runtime"]
        out["Handler"] = cfg["Handler"]
    variables = cfg.get("Environment", {}).get("Variables")
    if variables:
        out["Environment"] = {"Variables": dict(variables)}
    if cfg.get("Layers"):
        out["Layers"] = [{"Arn": arn, "CodeSize": 0} for arn in cfg["Layers"]]
    if cfg.get("DeadLetterConfig", {}).get("TargetArn"):
        out["DeadLetterConfig"] = {"TargetArn": cfg["DeadLetterConfig"]["TargetArn"]}
    if cfg.get("VpcConfig"):
        out["VpcConfig"] = {"SubnetIds": list(cfg["VpcConfig"].get("SubnetIds", [])),
                            "SecurityGroupIds": list(cfg["VpcConfig"].get("SecurityGroupIds", [])),
                            "VpcId": cfg["VpcConfig"].get("VpcId", "")}
    if cfg.get("KMSKeyArn"):
        out["KMSKeyArn"] = cfg["KMSKeyArn"]
    if cfg.get("ImageConfig"):
        out["ImageConfigResponse"] = {"ImageConfig": dict(cfg["ImageConfig"])}
    if cfg.get("FileSystemConfigs"):
        out["FileSystemConfigs"] = [dict(fs) for fs in cfg["FileSystemConfigs"]]
    return out


def alias_shape(function: Function, alias: Alias) -> dict:
    out = {"AliasArn": function.qualified_arn(alias.name), "Name": alias.name,
           "FunctionVersion": alias.version, "Description": alias.description, "RevisionId": alias.revision_id}
    if alias.weights:
        out["RoutingConfig"] = {"AdditionalVersionWeights": dict(alias.weights)}
    return out
