"""Small, pure, total coercions of source text.

Each takes the text COPY delivered (or None) and returns a value, a `Fixed` value (the fix's name
is recorded with the row's mapping) or a `Rejected` reason (the row goes to quarantine). None of
them raises, whatever the input: that is property-tested. Messages never quote the value.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ferry.engine.outcome import Fixed, Rejected

EMAIL_FORMAT = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def blank_is_null(text: str | None) -> str | Fixed | None:
    """'' (and whitespace) becomes NULL: the legacy app stored both for 'no value'."""
    if text is not None and not text.strip():
        return Fixed(None, "empty_string_null")
    return text


def email(text: str | None) -> str | Fixed | None:
    """An address the target's email_format CHECK accepts; anything else becomes NULL."""
    if text is None:
        return None
    if not text.strip():
        return Fixed(None, "empty_string_null")
    if EMAIL_FORMAT.match(text):
        return text
    trimmed = text.strip()
    if EMAIL_FORMAT.match(trimmed):
        return Fixed(trimmed, "email_trimmed")
    return Fixed(None, "invalid_email_nulled")


def name_or_unknown(text: str | None) -> str | Fixed:
    """A person's name part; blank becomes 'Unknown' (the target requires one)."""
    if text is None or not text.strip():
        return Fixed("Unknown", "blank_name_unknown")
    return text


def decimal_or_reject(label: str):
    """A coercion to Decimal that rejects text that is not a finite number."""

    def coerce(text: str | None) -> Decimal | Rejected | None:
        if text is None:
            return None
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            return Rejected(f"invalid_{label}", f"{label} is not a number")
        if not value.is_finite():
            return Rejected(f"invalid_{label}", f"{label} is not a finite number")
        return value

    return coerce


_rate = decimal_or_reject("tax_rate")


def fraction_rate(text: str | None) -> Decimal | Fixed | Rejected | None:
    """A rate as a fraction below 1; a percentage (e.g. 10.25) is divided by 100."""
    value = _rate(text)
    if not isinstance(value, Decimal):
        return value
    if value < 0:
        return Rejected("invalid_tax_rate", "tax_rate is negative")
    if value < 1:
        return value
    if value < 100:
        return Fixed(value / 100, "tax_rate_percent")
    return Rejected("invalid_tax_rate", "tax_rate is 100 or more")


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def _holds_nul(value: Any) -> bool:
    """True when a parsed JSON value has a NUL character, which jsonb cannot store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def json_document(text: str | None) -> str | Fixed | None:
    """JSON kept as written when PostgreSQL can store it; otherwise kept raw inside an object.

    Empty text becomes NULL. PostgreSQL refuses NaN/Infinity, and jsonb cannot hold a NUL
    character (not even escaped); in the raw copy NUL becomes U+FFFD, so the result is storable
    and a second application leaves it unchanged.
    """
    if text is None:
        return None
    if not text.strip():
        return Fixed(None, "empty_string_null")
    try:
        storable = not _holds_nul(json.loads(text, parse_constant=_no_constants))
    except (ValueError, RecursionError):
        storable = False
    if storable:
        return text
    return Fixed(json.dumps({"raw": text.replace("\x00", "\ufffd")}), "invalid_json_kept_raw")


# Spellings of the United States found in dispatch_office.country (compared trimmed of spaces,
# case-insensitively); other countries are kept as written.
USA_SPELLINGS = frozenset({"usa", "us", "united states", "u.s.a.", "united states of america"})


def country(text: str | None) -> str | Fixed | None:
    """A country as written, except that spellings of the United States become 'USA'."""
    if text is None or text == "USA":
        return text
    if text.strip(" ").lower() in USA_SPELLINGS:
        return Fixed("USA", "country_normalised")
    return text


def file_name(name: str | None, extension: str | None) -> str | Fixed | None:
    """A file name without a repeated extension: `x.stl.stl` -> `x.stl` (case-insensitive).

    Upload retries of the legacy app appended the extension again; the name keeps one copy.
    Two inputs, so it is applied by a row transform rather than as a column coercion.
    """
    if name is None or not extension:
        return name
    size, twice = len(extension), (extension * 2).lower()
    stripped = name
    while len(stripped) >= 2 * size and stripped[-2 * size :].lower() == twice:
        stripped = stripped[:-size]
    if stripped == name:
        return name
    return Fixed(stripped, "double_extension_stripped")
