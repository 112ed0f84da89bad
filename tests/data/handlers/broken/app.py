"""A handler module whose init fails: it imports a package the deployment package lacks."""

import not_a_real_module_xyz  # noqa: F401


def handler(event, context):
    return "unreachable"
