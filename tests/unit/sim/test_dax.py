"""DAX: the control plane through boto3's dax client, the caches through a DynamoDB client pointed at
a cluster's dax:// endpoint, templates, and a Lambda handler reading through ``amazondax``."""

from __future__ import annotations

import json
import textwrap

import pytest
from botocore.exceptions import ClientError

from course.sim.dax import latency
from course.sim.dax.client import connect
from course.sim.dax.models import CLUSTER_CREATE_SECONDS, CLUSTER_DELETE_SECONDS

ROLE = "arn:aws:iam::123456789012:role/dax"


def code(err: pytest.ExceptionInfo) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def dax(acct):
    return acct.client("dax")


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="products", KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    client.create_table(TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                                       {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"}],
                        BillingMode="PAY_PER_REQUEST")
    for sku, stock in (("a", 10), ("b", 5)):
        client.put_item(TableName="products", Item={"sku": {"S": sku}, "stock": {"N": str(stock)}})
    for n in range(3):
        client.put_item(TableName="orders", Item={"pk": {"S": "o"}, "sk": {"N": str(n)}})
    return client


def make_cluster(acct, dax, name="cat", **extra):
    params = {"ClusterName": name, "NodeType": "dax.t3.small", "ReplicationFactor": 1, "IamRoleArn": ROLE, **extra}
    made = dax.create_cluster(**params)["Cluster"]
    acct.clock.advance(CLUSTER_CREATE_SECONDS)
    return made


@pytest.fixture
def cache(acct, dax, ddb):
    """A DynamoDB client talking to an available cluster."""
    made = make_cluster(acct, dax)
    return connect(acct, made["ClusterDiscoveryEndpoint"]["URL"])


def get(client, sku, **extra):
    return client.get_item(TableName="products", Key={"sku": {"S": sku}}, **extra).get("Item")


def stock(item):
    return None if item is None else int(item["stock"]["N"])


def entries(acct, service=None):
    return [c for c in acct.calls if service is None or c["service"] == service]


# -- control plane ------------------------------------------------------------------------------

def test_cluster_is_creating_then_available_with_a_dax_endpoint(acct, dax):
    made = dax.create_cluster(ClusterName="Catalog", NodeType="dax.r5.large", ReplicationFactor=3,
                              IamRoleArn=ROLE)["Cluster"]
    assert made["ClusterName"] == "catalog"  # stored in lower case
    assert made["Status"] == "creating" and made["ActiveNodes"] == 0
    endpoint = made["ClusterDiscoveryEndpoint"]
    assert endpoint["Port"] == 8111 and endpoint["URL"] == "dax://" + endpoint["Address"]
    assert endpoint["Address"].startswith("catalog.") and ".dax-clusters.us-east-1.amazonaws.com" in endpoint["Address"]
    acct.clock.advance(CLUSTER_CREATE_SECONDS - 1)
    assert dax.describe_clusters(ClusterNames=["catalog"])["Clusters"][0]["Status"] == "creating"
    acct.clock.advance(1)
    described = dax.describe_clusters()["Clusters"][0]
    assert described["Status"] == "available" and described["TotalNodes"] == 3 and len(described["Nodes"]) == 3
    assert described["ParameterGroup"]["ParameterGroupName"] == "default.dax1.0"
    assert described["ClusterArn"] == "arn:aws:dax:us-east-1:123456789012:cache/catalog"


def test_tls_cluster_uses_daxs_on_port_9111(acct, dax):
    made = make_cluster(acct, dax, ClusterEndpointEncryptionType="TLS")
    assert made["ClusterDiscoveryEndpoint"]["Port"] == 9111
    assert made["ClusterDiscoveryEndpoint"]["URL"].startswith("daxs://")


@pytest.mark.parametrize("name", ["1abc", "ab--c", "abc-", "a" * 21, "a_b"])
def test_cluster_names_follow_daxs_rules(dax, name):
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName=name, NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE)
    assert code(err) == "InvalidParameterValueException"


def test_at_most_eleven_nodes(acct, dax):
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName="big", NodeType="dax.r5.large", ReplicationFactor=12, IamRoleArn=ROLE)
    assert code(err) == "NodeQuotaForClusterExceededFault"
    made = dax.create_cluster(ClusterName="big", NodeType="dax.r5.large", ReplicationFactor=11, IamRoleArn=ROLE)
    assert made["Cluster"]["TotalNodes"] == 11


