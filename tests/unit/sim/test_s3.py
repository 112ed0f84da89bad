"""The minimal S3 model (buckets and objects) through a real botocore client, and AWS::S3::Bucket."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim.errors import TemplateError


@pytest.fixture
def s3(acct):
    client = acct.client("s3")
    client.create_bucket(Bucket="exports")
    return client


def error(caught):
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_objects_round_trip_with_their_md5_etag(s3):
    put = s3.put_object(Bucket="exports", Key="a/one.txt", Body=b"hello")
    assert put["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    got = s3.get_object(Bucket="exports", Key="a/one.txt")
    assert got["Body"].read() == b"hello" and got["ContentLength"] == 5 and got["ETag"] == put["ETag"]
    assert s3.head_object(Bucket="exports", Key="a/one.txt")["ContentLength"] == 5
    s3.put_object(Bucket="exports", Key="a/one.txt", Body="replaced")
    assert s3.get_object(Bucket="exports", Key="a/one.txt")["Body"].read() == b"replaced"


def test_missing_objects_and_buckets(s3):
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="exports", Key="nothing")
    assert error(caught) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket="exports", Key="nothing")
    assert error(caught) == ("404", 404)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="elsewhere", Key="k", Body=b"x")
    assert error(caught) == ("NoSuchBucket", 404)


def test_bucket_rules(s3):
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket="exports")
    assert error(caught) == ("BucketAlreadyOwnedByYou", 409)
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket="Upper_Case")
    assert error(caught) == ("InvalidBucketName", 400)
    s3.put_object(Bucket="exports", Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="exports")
    assert error(caught) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket="exports", Key="k")
    s3.delete_object(Bucket="exports", Key="k")  # deleting a missing key succeeds
    s3.delete_bucket(Bucket="exports")
    assert s3.list_buckets()["Buckets"] == []


def test_list_objects_v2_pages_by_prefix_in_key_order(s3):
    for key in ("data/b", "data/a", "data/c", "other/x"):
        s3.put_object(Bucket="exports", Key=key, Body=key.encode())
    first = s3.list_objects_v2(Bucket="exports", Prefix="data/", MaxKeys=2)
    assert [o["Key"] for o in first["Contents"]] == ["data/a", "data/b"] and first["IsTruncated"]
    second = s3.list_objects_v2(Bucket="exports", Prefix="data/", MaxKeys=2,
                                ContinuationToken=first["NextContinuationToken"])
    assert [o["Key"] for o in second["Contents"]] == ["data/c"] and not second["IsTruncated"]
    assert s3.list_objects_v2(Bucket="exports", Prefix="none/")["KeyCount"] == 0


TEMPLATE = """Resources:
  Exports:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: course-exports
Outputs:
  Arn:
    Value: !GetAtt Exports.Arn
"""


def test_template_bucket_is_created(acct):
    stack = acct.deploy(TEMPLATE)
    assert stack.physical_id("Exports") == "course-exports"
    assert stack.attribute("Exports", "Arn") == "arn:aws:s3:::course-exports"
    acct.client("s3").put_object(Bucket="course-exports", Key="k", Body=b"v")


def test_template_bucket_features_not_modeled_are_refused(acct):
    with pytest.raises(TemplateError) as caught:
        acct.deploy(TEMPLATE.replace("BucketName: course-exports",
                                     "VersioningConfiguration: {Status: Enabled}"))
    assert "NotModeledBySimulator" in str(caught.value) or "does not model" in str(caught.value)
