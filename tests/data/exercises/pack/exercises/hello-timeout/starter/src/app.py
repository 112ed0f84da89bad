import time


def handler(event, context):
    time.sleep(event.get("work_ms", 100) / 1000)
    return {"greeting": f"hello {event['name']}"}
