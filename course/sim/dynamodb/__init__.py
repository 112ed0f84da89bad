"""The simulated DynamoDB service: value model and capacity arithmetic so far."""
