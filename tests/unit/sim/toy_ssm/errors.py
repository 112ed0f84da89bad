"""Parameter Store errors (AWS Systems Manager API Reference, PutParameter and GetParameter; all 400)."""

from course.sim.errors import ServiceError


class SSMError(ServiceError):
    service = "ssm"


class ParameterNotFound(SSMError):
    pass


class ParameterAlreadyExists(SSMError):
    pass
