"""Simulated Amazon iam; see models.py."""
