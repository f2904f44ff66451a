"""Coercions, ferry's shared ones and the lab's own, are total (a value, a fix or a rejection;
never an exception) and stable."""

import json
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ferry.brius import coercions
from ferry.catalog import coerce
from ferry.catalog.spec import CodeMap
from ferry.engine.outcome import Fixed, Rejected

texts = st.one_of(st.none(), st.text(), st.from_regex(r"-?\d{1,4}(\.\d{1,6})?", fullmatch=True))
amount = coerce.money("amount")
context = coerce.json_object("template_context", "invalid_context")
COERCIONS = [
    coerce.blank_is_null,
    coerce.email,
    coerce.name_or_unknown,
    coercions.fraction_rate,
    coerce.json_document,
    coercions.country,
    amount,
    context,
]


def value_of(result):
    return result.value if isinstance(result, Fixed) else result


@given(texts)
def test_coercions_are_total(text) -> None:
    for function in COERCIONS:
        function(text)  # must not raise


@given(texts)
def test_coercions_are_idempotent_on_their_own_output(text) -> None:
    for function in (
        coerce.blank_is_null,
        coerce.email,
        coerce.name_or_unknown,
        coerce.json_document,
        coercions.country,
        amount,
    ):
        first = function(text)
        if isinstance(first, Rejected):
            continue
        once = value_of(first)
        again = function(once if once is None else str(once))
        assert value_of(again) == once, function.__name__


@given(st.text())
def test_email_output_always_passes_the_target_check(text) -> None:
    result = value_of(coerce.email(text))
    assert result is None or coerce.EMAIL_FORMAT.match(result)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_rates_end_below_one_or_are_rejected(value: Decimal) -> None:
    result = coercions.fraction_rate(str(value))
    if not isinstance(result, Rejected):
        assert 0 <= value_of(result) < 1


def test_examples() -> None:
    assert coercions.fraction_rate("10.25") == Fixed(Decimal("0.1025"), "tax_rate_percent")
    assert coercions.fraction_rate("0.07") == Decimal("0.07")
    assert coerce.email("jo@gmial.com") == "jo@gmial.com"
    assert coerce.email("o'brien@x") == Fixed(None, "invalid_email_nulled")
    assert coerce.name_or_unknown("  ") == Fixed("Unknown", "blank_name_unknown")
    assert coerce.json_document("{bad") == Fixed('{"raw": "{bad"}', "invalid_json_kept_raw")
    assert coerce.json_document("NaN") == Fixed('{"raw": "NaN"}', "invalid_json_kept_raw")


@given(st.one_of(st.none(), st.text()))
def test_code_maps_translate_or_reject(text) -> None:
    codes = CodeMap("status", {1: "a", 2: "b"})
    result = codes.translate(text)
    assert result in (None, "a", "b") or (
        isinstance(result, Rejected) and result.reason == "unknown_code"
    )


def test_json_with_nul_is_kept_storable() -> None:
    for text in ("\x00", '{"a": "\\u0000"}'):
        once = coerce.json_document(text)
        assert isinstance(once, Fixed) and "\x00" not in json.loads(once.value)["raw"]
        assert coerce.json_document(once.value) == once.value


@given(st.one_of(st.none(), st.text(), st.sampled_from(sorted(coercions.USA_SPELLINGS))))
def test_country_is_total_idempotent_and_only_rewrites_the_united_states(text) -> None:
    result = coercions.country(text)
    value = value_of(result)
    assert coercions.country(value) == value
    if isinstance(result, Fixed):
        assert value == "USA" and result.fix == "country_normalised"
    else:
        assert value == text


def test_country_examples() -> None:
    for spelling in ("usa", " us ", "United States", "U.S.A.", "united states of america"):
        assert coercions.country(spelling) == Fixed("USA", "country_normalised")
    assert coercions.country("USA") == "USA"
    assert coercions.country("Japan") == "Japan"
    assert coercions.country("USSR") == "USSR"


extensions = st.one_of(st.none(), st.text(max_size=5), st.sampled_from([".stl", ".STL", ".jpg"]))


@given(st.one_of(st.none(), st.text()), extensions, st.integers(0, 3))
def test_file_name_keeps_one_extension(name, extension, repeats) -> None:
    if name is not None and extension:
        name += extension * repeats
    result = coercions.file_name(name, extension)
    value = value_of(result)
    assert coercions.file_name(value, extension) == value  # idempotent
    if isinstance(result, Fixed):
        assert result.fix == "double_extension_stripped"
        assert name.lower().endswith(extension.lower() * 2)
        assert value.lower().endswith(extension.lower())
        assert not value.lower().endswith(extension.lower() * 2)
    else:
        assert value == name