def test_cluster_checks(acct, dax):
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName="c", NodeType="dax.t3.small", ReplicationFactor=2, IamRoleArn=ROLE,
                           AvailabilityZones=["us-east-1a"])
    assert code(err) == "InvalidParameterCombinationException"
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName="c", NodeType="m5.large", ReplicationFactor=1, IamRoleArn=ROLE)
    assert code(err) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName="c", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE,
                           ParameterGroupName="nope")
    assert code(err) == "ParameterGroupNotFoundFault"
    with pytest.raises(ClientError) as err:
        dax.create_cluster(ClusterName="c", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE,
                           SubnetGroupName="nope")
    assert code(err) == "SubnetGroupNotFoundFault"
    make_cluster(acct, dax, name="c")
    with pytest.raises(ClientError) as err:
        make_cluster(acct, dax, name="C")
    assert code(err) == "ClusterAlreadyExistsFault"
    with pytest.raises(ClientError) as err:
        dax.describe_clusters(ClusterNames=["missing"])
    assert code(err) == "ClusterNotFoundFault"


def test_deleted_cluster_stops_serving_at_once_and_goes_away_later(acct, dax, ddb, cache):
    assert stock(get(cache, "a")) == 10
    assert dax.delete_cluster(ClusterName="cat")["Cluster"]["Status"] == "deleting"
    with pytest.raises(ClientError) as err:
        get(cache, "a")
    assert code(err) == "InvalidClusterStateFault"
    with pytest.raises(ClientError) as err:
        dax.delete_cluster(ClusterName="cat")
    assert code(err) == "InvalidClusterStateFault"
    acct.clock.advance(CLUSTER_DELETE_SECONDS)
    assert dax.describe_clusters()["Clusters"] == []
    with pytest.raises(ClientError) as err:
        get(cache, "a")
    assert code(err) == "ClusterNotFoundFault"


def test_parameter_groups_hold_the_two_ttls(acct, dax):
    params = {p["ParameterName"]: p for p in dax.describe_parameters(ParameterGroupName="default.dax1.0")["Parameters"]}
    assert params["record-ttl-millis"]["ParameterValue"] == "300000"
    assert params["query-ttl-millis"]["ParameterValue"] == "300000"
    with pytest.raises(ClientError) as err:
        dax.update_parameter_group(ParameterGroupName="default.dax1.0", ParameterNameValues=[
            {"ParameterName": "record-ttl-millis", "ParameterValue": "1000"}])
    assert code(err) == "InvalidParameterGroupStateFault"
    dax.create_parameter_group(ParameterGroupName="short")
    with pytest.raises(ClientError) as err:
        dax.create_parameter_group(ParameterGroupName="short")
    assert code(err) == "ParameterGroupAlreadyExistsFault"
    for bad in ({"ParameterName": "cache-size", "ParameterValue": "1"},
                {"ParameterName": "query-ttl-millis", "ParameterValue": "-5"},
                {"ParameterName": "query-ttl-millis", "ParameterValue": "soon"}):
        with pytest.raises(ClientError) as err:
            dax.update_parameter_group(ParameterGroupName="short", ParameterNameValues=[bad])
        assert code(err) == "InvalidParameterValueException"
    dax.update_parameter_group(ParameterGroupName="short", ParameterNameValues=[
        {"ParameterName": "query-ttl-millis", "ParameterValue": "1000"}])
    params = {p["ParameterName"]: p["ParameterValue"]
              for p in dax.describe_parameters(ParameterGroupName="short")["Parameters"]}
    assert params == {"query-ttl-millis": "1000", "record-ttl-millis": "300000"}
    with pytest.raises(ClientError) as err:
        dax.describe_parameters(ParameterGroupName="missing")
    assert code(err) == "ParameterGroupNotFoundFault"
    make_cluster(acct, dax, ParameterGroupName="short")
    with pytest.raises(ClientError) as err:
        dax.delete_parameter_group(ParameterGroupName="short")
    assert code(err) == "InvalidParameterGroupStateFault"


def test_subnet_groups(acct, dax):
    dax.create_subnet_group(SubnetGroupName="private", SubnetIds=["subnet-1", "subnet-2"])
    with pytest.raises(ClientError) as err:
        dax.create_subnet_group(SubnetGroupName="private", SubnetIds=["subnet-1"])
    assert code(err) == "SubnetGroupAlreadyExistsFault"
    groups = dax.describe_subnet_groups(SubnetGroupNames=["private"])["SubnetGroups"]
    assert [s["SubnetIdentifier"] for s in groups[0]["Subnets"]] == ["subnet-1", "subnet-2"]
    make_cluster(acct, dax, SubnetGroupName="private")
    with pytest.raises(ClientError) as err:
        dax.delete_subnet_group(SubnetGroupName="private")
    assert code(err) == "SubnetGroupInUseFault"


