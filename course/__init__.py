"""Coldstart: learn AWS serverless in the terminal."""

__version__ = "0.1.0"
