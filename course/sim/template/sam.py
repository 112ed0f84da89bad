"""The AWS SAM transform: ``AWS::Serverless::*`` resources into the CloudFormation ones SAM generates.

A learner's SAM properties are checked against the SAM schema first, where they
were written (in the function or in ``Globals``), so every problem points at
their own text; the generated resources are then built from checked values.
Generated names follow SAM: ``<Function>Role``, ``<Function>Version`` and
``<Function>Alias<Name>``, and ``!Ref Fn.Alias`` / ``!Ref Fn.Version`` reach
the last two.
"""

from __future__ import annotations

import re

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.checker import Checker
from course.sim.template.model import Note, Resource, SamEvent
from course.sim.template.schemas import FUNCTION_COMMON, SCHEMAS
from course.sim.template.values import concat, function_of, key_mark, mark_of, remap, type_name, value_mark

GLOBAL_SECTIONS = {"Function": "AWS::Serverless::Function", "SimpleTable": "AWS::Serverless::SimpleTable",
                   "Api": None, "HttpApi": None, "StateMachine": None, "LayerVersion": None, "CapacityProvider": None}
#: What SAM accepts only on each resource, never in Globals.
NOT_GLOBAL = {"Function": ("Role", "Policies", "FunctionName", "Events"),
              "SimpleTable": ("PrimaryKey", "ProvisionedThroughput", "TableName", "Tags",
                              "PointInTimeRecoverySpecification")}
#: Event types and the properties each needs (the service that delivers the events checks the rest).
EVENT_TYPES = {
    "Api": ("Path", "Method"), "HttpApi": (), "SQS": ("Queue",), "SNS": ("Topic",), "S3": ("Bucket", "Events"),
    "Schedule": ("Schedule",), "ScheduleV2": ("ScheduleExpression",), "DynamoDB": ("Stream",),
    "Kinesis": ("Stream",), "EventBridgeRule": ("Pattern",), "CloudWatchEvent": ("Pattern",),
    "CloudWatchLogs": ("LogGroupName", "FilterPattern"), "Cognito": ("UserPool", "Trigger"), "IoTRule": ("Sql",),
    "AlexaSkill": (), "MSK": ("Stream", "Topics"), "MQ": ("Broker", "Queues"), "SelfManagedKafka": ("Topics",),
    "DocumentDB": ("Cluster", "DatabaseName"),
}
TRUST_LAMBDA = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]}
_SERVICE_ROLE_POLICIES = ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaRole",
                          "AWSLambdaDynamoDBExecutionRole", "AWSLambdaKinesisExecutionRole",
                          "AWSLambdaSQSQueueExecutionRole", "AWSLambdaENIManagementAccess")
_SAM_ONLY_RECORDED = ("Policies", "EventInvokeConfig", "FunctionUrlConfig", "DeploymentPreference",
                      "AutoPublishAlias", "PropagateTags")
CREATED_BY_SAM = {"Key": "lambda:createdBy", "Value": "SAM"}


def merge(globals_: dict, own: dict, globals_path: str, own_path: str, fallback: Mark):
    """SAM's Globals rule: the function's own values win, mappings merge key by key, lists add up."""
    merged: dict = {}
    written: dict[str, tuple[str, Mark]] = {}
    for key, value in globals_.items():
        merged[key] = value
        written[key] = (f"{globals_path}.{key}", value_mark(globals_, key, fallback))
    for key, value in own.items():
        merged[key] = _combine(merged[key], value) if key in merged else value
        written[key] = (f"{own_path}.{key}", value_mark(own, key, fallback))
    return merged, written


def _combine(first, second):
    if function_of(first) or function_of(second):
        return second
    if isinstance(first, dict) and isinstance(second, dict):
        out = {key: _combine(value, second[key]) if key in second else value for key, value in first.items()}
        out.update({key: value for key, value in second.items() if key not in first})
        return remap(second, out)
    if isinstance(first, list) and isinstance(second, list):
        return concat(first, second)
    return second


def sam_tags(tags) -> list:
    """SAM's map of tags as CloudFormation's list, with the tag SAM adds to what it creates."""
    items = [dict(CREATED_BY_SAM)]
    if isinstance(tags, dict) and not function_of(tags):
        items += [{"Key": key, "Value": value} for key, value in tags.items()]
    return items


