"""The simulated kinesis service."""
