"""SAM's ``AWS::Serverless::SimpleTable``, checked before SAM's transform makes its table.

SAM makes an ``AWS::DynamoDB::Table`` with the SimpleTable's logical id: a one-attribute primary key
(``id`` of type String unless ``PrimaryKey`` says otherwise), on-demand unless
``ProvisionedThroughput`` is given (sam-resource-simpletable.html).
"""

from __future__ import annotations

from course.sim.template.model import Resource
from course.sim.template.sam import SamTransform

#: What SAM accepts only on each table, never in ``Globals.SimpleTable``.
NOT_GLOBAL = ("PrimaryKey", "ProvisionedThroughput", "TableName", "Tags", "PointInTimeRecoverySpecification")


def check_simple_table(transform: SamTransform, resource: Resource) -> dict:
    """The table's properties checked where they were written (here or in ``Globals.SimpleTable``);
    SAM's transform then makes the ``AWS::DynamoDB::Table``."""
    merged, written, _ = transform.merged(resource, "SimpleTable")
    if "PrimaryKey" in written:
        written["KeySchema"] = written["AttributeDefinitions"] = written["PrimaryKey"]
    return {"merged": merged, "written": written}
