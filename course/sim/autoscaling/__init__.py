"""The simulated autoscaling service."""
