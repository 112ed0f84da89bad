"""The errors the simulated DAX answers with, one class per AWS error code.

Codes come from the "Errors" section of each action's page in the Amazon DynamoDB Accelerator
API Reference (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/, e.g.
API_dax_CreateCluster.html, API_dax_DeleteSubnetGroup.html); each is HTTP 400 there. DAX's
control plane names most of its errors ``...Fault``. ValidationException is the simulator's
answer to a DynamoDB operation sent through a DAX client that DAX does not serve (CommonErrors.html).
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class DaxError(ServiceError):
    service = "dax"


class ValidationException(DaxError):
    pass


class InvalidParameterValueException(DaxError):
    pass


class InvalidParameterCombinationException(DaxError):
    pass


class ClusterNotFoundFault(DaxError):
    pass


class ClusterAlreadyExistsFault(DaxError):
    pass


class InvalidClusterStateFault(DaxError):
    """A cluster still being created, or already being deleted."""


class NodeQuotaForClusterExceededFault(DaxError):
    pass


class ParameterGroupNotFoundFault(DaxError):
    pass


class ParameterGroupAlreadyExistsFault(DaxError):
    pass


class InvalidParameterGroupStateFault(DaxError):
    """The default parameter group (which cannot change) or one still used by a cluster."""


class SubnetGroupNotFoundFault(DaxError):
    pass


class SubnetGroupAlreadyExistsFault(DaxError):
    pass


class SubnetGroupInUseFault(DaxError):
    pass


class InvalidSubnet(DaxError):
    pass