# -- item cache -----------------------------------------------------------------------------------

def test_a_hit_reaches_no_table_and_answers_in_microseconds(acct, cache):
    before = len(acct.calls)
    assert stock(get(cache, "a")) == 10
    assert stock(get(cache, "a")) == 10
    miss, forwarded, hit = list(acct.calls)[before:]
    assert (miss["service"], miss["cache"], miss["latency_ms"]) == ("dax", "miss", latency.dax_forward_ms("GetItem"))
    assert forwarded["service"] == "dynamodb" and forwarded["via"] == "dax:cat" and forwarded["read_units"] == 0.5
    assert (hit["service"], hit["cache"], hit["latency_ms"]) == ("dax", "hit", latency.DAX_HIT_MS)
    assert "read_units" not in hit
    assert acct.service("dax").stats("cat")["item_cache"] == {"hits": 1, "misses": 1, "entries": 1,
                                                              "ttl_ms": 300000}
    assert cache.get_item(TableName="products", Key={"sku": {"S": "a"}},
                          ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 0.0


def test_items_expire_after_record_ttl(acct, dax, ddb):
    dax.create_parameter_group(ParameterGroupName="minute")
    dax.update_parameter_group(ParameterGroupName="minute", ParameterNameValues=[
        {"ParameterName": "record-ttl-millis", "ParameterValue": "60000"}])
    url = make_cluster(acct, dax, ParameterGroupName="minute")["ClusterDiscoveryEndpoint"]["URL"]
    cache = connect(acct, url)
    get(cache, "a")
    ddb.update_item(TableName="products", Key={"sku": {"S": "a"}}, UpdateExpression="SET stock = :z",
                    ExpressionAttributeValues={":z": {"N": "0"}})
    acct.clock.advance(59)
    assert stock(get(cache, "a")) == 10  # a write that bypassed DAX: stale until the TTL runs out
    acct.clock.advance(1)
    assert stock(get(cache, "a")) == 0
    assert acct.service("dax").stats("cat")["item_cache"]["misses"] == 2


def test_default_ttl_is_five_minutes(acct, ddb, cache):
    get(cache, "a")
    ddb.delete_item(TableName="products", Key={"sku": {"S": "a"}})
    acct.clock.advance(299)
    assert stock(get(cache, "a")) == 10
    acct.clock.advance(1)
    assert get(cache, "a") is None


def test_misses_are_cached_too(acct, ddb, cache):
    assert get(cache, "new") is None
    ddb.put_item(TableName="products", Item={"sku": {"S": "new"}, "stock": {"N": "3"}})
    assert get(cache, "new") is None  # negative caching: the "not found" is served until its TTL
    assert stock(get(cache, "new", ConsistentRead=True)) == 3
    acct.clock.advance(300)
    assert stock(get(cache, "new")) == 3


def test_strongly_consistent_reads_pass_through_and_are_not_cached(acct, ddb, cache):
    get(cache, "a")
    ddb.put_item(TableName="products", Item={"sku": {"S": "a"}, "stock": {"N": "7"}})
    before = len(acct.calls)
    assert stock(get(cache, "a", ConsistentRead=True)) == 7
    passed, forwarded = list(acct.calls)[before:]
    assert passed["cache"] == "pass-through" and forwarded["read_units"] == 1.0
    assert stock(get(cache, "a")) == 10  # the strongly consistent result did not refresh the cache
    assert acct.service("dax").stats("cat")["pass_through"] == 1


def test_writes_through_dax_update_the_item_cache(acct, ddb, cache):
    get(cache, "a")
    cache.update_item(TableName="products", Key={"sku": {"S": "a"}}, UpdateExpression="SET stock = stock - :one",
                      ExpressionAttributeValues={":one": {"N": "1"}})
    assert stock(get(cache, "a")) == 9
    cache.put_item(TableName="products", Item={"sku": {"S": "a"}, "stock": {"N": "4"}})
    assert stock(get(cache, "a")) == 4
    cache.delete_item(TableName="products", Key={"sku": {"S": "a"}})
    assert get(cache, "a") is None
    assert ddb.get_item(TableName="products", Key={"sku": {"S": "a"}}).get("Item") is None
    writes = [c for c in acct.calls if c["service"] == "dynamodb" and c.get("via") and c["write_units"]]
    assert len(writes) == 3  # DynamoDB consumed write capacity for each
    item = acct.service("dax").stats("cat")["item_cache"]
    assert item["misses"] == 1  # every read after the first was served from the cache


def test_a_failed_conditional_write_leaves_the_cache_alone(acct, ddb, cache):
    get(cache, "a")
    with pytest.raises(ClientError) as err:
        cache.put_item(TableName="products", Item={"sku": {"S": "a"}, "stock": {"N": "1"}},
                       ConditionExpression="attribute_not_exists(sku)")
    assert code(err) == "ConditionalCheckFailedException"
    assert stock(get(cache, "a")) == 10


def test_projections_are_cached_separately(acct, cache):
    item = cache.get_item(TableName="products", Key={"sku": {"S": "a"}}, ProjectionExpression="stock")["Item"]
    assert item == {"stock": {"N": "10"}}
    assert stock(get(cache, "a")) == 10
    assert acct.service("dax").stats("cat")["item_cache"]["misses"] == 2


def test_batch_get_mixes_hits_and_one_forwarded_request(acct, ddb, cache):
    get(cache, "a")
    before = len(acct.calls)
    out = cache.batch_get_item(RequestItems={"products": {"Keys": [{"sku": {"S": "a"}}, {"sku": {"S": "b"}},
                                                                    {"sku": {"S": "zz"}}]}})
    assert sorted(i["sku"]["S"] for i in out["Responses"]["products"]) == ["a", "b"]
    request, forwarded = list(acct.calls)[before:]
    assert request["cache"] == "partial" and (request["hits"], request["misses"]) == (1, 2)
    assert forwarded["via"] == "dax:cat" and forwarded["read_units"] == 1.0  # b and zz only
    before = len(acct.calls)
    out = cache.batch_get_item(RequestItems={"products": {"Keys": [{"sku": {"S": "b"}}, {"sku": {"S": "zz"}}]}})
    assert [i["sku"]["S"] for i in out["Responses"]["products"]] == ["b"]
    assert [c["cache"] for c in list(acct.calls)[before:]] == ["hit"]


def test_batch_and_transactional_writes_write_through(acct, ddb, cache):
    get(cache, "a")
    get(cache, "b")
    cache.batch_write_item(RequestItems={"products": [
        {"PutRequest": {"Item": {"sku": {"S": "a"}, "stock": {"N": "1"}}}},
        {"DeleteRequest": {"Key": {"sku": {"S": "b"}}}}]})
    assert stock(get(cache, "a")) == 1 and get(cache, "b") is None
    cache.transact_write_items(TransactItems=[{"Update": {
        "TableName": "products", "Key": {"sku": {"S": "a"}}, "UpdateExpression": "SET stock = :s",
        "ExpressionAttributeValues": {":s": {"N": "2"}}}}])
    assert stock(get(cache, "a")) == 2
    assert acct.service("dax").stats("cat")["item_cache"]["misses"] == 2


def test_transactional_reads_pass_through(acct, ddb, cache):
    get(cache, "a")
    ddb.put_item(TableName="products", Item={"sku": {"S": "a"}, "stock": {"N": "6"}})
    out = cache.transact_get_items(TransactItems=[{"Get": {"TableName": "products", "Key": {"sku": {"S": "a"}}}}])
    assert stock(out["Responses"][0]["Item"]) == 6
    assert stock(get(cache, "a")) == 10


# -- query cache ----------------------------------------------------------------------------------

def query(client, **extra):
    return client.query(TableName="orders", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "o"}}, **extra)


