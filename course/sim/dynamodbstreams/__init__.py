"""The simulated dynamodbstreams service."""
