"""Stand-in for the ``amazon-dax-client`` package inside simulated Lambda handlers.

``AmazonDaxClient(endpoint_url=...)`` and ``AmazonDaxClient.resource(endpoint_url=...)`` are called
as the real package's are (https://pypi.org/project/amazon-dax-client/); they return boto3's own
DynamoDB client and resource with that endpoint URL, and the simulator sends requests to a
``dax://`` or ``daxs://`` endpoint to the cluster's caches (``course.sim.dax.client``). Code that
uses it runs unchanged on AWS with the real package installed.
"""

from __future__ import annotations


def _endpoint(endpoint_url, endpoints):
    url = endpoint_url or (endpoints[0] if endpoints else None)
    if not url:
        raise ValueError("AmazonDaxClient needs endpoint_url: the cluster's discovery endpoint URL "
                         "(dax://... from ClusterDiscoveryEndpointURL)")
    url = str(url)
    return url if "://" in url else "dax://" + url


class AmazonDaxClient:
    """``AmazonDaxClient(session=None, region_name=None, endpoints=None, endpoint_url=None, ...)``."""

    def __new__(cls, session=None, region_name=None, endpoints=None, endpoint_url=None, **kwargs):
        import boto3

        session = session or boto3.session.Session()
        make = getattr(session, "client", None) or session.create_client
        return make("dynamodb", region_name=region_name, endpoint_url=_endpoint(endpoint_url, endpoints))

    @classmethod
    def resource(cls, session=None, region_name=None, endpoints=None, endpoint_url=None, **kwargs):
        import boto3

        session = session or boto3.session.Session()
        return session.resource("dynamodb", region_name=region_name, endpoint_url=_endpoint(endpoint_url, endpoints))


__all__ = ["AmazonDaxClient"]
