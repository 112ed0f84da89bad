"""Work out a thumbnail's size for a photo (the resize itself is left out here)."""


def handler(event, context):
    width, height = event["width"], event["height"]
    scale = min(1.0, 200 / max(width, height))
    return {"width": round(width * scale), "height": round(height * scale)}
