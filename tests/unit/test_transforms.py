"""Row transforms, code maps and row shaping are total: a row, a fix or a rejection, never an
exception, whatever text the source holds; and no rejection message quotes a value.

Every input that could carry a value is marked with SNOWMAN, a character no message of ferry
contains: a message that quoted its input would contain it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ferry.brius import codes
from ferry.brius.catalogue import CATALOGUE
from ferry.brius.entities.configuration import TECHNICIAN_ROLES, _require_role_type
from ferry.brius.entities.files import FILES, _file_row
from ferry.brius.entities.metadata import fold_into_metadata, with_member
from ferry.brius.entities.money import PAYMENTS
from ferry.brius.entities.people import TECHNICIANS, _status_from_account
from ferry.catalog import coerce
from ferry.catalog.spec import CodeMap, Entity
from ferry.engine.outcome import Fixed, Rejected, RowRejected
from ferry.engine.transform import HEAD, INSERT, REJECTED, SKIPPED, RowShaper

SNOWMAN = "\u2603"
# Text as COPY delivers it: any characters but NUL and surrogates (PostgreSQL text holds neither).
source_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
marked_text = source_text.map(lambda text: SNOWMAN + text)
values = st.one_of(st.none(), marked_text)

CODE_MAPS = sorted(
    (value for value in vars(codes).values() if isinstance(value, CodeMap)),
    key=lambda code_map: code_map.name,
)


def row_of(entity: Entity, draw_values: list[Any]) -> dict[str, Any]:
    """The values a row transform receives: one per declared column, by name."""
    return {column.name: value for column, value in zip(entity.columns, draw_values, strict=True)}


def column_values(entity: Entity) -> st.SearchStrategy[list[Any]]:
    return st.lists(values, min_size=len(entity.columns), max_size=len(entity.columns))


def outcome_of(transform, row: dict[str, Any]) -> dict[str, Any] | Rejected:
    """The transform's row, or its rejection: any other exception fails the test."""
    try:
        return transform(row)
    except RowRejected as exc:
        return exc.rejection


def assert_quotes_nothing(rejection: Rejected) -> None:
    assert rejection.reason and rejection.message
    assert SNOWMAN not in rejection.reason + rejection.message


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Fixed) else value


# --- code maps --------------------------------------------------------------------------------


def test_the_code_maps_are_all_found() -> None:
    assert len(CODE_MAPS) >= 10


@pytest.mark.parametrize("code_map", CODE_MAPS, ids=lambda m: m.name)
@given(text=st.one_of(st.none(), source_text, st.integers().map(str)))
def test_code_maps_translate_or_reject(code_map: CodeMap, text: str | None) -> None:
    result = code_map.translate(text)
    if isinstance(result, Rejected):
        assert result.reason == "unknown_code"
        assert text is None or text == "" or int_or_none(text) not in code_map.values
    else:
        assert result in (*code_map.values.values(), None)
        assert (result is None) == (text is None or text == "")
        assert result is None or result == code_map.values[int(text)]


def int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@pytest.mark.parametrize("code_map", CODE_MAPS, ids=lambda m: m.name)
@given(first=st.integers(), second=marked_text)
def test_a_code_maps_rejection_says_the_same_whatever_the_code(
    code_map: CodeMap, first: int, second: str
) -> None:
    """The message cannot quote the code: it is the same for every unmapped code."""
    unmapped = first if first not in code_map.values else max(code_map.values) + 1
    one, other = code_map.translate(str(unmapped)), code_map.translate(second)
    assert isinstance(one, Rejected) and isinstance(other, Rejected)
    assert one == other
    assert_quotes_nothing(other)


@pytest.mark.parametrize("code_map", CODE_MAPS, ids=lambda m: m.name)
def test_every_mapped_code_translates_to_its_meaning(code_map: CodeMap) -> None:
    for code, meaning in code_map.values.items():
        assert code_map.translate(str(code)) == meaning
    missing = code_map.translate(None)
    assert missing is None if code_map.allow_null else missing.reason == "unknown_code"


# --- row transforms ---------------------------------------------------------------------------


@given(column_values(TECHNICIAN_ROLES))
def test_require_role_type_keeps_or_rejects(draw: list[Any]) -> None:
    row = row_of(TECHNICIAN_ROLES, draw)
    before = dict(row)
    result = outcome_of(_require_role_type, row)
    if before["role_type"] is None:
        assert isinstance(result, Rejected) and result.reason == "unclassified_role_type"
        assert_quotes_nothing(result)
    else:
        assert result == before
        assert _require_role_type(dict(result)) == result  # idempotent


