"""A minimal Amazon S3: buckets and objects, enough for DynamoDB's export to and import from S3.

Only what those features and a learner inspecting their output need is modeled: CreateBucket,
ListBuckets, DeleteBucket, PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2.
Bucket names are global to the partition on AWS; the simulator keeps them per account, which is
the same thing for a single learner. Versioning, ACLs, policies, multipart uploads and storage
classes are not modeled.

Sources (Amazon S3 API Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/):
- bucket naming rules: 3-63 characters, lowercase letters, digits, dots and hyphens, beginning and
  ending with a letter or digit ("General purpose bucket naming rules",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html);
- CreateBucket answers BucketAlreadyOwnedByYou (409) for a bucket the caller already owns;
- GetObject answers NoSuchKey (404), a missing bucket NoSuchBucket (404); HeadObject has no body,
  so its errors carry only the HTTP status ("404");
- ListObjectsV2 returns up to MaxKeys (default 1,000) keys in UTF-8 binary order, with
  ``NextContinuationToken`` when truncated; DeleteBucket refuses a bucket with objects
  (BucketNotEmpty, 409); DeleteObject of a missing key succeeds (204).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from course.sim.s3.errors import (
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    InvalidArgument,
    InvalidBucketName,
    NoSuchBucket,
    NoSuchKey,
    NotFound,
)
from course.sim.service import Service, operation

_BUCKET_NAME = re.compile(r"(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_KEYS = 1000


@dataclass
class S3Object:
    key: str
    body: bytes
    modified: datetime
    content_type: str = "binary/octet-stream"
    metadata: dict = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest() + '"'


@dataclass
class Bucket:
    name: str
    created: datetime
    region: str
    objects: dict[str, S3Object] = field(default_factory=dict)


def _no_bucket(name: str) -> NoSuchBucket:
    return NoSuchBucket("The specified bucket does not exist", extra={"BucketName": name})


class S3Service(Service):
    name = "s3"

    def __init__(self, account):
        super().__init__(account)
        self.buckets: dict[str, Bucket] = {}

    # -- helpers other services use (DynamoDB export and import) ------------------------------------

    def bucket(self, name: str) -> Bucket:
        bucket = self.buckets.get(name)
        if bucket is None:
            raise _no_bucket(name)
        return bucket

    def put(self, bucket: str, key: str, body: bytes, content_type: str = "binary/octet-stream") -> S3Object:
        made = S3Object(key, bytes(body), self.account.clock.datetime(), content_type)
        self.bucket(bucket).objects[key] = made
        return made

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        return sorted((k for k in self.bucket(bucket).objects if k.startswith(prefix)), key=lambda k: k.encode())

    # -- buckets --------------------------------------------------------------------------------------

    @operation("CreateBucket")
    def create_bucket(self, params: dict) -> dict:
        name = params["Bucket"]
        if not _BUCKET_NAME.fullmatch(name) or ".." in name:
            raise InvalidBucketName("The specified bucket is not valid.", extra={"BucketName": name})
        if name in self.buckets:
            raise BucketAlreadyOwnedByYou("Your previous request to create the named "
                                          "bucket succeeded and you already own it.", extra={"BucketName": name})
        region = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint") or self.account.region
        self.buckets[name] = Bucket(name, self.account.clock.datetime(), region)
        return {"Location": f"/{name}"}

    @operation("ListBuckets")
    def list_buckets(self, params: dict) -> dict:
        return {"Buckets": [{"Name": b.name, "CreationDate": b.created} for b in sorted(self.buckets.values(),
                                                                                       key=lambda b: b.name)],
                "Owner": {"ID": hashlib.sha256(self.account.account_id.encode()).hexdigest()}}

    @operation("DeleteBucket")
    def delete_bucket(self, params: dict) -> dict:
        bucket = self.bucket(params["Bucket"])
        if bucket.objects:
            raise BucketNotEmpty("The bucket you tried to delete is not empty", extra={"BucketName": bucket.name})
        del self.buckets[bucket.name]
        return {}

    # -- objects --------------------------------------------------------------------------------------

    @operation("PutObject")
    def put_object(self, params: dict) -> dict:
        body = params.get("Body") or b""
        if isinstance(body, str):
            body = body.encode()
        bucket = self.bucket(params["Bucket"])
        made = S3Object(params["Key"], bytes(body), self.account.clock.datetime(),
                        params.get("ContentType") or "binary/octet-stream", dict(params.get("Metadata") or {}))
        bucket.objects[made.key] = made
        return {"ETag": made.etag}

    def _object(self, params: dict, head: bool = False) -> S3Object:
        bucket = self.buckets.get(params["Bucket"])
        if head and (bucket is None or params["Key"] not in bucket.objects):
            raise NotFound("Not Found")
        if bucket is None:
            raise _no_bucket(params["Bucket"])
        found = bucket.objects.get(params["Key"])
        if found is None:
            raise NoSuchKey("The specified key does not exist.", extra={"Key": params["Key"]})
        return found

    @staticmethod
    def _head(found: S3Object) -> dict:
        return {"ContentLength": len(found.body), "ETag": found.etag, "LastModified": found.modified,
                "ContentType": found.content_type, "Metadata": dict(found.metadata), "AcceptRanges": "bytes"}

    @operation("GetObject")
    def get_object(self, params: dict) -> dict:
        found = self._object(params)
        return {**self._head(found), "Body": found.body}

    @operation("HeadObject")
    def head_object(self, params: dict) -> dict:
        return self._head(self._object(params, head=True))

    @operation("DeleteObject")
    def delete_object(self, params: dict) -> dict:
        self.bucket(params["Bucket"]).objects.pop(params["Key"], None)
        return {}

    @operation("ListObjectsV2")
    def list_objects_v2(self, params: dict) -> dict:
        bucket = self.bucket(params["Bucket"])
        prefix = params.get("Prefix") or ""
        limit = params.get("MaxKeys", MAX_KEYS)
        keys = self.keys(bucket.name, prefix)
        after = params.get("StartAfter")
        token = params.get("ContinuationToken")
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except (ValueError, UnicodeDecodeError):
                raise InvalidArgument("The continuation token provided is incorrect") from None
        if after:
            keys = [k for k in keys if k.encode() > after.encode()]
        page, rest = keys[:limit], keys[limit:]
        out = {"Name": bucket.name, "Prefix": prefix, "MaxKeys": limit, "KeyCount": len(page),
               "IsTruncated": bool(rest),
               "Contents": [{"Key": k, "LastModified": bucket.objects[k].modified, "ETag": bucket.objects[k].etag,
                             "Size": len(bucket.objects[k].body), "StorageClass": "STANDARD"} for k in page]}
        if not page:
            del out["Contents"]
        if rest:
            out["NextContinuationToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
        if token:
            out["ContinuationToken"] = token
        return out
