"""A handler module that exits while it is being imported (init)."""

import sys

print("giving up during init")
sys.exit(2)


def handler(event, context):
    return "unreachable"
