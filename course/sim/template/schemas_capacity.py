"""Property schemas of the resource types added for capacity (merged into ``schemas.SCHEMAS``).

From the CloudFormation reference for AWS::ApplicationAutoScaling::ScalableTarget and
AWS::ApplicationAutoScaling::ScalingPolicy
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-applicationautoscaling-scalabletarget.html,
.../aws-resource-applicationautoscaling-scalingpolicy.html). ``Ref`` of a scalable target is
``resource id|scalable dimension|service namespace``; of a policy, its ARN.
"""

from __future__ import annotations

from course.sim.template.schemas import BOOLEAN, OPEN, TEXT, integer, number, obj, resource, string

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

SCHEMAS: dict[str, dict] = {
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
