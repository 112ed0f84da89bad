"""The simulated dax service."""
