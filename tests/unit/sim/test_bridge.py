"""The boto3 bridge: botocore validates, the account answers, errors become botocore's exceptions."""

from __future__ import annotations

import pytest

from course.sim import Account, AwsError
from course.sim import registry
from course.sim.service import Service, operation


class FakeLambda(Service):
    """Just enough of a service to exercise the bridge."""

    name = "lambda"

    @operation("ListFunctions")
    def list_functions(self, params):
        return {"Functions": [{"FunctionName": "one", "MemorySize": 128}]}

    @operation("GetFunction")
    def get_function(self, params):
        raise AwsError("ResourceNotFoundException", f"Function not found: {params['FunctionName']}", 404,
                       {"Type": "User"})

    @operation("Invoke")
    def invoke(self, params):
        return {"StatusCode": 200, "Payload": params["Payload"][::-1], "ExecutedVersion": "$LATEST"}


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setitem(registry.STAND_INS, "lambda", FakeLambda)
    with Account() as acct:
        yield acct.client("lambda")


def test_answers_come_from_the_account(client):
    assert client.list_functions()["Functions"] == [{"FunctionName": "one", "MemorySize": 128}]


def test_errors_are_botocores_modeled_exceptions(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_function(FunctionName="missing")
    assert caught.value.response["Error"] == {"Code": "ResourceNotFoundException",
                                              "Message": "Function not found: missing"}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_parameters_are_validated_by_botocore(client):
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        client.invoke(FunctionName=5)


def test_streaming_payload_in_and_out(client, tmp_path):
    body = tmp_path / "event.json"
    body.write_bytes(b'{"a": 1}')
    with body.open("rb") as handle:
        response = client.invoke(FunctionName="f", Payload=handle)
    assert response["Payload"].read() == b'}1 :"a"{'


def test_an_operation_not_modeled_is_named(client):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        client.list_layers()
    message = str(caught.value)
    assert "NotModeledBySimulator" in message and "lambda:ListLayers" in message and "Invoke" in message


def test_importing_the_simulator_does_not_import_boto3():
    import subprocess
    import sys

    code = "import course.sim, sys; print('botocore' in sys.modules, 'boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
