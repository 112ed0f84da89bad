"""An in-process simulator of the AWS services the course teaches.

Importing this package is cheap: boto3 is imported only when a client is first
asked for, and a service's model only when the service is first used.
"""

from course.sim.account import Account
from course.sim.errors import AwsError, TemplateError

__all__ = ["Account", "AwsError", "TemplateError"]
