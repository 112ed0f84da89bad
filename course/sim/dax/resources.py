"""Template creators for AWS::DAX::Cluster, AWS::DAX::ParameterGroup and AWS::DAX::SubnetGroup.

Each turns the resource's properties into the DAX API calls CloudFormation makes (CreateCluster,
CreateParameterGroup then UpdateParameterGroup, CreateSubnetGroup) on the same model the boto3
bridge calls. CloudFormation waits until a cluster is available, so a deployed cluster is ready
at once. ``Fn::GetAtt`` gives ``Arn``, ``ClusterDiscoveryEndpoint`` (host:port) and
``ClusterDiscoveryEndpointURL`` (``dax://host``, the value a DAX client is given); ``Ref`` gives
the name (AWS::DAX::Cluster in the CloudFormation resource reference).
"""

from __future__ import annotations

import json

from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import BOOLEAN, JSON, OPEN, integer, list_of, obj, resource, string

# From the CloudFormation resource reference for AWS::DAX::Cluster, AWS::DAX::ParameterGroup and
# AWS::DAX::SubnetGroup. A cluster has at most 11 nodes (facts.md §9).
_TEXT = string()

_SCHEMAS: dict[str, dict] = {
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


def _dax(account):
    return account.service("dax")


def _name(context, max_length: int) -> str:
    """DAX stores names in lower case and refuses a double hyphen."""
    name = context.physical_name(max_length).lower()
    while "--" in name:
        name = name.replace("--", "-")
    return name


def create_cluster(account, logical_id: str, props: dict, context) -> PhysicalResource:
    params = {"ClusterName": props.get("ClusterName") or _name(context, 20), "NodeType": props["NodeType"],
              "ReplicationFactor": int(props["ReplicationFactor"]), "IamRoleArn": props["IAMRoleARN"]}
    for cfn, api in (("AvailabilityZones", "AvailabilityZones"), ("Description", "Description"),
                     ("ClusterEndpointEncryptionType", "ClusterEndpointEncryptionType"),
                     ("NotificationTopicARN", "NotificationTopicArn"), ("ParameterGroupName", "ParameterGroupName"),
                     ("PreferredMaintenanceWindow", "PreferredMaintenanceWindow"),
                     ("SecurityGroupIds", "SecurityGroupIds"), ("SubnetGroupName", "SubnetGroupName"),
                     ("NetworkType", "NetworkType")):
        if props.get(cfn) is not None:
            params[api] = props[cfn]
    if props.get("SSESpecification") is not None:
        params["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled"))}
    made = _dax(account).create_cluster(params, settle=True)["Cluster"]
    endpoint = made["ClusterDiscoveryEndpoint"]
    return PhysicalResource(made["ClusterName"], {
        "Arn": made["ClusterArn"], "ClusterDiscoveryEndpoint": f"{endpoint['Address']}:{endpoint['Port']}",
        "ClusterDiscoveryEndpointURL": endpoint["URL"]})


def _delete_cluster(account, made) -> None:
    _dax(account).delete_cluster({"ClusterName": made.physical_id}, settle=True)


def create_parameter_group(account, logical_id: str, props: dict, context) -> PhysicalResource:
    service = _dax(account)
    name = props.get("ParameterGroupName") or _name(context, 255)
    service.create_parameter_group({"ParameterGroupName": name, "Description": props.get("Description") or ""})
    values = props.get("ParameterNameValues")
    if isinstance(values, str):
        values = json.loads(values)
    if values:
        service.update_parameter_group({"ParameterGroupName": name, "ParameterNameValues": [
            {"ParameterName": key, "ParameterValue": str(value)} for key, value in values.items()]})
    return PhysicalResource(name, {})


def _delete_parameter_group(account, made) -> None:
    _dax(account).delete_parameter_group({"ParameterGroupName": made.physical_id})


def create_subnet_group(account, logical_id: str, props: dict, context) -> PhysicalResource:
    name = props.get("SubnetGroupName") or _name(context, 255)
    _dax(account).create_subnet_group({"SubnetGroupName": name, "Description": props.get("Description") or "",
                                       "SubnetIds": list(props["SubnetIds"])})
    return PhysicalResource(name, {})


def _delete_subnet_group(account, made) -> None:
    _dax(account).delete_subnet_group({"SubnetGroupName": made.physical_id})


register_creator("AWS::DAX::Cluster", create_cluster, ("Arn", "ClusterDiscoveryEndpoint",
                                                        "ClusterDiscoveryEndpointURL"),
                 schema=_SCHEMAS["AWS::DAX::Cluster"], delete=_delete_cluster)
register_creator("AWS::DAX::ParameterGroup", create_parameter_group, schema=_SCHEMAS["AWS::DAX::ParameterGroup"],
                 delete=_delete_parameter_group)
register_creator("AWS::DAX::SubnetGroup", create_subnet_group, schema=_SCHEMAS["AWS::DAX::SubnetGroup"],
                 delete=_delete_subnet_group)