class SamTransform:
    def __init__(self, problems: Problems, checker: Checker, notes: list[Note], partition: str = "aws"):
        self.problems = problems
        self.checker = checker
        self.notes = notes
        self.partition = partition
        self.globals: dict[str, dict] = {}
        #: ``Fn.Alias`` / ``Fn.Version`` → generated logical ids.
        self.ref_aliases: dict[str, str] = {}

    def read_globals(self, section, resolver, root_mark: Mark) -> dict[str, dict]:
        if section is None:
            return {}
        if not isinstance(section, dict):
            self.problems.add(root_mark, "Globals", f"must be an object, got {type_name(section)}")
            return {}
        for name, value in section.items():
            path = f"Globals.{name}"
            where = key_mark(section, name, root_mark)
            if name not in GLOBAL_SECTIONS:
                self.problems.add(where, path, f"unknown Globals section '{name}'{did_you_mean(name, GLOBAL_SECTIONS)};"
                                               f" SAM has: {', '.join(GLOBAL_SECTIONS)}")
                continue
            if GLOBAL_SECTIONS[name] is None:
                self.notes.append(Note(where, path, "accepted, but the simulator has no resources it applies to"))
                continue
            resolved = resolver.resolve(value, path, value_mark(section, name, where))
            if not isinstance(resolved, dict):
                self.problems.add(value_mark(section, name, where), path,
                                  f"must be an object, got {type_name(resolved)}")
                continue
            for key in NOT_GLOBAL[name]:
                if key in resolved:
                    self.problems.add(key_mark(resolved, key, where), f"{path}.{key}",
                                      f"{key} can't be set in Globals; set it on each resource")
            kept = remap(resolved, {k: v for k, v in resolved.items() if k not in NOT_GLOBAL[name]})
            self.globals[name] = self.checker.properties(kept, SCHEMAS[GLOBAL_SECTIONS[name]], path,
                                                         mark_of(resolved, where), check_required=False)
        return self.globals

    def transform(self, resource: Resource) -> list[Resource]:
        if resource.type == "AWS::Serverless::Function":
            return self.function(resource)
        return [self.simple_table(resource)]

    def _merged(self, resource: Resource, section: str):
        props_path = f"{resource.path}.Properties"
        mark = mark_of(resource.properties, resource.mark)
        own = self.checker.properties(resource.properties, SCHEMAS[resource.type], props_path, mark,
                                      check_required=False)
        merged, written = merge(self.globals.get(section, {}), own, f"Globals.{section}", props_path, mark)
        return merged, written, mark

    def _generated(self, resource: Resource, logical_id: str, type_: str, properties: dict) -> Resource:
        return Resource(logical_id, type_, properties, resource.mark, depends_on=list(resource.depends_on),
                        condition=resource.condition, source=resource.logical_id, source_type=resource.type)

    # -- AWS::Serverless::Function ------------------------------------------------------------------

    def function(self, resource: Resource) -> list[Resource]:
        merged, written, mark = self._merged(resource, "Function")
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
        function = self._generated(resource, logical, "AWS::Lambda::Function", props)
        function.metadata, function.deletion_policy = resource.metadata, resource.deletion_policy
        function.written = written
        function.sam = {key: merged[key] for key in _SAM_ONLY_RECORDED if key in merged}
        function.events = self._events(merged.get("Events"), where("Events"))
        out = [function]
        if "Role" in merged:
            if "Policies" in merged:
                self.notes.append(Note(where("Policies")[1], where("Policies")[0],
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
        both = "Architectures" in self.globals.get("Function", {}) and \
            written.get("Architectures", ("",))[0].startswith("Resources.")
        if both and isinstance(value, list) and len(value) > 1:
            path, mark = written["Architectures"]
            self.problems.add(mark, path, f"SAM adds these to Globals.Function.Architectures, giving"
                                          f" {', '.join(map(str, value))}; a function has exactly one architecture,"
                                          " so set it in one place")

    def _code(self, merged: dict, where, path: str, mark: Mark, written: dict) -> dict:
        given = [key for key in ("CodeUri", "InlineCode", "ImageUri") if key in merged]
        out: dict = {}
        if not given:
            self.problems.add(mark, f"{path}.CodeUri", "a function needs its code: CodeUri (a folder next to the"
                                                       " template), InlineCode or ImageUri")
        elif len(given) > 1:
            second = where(given[1])
            self.problems.add(second[1], second[0], f"set only one of {' and '.join(given)}")
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
                    self.problems.add(mark, f"{path}.{key}", "required for a .zip package (PackageType Zip);"
                                                             " set it here or in Globals.Function")
        return out

    def _role(self, resource: Resource, merged: dict, where) -> Resource:
        managed = [f"arn:{self.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
        if merged.get("Tracing") == "Active":
            managed.append(f"arn:{self.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess")
        if "VpcConfig" in merged:
            managed.append(f"arn:{self.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
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
        role = self._generated(resource, f"{resource.logical_id}Role", "AWS::IAM::Role", props)
        role.written = {key: where("Policies") for key in ("ManagedPolicyArns", "Policies", "PolicyTemplates")}
        if templates:
            role.sam["PolicyTemplates"] = templates
        return role

    def _managed_arn(self, name: str) -> str:
        folder = "service-role/" if name in _SERVICE_ROLE_POLICIES else ""
        return f"arn:{self.partition}:iam::aws:policy/{folder}{name}"

    def _versions(self, resource: Resource, function: Resource, merged: dict, where) -> list[Resource]:
        logical = resource.logical_id
        alias = merged.get("AutoPublishAlias")
        pcc = merged.get("ProvisionedConcurrencyConfig")
        snap = merged.get("SnapStart")
        if alias is None:
            if pcc is not None:
                path, mark = where("ProvisionedConcurrencyConfig")
                self.problems.add(mark, path, "needs AutoPublishAlias: provisioned concurrency is set on an alias,"
                                              " and SAM creates the alias only when AutoPublishAlias is set")
            if isinstance(snap, dict) and snap.get("ApplyOn") == "PublishedVersions":
                path, mark = where("SnapStart")
                self.notes.append(Note(mark, path, "SnapStart applies only to published versions, and without"
                                                   " AutoPublishAlias SAM publishes none, so $LATEST runs without it"))
            return []
        if not isinstance(alias, str):
            return []
        version_id, alias_id = f"{logical}Version", f"{logical}Alias{re.sub(r'[^A-Za-z0-9]', '', alias)}"
        version_props = {"FunctionName": {"Ref": logical}}
        if "VersionDescription" in merged:
            version_props["Description"] = merged["VersionDescription"]
        version = self._generated(resource, version_id, "AWS::Lambda::Version", version_props)
        version.deletion_policy = merged.get("VersionDeletionPolicy", "Retain")
        alias_props = {"Name": alias, "FunctionName": {"Ref": logical},
                       "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]}}
        if pcc is not None:
            alias_props["ProvisionedConcurrencyConfig"] = pcc
        alias_resource = self._generated(resource, alias_id, "AWS::Lambda::Alias", alias_props)
        alias_resource.written["ProvisionedConcurrencyConfig"] = where("ProvisionedConcurrencyConfig")
        self.ref_aliases[f"{logical}.Version"] = version_id
        self.ref_aliases[f"{logical}.Alias"] = alias_id
        return [version, alias_resource]

    def _events(self, events, where: tuple[str, Mark]) -> list[SamEvent]:
        if not isinstance(events, dict) or function_of(events):
            return []
        out = []
        base, fallback = where
        for name, event in events.items():
            path, mark = f"{base}.{name}", value_mark(events, name, fallback)
            if not re.fullmatch(r"[A-Za-z0-9]+", name):
                self.problems.add(key_mark(events, name, fallback), path, "an event name uses only letters and digits")
            if not isinstance(event, dict):
                self.problems.add(mark, path, f"must be an object with Type and Properties, got {type_name(event)}")
                continue
            for key in event:
                if key not in ("Type", "Properties"):
                    self.problems.add(key_mark(event, key, mark), f"{path}.{key}",
                                      f"unknown event field '{key}'{did_you_mean(key, ('Type', 'Properties'))}")
            kind = event.get("Type")
            if kind not in EVENT_TYPES:
                message = "required field is missing" if kind is None else (
                    f"unknown event type {kind!r}{did_you_mean(str(kind), EVENT_TYPES)};"
                    f" SAM has: {', '.join(EVENT_TYPES)}")
                self.problems.add(value_mark(event, "Type", mark), f"{path}.Type", message)
                continue
            props = event.get("Properties", {})
            if not isinstance(props, dict):
                self.problems.add(value_mark(event, "Properties", mark), f"{path}.Properties",
                                  f"must be an object, got {type_name(props)}")
                continue
            for key in EVENT_TYPES[kind]:
                if key not in props:
                    self.problems.add(mark_of(props, mark), f"{path}.Properties.{key}",
                                      f"required for {kind} events")
            out.append(SamEvent(name, kind, props, mark))
        return out

    def _stream_mappings(self, resource: Resource, function: Resource, merged: dict, where) -> list[Resource]:
        """SAM turns each ``DynamoDB`` or ``Kinesis`` event into an ``AWS::Lambda::EventSourceMapping``
        named ``<Function><Event>``, aimed at the function's alias when AutoPublishAlias is set
        (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-dynamodb.html).
        Those events leave ``events``: the mapping, not an event handler, delivers them."""
        from course.sim.template.schemas_esm import SAM_STREAM_EVENT

        base = where("Events")[0]
        alias = self.ref_aliases.get(f"{resource.logical_id}.Alias")
        target = {"Ref": alias} if isinstance(merged.get("AutoPublishAlias"), str) and alias \
            else {"Ref": resource.logical_id}
        kept, made = [], []
        for event in function.events:
            if event.type not in ("DynamoDB", "Kinesis"):
                kept.append(event)
                continue
            path = f"{base}.{event.name}.Properties"
            props = self.checker.check(event.properties, SAM_STREAM_EVENT, path, mark_of(event.properties, event.mark))
            if not isinstance(props, dict):
                continue
            mapping = {"FunctionName": target, "EventSourceArn": props.get("Stream")}
            mapping.update({key: value for key, value in props.items() if key != "Stream"})
            on_failure = (props.get("DestinationConfig") or {}).get("OnFailure")
            if isinstance(on_failure, dict) and "Type" in on_failure:
                mapping["DestinationConfig"] = {"OnFailure": {k: v for k, v in on_failure.items() if k != "Type"}}
            generated = self._generated(resource, f"{resource.logical_id}{event.name}",
                                        "AWS::Lambda::EventSourceMapping", mapping)
            generated.written = {key: (f"{path}.{'Stream' if key == 'EventSourceArn' else key}",
                                       value_mark(props, "Stream" if key == "EventSourceArn" else key, event.mark))
                                 for key in mapping}
            generated.written["FunctionName"] = (f"{base}.{event.name}", event.mark)
            made.append(generated)
        function.events = kept
        return made

    # -- AWS::Serverless::SimpleTable ---------------------------------------------------------------

    def simple_table(self, resource: Resource) -> Resource:
        merged, written, mark = self._merged(resource, "SimpleTable")
        key = merged.get("PrimaryKey", {"Name": "id", "Type": "String"})
        name = key.get("Name", "id") if isinstance(key, dict) else "id"
        kind = {"String": "S", "Number": "N", "Binary": "B"}.get(key.get("Type") if isinstance(key, dict) else "", "S")
        props = {"AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}],
                 "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}]}
        if "ProvisionedThroughput" in merged:
            props["BillingMode"] = "PROVISIONED"
            props["ProvisionedThroughput"] = merged["ProvisionedThroughput"]
        else:
            props["BillingMode"] = "PAY_PER_REQUEST"
        for copied in ("TableName", "SSESpecification", "PointInTimeRecoverySpecification"):
            if copied in merged:
                props[copied] = merged[copied]
        if "Tags" in merged:
            props["Tags"] = sam_tags(merged["Tags"])[1:]
        table = self._generated(resource, resource.logical_id, "AWS::DynamoDB::Table", props)
        table.metadata, table.deletion_policy, table.written = resource.metadata, resource.deletion_policy, written
        return table
