"""The errors the simulated Application Auto Scaling answers with, one class per AWS error code.

Codes come from the "Errors" section of each action's page in the Application Auto Scaling API
Reference (https://docs.aws.amazon.com/autoscaling/application/APIReference/, e.g.
API_PutScalingPolicy.html, API_DeregisterScalableTarget.html); each is HTTP 400 there.
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class AutoScalingError(ServiceError):
    service = "application-autoscaling"


class ValidationException(AutoScalingError):
    pass


class ObjectNotFoundException(AutoScalingError):
    """A scalable target or scaling policy that is not registered."""
