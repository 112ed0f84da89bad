"""SAM's ``AWS::Serverless::Function``: the Lambda resources SAM generates for it.

Generated names follow SAM: ``<Function>Role``, ``<Function>Version`` and ``<Function>Alias<Name>``
(``!Ref Fn.Alias`` / ``!Ref Fn.Version`` reach the last two), and ``<Function><Event>`` for the
event source mapping of each ``DynamoDB`` or ``Kinesis`` event. The role SAM creates gets the
managed policies SAM attaches (AWSLambdaBasicExecutionRole, and the X-Ray and VPC ones when
tracing or a VPC is configured). The shared work (``Globals``, merging, event parsing) is the
transform's (``course.sim.template.sam``).
"""

from __future__ import annotations

import re

from course.content.problems import Mark
from course.sim.awslambda.schemas import FUNCTION_COMMON, SAM_STREAM_EVENT
from course.sim.template.model import Note, Resource
from course.sim.template.sam import CREATED_BY_SAM, SamTransform, sam_tags
from course.sim.template.values import function_of, mark_of, value_mark

TRUST_LAMBDA = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]}
_SERVICE_ROLE_POLICIES = ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaRole",
                          "AWSLambdaDynamoDBExecutionRole", "AWSLambdaKinesisExecutionRole",
                          "AWSLambdaSQSQueueExecutionRole", "AWSLambdaENIManagementAccess")
_SAM_ONLY_RECORDED = ("Policies", "EventInvokeConfig", "FunctionUrlConfig", "DeploymentPreference",
                      "AutoPublishAlias", "PropagateTags")
#: What SAM accepts only on each function, never in ``Globals.Function``.
NOT_GLOBAL = ("Role", "Policies", "FunctionName", "Events")


def expand_function(transform: SamTransform, resource: Resource) -> list[Resource]:
    return _Function(transform).function(resource)


