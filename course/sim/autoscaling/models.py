"""Application Auto Scaling for DynamoDB: scalable targets and target tracking policies.

DynamoDB auto scaling is Application Auto Scaling acting on a provisioned table's (or index's)
capacity; on-demand tables have nothing to scale (facts.md section 8). How it reacts, from
"DynamoDB Metrics and dimensions" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html)
and "Managing throughput capacity automatically with DynamoDB auto scaling"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html):

- consumption is measured per minute; scaling out "triggers when your consumed capacity breaches the
  configured target utilization for two consecutive minutes";
- scaling in happens "when 15 consecutive data points are lower than the target utilization"; the
  knowledge-center article (https://repost.aws/knowledge-center/dynamodb-auto-scaling) puts the line
  at 20 points below the target, which is what is modeled;
- target utilization can be set between 20 and 90 percent;
- "CloudWatch alarms might have a short delay of up to a few minutes" and the UpdateTable that
  follows "takes several minutes": ASSUMPTIONS ``ALARM_DELAY_S`` and ``UPDATE_DELAY_S`` below, since
  AWS gives no figure. Requests above the old capacity are throttled meanwhile.

The new capacity is what would put the last minute's consumption at the target, within the
target's MinCapacity and MaxCapacity. Only the ``dynamodb`` namespace is modeled. Message texts of
validation errors are the simulator's own wording where AWS's could not be sourced.
"""

from __future__ import annotations

import math
import uuid

from course.sim.autoscaling.errors import ObjectNotFoundException, ValidationException
from course.sim.errors import NotModeled
from course.sim.service import Service, operation

#: ASSUMPTION: how long after the second breaching minute the alarm fires.
ALARM_DELAY_S = 60
#: ASSUMPTION: how long the UpdateTable that auto scaling makes takes to change the capacity.
UPDATE_DELAY_S = 180
SCALE_OUT_MINUTES = 2
SCALE_IN_MINUTES = 15
SCALE_IN_MARGIN = 20.0
TARGET_RANGE = (20.0, 90.0)

DIMENSIONS = {
    "dynamodb:table:ReadCapacityUnits": ("read", False), "dynamodb:table:WriteCapacityUnits": ("write", False),
    "dynamodb:index:ReadCapacityUnits": ("read", True), "dynamodb:index:WriteCapacityUnits": ("write", True),
}
METRICS = {"DynamoDBReadCapacityUtilization": "read", "DynamoDBWriteCapacityUtilization": "write"}
_UNITS = {"read": "ReadCapacityUnits", "write": "WriteCapacityUnits"}


