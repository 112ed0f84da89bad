"""The document a check's expectations query, and the small helpers around it.

Expectations are JMESPath queries, the language of the AWS CLI's ``--query``, so
a learner who reads a check can run the same query against real AWS output.
Everything put into the document is plain JSON data (no datetimes, bytes or
botocore objects): the same values are then shown in a report, written to
``--json`` output and compared, without a separate conversion for each.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import json
import re
from typing import Any

from course.content.exercise_queries import REFERENCE

_OPTIONS = None


def plain(value: Any) -> Any:
    """``value`` as JSON data: the shape AWS itself would have returned over the wire."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if hasattr(value, "read"):  # botocore's StreamingBody
        return plain(value.read())
    return str(value)


def _options():
    """JMESPath with one extra function, ``from_json``: API Gateway style payloads carry JSON in text."""
    global _OPTIONS
    if _OPTIONS is None:
        import jmespath
        from jmespath import functions

        class Functions(functions.Functions):
            @functions.signature({"types": ["string", "null"]})
            def _func_from_json(self, text):
                try:
                    return json.loads(text) if text is not None else None
                except ValueError:
                    return None

        _OPTIONS = jmespath.Options(custom_functions=Functions())
    return _OPTIONS


class QueryError(Exception):
    """A query that could not be evaluated over this document (``length(null)``, say)."""


def search(query: str, document: dict) -> Any:
    import jmespath
    from jmespath import exceptions

    try:
        return jmespath.search(query, document, options=_options())
    except exceptions.JMESPathTypeError as exc:
        raise QueryError(f"the query could not be evaluated: {exc}") from None


def substitute(value: Any, document: dict) -> Any:
    """Replace ``${query}`` in a step's settings; a value that is only ``${query}`` keeps its type.

    A reference with no value is an error rather than null: it usually means the learner's
    stack lacks what the check refers to, and sending null on would only produce a confusing
    parameter error further down.
    """
    if isinstance(value, dict):
        return {k: substitute(v, document) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, document) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{([^}]*)\}", value)
    if whole:
        return _reference(whole.group(1), document)

    def one(match: re.Match) -> str:
        return "${" if match.group(1) is None else show(_reference(match.group(1), document), quote=False)

    return REFERENCE.sub(one, value)


def _reference(query: str, document: dict) -> Any:
    found = search(query, document)
    if found is None:
        raise QueryError(f"${{{query}}} has no value in this run")
    return found


def show(value: Any, quote: bool = True, limit: int = 200) -> str:
    """A value as a learner reads it; text is quoted where it could be mistaken for a number."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False) if quote else value
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:g}"
    elif isinstance(value, int):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
