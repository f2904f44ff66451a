"""Small, pure, total coercions of source text, for any catalogue.

Coercions that only make sense for one database live with its catalogue (the lab's in
`ferry.brius.coercions`).

Each takes the text COPY delivered (or None) and returns a value, a `Fixed` value (the fix's name
is recorded with the row's mapping) or a `Rejected` reason (the row goes to quarantine). None of
them raises, whatever the input: that is property-tested. Messages never quote the value.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ferry.catalog.spec import Coercion
from ferry.engine.outcome import Fixed, Rejected

# The target's profiles_email_format CHECK. `\Z`, not `$`: Python's `$` also matches before a
# final newline, which PostgreSQL's does not, so "jo@x.com\n" passed here and was refused there.
EMAIL_FORMAT = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\Z")


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


def money(column: str, precision: int = 12, scale: int = 2) -> Coercion:
    """A coercion for an amount: the source's text, unchanged, when the target can hold it exactly.

    PostgreSQL's numeric takes NaN and the legacy columns hold it, but NaN passes the target's
    `amount >= 0` CHECKs and no sum of it can be compared to the cent; an amount with a fraction
    of a cent would be rounded silently by the target's numeric(precision, scale), and one too
    large for it would be refused without the column being named. Each is rejected instead
    (`invalid_amount`), with a message naming the column and never the value.
    """
    whole_digits = precision - scale
    cent = Decimal(1).scaleb(-scale)

    def exact_amount(text: str | None) -> str | Rejected | None:
        if text is None:
            return None
        try:
            problem = _amount_problem(Decimal(text), whole_digits, cent)
        except (ArithmeticError, ValueError):
            problem = "is not a number"
        if problem:
            return Rejected("invalid_amount", f"{column} {problem}")
        return text

    return exact_amount


def _amount_problem(value: Decimal, whole_digits: int, cent: Decimal) -> str | None:
    """What keeps `value` from being stored exactly with `whole_digits` and cents, if anything."""
    if not value.is_finite():
        return "is not a finite number"
    if value and value.adjusted() >= whole_digits:
        return f"has more than {whole_digits} digits before the decimal point"
    if value != value.quantize(cent):
        return "has a fraction of a cent"
    return None


def _no_constants(name: str) -> Any:
    raise ValueError(name)


# Characters a jsonb string cannot hold, not even escaped: NUL, and a UTF-16 surrogate outside a
# pair (Python parses `"\ud800"` into a lone surrogate; PostgreSQL refuses the document).
_UNSTORABLE_CHARACTER = re.compile(r"[\x00\ud800-\udfff]")
# PostgreSQL's numeric (which jsonb numbers are) holds at most 131072 digits before the decimal
# point and 16383 after it (NUMERIC_WEIGHT_MAX, NUMERIC_DSCALE_MAX); beyond, a document is refused.
NUMERIC_WHOLE_DIGITS = 131072
NUMERIC_SCALE = 16383


def _storable_number(text: str) -> Decimal:
    """A JSON number as PostgreSQL's numeric will read it, or ValueError when it cannot.

    Python reads `1e999999` as float infinity without complaint; PostgreSQL refuses it, and
    `0e-20000` too (its scale counts even for zero).
    """
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    if exponent < -NUMERIC_SCALE or (value and value.adjusted() >= NUMERIC_WHOLE_DIGITS):
        raise ValueError("number beyond numeric's range")
    return value


def _holds_unstorable(value: Any) -> bool:
    """True when a parsed JSON value has a character (in a key or a string) jsonb cannot store.

    Objects arrive as lists of (key, value) pairs: a key written twice keeps only its last
    value in a dict, but PostgreSQL reads (and refuses) every one of them.
    """
    if isinstance(value, str):
        return _UNSTORABLE_CHARACTER.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_holds_unstorable(v) for v in value)
    return False


# What could make a document Python parses unstorable in jsonb: an escape (a lone surrogate or
# NUL may hide in one), a raw NUL or surrogate, NaN/Infinity, or a number long enough to leave
# numeric's range. A document without any of them needs only Python's (C) parser.
_NEEDS_CAREFUL_PARSE = re.compile(r"\\u|[\x00\ud800-\udfff]|NaN|Infinity|\d{300}|[eE][+-]?\d{4}")


def _jsonb_storable(text: str) -> bool:
    """Whether PostgreSQL's jsonb accepts `text` as it is (Python's parser is more lenient)."""
    if _NEEDS_CAREFUL_PARSE.search(text) is None:
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return False
        return True
    try:
        parsed = json.loads(
            text,
            object_pairs_hook=list,
            parse_constant=_no_constants,
            parse_int=_storable_number,
            parse_float=_storable_number,
        )
        return not _holds_unstorable(parsed)
    except (ValueError, ArithmeticError, RecursionError):
        return False


def json_document(text: str | None) -> str | Fixed | None:
    """JSON kept as written when PostgreSQL can store it; otherwise kept raw inside an object.

    Empty text becomes NULL. PostgreSQL refuses NaN/Infinity, numbers beyond its numeric range,
    and strings holding a NUL or a lone surrogate (even escaped); a document it would refuse
    is wrapped, so that the row migrates instead of being refused by the target. In the raw
    copy NUL becomes U+FFFD, so the result is storable and a second application leaves it
    unchanged.
    """
    if text is None:
        return None
    if not text.strip():
        return Fixed(None, "empty_string_null")
    if _jsonb_storable(text):
        return text
    return Fixed(json.dumps({"raw": text.replace("\x00", "\ufffd")}), "invalid_json_kept_raw")


def json_object(column: str, reason: str) -> Coercion:
    """A coercion for a JSON object the target stores as jsonb; anything else is rejected.

    Where a target column requires a parsed document (no raw fallback), a row whose text is not
    one goes to quarantine with `reason` and a message naming the column and the kind of defect
    (never the text): a Python structure (the repr of a self-referencing dict prints `{...}`),
    an invalid escape, a character jsonb cannot store, a JSON value that is not an object.
    """

    def parsed_object(text: str | None) -> str | Rejected | None:
        if text is None:
            return None
        problem = _json_object_problem(text)
        if problem:
            return Rejected(reason, f"{column} {problem}")
        return text

    return parsed_object


def _json_object_problem(text: str) -> str | None:
    """What keeps `text` from being stored as a jsonb object, in words, if anything."""
    stripped = text.strip()
    if not stripped:
        return "is empty"
    if not _jsonb_storable(text):
        if "{...}" in stripped or "[...]" in stripped or stripped.startswith("{'"):
            return "is a Python structure, not JSON (a self-reference or single quotes)"
        if _parses(text):
            return "holds a character jsonb cannot store (NUL or a lone surrogate)"
        if "\\" in stripped:
            return "is not JSON (an invalid escape sequence)"
        return "is not JSON"
    if not stripped.startswith("{"):
        return "is JSON but not an object (null, a list or a scalar)"
    return None


def _parses(text: str) -> bool:
    try:
        json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return False
    return True
