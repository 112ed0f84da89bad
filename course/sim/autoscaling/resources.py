"""Template creators for AWS::ApplicationAutoScaling::ScalableTarget and ::ScalingPolicy.

Each turns the resource's properties into the call CloudFormation makes (RegisterScalableTarget,
PutScalingPolicy) on the same model the boto3 bridge calls. A policy names its target either by
``ScalingTargetId`` (the target's ``Ref``: ``resource id|dimension|namespace``) or by its own
ResourceId, ScalableDimension and ServiceNamespace.
"""

from __future__ import annotations

from course.sim.errors import NotModeled
from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import BOOLEAN, OPEN, TEXT, integer, number, obj, resource, string

# From the CloudFormation reference for AWS::ApplicationAutoScaling::ScalableTarget and ScalingPolicy
# (aws-resource-applicationautoscaling-scalabletarget.html, aws-resource-applicationautoscaling-scalingpolicy.html).
# Ref of a scalable target is ``resource id|scalable dimension|service namespace``; of a policy, its ARN.
_DIMENSION = string(enum=(
    "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits", "dynamodb:index:ReadCapacityUnits",
    "dynamodb:index:WriteCapacityUnits", "ecs:service:DesiredCount", "lambda:function:ProvisionedConcurrency",
    "rds:cluster:ReadReplicaCount", "sagemaker:variant:DesiredInstanceCount", "custom-resource:ResourceType:Property",
    "comprehend:document-classifier-endpoint:DesiredInferenceUnits", "elasticmapreduce:instancegroup:InstanceCount",
    "appstream:fleet:DesiredCapacity", "cassandra:table:ReadCapacityUnits", "cassandra:table:WriteCapacityUnits",
    "kafka:broker-storage:VolumeSize", "elasticache:replication-group:NodeGroups",
    "elasticache:replication-group:Replicas", "neptune:cluster:ReadReplicaCount", "ec2:spot-fleet-request:TargetCapacity",
    "sagemaker:inference-component:DesiredCopyCount", "workspaces:workspacespool:DesiredUserSessions"))
_NAMESPACE = string(enum=("dynamodb", "ecs", "ec2", "rds", "lambda", "sagemaker", "custom-resource", "comprehend",
                          "elasticmapreduce", "appstream", "cassandra", "kafka", "elasticache", "neptune", "workspaces"))

_SCHEMAS: dict[str, dict] = {
    "AWS::ApplicationAutoScaling::ScalableTarget": resource(
        {"MaxCapacity": integer(0), "MinCapacity": integer(0), "ResourceId": TEXT, "RoleARN": TEXT,
         "ScalableDimension": _DIMENSION, "ScheduledActions": OPEN, "ServiceNamespace": _NAMESPACE,
         "SuspendedState": obj({"DynamicScalingInSuspended": BOOLEAN, "DynamicScalingOutSuspended": BOOLEAN,
                                "ScheduledScalingSuspended": BOOLEAN})},
        required=("MaxCapacity", "MinCapacity", "ResourceId", "ScalableDimension", "ServiceNamespace"),
        attributes=("Id",), ref="resource id|scalable dimension|service namespace"),
    "AWS::ApplicationAutoScaling::ScalingPolicy": resource(
        {"PolicyName": string(min_length=1, max_length=256),
         "PolicyType": string(enum=("StepScaling", "TargetTrackingScaling", "PredictiveScaling")),
         "PredictiveScalingPolicyConfiguration": OPEN, "ResourceId": TEXT, "ScalableDimension": _DIMENSION,
         "ScalingTargetId": TEXT, "ServiceNamespace": _NAMESPACE, "StepScalingPolicyConfiguration": OPEN,
         "TargetTrackingScalingPolicyConfiguration": obj({
             "CustomizedMetricSpecification": OPEN, "DisableScaleIn": BOOLEAN,
             "PredefinedMetricSpecification": obj({"PredefinedMetricType": TEXT, "ResourceLabel": TEXT},
                                                  required=("PredefinedMetricType",)),
             "ScaleInCooldown": integer(0), "ScaleOutCooldown": integer(0), "TargetValue": number()},
             required=("TargetValue",))},
        required=("PolicyName", "PolicyType"), attributes=("Arn",), ref="the policy ARN"),
}

_INTEGERS = ("MinCapacity", "MaxCapacity")


def _service(account):
    return account.service("application-autoscaling")


def create_target(account, logical_id: str, props: dict, context) -> PhysicalResource:
    if props.get("ScheduledActions"):
        raise NotModeled.said("Coldstart's simulator does not model scheduled scaling "
                              "(ScheduledActions); target tracking policies are modeled.")
    params = {key: props[key] for key in ("ServiceNamespace", "ResourceId", "ScalableDimension", "RoleARN",
                                          "SuspendedState") if key in props}
    for key in _INTEGERS:
        params[key] = int(props[key])
    _service(account).call("RegisterScalableTarget", params)
    physical = f"{props['ResourceId']}|{props['ScalableDimension']}|{props['ServiceNamespace']}"
    return PhysicalResource(physical, {"Id": physical})


def _delete_target(account, made) -> None:
    resource, dimension, namespace = made.physical_id.split("|")
    _service(account).call("DeregisterScalableTarget", {"ServiceNamespace": namespace, "ResourceId": resource,
                                                        "ScalableDimension": dimension})


def create_policy(account, logical_id: str, props: dict, context) -> PhysicalResource:
    if props.get("ScalingTargetId"):
        resource, dimension, namespace = str(props["ScalingTargetId"]).split("|")
    else:
        resource, dimension, namespace = props.get("ResourceId"), props.get("ScalableDimension"), \
            props.get("ServiceNamespace")
    params = {"PolicyName": props["PolicyName"], "PolicyType": props["PolicyType"], "ResourceId": resource,
              "ScalableDimension": dimension, "ServiceNamespace": namespace}
    config = props.get("TargetTrackingScalingPolicyConfiguration")
    if config is not None:
        config = dict(config)
        config["TargetValue"] = float(config["TargetValue"])
        for key in ("ScaleInCooldown", "ScaleOutCooldown"):
            if key in config:
                config[key] = int(config[key])
        params["TargetTrackingScalingPolicyConfiguration"] = config
    for key in ("StepScalingPolicyConfiguration", "PredictiveScalingPolicyConfiguration"):
        if key in props:
            params[key] = props[key]
    made = _service(account).call("PutScalingPolicy", params)
    return PhysicalResource(made["PolicyARN"], {"Arn": made["PolicyARN"]})


register_creator("AWS::ApplicationAutoScaling::ScalableTarget", create_target, ("Id",),
                 schema=_SCHEMAS["AWS::ApplicationAutoScaling::ScalableTarget"], delete=_delete_target)
register_creator("AWS::ApplicationAutoScaling::ScalingPolicy", create_policy, ("Arn",),
                 schema=_SCHEMAS["AWS::ApplicationAutoScaling::ScalingPolicy"])
