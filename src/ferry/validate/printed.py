"""Expected values as the target prints them, and the hash both sides take of a row's print.

The content check's digests (`ferry.validate.digests`) compare a hash of each migrated row's
text as the target prints it (`t.column::text`, the columns in a JSON array) with the same hash
of the re-derived row. Text equality proves value equality (each type's output is injective),
so the Python side must reproduce the target's print exactly where it can: jsonb documents are
reprinted the way jsonb prints them (keys shortest first, numbers as numeric prints them),
booleans as `true`/`false` (what the `boolean::text` cast gives). Where it cannot (another
numeric scale, a time zone the target does not use), the prints differ, the digests differ,
and the rows are compared one by one: the check stays right, only slower.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from psycopg import sql

Printer = Callable[[Any], str | None]

_encode_string = json.encoder.encode_basestring  # what ensure_ascii=False writes: as jsonb does
_NULL = "null"
_BOOLEANS = {"t": "true", "f": "false", "true": "true", "false": "false"}


def row_hash(values: list[str | None]) -> int:
    """The signed 64-bit hash of a row's print: the first 8 bytes of the md5 of its values as
    a JSON array of strings, exactly what `target_row_hash` computes in the target (a lone
    surrogate, which no target text holds, is hashed as its code point)."""
    printed = ", ".join([_NULL if v is None else _encode_string(v) for v in values])
    digest = hashlib.md5(f"[{printed}]".encode(errors="surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def target_row_hash(columns: list[sql.Composable]) -> sql.Composed:
    """The target-side twin of `row_hash` over the given column expressions."""
    printed = sql.SQL(", ").join(sql.SQL("({})::text").format(c) for c in columns)
    return sql.SQL(
        "('x' || left(md5(json_build_array(VARIADIC ARRAY[{}]::text[])::text), 16))"
        "::bit(64)::bigint"
    ).format(printed)


def printer(target_type: str) -> Printer:
    """How a value bound for a column of `target_type` prints there."""
    if target_type == "jsonb":
        return _jsonb
    if target_type == "boolean":
        return _boolean
    return plain


def plain(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _boolean(value: Any) -> str | None:
    if isinstance(value, str):
        return _BOOLEANS.get(value, value)
    return plain(value)


def _jsonb(value: Any) -> str | None:
    """The document as jsonb prints it; a text that does not parse is returned as it is (the
    target holds no such value, so the digests differ and the rows are compared).

    Most texts are printed as jsonb prints them already (the notifications' are): one parse
    that checks each object's key order, and one print by the C encoder, prove it (2 µs);
    only the others are reprinted here."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = _ORDERED.decode(value)
        except _Disordered:
            parsed = None
        except (ValueError, RecursionError):
            return value
        if parsed is not None and _encode_document(parsed) == value:
            return value
        try:
            value = _DOCUMENT.decode(value)
        except (ValueError, RecursionError):
            return value
    try:
        return _document(value)
    except (TypeError, UnicodeEncodeError, InvalidOperation, RecursionError):
        return str(value)


class _Disordered(ValueError):
    """An object whose keys are not in jsonb's order (shortest first, then bytewise)."""


def _jsonb_order(key: str) -> tuple[int, bytes]:
    encoded = key.encode(errors="surrogatepass")
    return len(encoded), encoded


def _in_jsonb_order(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object, if its keys come in jsonb's order (a parse hook: this runs per object of
    every document, so ASCII keys, whose length is their byte length, are checked pairwise)."""
    previous = ""
    for key, _ in pairs:
        if not key.isascii():
            keys = [k for k, _ in pairs]
            if keys != sorted(keys, key=_jsonb_order):
                raise _Disordered
            break
        if len(key) < len(previous) or (len(key) == len(previous) and key <= previous):
            raise _Disordered
        previous = key
    return dict(pairs)


class _Number(str):
    """A JSON number with a fraction or exponent, printed as numeric prints it."""

    def __new__(cls, text: str) -> _Number:
        number = Decimal(text)
        printed = format(number, "f")
        if number.is_zero():
            printed = printed.lstrip("-")
        return super().__new__(cls, printed)


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


# A _Number prints as a JSON string through the C encoder, so a document holding one never
# equals its text there and is reprinted by `_document`.
_ORDERED = json.JSONDecoder(
    object_pairs_hook=_in_jsonb_order, parse_float=_Number, parse_constant=_refuse
)
_DOCUMENT = json.JSONDecoder(parse_float=_Number, parse_constant=_refuse)
_encode_document = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _document(value: Any) -> str:
    if isinstance(value, Mapping):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{_encode_string(k)}: {_document(value[k])}" for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_document(item) for item in value) + "]"
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return _encode_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(_Number(repr(value) if isinstance(value, float) else str(value)))
    raise TypeError(type(value).__name__)
