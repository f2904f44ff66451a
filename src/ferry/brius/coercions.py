"""The lab's own coercions: rules about its data (dispatch_office's tax rates and countries,
the file names its upload retries doubled) that no other catalogue shares.

Like the shared ones in `ferry.catalog.coerce`, each is pure and total (a value, a `Fixed`
value or a `Rejected` reason, never an exception) and its messages never quote the value.
"""

from __future__ import annotations

from decimal import Decimal

from ferry.catalog.coerce import decimal_or_reject
from ferry.engine.outcome import Fixed, Rejected

_rate = decimal_or_reject("tax_rate")


def fraction_rate(text: str | None) -> Decimal | Fixed | Rejected | None:
    """dispatch_office.tax_rate as a fraction below 1; a percentage (e.g. 10.25) is divided
    by 100 (the legacy app stored both)."""
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
