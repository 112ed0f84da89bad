"""Convert an amount of US dollars into another currency."""

import time


def load_rates():
    """Stands in for fetching a rate table over the network: it takes about 80 ms."""
    time.sleep(0.08)
    return {"EUR": 0.92, "GBP": 0.79, "JPY": 151.4}


def handler(event, context):
    rates = load_rates()
    rate = rates[event["currency"]]
    return {"currency": event["currency"], "converted": round(event["amount"] * rate, 2)}