def test_query_cache_is_not_invalidated_by_writes_through_dax(acct, ddb, cache):
    assert query(cache)["Count"] == 3
    cache.put_item(TableName="orders", Item={"pk": {"S": "o"}, "sk": {"N": "9"}})
    assert query(cache)["Count"] == 3  # stale: the query cache is not touched by writes
    assert query(cache, ConsistentRead=True)["Count"] == 4
    acct.clock.advance(300)
    assert query(cache)["Count"] == 4
    stats = acct.service("dax").stats("cat")["query_cache"]
    assert (stats["hits"], stats["misses"]) == (1, 2)


def test_query_ttl_is_set_by_the_parameter_group(acct, dax, ddb):
    dax.create_parameter_group(ParameterGroupName="fast")
    url = make_cluster(acct, dax, ParameterGroupName="fast")["ClusterDiscoveryEndpoint"]["URL"]
    cache = connect(acct, url)
    dax.update_parameter_group(ParameterGroupName="fast", ParameterNameValues=[
        {"ParameterName": "query-ttl-millis", "ParameterValue": "5000"}])  # applies at once
    query(cache)
    ddb.put_item(TableName="orders", Item={"pk": {"S": "o"}, "sk": {"N": "9"}})
    acct.clock.advance(4)
    assert query(cache)["Count"] == 3
    acct.clock.advance(1)
    assert query(cache)["Count"] == 4


