"""Typed access to the fields of an export's JSON: a wrong type is an ImportFailed naming the field.

Exports are written by other tools and edited by hand; `text` may be null, but a `ts` that is a
list or a `channel` that is a string means the file is not what it claims to be.

    text = string(raw, "text", where)        # None -> "", str -> str, else ImportFailed
"""

from __future__ import annotations

from .messages import ImportFailed

_JSON_TYPES = {dict: "object", list: "list", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def json_type(value) -> str:
    """The JSON name of a parsed value's type ('object', 'list', …)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _wrong(where: str, key: str, expected: str, value) -> ImportFailed:
    return ImportFailed(where, f"'{key}' must be {expected}, got a JSON {json_type(value)}")


def _typed(raw: dict, key: str, where: str, kind: type, expected: str, default):
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise _wrong(where, key, expected, value)
    return value


def string(raw: dict, key: str, where: str, default: str = "") -> str:
    """A string field; null or missing gives `default`; numbers are refused like any other type."""
    return _typed(raw, key, where, str, "a string", default)


def obj(raw: dict, key: str, where: str) -> dict:
    """An object field; null or missing gives {}."""
    return _typed(raw, key, where, dict, "an object", {})


def ident(raw: dict, key: str, where: str) -> str:
    """An id that exporters write as a string or a number; '' when missing."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _wrong(where, key, "a string or number id", value)
    return str(value)


def number(raw: dict, key: str, where: str) -> float:
    """A number, or a string holding one (Slack's "1710498600.000100")."""
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _wrong(where, key, "a number", value)
    try:
        result = float(value)
    except ValueError:
        raise ImportFailed(where, f"'{key}' must be a number, got {value!r}") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise ImportFailed(where, f"'{key}' must be a finite number, got {value!r}")
    return result


def items(value, where: str, what: str) -> list:
    """A JSON list (of messages, users, …), or ImportFailed saying what was expected."""
    if not isinstance(value, list):
        raise ImportFailed(where, f"expected a list of {what}, got a JSON {json_type(value)}")
    return value