class AutoScalingService(Service):
    name = "application-autoscaling"

    def __init__(self, account):
        super().__init__(account)
        self.targets: dict[tuple[str, str], dict] = {}      # (resource id, dimension) -> target
        self.policies: dict[tuple[str, str, str], dict] = {}  # (resource id, dimension, name) -> policy
        self.activities: list[dict] = []
        self._history: dict[tuple[str, str], list[float]] = {}

    # -- scalable targets ----------------------------------------------------------------------

    def _key(self, params: dict) -> tuple[str, str]:
        if params.get("ServiceNamespace") != "dynamodb":
            raise NotModeled.said("Coldstart's simulator models Application Auto Scaling for the "
                                  f"dynamodb namespace only, not {params.get('ServiceNamespace')!r}.")
        resource, dimension = params["ResourceId"], params["ScalableDimension"]
        if dimension not in DIMENSIONS:
            raise ValidationException(f"Unsupported scalable dimension '{dimension}' for service namespace 'dynamodb'")
        parts = resource.split("/")
        is_index = DIMENSIONS[dimension][1]
        if parts[0] != "table" or len(parts) != (4 if is_index else 2) or (is_index and parts[2] != "index"):
            raise ValidationException(f"Unsupported resource ID '{resource}' for scalable dimension '{dimension}'")
        return resource, dimension

    @operation("RegisterScalableTarget")
    def register_scalable_target(self, params: dict) -> dict:
        key = self._key(params)
        table_name = key[0].split("/")[1]
        if table_name not in self.account.service("dynamodb").tables:
            raise ValidationException(f"DynamoDB table {table_name} does not exist")
        target = self.targets.get(key)
        low, high = params.get("MinCapacity"), params.get("MaxCapacity")
        if target is None and (low is None or high is None):
            raise ValidationException("MinCapacity and MaxCapacity are required to register a new scalable target")
        low = target["MinCapacity"] if low is None else low
        high = target["MaxCapacity"] if high is None else high
        if low < 1 or low > high:
            raise ValidationException(f"Minimum capacity {low} must be at least 1 "
                                      f"and not more than maximum capacity {high}")
        arn = target["ScalableTargetARN"] if target else self.account.arn(
            "application-autoscaling", f"scalable-target/{uuid.uuid4().hex[:28]}")
        self.targets[key] = {
            "ServiceNamespace": "dynamodb", "ResourceId": key[0], "ScalableDimension": key[1],
            "MinCapacity": low, "MaxCapacity": high,
            "RoleARN": params.get("RoleARN") or self.account.arn("iam", "role/aws-service-role/dynamodb."
                                                                 "application-autoscaling.amazonaws.com/"
                                                                 "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable")
            .replace(f":{self.account.region}:", "::"),
            "CreationTime": target["CreationTime"] if target else self.account.clock.datetime(),
            "SuspendedState": params.get("SuspendedState") or {"DynamicScalingInSuspended": False,
                                                              "DynamicScalingOutSuspended": False,
                                                              "ScheduledScalingSuspended": False},
            "ScalableTargetARN": arn,
        }
        return {"ScalableTargetARN": arn}

    @operation("DeregisterScalableTarget")
    def deregister_scalable_target(self, params: dict) -> dict:
        key = self._key(params)
        if key not in self.targets:
            raise ObjectNotFoundException("No scalable target found for service namespace: dynamodb, "
                                          f"resource ID: {key[0]}, scalable dimension: {key[1]}")
        del self.targets[key]
        for policy_key in [k for k in self.policies if k[:2] == key]:
            del self.policies[policy_key]
        return {}

    @operation("DescribeScalableTargets")
    def describe_scalable_targets(self, params: dict) -> dict:
        wanted = params.get("ResourceIds")
        found = [dict(t) for (resource, dimension), t in self.targets.items()
                 if t["ServiceNamespace"] == params["ServiceNamespace"] and (not wanted or resource in wanted)
                 and params.get("ScalableDimension") in (None, dimension)]
        return {"ScalableTargets": found}

    # -- policies ------------------------------------------------------------------------------

    @operation("PutScalingPolicy")
    def put_scaling_policy(self, params: dict) -> dict:
        key = self._key(params)
        if key not in self.targets:
            raise ObjectNotFoundException("No scalable target registered for service namespace: "
                                          f"dynamodb, resource ID: {key[0]}, scalable dimension: {key[1]}")
        if (params.get("PolicyType") or "StepScaling") != "TargetTrackingScaling":
            raise NotModeled.said("Coldstart's simulator models TargetTrackingScaling policies for DynamoDB only.")
        config = params.get("TargetTrackingScalingPolicyConfiguration")
        if not config:
            raise ValidationException("TargetTrackingScalingPolicyConfiguration is "
                                      "required for a TargetTrackingScaling policy")
        kind = DIMENSIONS[key[1]][0]
        metric = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        if config.get("CustomizedMetricSpecification") is not None or metric not in METRICS:
            raise NotModeled.said("Coldstart's simulator models the predefined metrics "
                                  "DynamoDBReadCapacityUtilization and DynamoDBWriteCapacityUtilization only.")
        if METRICS[metric] != kind:
            raise ValidationException(f"Predefined metric {metric} does not match scalable dimension {key[1]}")
        target_value = float(config["TargetValue"])
        if not TARGET_RANGE[0] <= target_value <= TARGET_RANGE[1]:
            raise ValidationException(f"TargetValue for DynamoDB must be between {TARGET_RANGE[0]} "
                                      f"and {TARGET_RANGE[1]}, got {target_value}")
        name = params["PolicyName"]
        existing = self.policies.get((*key, name))
        policy_id = existing["_id"] if existing else str(uuid.uuid4())
        arn = self.account.arn("autoscaling", f"scalingPolicy:{policy_id}:resource/dynamodb/{key[0]}:"
                                              f"policyName/{name}")
        alarms = [{"AlarmName": f"TargetTracking-{key[0]}-Alarm{side}-{policy_id}",
                   "AlarmARN": self.account.arn("cloudwatch", f"alarm:TargetTracking-{key[0]}-Alarm{side}-{policy_id}")}
                  for side in ("High", "Low", "ProvisionedCapacityHigh", "ProvisionedCapacityLow")]
        self.policies[(*key, name)] = {
            "PolicyARN": arn, "PolicyName": name, "ServiceNamespace": "dynamodb", "ResourceId": key[0],
            "ScalableDimension": key[1], "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": dict(config), "Alarms": alarms,
            "CreationTime": existing["CreationTime"] if existing else self.account.clock.datetime(),
            "_id": policy_id, "_last_out": -math.inf, "_last_in": -math.inf,
        }
        if existing is None:
            self._schedule((*key, name))
        return {"PolicyARN": arn, "Alarms": alarms}

    @operation("DeleteScalingPolicy")
    def delete_scaling_policy(self, params: dict) -> dict:
        key = (*self._key(params), params["PolicyName"])
        if key not in self.policies:
            raise ObjectNotFoundException("No scaling policy found for service namespace: dynamodb, resource "
                                          f"ID: {key[0]}, scalable dimension: {key[1]}, policy name: {key[2]}")
        del self.policies[key]
        return {}

    @operation("DescribeScalingPolicies")
    def describe_scaling_policies(self, params: dict) -> dict:
        names = params.get("PolicyNames")
        found = [{k: v for k, v in p.items() if not k.startswith("_")} for (resource, dimension, name), p
                 in self.policies.items() if p["ServiceNamespace"] == params["ServiceNamespace"]
                 and params.get("ResourceId") in (None, resource) and params.get("ScalableDimension") in (None, dimension)
                 and (not names or name in names)]
        return {"ScalingPolicies": found}

    @operation("DescribeScalingActivities")
    def describe_scaling_activities(self, params: dict) -> dict:
        found = [dict(a) for a in reversed(self.activities) if a["ServiceNamespace"] == params["ServiceNamespace"]
                 and params.get("ResourceId") in (None, a["ResourceId"])
                 and params.get("ScalableDimension") in (None, a["ScalableDimension"])]
        return {"ScalingActivities": found}

    # -- the scaling loop, over simulated time -------------------------------------------------

    def _schedule(self, key) -> None:
        now = self.account.clock.now()
        self.account.clock.call_at((math.floor(now / 60) + 1) * 60, lambda: self._evaluate(key))

    def _evaluate(self, key) -> None:
        """Once a minute: read the minute that just ended and act as the alarms would."""
        policy = self.policies.get(key)
        target = self.targets.get(key[:2])
        if policy is None or target is None:
            return
        self._schedule(key)
        resource, dimension, _ = key
        kind, is_index = DIMENSIONS[dimension]
        table = self.account.service("dynamodb").tables.get(resource.split("/")[1])
        if table is None or table.billing != "PROVISIONED" or is_index or table.meter is None:
            return  # indexes: the meter keeps per-minute figures for the table only
        now = self.account.clock.now()
        minute = int(now // 60) - 1
        provisioned = float(table.throughput[_UNITS[kind]])
        per_second = table.meter.minute(minute)[kind] / 60.0
        history = self._history.setdefault(key, [])
        history.append(100.0 * per_second / provisioned)
        del history[:-SCALE_IN_MINUTES]
        config = policy["TargetTrackingScalingPolicyConfiguration"]
        goal = float(config["TargetValue"])
        desired = max(target["MinCapacity"], min(target["MaxCapacity"], math.ceil(per_second * 100.0 / goal)))
        suspended = target["SuspendedState"]
        if len(history) >= SCALE_OUT_MINUTES and all(u > goal for u in history[-SCALE_OUT_MINUTES:]):
            if desired > provisioned and not suspended.get("DynamicScalingOutSuspended") \
                    and now - policy["_last_out"] >= float(config.get("ScaleOutCooldown") or 0):
                policy["_last_out"] = now
                history.clear()
                self._change(table, resource, dimension, kind, desired, now + ALARM_DELAY_S + UPDATE_DELAY_S,
                             f"monitor alarm {policy['Alarms'][0]['AlarmName']} in state ALARM triggered policy "
                             f"{policy['PolicyName']}")
        elif len(history) >= SCALE_IN_MINUTES and all(u < goal - SCALE_IN_MARGIN for u in history) \
                and not config.get("DisableScaleIn") and not suspended.get("DynamicScalingInSuspended") \
                and desired < provisioned and now - policy["_last_in"] >= float(config.get("ScaleInCooldown") or 0):
            policy["_last_in"] = now
            history.clear()
            self._change(table, resource, dimension, kind, desired, now + ALARM_DELAY_S + UPDATE_DELAY_S,
                         f"monitor alarm {policy['Alarms'][1]['AlarmName']} in state ALARM triggered policy "
                         f"{policy['PolicyName']}")

    def _change(self, table, resource: str, dimension: str, kind: str, capacity: int, when: float, cause: str) -> None:
        activity = {"ActivityId": str(uuid.uuid4()), "ServiceNamespace": "dynamodb", "ResourceId": resource,
                    "ScalableDimension": dimension,
                    "Description": f"Setting {_UNITS[kind].replace('CapacityUnits', ' capacity units')} to {capacity}.",
                    "Cause": cause, "StartTime": self.account.clock.datetime(), "StatusCode": "InProgress"}
        self.activities.append(activity)

        def apply() -> None:
            service = self.account.service("dynamodb")
            current = service.tables.get(table.name)
            if current is not table or table.billing != "PROVISIONED":
                activity.update(StatusCode="Failed", StatusMessage="The table is gone or no longer provisioned",
                                EndTime=self.account.clock.datetime())
                return
            throughput = dict(table.throughput)
            if throughput[_UNITS[kind]] != capacity:
                throughput[_UNITS[kind]] = capacity
                service.call("UpdateTable", {"TableName": table.name, "ProvisionedThroughput": throughput})
            activity.update(StatusCode="Successful", StatusMessage="Successfully set capacity",
                            EndTime=self.account.clock.datetime())

        self.account.clock.call_at(when, apply)