class _Function:
    """One function's expansion; ``t`` is the transform, whose problems, notes and names it adds to."""

    def __init__(self, transform: SamTransform):
        self.t = transform

    def function(self, resource: Resource) -> list[Resource]:
        merged, written, mark = self.t.merged(resource, "Function")
        logical, path = resource.logical_id, f"{resource.path}.Properties"
        where = lambda key: written.get(key, (f"{path}.{key}", mark))  # noqa: E731
        props = {key: merged[key] for key in FUNCTION_COMMON if key in merged}
        self._check_architectures(merged, written)
        props.update(self._code(merged, where, path, mark, written))
        if "Tracing" in merged and merged["Tracing"] != "Disabled":
            props["TracingConfig"] = {"Mode": merged["Tracing"]}
            written["TracingConfig"] = where("Tracing")
        dlq = merged.get("DeadLetterQueue")
        if isinstance(dlq, dict) and "TargetArn" in dlq:
            props["DeadLetterConfig"] = {"TargetArn": dlq["TargetArn"]}
            written["DeadLetterConfig"] = where("DeadLetterQueue")
        props["Tags"] = sam_tags(merged.get("Tags"))
        function = self.t.generated(resource, logical, "AWS::Lambda::Function", props)
        function.metadata, function.deletion_policy = resource.metadata, resource.deletion_policy
        function.written = written
        function.sam = {key: merged[key] for key in _SAM_ONLY_RECORDED if key in merged}
        function.events = self.t.events(merged.get("Events"), where("Events"))
        out = [function]
        if "Role" in merged:
            if "Policies" in merged:
                self.t.notes.append(Note(where("Policies")[1], where("Policies")[0],
                                       "ignored: Role is set, and SAM adds policies only to the role it creates"))
        else:
            role = self._role(resource, merged, where)
            props["Role"] = {"Fn::GetAtt": [role.logical_id, "Arn"]}
            out.append(role)
        out += self._versions(resource, function, merged, where)
        out += self._stream_mappings(resource, function, merged, where)
        return out

    def _check_architectures(self, merged: dict, written: dict) -> None:
        """Each list alone was checked; only adding them together can make two architectures."""
        value = merged.get("Architectures")
        both = "Architectures" in self.t.globals.get("Function", {}) and \
            written.get("Architectures", ("",))[0].startswith("Resources.")
        if both and isinstance(value, list) and len(value) > 1:
            path, mark = written["Architectures"]
            self.t.problems.add(mark, path, f"SAM adds these to Globals.Function.Architectures, giving"
                                          f" {', '.join(map(str, value))}; a function has exactly one architecture,"
                                          " so set it in one place")

    def _code(self, merged: dict, where, path: str, mark: Mark, written: dict) -> dict:
        given = [key for key in ("CodeUri", "InlineCode", "ImageUri") if key in merged]
        out: dict = {}
        if not given:
            self.t.problems.add(mark, f"{path}.CodeUri", "a function needs its code: CodeUri (a folder next to the"
                                                       " template), InlineCode or ImageUri")
        elif len(given) > 1:
            second = where(given[1])
            self.t.problems.add(second[1], second[0], f"set only one of {' and '.join(given)}")
        if given:
            key = given[0]
            value = merged[key]
            written["Code"] = where(key)
            if key == "InlineCode":
                out["Code"] = {"ZipFile": value}
            elif key == "ImageUri":
                out["Code"] = {"ImageUri": value}
                out["PackageType"] = "Image"
            elif isinstance(value, dict) and not function_of(value):
                out["Code"] = {"S3Bucket": value.get("Bucket"), "S3Key": value.get("Key"),
                               **({"S3ObjectVersion": value["Version"]} if "Version" in value else {})}
            elif isinstance(value, str) and value.startswith("s3://"):
                bucket, _, key_ = value[5:].partition("/")
                out["Code"] = {"S3Bucket": bucket, "S3Key": key_}
            else:
                out["Code"] = value  # a local folder or file; the loader resolves it
        if merged.get("PackageType", out.get("PackageType", "Zip")) == "Zip" and "ImageUri" not in merged:
            for key in ("Handler", "Runtime"):
                if key not in merged:
                    self.t.problems.add(mark, f"{path}.{key}", "required for a .zip package (PackageType Zip);"
                                                             " set it here or in Globals.Function")
        return out

    def _role(self, resource: Resource, merged: dict, where) -> Resource:
        managed = [f"arn:{self.t.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
        if merged.get("Tracing") == "Active":
            managed.append(f"arn:{self.t.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess")
        if "VpcConfig" in merged:
            managed.append(f"arn:{self.t.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
        inline, templates = [], []
        policies = merged.get("Policies", [])
        for item in policies if isinstance(policies, list) else [policies]:
            if isinstance(item, str):
                managed.append(item if item.startswith("arn:") or function_of(item) else self._managed_arn(item))
            elif function_of(item):
                managed.append(item)
            elif isinstance(item, dict) and ("Statement" in item or "Version" in item):
                inline.append({"PolicyName": f"{resource.logical_id}RolePolicy{len(inline)}", "PolicyDocument": item})
            elif isinstance(item, dict):
                templates.append(item)
        dlq = merged.get("DeadLetterQueue")
        if isinstance(dlq, dict) and "TargetArn" in dlq:
            action = "sqs:SendMessage" if dlq.get("Type") == "SQS" else "sns:Publish"
            inline.append({"PolicyName": f"{resource.logical_id}RolePolicyDeadLetterQueue", "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": action, "Resource": dlq["TargetArn"]}]}})
        props = {"AssumeRolePolicyDocument": merged.get("AssumeRolePolicyDocument", TRUST_LAMBDA),
                 "ManagedPolicyArns": managed, "Tags": [dict(CREATED_BY_SAM)]}
        if inline:
            props["Policies"] = inline
        for key, target in (("PermissionsBoundary", "PermissionsBoundary"), ("RolePath", "Path")):
            if key in merged:
                props[target] = merged[key]
        role = self.t.generated(resource, f"{resource.logical_id}Role", "AWS::IAM::Role", props)
        role.written = {key: where("Policies") for key in ("ManagedPolicyArns", "Policies", "PolicyTemplates")}
        if templates:
            role.sam["PolicyTemplates"] = templates
        return role

    def _managed_arn(self, name: str) -> str:
        folder = "service-role/" if name in _SERVICE_ROLE_POLICIES else ""
        return f"arn:{self.t.partition}:iam::aws:policy/{folder}{name}"

    def _versions(self, resource: Resource, function: Resource, merged: dict, where) -> list[Resource]:
        logical = resource.logical_id
        alias = merged.get("AutoPublishAlias")
        pcc = merged.get("ProvisionedConcurrencyConfig")
        snap = merged.get("SnapStart")
        if alias is None:
            if pcc is not None:
                path, mark = where("ProvisionedConcurrencyConfig")
                self.t.problems.add(mark, path, "needs AutoPublishAlias: provisioned concurrency is set on an alias,"
                                              " and SAM creates the alias only when AutoPublishAlias is set")
            if isinstance(snap, dict) and snap.get("ApplyOn") == "PublishedVersions":
                path, mark = where("SnapStart")
                self.t.notes.append(Note(mark, path, "SnapStart applies only to published versions, and without"
                                                   " AutoPublishAlias SAM publishes none, so $LATEST runs without it"))
            return []
        if not isinstance(alias, str):
            return []
        version_id, alias_id = f"{logical}Version", f"{logical}Alias{re.sub(r'[^A-Za-z0-9]', '', alias)}"
        version_props = {"FunctionName": {"Ref": logical}}
        if "VersionDescription" in merged:
            version_props["Description"] = merged["VersionDescription"]
        version = self.t.generated(resource, version_id, "AWS::Lambda::Version", version_props)
        version.deletion_policy = merged.get("VersionDeletionPolicy", "Retain")
        alias_props = {"Name": alias, "FunctionName": {"Ref": logical},
                       "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]}}
        if pcc is not None:
            alias_props["ProvisionedConcurrencyConfig"] = pcc
        alias_resource = self.t.generated(resource, alias_id, "AWS::Lambda::Alias", alias_props)
        alias_resource.written["ProvisionedConcurrencyConfig"] = where("ProvisionedConcurrencyConfig")
        self.t.ref_aliases[f"{logical}.Version"] = version_id
        self.t.ref_aliases[f"{logical}.Alias"] = alias_id
        return [version, alias_resource]

    def _stream_mappings(self, resource: Resource, function: Resource, merged: dict, where) -> list[Resource]:
        """SAM turns each ``DynamoDB`` or ``Kinesis`` event into an ``AWS::Lambda::EventSourceMapping``
        named ``<Function><Event>``, aimed at the function's alias when AutoPublishAlias is set
        (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-dynamodb.html).
        Those events leave ``events``: the mapping, not an event handler, delivers them."""
        base = where("Events")[0]
        alias = self.t.ref_aliases.get(f"{resource.logical_id}.Alias")
        target = {"Ref": alias} if isinstance(merged.get("AutoPublishAlias"), str) and alias \
            else {"Ref": resource.logical_id}
        kept, made = [], []
        for event in function.events:
            if event.type not in ("DynamoDB", "Kinesis"):
                kept.append(event)
                continue
            path = f"{base}.{event.name}.Properties"
            props = self.t.checker.check(event.properties, SAM_STREAM_EVENT, path, mark_of(event.properties, event.mark))
            if not isinstance(props, dict):
                continue
            mapping = {"FunctionName": target, "EventSourceArn": props.get("Stream")}
            mapping.update({key: value for key, value in props.items() if key != "Stream"})
            on_failure = (props.get("DestinationConfig") or {}).get("OnFailure")
            if isinstance(on_failure, dict) and "Type" in on_failure:
                mapping["DestinationConfig"] = {"OnFailure": {k: v for k, v in on_failure.items() if k != "Type"}}
            generated = self.t.generated(resource, f"{resource.logical_id}{event.name}",
                                        "AWS::Lambda::EventSourceMapping", mapping)
            generated.written = {key: (f"{path}.{'Stream' if key == 'EventSourceArn' else key}",
                                       value_mark(props, "Stream" if key == "EventSourceArn" else key, event.mark))
                                 for key in mapping}
            generated.written["FunctionName"] = (f"{base}.{event.name}", event.mark)
            made.append(generated)
        function.events = kept
        return made
