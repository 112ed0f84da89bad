count = 0


def lambda_handler(event, context):
    global count
    count += 1
    return {"greeting": f"hello {event.get('name', 'there')}", "count": count}
