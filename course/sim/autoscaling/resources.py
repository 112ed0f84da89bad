"""Template creators for AWS::ApplicationAutoScaling::ScalableTarget and ::ScalingPolicy.

Each turns the resource's properties into the call CloudFormation makes (RegisterScalableTarget,
PutScalingPolicy) on the same model the boto3 bridge calls. A policy names its target either by
``ScalingTargetId`` (the target's ``Ref``: ``resource id|dimension|namespace``) or by its own
ResourceId, ScalableDimension and ServiceNamespace.
"""

from __future__ import annotations

from course.sim.errors import AwsError
from course.sim.template import PhysicalResource, register_creator

_INTEGERS = ("MinCapacity", "MaxCapacity")


def _service(account):
    return account.service("application-autoscaling")


def create_target(account, logical_id: str, props: dict, context) -> PhysicalResource:
    if props.get("ScheduledActions"):
        raise AwsError("NotModeledBySimulator", "Coldstart's simulator does not model scheduled scaling "
                       "(ScheduledActions); target tracking policies are modeled.", 501)
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


register_creator("AWS::ApplicationAutoScaling::ScalableTarget", create_target, ("Id",), delete=_delete_target)
register_creator("AWS::ApplicationAutoScaling::ScalingPolicy", create_policy, ("Arn",))
