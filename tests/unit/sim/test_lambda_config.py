"""Lambda's configuration rules through a real botocore client: each limit refused with Lambda's
error just past it and accepted at it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from course.sim.awslambda import config
from course.sim.errors import AwsError
from tests.unit.sim.test_lambda_support import ARN, ROLE, client, error_of, make  # noqa: F401


def refused(client, **overrides) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        make(client, **overrides)
    return error_of(caught)


# ---- memory, timeout, /tmp --------------------------------------------------------------------

def test_memory_at_the_limits_is_accepted(client):
    assert make(client, "small", MemorySize=128)["MemorySize"] == 128
    assert make(client, "big", MemorySize=10_240)["MemorySize"] == 10_240
    assert make(client, "odd", MemorySize=1_999)["MemorySize"] == 1_999  # 1 MB steps


def test_memory_above_10240_is_refused(client):
    assert refused(client, MemorySize=10_241) == (
        "ValidationException", "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy "
                               "constraint: Member must have value less than or equal to 10240", 400)


def test_memory_below_128_is_refused_by_botocore_and_by_the_model(client, acct):
    with pytest.raises(ParamValidationError):
        make(client, MemorySize=127)
    with pytest.raises(AwsError) as caught:
        acct.call("lambda", "CreateFunction", {"FunctionName": "f", "Runtime": "python3.12", "Role": ROLE,
                                               "Handler": "index.handler", "Code": {"ZipFile": "x"},
                                               "MemorySize": 127})
    assert caught.value.message.endswith("Member must have value greater than or equal to 128")


def test_timeout_limits(client):
    assert make(client, "a", Timeout=900)["Timeout"] == 900
    assert make(client, "b", Timeout=1)["Timeout"] == 1
    assert refused(client, Timeout=901) == (
        "ValidationException", "1 validation error detected: Value '901' at 'timeout' failed to satisfy "
                               "constraint: Member must have value less than or equal to 900", 400)


def test_ephemeral_storage_limits(client):
    assert make(client, "a", EphemeralStorage={"Size": 10_240})["EphemeralStorage"] == {"Size": 10_240}
    assert make(client, "b")["EphemeralStorage"] == {"Size": 512}
    code, message, status = refused(client, EphemeralStorage={"Size": 10_241})
    assert (code, status) == ("ValidationException", 400)
    assert "'ephemeralStorage.size'" in message and message.endswith("less than or equal to 10240")


def test_defaults_are_lambdas(client):
    made = make(client)
    assert (made["MemorySize"], made["Timeout"], made["Architectures"], made["PackageType"]) == (
        128, 3, ["x86_64"], "Zip")


# ---- environment variables --------------------------------------------------------------------

def _variables(total_bytes: int) -> dict:
    """One variable whose compact JSON form ({"KEY":"..."}) is exactly ``total_bytes`` long."""
    return {"KEY": "v" * (total_bytes - len('{"KEY":""}'))}


def test_environment_of_exactly_4_kb_is_accepted(client):
    variables = _variables(4096)
    assert config.environment_size(variables)[0] == 4096
    assert make(client, Environment={"Variables": variables})["Environment"]["Variables"] == variables


def test_environment_over_4_kb_is_refused_with_the_measured_string(client):
    variables = _variables(4097)
    code, message, status = refused(client, Environment={"Variables": variables})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message == ("Lambda was unable to configure your environment variables because the environment "
                       "variables you have provided exceeded the 4KB limit. String measured: "
                       '{"KEY":"' + variables["KEY"] + '"}')


def test_environment_size_counts_keys_values_and_json_punctuation():
    assert config.environment_size({"A": "1", "BB": "22"}) == (len('{"A":"1","BB":"22"}'), '{"A":"1","BB":"22"}')


def test_reserved_environment_keys_are_refused(client):
    code, message, _ = refused(client, Environment={"Variables": {"AWS_REGION": "eu-west-1", "MINE": "x"}})
    assert code == "InvalidParameterValueException"
    assert message.endswith("Reserved keys used in this request: AWS_REGION")


@pytest.mark.parametrize("key", ["1BAD", "K", "WITH-DASH"])
def test_environment_key_pattern(client, key):
    """Lambda's key pattern needs a letter and at least one more character."""
    code, message, _ = refused(client, Environment={"Variables": {key: "x"}})
    assert code == "ValidationException" and "[a-zA-Z]([a-zA-Z0-9_])+" in message


# ---- runtimes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("runtime", ["python3.14", "python3.13", "python3.12", "python3.10", "nodejs22.x",
                                     "nodejs20.x", "java21", "java17", "java11", "dotnet8", "ruby3.3", "ruby3.2",
                                     "provided.al2023", "provided.al2"])
def test_supported_runtimes(client, runtime):
    assert make(client, Runtime=runtime)["Runtime"] == runtime


BLOCKED = ("The runtime parameter of {} is no longer supported for creating or updating AWS Lambda functions. "
           "We recommend you use a supported runtime while creating or upgrading functions.")


@pytest.mark.parametrize("runtime", ["python3.8", "python3.7", "nodejs16.x", "nodejs14.x", "go1.x", "python2.7"])
def test_runtimes_past_their_block_date_are_refused(client, runtime):
    assert refused(client, Runtime=runtime) == ("InvalidParameterValueException", BLOCKED.format(runtime), 400)