def test_different_requests_are_different_cache_entries(acct, cache):
    assert query(cache, ScanIndexForward=False)["Items"][0]["sk"] == {"N": "2"}
    assert query(cache)["Items"][0]["sk"] == {"N": "0"}
    assert cache.scan(TableName="orders")["Count"] == 3
    assert cache.scan(TableName="orders")["Count"] == 3
    stats = acct.service("dax").stats("cat")["query_cache"]
    assert (stats["hits"], stats["misses"]) == (1, 3)


def test_empty_query_results_are_cached(acct, ddb, cache):
    empty = cache.query(TableName="orders", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "none"}})
    assert empty["Count"] == 0
    ddb.put_item(TableName="orders", Item={"pk": {"S": "none"}, "sk": {"N": "1"}})
    again = cache.query(TableName="orders", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "none"}})
    assert again["Count"] == 0


# -- errors ---------------------------------------------------------------------------------------

def test_hits_fail_where_dynamodb_would(acct, cache):
    get(cache, "a")
    with pytest.raises(ClientError) as err:
        cache.get_item(TableName="products", Key={"sku": {"N": "1"}})
    assert code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        cache.get_item(TableName="missing", Key={"sku": {"S": "a"}})
    assert code(err) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        cache.get_item(TableName="products", Key={"sku": {"S": "a"}}, AttributesToGet=["stock"])
    assert code(err) == "NotModeledBySimulator"


def test_table_operations_and_unknown_endpoints_are_refused(acct, dax, ddb, cache):
    with pytest.raises(ClientError) as err:
        cache.describe_table(TableName="products")
    assert code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        get(connect(acct, "dax://nothing.abc123.dax-clusters.us-east-1.amazonaws.com"), "a")
    assert code(err) == "ClusterNotFoundFault"
    creating = dax.create_cluster(ClusterName="later", NodeType="dax.t3.small", ReplicationFactor=1,
                                  IamRoleArn=ROLE)["Cluster"]
    with pytest.raises(ClientError) as err:
        get(connect(acct, creating["ClusterDiscoveryEndpoint"]["URL"]), "a")
    assert code(err) == "InvalidClusterStateFault"


def test_endpoint_given_as_host_and_port_reaches_the_cluster(acct, dax, ddb):
    made = make_cluster(acct, dax)
    endpoint = made["ClusterDiscoveryEndpoint"]
    client = connect(acct, f"dax://{endpoint['Address']}:{endpoint['Port']}")
    assert stock(get(client, "a")) == 10


# -- templates and handlers -----------------------------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Products:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: sku, AttributeType: S}]
      KeySchema: [{AttributeName: sku, KeyType: HASH}]
  Ttls:
    Type: AWS::DAX::ParameterGroup
    Properties:
      ParameterNameValues: {"record-ttl-millis": "60000", "query-ttl-millis": "1000"}
  Subnets:
    Type: AWS::DAX::SubnetGroup
    Properties:
      SubnetIds: [subnet-1, subnet-2]
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      NodeType: dax.t3.small
      ReplicationFactor: 3
      IAMRoleARN: arn:aws:iam::123456789012:role/dax
      ParameterGroupName: !Ref Ttls
      SubnetGroupName: !Ref Subnets
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src
      Environment:
        Variables:
          TABLE: !Ref Products
          DAX_ENDPOINT: !GetAtt Cache.ClusterDiscoveryEndpointURL
          DAX_HOST: !GetAtt Cache.ClusterDiscoveryEndpoint
Outputs:
  Url: {Value: !GetAtt Cache.ClusterDiscoveryEndpointURL}
  Host: {Value: !GetAtt Cache.ClusterDiscoveryEndpoint}
  Name: {Value: !Ref Cache}
"""

HANDLER = """\
import os

import boto3
from amazondax import AmazonDaxClient

