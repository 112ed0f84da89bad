"""Errors CloudFormation itself answers with, for what the template package plays of it
(AWS CloudFormation API Reference, "Common Errors": ValidationError, HTTP 400)."""

from course.sim.errors import ServiceError


class CloudFormationError(ServiceError):
    service = "cloudformation"


class ValidationError(CloudFormationError):
    """A template or stack that CloudFormation refuses before creating anything."""
