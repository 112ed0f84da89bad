"""The DAX service: clusters, parameter groups and subnet groups, and the data plane behind them.

Control-plane operations answer with botocore's ``dax`` shapes and DAX's fault codes
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Accelerator_(DAX).html).
Facts taught (facts.md §9): a cluster has up to 11 nodes, one primary and up to ten read
replicas; it runs in a VPC; both cache TTLs default to 5 minutes and are set by a parameter group's
``record-ttl-millis`` and ``query-ttl-millis``, the only two parameters a group has
(API_dax_UpdateParameterGroup.html), which apply immediately (DescribeParameters: ChangeType
IMMEDIATE).

The data plane (GetItem, Query, PutItem, ...) is reached with a DynamoDB client pointed at the
cluster's endpoint URL (see ``course.sim.dax.client``); such a request arrives here as a ``dax``
call carrying the endpoint under ``ENDPOINT_PARAM`` and is answered by the cluster's
``Accelerator`` (``dataplane.py``). Per-cluster cache figures, which DescribeClusters does not show
(on AWS they are CloudWatch metrics), are read with ``DaxService.stats(cluster_name)`` and appear on
every data-plane entry of the account's call log.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

from course.sim.dax import dataplane
from course.sim.dax.cache import DEFAULT_TTL_MS, ClusterCache
from course.sim.dax.client import ENDPOINT_PARAM
from course.sim.dax.errors import (
    ClusterAlreadyExistsFault,
    ClusterNotFoundFault,
    InvalidClusterStateFault,
    InvalidParameterCombinationException,
    InvalidParameterGroupStateFault,
    InvalidParameterValueException,
    InvalidSubnet,
    NodeQuotaForClusterExceededFault,
    ParameterGroupAlreadyExistsFault,
    ParameterGroupNotFoundFault,
    SubnetGroupAlreadyExistsFault,
    SubnetGroupInUseFault,
    SubnetGroupNotFoundFault,
    ValidationException,
)
from course.sim.service import Service, operation

#: One primary plus up to ten read replicas (facts.md §9, DAX.concepts.cluster.html).
MAX_NODES = 11
DEFAULT_PARAMETER_GROUP = "default.dax1.0"
DEFAULT_SUBNET_GROUP = "default"
#: Default ports of the cluster endpoint: 8111 for "dax", 9111 for "daxs" (API_dax_Endpoint.html).
PORTS = {"NONE": 8111, "TLS": 9111}
#: ASSUMPTION: how long a new cluster stays "creating" and a deleted one "deleting". AWS publishes
#: no figure ("several minutes" in practice); a template deploy waits for it, as CloudFormation does.
CLUSTER_CREATE_SECONDS = 600.0
CLUSTER_DELETE_SECONDS = 300.0
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,19}$")
_NODE_TYPE = re.compile(r"^dax\.[a-z0-9]+\.[a-z0-9]+$")
_PARAMETERS = {
    "query-ttl-millis": "Duration in milliseconds for queries to remain cached",
    "record-ttl-millis": "Duration in milliseconds for records to remain valid in cache (Default: 0 = infinite)",
}


class Cluster:
    def __init__(self, service: "DaxService", params: dict, name: str):
        account = service.account
        self.name = name
        self.params = params
        self.status = "creating"
        self.created = account.clock.now()
        self.parameter_group = params.get("ParameterGroupName") or DEFAULT_PARAMETER_GROUP
        self.subnet_group = params.get("SubnetGroupName") or DEFAULT_SUBNET_GROUP
        self.encryption = params.get("ClusterEndpointEncryptionType") or "NONE"
        token = hashlib.sha256(f"{account.account_id}/{account.region}/{name}".encode()).hexdigest()[:6]
        self.address = f"{name}.{token}.dax-clusters.{account.region}.amazonaws.com"
        self.port = PORTS[self.encryption]
        self.url = ("daxs://" if self.encryption == "TLS" else "dax://") + self.address
        group = service.parameter_groups[self.parameter_group]
        self.cache = ClusterCache(account.clock, group["record-ttl-millis"], group["query-ttl-millis"])
        self.accelerator = dataplane.Accelerator(account, name, self.cache)
        self.arn = account.arn("dax", f"cache/{name}")
        self.nodes = int(params["ReplicationFactor"])

    def describe(self, service: "DaxService") -> dict:
        zones = self.params.get("AvailabilityZones") or []
        region = service.account.region
        ready = self.status == "available"
        nodes = [{"NodeId": f"{self.name}-{chr(97 + i)}", "NodeCreateTime": datetime.fromtimestamp(self.created, tz=timezone.utc),
                  "Endpoint": {"Address": f"{self.name}-{chr(97 + i)}.{self.address.split('.', 1)[1]}",
                               "Port": self.port},
                  "AvailabilityZone": zones[i] if i < len(zones) else f"{region}{'abc'[i % 3]}",
                  "NodeStatus": "available", "ParameterGroupStatus": "in-sync"} for i in range(self.nodes)]
        out = {
            "ClusterName": self.name, "ClusterArn": self.arn, "TotalNodes": self.nodes,
            "ActiveNodes": self.nodes if ready else 0, "NodeType": self.params["NodeType"], "Status": self.status,
            "ClusterDiscoveryEndpoint": {"Address": self.address, "Port": self.port, "URL": self.url},
            "PreferredMaintenanceWindow": self.params.get("PreferredMaintenanceWindow") or "sun:05:00-sun:06:00",
            "SubnetGroup": self.subnet_group, "IamRoleArn": self.params["IamRoleArn"],
            "SecurityGroups": [{"SecurityGroupIdentifier": g, "Status": "active"}
                               for g in self.params.get("SecurityGroupIds") or []],
            "ParameterGroup": {"ParameterGroupName": self.parameter_group, "ParameterApplyStatus": "in-sync",
                               "NodeIdsToReboot": []},
            "SSEDescription": {"Status": "ENABLED" if (self.params.get("SSESpecification") or {}).get("Enabled")
                               else "DISABLED"},
            "ClusterEndpointEncryptionType": self.encryption,
            "NetworkType": self.params.get("NetworkType") or "ipv4",
        }
        if self.params.get("Description"):
            out["Description"] = self.params["Description"]
        if ready:
            out["Nodes"] = nodes
        return out


class DaxService(Service):
    name = "dax"

    def __init__(self, account):
        super().__init__(account)
        self.clusters: dict[str, Cluster] = {}
        self.parameter_groups: dict[str, dict] = {DEFAULT_PARAMETER_GROUP: self._group(
            DEFAULT_PARAMETER_GROUP, "Default parameter group for dax1.0")}
        self.subnet_groups: dict[str, dict] = {DEFAULT_SUBNET_GROUP: {
            "SubnetGroupName": DEFAULT_SUBNET_GROUP, "Description": "Default subnet group",
            "VpcId": "vpc-default", "Subnets": []}}

    @staticmethod
    def _group(name: str, description: str) -> dict:
        return {"ParameterGroupName": name, "Description": description,
                "record-ttl-millis": DEFAULT_TTL_MS, "query-ttl-millis": DEFAULT_TTL_MS}

    # -- the data plane ----------------------------------------------------------------------------

    def call(self, operation_name: str, params: dict) -> dict:
        if ENDPOINT_PARAM not in params:
            return super().call(operation_name, params)
        params = dict(params)
        endpoint = params.pop(ENDPOINT_PARAM)
        if operation_name not in dataplane.OPERATIONS:
            raise ValidationException(f"DAX does not serve {operation_name}: a DAX client reads and writes "
                                      "items only; table operations go to DynamoDB through an ordinary client.")
        cluster = self.cluster_at(endpoint)
        self.account.service("dynamodb").refuse_unmodeled(params)
        entry = self.account.current_call
        return cluster.accelerator.handle(operation_name, params, entry if entry and entry.get("service") == "dax"
                                          else None)

    def cluster_at(self, endpoint: str) -> Cluster:
        """The cluster whose discovery endpoint (URL, host:port or host) this is, ready to serve."""
        host = re.sub(r"^[a-z]+://", "", str(endpoint).strip().lower()).split("/")[0].split(":")[0]
        for cluster in self.clusters.values():
            if cluster.address == host:
                if cluster.status != "available":
                    raise InvalidClusterStateFault(f"DAX cluster {cluster.name} is {cluster.status}; "
                                                   "it serves requests once its status is available.")
                return cluster
        raise ClusterNotFoundFault(f"No DAX cluster answers at {endpoint}: use the URL "
                                   "of an existing cluster's ClusterDiscoveryEndpoint.")

    def stats(self, cluster_name: str) -> dict:
        """Item and query cache hits and misses of one cluster (CloudWatch's figures on AWS)."""
        return self._cluster(cluster_name).cache.stats()

    # -- clusters ----------------------------------------------------------------------------------

    def _cluster(self, name: str) -> Cluster:
        cluster = self.clusters.get(str(name).lower())
        if cluster is None:
            raise ClusterNotFoundFault(f"Cluster {name} not found.")
        return cluster

    @operation("CreateCluster")
    def create_cluster(self, params: dict, *, settle: bool = False) -> dict:
        name = str(params["ClusterName"]).lower()
        if not _NAME.match(name) or name.endswith("-") or "--" in name:
            raise InvalidParameterValueException("ClusterName must contain from 1 to 20 alphanumeric "
                                                 "characters or hyphens, begin with a letter, and must not "
                                                 "end with a hyphen or contain two consecutive hyphens.")
        nodes = params["ReplicationFactor"]
        if nodes < 1:
            raise InvalidParameterValueException("ReplicationFactor must be at least 1.")
        if nodes > MAX_NODES:
            raise NodeQuotaForClusterExceededFault(f"A DAX cluster has at most {MAX_NODES} nodes (one primary and up "
                                                   f"to {MAX_NODES - 1} read replicas); ReplicationFactor was {nodes}.")
        zones = params.get("AvailabilityZones")
        if zones and len(zones) != nodes:
            raise InvalidParameterCombinationException("The number of AvailabilityZones "
                                                       "must equal the ReplicationFactor.")
        if not _NODE_TYPE.match(str(params["NodeType"])):
            raise InvalidParameterValueException(f"Invalid node type: {params['NodeType']} (node "
                                                 "types look like dax.r5.large or dax.t3.small).")
        if (params.get("ParameterGroupName") or DEFAULT_PARAMETER_GROUP) not in self.parameter_groups:
            raise ParameterGroupNotFoundFault(f"Parameter group {params['ParameterGroupName']} not found.")
        if (params.get("SubnetGroupName") or DEFAULT_SUBNET_GROUP) not in self.subnet_groups:
            raise SubnetGroupNotFoundFault(f"Subnet group {params['SubnetGroupName']} not found.")
        if name in self.clusters:
            raise ClusterAlreadyExistsFault(f"Cluster {name} already exists.")
        cluster = self.clusters[name] = Cluster(self, dict(params), name)
        if settle:
            cluster.status = "available"
        else:
            self.account.clock.call_at(self.account.clock.now() + CLUSTER_CREATE_SECONDS, lambda: self._ready(cluster))
        return {"Cluster": cluster.describe(self)}

    def _ready(self, cluster: Cluster) -> None:
        if cluster.status == "creating" and self.clusters.get(cluster.name) is cluster:
            cluster.status = "available"

    @operation("DescribeClusters")
    def describe_clusters(self, params: dict) -> dict:
        names = params.get("ClusterNames")
        found = [self._cluster(n) for n in names] if names else list(self.clusters.values())
        return {"Clusters": [c.describe(self) for c in found]}

    @operation("DeleteCluster")
    def delete_cluster(self, params: dict, *, settle: bool = False) -> dict:
        cluster = self._cluster(params["ClusterName"])
        if cluster.status == "deleting":
            raise InvalidClusterStateFault(f"Cluster {cluster.name} is already being deleted.")
        cluster.status = "deleting"
        out = {"Cluster": cluster.describe(self)}
        if settle:
            self._gone(cluster)
        else:
            self.account.clock.call_at(self.account.clock.now() + CLUSTER_DELETE_SECONDS, lambda: self._gone(cluster))
        return out

    def _gone(self, cluster: Cluster) -> None:
        if self.clusters.get(cluster.name) is cluster:
            del self.clusters[cluster.name]

    # -- parameter groups --------------------------------------------------------------------------

    def _parameter_group(self, name: str) -> dict:
        group = self.parameter_groups.get(name)
        if group is None:
            raise ParameterGroupNotFoundFault(f"Parameter group {name} not found.")
        return group

    @operation("CreateParameterGroup")
    def create_parameter_group(self, params: dict) -> dict:
        name = params["ParameterGroupName"]
        if not name:
            raise InvalidParameterValueException("ParameterGroupName must not be empty.")
        if name in self.parameter_groups:
            raise ParameterGroupAlreadyExistsFault(f"Parameter group {name} already exists.")
        group = self.parameter_groups[name] = self._group(name, params.get("Description") or "")
        return {"ParameterGroup": {"ParameterGroupName": name, "Description": group["Description"]}}

    @operation("UpdateParameterGroup")
    def update_parameter_group(self, params: dict) -> dict:
        group = self._parameter_group(params["ParameterGroupName"])
        if group["ParameterGroupName"] == DEFAULT_PARAMETER_GROUP:
            raise InvalidParameterGroupStateFault("The default parameter group cannot be "
                                                  "modified; create a parameter group of your own.")
        changes = {}
        for pair in params["ParameterNameValues"]:
            name, value = pair.get("ParameterName"), pair.get("ParameterValue")
            if name not in _PARAMETERS:
                raise InvalidParameterValueException(f"Unknown parameter {name}: record-ttl-millis "
                                                     "and query-ttl-millis are the only "
                                                     "parameters a DAX parameter group has.")
            if not isinstance(value, str) or not value.isdigit():
                raise InvalidParameterValueException(f"Invalid value {value!r} for {name}: an "
                                                     "integer number of milliseconds, 0 or more.")
            changes[name] = int(value)
        group.update(changes)
        for cluster in self.clusters.values():
            if cluster.parameter_group == group["ParameterGroupName"]:
                cluster.cache.set_ttls(group["record-ttl-millis"], group["query-ttl-millis"])
        return {"ParameterGroup": {"ParameterGroupName": group["ParameterGroupName"],
                                   "Description": group["Description"]}}

    @staticmethod
    def _parameters(group: dict) -> list[dict]:
        return [{"ParameterName": name, "ParameterType": "DEFAULT", "ParameterValue": str(group[name]),
                 "NodeTypeSpecificValues": [], "Description": text, "Source": "user", "DataType": "integer",
                 "AllowedValues": "0-", "IsModifiable": "TRUE", "ChangeType": "IMMEDIATE"}
                for name, text in sorted(_PARAMETERS.items())]

    @operation("DescribeParameters")
    def describe_parameters(self, params: dict) -> dict:
        group = self._parameter_group(params["ParameterGroupName"])
        source = params.get("Source")
        if source not in (None, "user", "system"):
            raise InvalidParameterValueException(f"Invalid Source {source}: user or system.")
        return {"Parameters": [] if source == "system" else self._parameters(group)}

    @operation("DescribeDefaultParameters")
    def describe_default_parameters(self, params: dict) -> dict:
        return {"Parameters": self._parameters(self.parameter_groups[DEFAULT_PARAMETER_GROUP])}

    @operation("DescribeParameterGroups")
    def describe_parameter_groups(self, params: dict) -> dict:
        names = params.get("ParameterGroupNames")
        groups = [self._parameter_group(n) for n in names] if names else list(self.parameter_groups.values())
        return {"ParameterGroups": [{"ParameterGroupName": g["ParameterGroupName"], "Description": g["Description"]}
                                    for g in groups]}

    @operation("DeleteParameterGroup")
    def delete_parameter_group(self, params: dict) -> dict:
        group = self._parameter_group(params["ParameterGroupName"])
        name = group["ParameterGroupName"]
        if name == DEFAULT_PARAMETER_GROUP:
            raise InvalidParameterGroupStateFault("The default parameter group cannot be deleted.")
        if any(c.parameter_group == name for c in self.clusters.values()):
            raise InvalidParameterGroupStateFault(f"Parameter group {name} is in use by a cluster.")
        del self.parameter_groups[name]
        return {"DeletionMessage": f"Parameter group {name} has been deleted."}

    # -- subnet groups (no VPC is modelled: subnet ids are kept as given) ----------------------------

    @operation("CreateSubnetGroup")
    def create_subnet_group(self, params: dict) -> dict:
        name = params["SubnetGroupName"]
        if name in self.subnet_groups:
            raise SubnetGroupAlreadyExistsFault(f"Subnet group {name} already exists.")
        if not params["SubnetIds"]:
            raise InvalidSubnet("A subnet group needs at least one subnet.")
        group = self.subnet_groups[name] = {
            "SubnetGroupName": name, "Description": params.get("Description") or "", "VpcId": "vpc-simulated",
            "Subnets": [{"SubnetIdentifier": s, "SubnetAvailabilityZone": ""} for s in params["SubnetIds"]]}
        return {"SubnetGroup": group}

    @operation("DescribeSubnetGroups")
    def describe_subnet_groups(self, params: dict) -> dict:
        names = params.get("SubnetGroupNames")
        for n in names or []:
            if n not in self.subnet_groups:
                raise SubnetGroupNotFoundFault(f"Subnet group {n} not found.")
        return {"SubnetGroups": [self.subnet_groups[n] for n in (names or self.subnet_groups)]}

    @operation("DeleteSubnetGroup")
    def delete_subnet_group(self, params: dict) -> dict:
        name = params["SubnetGroupName"]
        if name not in self.subnet_groups:
            raise SubnetGroupNotFoundFault(f"Subnet group {name} not found.")
        if any(c.subnet_group == name for c in self.clusters.values()):
            raise SubnetGroupInUseFault(f"Subnet group {name} is in use by a cluster.")
        del self.subnet_groups[name]
        return {"DeletionMessage": f"Subnet group {name} has been deleted."}