TABLE = os.environ["TABLE"]
dax = AmazonDaxClient(endpoint_url=os.environ["DAX_ENDPOINT"])
table = AmazonDaxClient.resource(endpoint_url=os.environ["DAX_ENDPOINT"]).Table(TABLE)
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    dynamodb.put_item(TableName=TABLE, Item={"sku": {"S": "a"}, "stock": {"N": "3"}})
    low = [dax.get_item(TableName=TABLE, Key={"sku": {"S": "a"}})["Item"]["stock"]["N"] for _ in range(3)]
    high = int(table.get_item(Key={"sku": "a"})["Item"]["stock"])
    return {"low": low, "high": high}
"""


@pytest.fixture
def deployed(acct, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return acct.deploy(tmp_path / "template.yaml")


def test_template_creates_cluster_with_its_parameter_and_subnet_groups(acct, dax, deployed):
    outputs = deployed.outputs
    cluster = dax.describe_clusters(ClusterNames=[outputs["Name"]])["Clusters"][0]
    assert cluster["Status"] == "available" and cluster["TotalNodes"] == 3
    assert outputs["Url"] == cluster["ClusterDiscoveryEndpoint"]["URL"]
    assert outputs["Host"] == f"{cluster['ClusterDiscoveryEndpoint']['Address']}:8111"
    stats = acct.service("dax").stats(outputs["Name"])
    assert (stats["item_cache"]["ttl_ms"], stats["query_cache"]["ttl_ms"]) == (60000, 1000)
    assert cluster["SubnetGroup"] != "default"


def test_a_handler_reads_through_amazondax(acct, deployed):
    function = acct.stacks["coldstart"].resources["Reader"].physical_id
    response = acct.client("lambda").invoke(FunctionName=function, Payload=b"{}")
    assert response.get("FunctionError") is None, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == {"low": ["3", "3", "3"], "high": 3}
    reads = [c for c in acct.calls if c["service"] == "dax"]
    assert [c["cache"] for c in reads] == ["miss", "hit", "hit", "hit"]
    stats = acct.service("dax").stats(deployed.outputs["Name"])
    assert (stats["item_cache"]["hits"], stats["item_cache"]["misses"]) == (3, 1)


def test_boto3_client_with_a_dax_endpoint_also_reaches_the_cluster(acct, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent("""\
        import os
        import boto3
        client = boto3.client("dynamodb", endpoint_url=os.environ["DAX_ENDPOINT"])
        def handler(event, context):
            return "Item" in client.get_item(TableName=os.environ["TABLE"], Key={"sku": {"S": "x"}})
        """))
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    stack = acct.deploy(tmp_path / "template.yaml")
    function = stack.resources["Reader"].physical_id
    response = acct.client("lambda").invoke(FunctionName=function, Payload=b"{}")
    assert json.loads(response["Payload"].read()) is False
    assert [c["cache"] for c in acct.calls if c["service"] == "dax"] == ["miss"]


def test_a_batch_answered_from_the_cache_consumes_nothing(acct, cache):
    keys = {"products": {"Keys": [{"sku": {"S": "a"}}, {"sku": {"S": "b"}}]}}
    first = cache.batch_get_item(RequestItems=keys, ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"][0]["CapacityUnits"] == 1.0
    again = cache.batch_get_item(RequestItems=keys, ReturnConsumedCapacity="TOTAL")
    assert [(c["TableName"], c["CapacityUnits"]) for c in again["ConsumedCapacity"]] == [("products", 0.0)]
    assert len(again["Responses"]["products"]) == 2


def test_batch_get_with_consistent_read_passes_that_table_through(acct, ddb, cache):
    keys = {"products": {"Keys": [{"sku": {"S": "a"}}], "ConsistentRead": True}}
    cache.batch_get_item(RequestItems=keys)
    ddb.put_item(TableName="products", Item={"sku": {"S": "a"}, "stock": {"N": "1"}})
    out = cache.batch_get_item(RequestItems=keys)
    assert stock(out["Responses"]["products"][0]) == 1
    assert acct.service("dax").stats("cat")["item_cache"]["entries"] == 0


def test_a_batch_dynamodb_would_refuse_is_refused_even_when_cached(acct, cache):
    get(cache, "a")
    with pytest.raises(ClientError) as err:
        cache.batch_get_item(RequestItems={"products": {"Keys": [{"sku": {"S": "a"}}, {"sku": {"S": "a"}}]}})
    assert code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        cache.batch_get_item(RequestItems={"products": {"Keys": [{"sku": {"S": f"k{n}"}} for n in range(101)]}})
    assert code(err) == "ValidationException"
