"""Simulated Amazon sqs; see models.py."""
