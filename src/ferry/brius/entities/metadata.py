"""Row transforms that fold coerced JSON values into a row's metadata document.

Legacy JSON columns without a target column of their own (a file's parameters, a payment's
installments) travel in `metadata`. The SQL side builds the rest of the metadata object; the
JSON value must first pass the `json_document` coercion (which records `invalid_json_kept_raw`
when it had to wrap the text), so the folding happens in Python, on text, without re-parsing.
"""

from __future__ import annotations

import json
from typing import Any

from ferry.catalog.spec import RowTransform


def with_member(document: str | None, key: str, value: str | None) -> str:
    """The JSON object text `document` with one more member `key` holding JSON text `value`.

    A NULL document (the SQL side builds an object, so only a changed declaration could give
    one) counts as the empty object: the fold stays total instead of failing the whole batch.
    """
    body = (document or "{}").rstrip()[:-1].rstrip()
    separator = "" if body.endswith("{") else ", "
    return body + separator + json.dumps(key) + ": " + (value or "null") + "}"


def fold_into_metadata(*inputs: str) -> RowTransform:
    """A transform moving each input column `_<key>` (JSON text) into metadata under `<key>`."""

    def fold(row: dict[str, Any]) -> dict[str, Any]:
        for name in inputs:
            row["metadata"] = with_member(row["metadata"], name.lstrip("_"), row.pop(name))
        return row

    return fold