@given(column_values(TECHNICIANS), st.sampled_from(["t", "f", None]))
def test_status_from_account_fills_only_a_missing_status(draw: list[Any], active) -> None:
    row = row_of(TECHNICIANS, draw) | {"_is_active": active}
    status = row["status"]
    result = outcome_of(_status_from_account, dict(row))
    assert isinstance(result, dict)
    if status is None:
        assert result["status"] == ("active" if active == "t" else "inactive")
    else:
        assert result["status"] == status
    assert _status_from_account(dict(result)) == result  # idempotent


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    source_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner), st.dictionaries(source_text, inner)),
    max_leaves=10,
)


@settings(max_examples=40)
@given(st.dictionaries(source_text, json_values, max_size=5), source_text, json_values)
def test_with_member_adds_exactly_one_member(document: dict, key: str, value: Any) -> None:
    """On the object text PostgreSQL produces (jsonb::text), the member is added and nothing
    else changes; a NULL value becomes JSON null."""
    document.pop(key, None)
    text = json.dumps(document, ensure_ascii=False)
    assert json.loads(with_member(text, key, json.dumps(value))) == {**document, key: value}
    assert json.loads(with_member(text, key, None)) == {**document, key: None}


@given(st.one_of(st.none(), source_text), source_text, st.one_of(st.none(), source_text))
def test_with_member_is_total(document: str | None, key: str, value: str | None) -> None:
    assert isinstance(with_member(document, key, value), str)


@given(column_values(PAYMENTS))
def test_fold_into_metadata_is_total_and_consumes_its_input(draw: list[Any]) -> None:
    row = row_of(PAYMENTS, draw)
    result = outcome_of(fold_into_metadata("_installments"), row)
    assert isinstance(result, dict)
    assert "_installments" not in result and isinstance(result["metadata"], str)


@given(
    column_values(FILES),
    st.one_of(st.none(), st.sampled_from([".stl", ".STL", ".jpg", ""]), source_text),
    st.integers(0, 3),
)
def test_file_row_is_total_and_keeps_one_extension(draw: list[Any], ext, repeats: int) -> None:
    """Parameters arrive through their coercion (as in a migration): the metadata stays JSON."""
    row = row_of(FILES, draw) | {"_ext": ext, "metadata": '{"extension": null}'}
    row["_parameters"] = plain(coerce.json_document(row["_parameters"]))
    if row["filename"] is not None and ext:
        row["filename"] += ext * repeats
    name, parameters = row["filename"], row["_parameters"]
    result = outcome_of(_file_row, row)
    assert isinstance(result, dict) and "_parameters" not in result
    folded = json.loads(result["metadata"])
    assert folded == {"extension": None, "parameters": json.loads(parameters or "null")}
    stripped = plain(result["filename"])
    if name is not None and ext:
        assert not stripped.lower().endswith(ext.lower() * 2)
        assert name.lower().startswith(stripped.lower())
        again = _file_row(dict(result) | {"filename": stripped, "_parameters": None})
        assert again["filename"] == stripped  # idempotent: nothing left to strip


# --- row shaping, every entity ----------------------------------------------------------------

ENTITIES = sorted(CATALOGUE.entities.values(), key=lambda e: e.name)
keys = st.integers(1, 2**63 - 1).map(str)
parent_ids = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1).map(str))


@st.composite
def source_rows(draw, entity: Entity) -> tuple[str | None, ...]:
    """A source row as COPY delivers it: integer key, skip rule or NULL, dedup key, parents'
    integer ids, then any text (or NULL) in every column."""
    rules = [rule.name for rule in entity.skip_rules]
    skip = draw(st.one_of(st.none(), st.sampled_from(rules))) if rules else None
    dedup = draw(st.one_of(st.none(), source_text)) if entity.dedup_key else None
    parents = [draw(parent_ids) for _ in entity.parents]
    columns = [draw(values) for _ in entity.columns]
    return (draw(keys), skip, dedup, *parents, *columns)


COPYABLE = (str, int, Decimal, type(None), list)


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_shape_never_raises_and_keeps_the_stage_width(entity: Entity, data) -> None:
    shaper = RowShaper(entity)
    row = data.draw(source_rows(entity))
    shaped = shaper.shape(row)
    assert isinstance(shaped, tuple) and len(shaped) == shaper.width
    key, new_id, status, reason, message = shaped[:5]
    assert key == int(row[0])
    assert status in (INSERT, SKIPPED, REJECTED)
    assert (new_id is None) if status == SKIPPED else isinstance(new_id, str)
    if status == SKIPPED:
        assert reason == row[1] and all(v is None for v in shaped[HEAD:])
    elif status == REJECTED:
        assert_quotes_nothing(Rejected(reason, message))
        assert all(v is None for v in shaped[HEAD:])
    else:
        assert reason is None and message is None
        assert all(isinstance(note, str) for note in shaped[6])
        for value in shaped[HEAD:]:
            assert not isinstance(value, Fixed | Rejected), value
            assert isinstance(value, COPYABLE), value
    assert shaper.shape(row) == shaped  # deterministic: validation re-shapes to compare
