"""Simulated Amazon sns; see models.py."""
