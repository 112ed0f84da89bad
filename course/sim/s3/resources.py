"""Template creator for ``AWS::S3::Bucket``: CreateBucket, as CloudFormation calls it.

Properties that would change what the bucket does (versioning, lifecycle rules, replication, object
lock, website hosting) are not modeled and are refused loudly; tags, encryption and access settings
change nothing the simulator shows and are accepted. Event notifications (which SAM's ``S3`` events
write) are accepted and the stack notes that nothing delivers them yet, so SAM templates with S3
events deploy. The attribute values follow
the CloudFormation reference (aws-resource-s3-bucket.html, "Return values").
``course.sim.template`` imports this module when it deploys.
"""

from __future__ import annotations

from course.sim.errors import NotModeled
from course.sim.template import Note, PhysicalResource, register_creator
from course.sim.template.schemas import BOOLEAN, OPEN, TAGS, resource, string

# From the CloudFormation reference, aws-resource-s3-bucket.html.
S3_BUCKET = resource(
    {"AbacStatus": OPEN, "AccelerateConfiguration": OPEN, "AccessControl": OPEN, "AnalyticsConfigurations": OPEN,
     "BucketEncryption": OPEN,
     "BucketName": string(min_length=3, max_length=63, pattern=r"[a-z0-9][a-z0-9.-]*[a-z0-9]",
                          hint="a bucket name uses lowercase letters, digits, dots and hyphens"),
     "CorsConfiguration": OPEN, "IntelligentTieringConfigurations": OPEN, "InventoryConfigurations": OPEN,
     "LifecycleConfiguration": OPEN, "LoggingConfiguration": OPEN, "MetadataConfiguration": OPEN,
     "MetadataTableConfiguration": OPEN, "MetricsConfigurations": OPEN, "NotificationConfiguration": OPEN,
     "ObjectLockConfiguration": OPEN, "ObjectLockEnabled": BOOLEAN, "OwnershipControls": OPEN,
     "PublicAccessBlockConfiguration": OPEN, "ReplicationConfiguration": OPEN, "Tags": TAGS,
     "VersioningConfiguration": OPEN, "WebsiteConfiguration": OPEN},
    attributes=("Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"),
    ref="the bucket name",
)

_ACCEPTED = {"BucketName", "Tags", "BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls",
             "AccessControl", "AbacStatus"}


def create_bucket(account, logical_id: str, props: dict, context) -> PhysicalResource:
    refused = sorted(set(props) - _ACCEPTED - {"NotificationConfiguration"})
    if refused:
        raise NotModeled("AWS::S3::Bucket", ", ".join(refused))
    if props.get("NotificationConfiguration"):
        context.stack.notes.append(Note(context.resource.mark, f"{context.resource.path}.Properties."
                                        "NotificationConfiguration", "not simulated: the bucket's event"
                                        " notifications are recorded, but nothing delivers them yet"))
    name = props.get("BucketName") or context.physical_name(63).lower()
    account.service("s3").call("CreateBucket", {"Bucket": name})
    region = account.region
    return PhysicalResource(name, {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
    })


def _delete(account, made) -> None:
    s3 = account.service("s3")
    bucket = s3.buckets.get(made.physical_id)
    if bucket is not None:
        bucket.objects.clear()
        s3.call("DeleteBucket", {"Bucket": made.physical_id})


register_creator("AWS::S3::Bucket", create_bucket,
                 ("Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL"), schema=S3_BUCKET,
                 delete=_delete)
