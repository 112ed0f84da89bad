"""Property schemas of the resource types added for dax (merged into ``schemas.SCHEMAS``).

From the CloudFormation resource reference for AWS::DAX::Cluster, AWS::DAX::ParameterGroup and
AWS::DAX::SubnetGroup. A cluster has at most 11 nodes (facts.md §9).
"""

from __future__ import annotations

from course.sim.template.schemas import BOOLEAN, JSON, OPEN, integer, list_of, obj, resource, string

_TEXT = string()

SCHEMAS: dict[str, dict] = {
    "AWS::DAX::Cluster": resource(
        {"AvailabilityZones": list_of(_TEXT), "ClusterEndpointEncryptionType": string(enum=("NONE", "TLS")),
         "ClusterName": string(min_length=1, max_length=20, pattern=r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)",
                               hint="1-20 letters, digits and hyphens, starting with a letter"),
         "Description": _TEXT, "IAMRoleARN": _TEXT, "NetworkType": string(enum=("ipv4", "ipv6", "dual_stack")),
         "NodeType": _TEXT, "NotificationTopicARN": _TEXT, "ParameterGroupName": _TEXT,
         "PreferredMaintenanceWindow": _TEXT, "ReplicationFactor": integer(1, 11),
         "SecurityGroupIds": list_of(_TEXT), "SSESpecification": obj({"SSEEnabled": BOOLEAN}),
         "SubnetGroupName": _TEXT, "Tags": OPEN},
        required=("IAMRoleARN", "NodeType", "ReplicationFactor"),
        attributes=("Arn", "ClusterDiscoveryEndpoint", "ClusterDiscoveryEndpointURL"), ref="the cluster name"),
    "AWS::DAX::ParameterGroup": resource(
        {"Description": _TEXT, "ParameterGroupName": _TEXT, "ParameterNameValues": JSON},
        ref="the parameter group name"),
    "AWS::DAX::SubnetGroup": resource(
        {"Description": _TEXT, "SubnetGroupName": _TEXT, "SubnetIds": list_of(_TEXT, min_items=1)},
        required=("SubnetIds",), ref="the subnet group name"),
}