def test_a_deprecated_runtime_is_creatable_until_its_block_date(client, acct):
    """python3.9 was deprecated on 2025-12-15; Lambda blocks creating functions with it from 2027-02-01."""
    assert config.runtime_phase("python3.9", acct.clock.now()) == "deprecated"
    make(client, "early", Runtime="python3.9")
    acct.clock.set(config._day("2027-02-01"))
    assert refused(client, Runtime="python3.9") == ("InvalidParameterValueException", BLOCKED.format("python3.9"), 400)
    client.update_function_configuration(FunctionName="early", MemorySize=256)  # updates allowed until 2027-03-03
    acct.clock.set(config._day("2027-03-03"))
    with pytest.raises(ClientError) as caught:
        client.update_function_configuration(FunctionName="early", MemorySize=512)
    assert error_of(caught)[1] == BLOCKED.format("python3.9")


def test_an_unknown_runtime_is_refused(client):
    code, message, _ = refused(client, Runtime="python3.99")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'python3.99' at 'runtime' failed to satisfy "
                              "constraint: Member must satisfy enum value set: [python3.14, ")


# ---- packages, layers, architectures, role, name ----------------------------------------------

def test_image_package_takes_an_image_uri_and_no_handler_or_runtime(client):
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"
    made = client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": uri})
    assert made["PackageType"] == "Image" and "Runtime" not in made and "Handler" not in made
    assert client.get_function(FunctionName="img")["Code"]["ImageUri"] == uri
    assert refused(client, FunctionName="img2", PackageType="Image", Code={"ImageUri": uri}) == (
        "InvalidParameterValueException",
        "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.", 400)
    with pytest.raises(ClientError) as caught:
        client.create_function(FunctionName="img3", Role=ROLE, PackageType="Image", Code={"ZipFile": b"x"})
    assert error_of(caught)[1] == "Please provide ImageUri when the intended function PackageType is Image."


def test_zip_package_needs_runtime_and_handler(client):
    with pytest.raises(ClientError) as caught:
        client.create_function(FunctionName="f", Role=ROLE, Runtime="python3.12", Code={"ZipFile": b"x"})
    assert error_of(caught) == ("InvalidParameterValueException", "Runtime and Handler are mandatory parameters "
                                "for functions created with deployment packages.", 400)


def _layer(n: int) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:layer:lib{n}:1"


def test_five_layers_are_accepted_six_are_not(client):
    assert len(make(client, "five", Layers=[_layer(n) for n in range(5)])["Layers"]) == 5
    assert refused(client, Layers=[_layer(n) for n in range(6)]) == (
        "InvalidParameterValueException", "Cannot reference more than 5 layers.", 400)


def test_one_architecture(client):
    assert make(client, "arm", Architectures=["arm64"])["Architectures"] == ["arm64"]
    code, message, _ = refused(client, Architectures=["x86_64", "arm64"])
    assert code == "ValidationException"
    assert message.endswith("at 'architectures' failed to satisfy constraint: Member must have length less than "
                            "or equal to 1")


def test_role_must_be_a_role_arn(client):
    code, message, _ = refused(client, Role="my-role")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'my-role' at 'role'")


def test_function_name_length(client):
    assert make(client, "n" * 64)["FunctionName"] == "n" * 64
    code, message, _ = refused(client, FunctionName="n" * 65)
    assert code == "ValidationException" and message.endswith("Member must have length less than or equal to 64")


def test_a_second_function_of_the_same_name_conflicts(client):
    make(client)
    assert refused(client) == ("ResourceConflictException", "Function already exist: fn", 409)


# ---- SnapStart --------------------------------------------------------------------------------

SNAP = {"ApplyOn": "PublishedVersions"}


@pytest.mark.parametrize("runtime", ["java11", "java17", "java21", "python3.12", "python3.13", "dotnet8"])
def test_snapstart_on_supported_runtimes(client, runtime):
    assert make(client, SnapStart=SNAP, Runtime=runtime)["SnapStart"] == {"ApplyOn": "PublishedVersions",
                                                                        "OptimizationStatus": "Off"}


@pytest.mark.parametrize("runtime", ["python3.11", "nodejs22.x", "ruby3.3", "provided.al2023"])
def test_snapstart_refused_on_other_runtimes(client, runtime):
    assert refused(client, SnapStart=SNAP, Runtime=runtime) == (
        "InvalidParameterValueException", f"{runtime} is not supported for SnapStart enabled functions.", 400)


def test_snapstart_refuses_more_than_512_mb_of_tmp(client):
    code, message, _ = refused(client, SnapStart=SNAP, EphemeralStorage={"Size": 513})
    assert code == "InvalidParameterValueException" and "512 MB of ephemeral storage" in message
    client.create_function(FunctionName="ok", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code={"ZipFile": "x"}, SnapStart=SNAP, EphemeralStorage={"Size": 512})


def test_snapstart_takes_effect_only_on_published_versions(client):
    make(client, SnapStart=SNAP)
    version = client.publish_version(FunctionName="fn")
    assert version["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert client.get_function_configuration(FunctionName="fn")["SnapStart"]["OptimizationStatus"] == "Off"
