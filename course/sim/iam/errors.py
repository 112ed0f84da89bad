"""IAM errors, with the codes and HTTP statuses of the IAM API Reference ("Errors" of CreateRole, GetRole,
DeleteRole, PutRolePolicy and AttachRolePolicy) as botocore's IAM model carries them."""

from course.sim.errors import ServiceError


class IAMError(ServiceError):
    service = "iam"


class EntityAlreadyExistsException(IAMError):
    code = "EntityAlreadyExists"
    status = 409


class NoSuchEntityException(IAMError):
    code = "NoSuchEntity"
    status = 404


class DeleteConflictException(IAMError):
    code = "DeleteConflict"
    status = 409


class MalformedPolicyDocumentException(IAMError):
    code = "MalformedPolicyDocument"


class ValidationError(IAMError):
    """IAM's model-level rejection of a parameter (a role name with a space, say)."""
