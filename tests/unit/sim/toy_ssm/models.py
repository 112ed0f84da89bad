"""Parameters with versions: PutParameter, GetParameter, DeleteParameter."""

from __future__ import annotations

from course.sim.service import Service, operation
from tests.unit.sim.toy_ssm.errors import ParameterAlreadyExists, ParameterNotFound


class SSMService(Service):
    name = "ssm"

    def __init__(self, account):
        super().__init__(account)
        self.parameters: dict[str, dict] = {}

    @operation("PutParameter")
    def put_parameter(self, params: dict) -> dict:
        name = params["Name"]
        old = self.parameters.get(name)
        if old is not None and not params.get("Overwrite"):
            raise ParameterAlreadyExists("The parameter already exists. To overwrite this value, set the overwrite"
                                         " option in the request to true.")
        version = old["Version"] + 1 if old else 1
        self.parameters[name] = {"Name": name, "Type": params.get("Type", "String"), "Value": params["Value"],
                                 "Version": version}
        return {"Version": version, "Tier": "Standard"}

    @operation("GetParameter")
    def get_parameter(self, params: dict) -> dict:
        found = self.parameters.get(params["Name"])
        if found is None:
            raise ParameterNotFound("")
        return {"Parameter": dict(found)}

    @operation("DeleteParameter")
    def delete_parameter(self, params: dict) -> dict:
        if self.parameters.pop(params["Name"], None) is None:
            raise ParameterNotFound("")
        return {}
