"""The simulated s3 service."""
