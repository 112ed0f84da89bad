"""The simulated Lambda service."""