def test_file_name_examples() -> None:
    stripped = Fixed("scan_l.stl", "double_extension_stripped")
    assert coercions.file_name("scan_l.stl.stl", ".stl") == stripped
    assert coercions.file_name("scan_l.stl.STL", ".STL") == stripped
    assert coercions.file_name("scan_l.stl", ".stl") == "scan_l.stl"
    assert coercions.file_name("photo.jpg", "") == "photo.jpg"
    assert coercions.file_name(None, ".stl") is None


# PostgreSQL's `~` on the target's CHECK: `$` is the end of the text, never before a newline.
TARGET_EMAIL_CHECK = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@given(st.one_of(st.text(), st.from_regex(coerce.EMAIL_FORMAT).map(lambda t: t + "\n")))
def test_email_output_passes_the_targets_check_as_postgresql_reads_it(text) -> None:
    result = value_of(coerce.email(text))
    assert result is None or TARGET_EMAIL_CHECK.fullmatch(result)


def test_email_with_a_final_newline_is_trimmed_not_refused_later() -> None:
    assert coerce.email("jo@x.com\n") == Fixed("jo@x.com", "email_trimmed")


SNOWMAN = "\u2603"
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"-?\d{1,14}(\.\d{1,4})?([eE][-+]?\d{1,3})?", fullmatch=True),
    st.text(),
)


@given(st.one_of(st.none(), numbers))
def test_money_keeps_exact_amounts_as_written_and_rejects_the_rest(text) -> None:
    result = amount(text)
    if isinstance(result, Rejected):
        assert result.reason == "invalid_amount" and result.message.startswith("amount ")
        return
    assert result == text  # never rewritten: what is written is the source's own text
    if text is not None:
        value = Decimal(text)
        assert value.is_finite() and abs(value) < Decimal(10) ** 10
        assert value == value.quantize(Decimal("0.01"))


@given(st.text())
def test_rejection_messages_never_quote_the_value(text) -> None:
    marked = SNOWMAN + text
    for function in COERCIONS:
        result = function(marked)
        if isinstance(result, Rejected):
            assert SNOWMAN not in result.reason + result.message, function.__name__


def test_money_examples() -> None:
    assert amount("12.50") == "12.50"
    assert amount("-0.01") == "-0.01"  # the target's CHECK decides on signs
    assert amount("99999999.99") == "99999999.99"
    assert amount(None) is None
    for text, problem in (
        ("NaN", "is not a finite number"),
        ("Infinity", "is not a finite number"),
        ("1.005", "has a fraction of a cent"),
        ("12345678901.23", "has more than 10 digits before the decimal point"),
        ("twelve", "is not a number"),
    ):
        assert amount(text) == Rejected("invalid_amount", f"amount {problem}"), text


def test_json_postgresql_would_refuse_is_kept_raw() -> None:
    """Python's parser reads each of these; PostgreSQL's jsonb refuses them."""
    for text in (
        '{"a": "\\ud800"}',  # lone surrogate escape
        '["\\udc00\\ud800"]',  # surrogates in the wrong order
        '{"a": 1e999999}',  # beyond numeric
        "[1e131072]",  # more digits before the point than numeric holds
        "[1.5e-16383]",  # more digits after it
        "[0e-20000]",  # even for zero
        '{"a": "\\u0000", "a": 1}',  # a NUL under a key written twice
        "NaN",
        '{"a": Infinity}',
    ):
        once = coerce.json_document(text)
        assert isinstance(once, Fixed) and json.loads(once.value) == {"raw": text}, text
        assert coerce.json_document(once.value) == once.value


def test_json_postgresql_stores_is_kept_as_written() -> None:
    deep = '{"a": ' * 99 + "[1]" + "}" * 99
    for text in (
        deep,
        '{"a": "\\ud83d\\ude00"}',
        "[9.9e131071, 1e-16383, 0e200000]",
        '"\\u00e9"',
        "12",
    ):
        assert coerce.json_document(text) == text


def test_json_too_deep_for_python_is_kept_raw() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    once = coerce.json_document(deep)
    assert isinstance(once, Fixed) and json.loads(once.value) == {"raw": deep}


def test_a_context_is_a_json_object_or_rejected_with_its_defect_named() -> None:
    """The four malformed contexts of the notification log, each named, none quoted."""
    examples = {
        '{"order": 12, "name": "Jo"}': None,
        '{"path": "C:\\scans\\x"}': "an invalid escape sequence",
        "null": "not an object",
        '{"name": "\\ud800"}': "a lone surrogate",
        "{'self': {...}}": "a Python structure",
        "[1, 2]": "not an object",
        "  ": "is empty",
    }
    for text, defect in examples.items():
        result = context(text)
        if defect is None:
            assert result == text
        else:
            assert isinstance(result, Rejected) and result.reason == "invalid_context", text
            assert result.message.startswith("template_context ") and defect in result.message


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=8,
    )
)
def test_every_storable_json_object_is_kept_as_written(value) -> None:
    text = json.dumps({"value": value})
    if coerce._jsonb_storable(text):
        assert context(text) == text
    else:
        assert isinstance(context(text), Rejected)
