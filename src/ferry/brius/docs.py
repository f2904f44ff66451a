"""docs/catalogue.md, generated from the catalogue's declarations.

Everything an entity declares (source, columns, parents, skip rules, code maps, money) is read
from the declarations themselves, so the page cannot drift from the code. What a Python
function can decide (the fixes a coercion records, the reasons a row transform raises) is not
visible in a declaration: `OUTCOMES` states it once per function, and a test fails when the
catalogue uses a function that has no entry there. Regenerate with
`python -m ferry.brius.docs > docs/catalogue.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ferry.brius import catalogue, coercions
from ferry.catalog import coerce
from ferry.catalog.spec import CodeMap, Column, Entity
from ferry.plan.planner import make_plan

# (fixes recorded, quarantine reasons) of every coercion and row transform the catalogue uses,
# by the function's qualified name.
OUTCOMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    coerce.blank_is_null.__qualname__: (("empty_string_null",), ()),
    coerce.email.__qualname__: (("empty_string_null", "email_trimmed", "invalid_email_nulled"), ()),
    coerce.name_or_unknown.__qualname__: (("blank_name_unknown",), ()),
    coercions.fraction_rate.__qualname__: (("tax_rate_percent",), ("invalid_tax_rate",)),
    coerce.json_document.__qualname__: (("empty_string_null", "invalid_json_kept_raw"), ()),
    coercions.country.__qualname__: (("country_normalised",), ()),
    "money.<locals>.exact_amount": ((), ("invalid_amount",)),
    "_status_from_account": ((), ()),
    "_require_role_type": ((), ("unclassified_role_type",)),
    "_file_row": (("double_extension_stripped",), ()),
    "fold_into_metadata.<locals>.fold": ((), ()),
    "json_object.<locals>.parsed_object": ((), ("invalid_context",)),
    "_require_permission": ((), ("unknown_permission",)),
}

# Refusals by the target that the lab's data is known to cause (pathologies.md), per entity; a
# test checks that every reason a migration records is documented for its entity.
REFUSALS: dict[str, tuple[str, ...]] = {
    "profiles": ("constraint:profiles_patient_suffix_format",),
    "doctor_offices": ("constraint:doctor_offices_doctor_id_office_id_key",),
}
TARGET_REFUSALS = (
    "a row the target refuses is quarantined as `constraint:<name>` (CHECK, UNIQUE, foreign "
    "key; names in target-schema.md) or `refused:<error class>`"
)


def functions(entity: Entity) -> Iterator[tuple[str, Callable[..., Any]]]:
    """(what, function) for each coercion and the row transform of an entity."""
    for column in entity.columns:
        if column.coerce is not None:
            yield column.name.lstrip("_"), column.coerce
    if entity.transform is not None:
        yield "row", entity.transform


def code(text: str) -> str:
    """Inline code safe inside a Markdown table cell."""
    return "`" + " ".join(text.split()).replace("|", "\\|") + "`"


def _transform(column: Column) -> str:
    if column.code is not None:
        return "code map " + column.code.name
    if column.coerce is not None:
        return column.coerce.__name__
    return ""


def outcomes(entity: Entity) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, where) of the fixes and of the quarantine reasons an entity can record."""
    fixes: list[tuple[str, str]] = []
    reasons: list[tuple[str, str]] = []
    for what, function in functions(entity):
        found_fixes, found_reasons = OUTCOMES[function.__qualname__]
        fixes += [(fix, what) for fix in found_fixes]
        reasons += [(reason, what) for reason in found_reasons]
    reasons += [("unknown_code", c.name) for c in entity.columns if c.code is not None]
    for parent in entity.parents:
        if parent.required:
            reasons.append((f"missing_parent:{parent.entity}", parent.column))
        else:
            fixes.append((f"optional_parent_null:{parent.column}", parent.column))
    if entity.dedup_key:
        fixes.append((entity.dedup_fix, "the lowest id with the same key"))
    reasons += [(reason, "target") for reason in REFUSALS.get(entity.name, ())]
    return fixes, reasons


def _listed(found: list[tuple[str, str]]) -> str:
    return ", ".join(f"`{name}` ({what})" for name, what in found)


def _entity(entity: Entity) -> Iterator[str]:
    yield f"### `{entity.name}` → `{entity.target}`"
    yield ""
    yield entity.description
    yield ""
    source = entity.source
    yield f"* inventory: `{entity.inventory_name}`, read from `{entity.source_table}`"
    yield f"* source: {code(' '.join(filter(None, (source.relation, source.joins))))}"
    if source.where:
        yield f"* domain: {code(source.where)}"
    yield f"* key: {code(source.key)} → `{entity.legacy_column}`"
    if source.changed_at:
        yield f"* changed at: {code(source.changed_at)} (sync compares rows changed since)"
    if entity.dedup_key:
        yield f"* duplicates: same {code(entity.dedup_key)}"
    yield f"* depends on: {', '.join(f'`{d}`' for d in entity.depends_on) or 'nothing'}"
    if entity.preexisting:
        yield f"* adopts the earlier tools' `{entity.preexisting.kind}` mappings and rows"
    for rule in entity.skip_rules:
        yield f"* skip `{rule.name}`: {rule.description} ({code(rule.where)})"
    fixes, reasons = outcomes(entity)
    yield f"* quarantine: {_listed(reasons) or 'none'}; other target refusals"
    yield f"* fixes: {_listed(fixes) or 'none'}"
    if entity.money_columns:
        per = f" per `{entity.money_owner}`" if entity.money_owner else ""
        columns = ", ".join(f"`{c}`" for c in entity.money_columns)
        yield f"* money: {columns}, summed{per} by `ferry validate`"
    yield ""
    yield "| target column | from the source | transform |"
    yield "|---|---|---|"
    for parent in entity.parents:
        kind = "required" if parent.required else "optional"
        yield f"| `{parent.column}` | {code(parent.expr)} | {kind} parent `{parent.entity}` |"
    for column in entity.columns:
        if column.name.startswith("_"):
            yield f"| ({column.name[1:]}) | {code(column.expr)} | {_transform(column)}, input |"
        else:
            secret = ", secret: never printed" if column.secret else ""
            yield f"| `{column.name}` | {code(column.expr)} | {_transform(column)}{secret} |"
    if entity.transform is not None:
        doc = (entity.transform.__doc__ or "").strip().splitlines()
        yield ""
        yield f"Row transform `{entity.transform.__qualname__}`: {doc[0] if doc else ''}"
    yield ""


def _code_maps() -> Iterator[str]:
    maps: dict[str, CodeMap] = {}
    for entity in catalogue.ENTITIES:
        for column in entity.columns:
            if column.code is not None:
                maps.setdefault(column.code.name, column.code)
    yield "## Code maps"
    yield ""
    yield "A code outside its map sends the row to quarantine (`unknown_code`); the raw code is"
    yield "kept next to its meaning."
    yield ""
    yield "| map | codes | NULL |"
    yield "|---|---|---|"
    for name, codes in sorted(maps.items()):
        pairs = ", ".join(f"{k} {v}" for k, v in sorted(codes.values.items()))
        yield f"| {name} | {pairs} | {'NULL' if codes.allow_null else 'unknown_code'} |"
    yield ""


def _workflows() -> Iterator[str]:
    yield "## Workflows"
    yield ""
    yield "| workflow | names | phases of its plan (dependencies included) |"
    yield "|---|---|---|"
    for flow in catalogue.WORKFLOWS:
        phases = make_plan(catalogue.CATALOGUE, flow.name).phases
        shown = " ; ".join(", ".join(phase) for phase in phases)
        named = "every entity" if flow.name == "all" else ", ".join(flow.entities)
        yield f"| `{flow.name}` | {named} | {shown} |"
    yield ""


def _out_of_scope() -> Iterator[str]:
    yield "## Out of scope"
    yield ""
    yield "Legacy tables no entity reads, and why (`ferry coverage` checks the source against"
    yield "this list and the entities; `ferry validate final` fails on a table in neither)."
    yield ""
    yield "| legacy table | reason |"
    yield "|---|---|"
    for table, reason in sorted(catalogue.CATALOGUE.out_of_scope.items()):
        yield f"| `{table}` | {reason} |"
    yield ""


def render() -> str:
    lines = [
        "# The brius catalogue",
        "",
        "Generated from the declarations in `src/ferry/brius/` by `python -m ferry.brius.docs`;",
        "do not edit by hand (a test compares this file with the generator's output).",
        "",
        f"{len(catalogue.ENTITIES)} ferry entities fill the inventory's target tables. One",
        "ferry entity reads one legacy table; where the inventory fills one table from two",
        "legacy tables, or from one table in two ways, two entities write it (`inventory`",
        "names what they fill). Per row: skip rules first (first match wins), then coercions",
        "and code maps, then parents in the order listed; " + TARGET_REFUSALS + ".",
        "",
        *_workflows(),
        *_code_maps(),
        *_out_of_scope(),
    ]
    for area, entities in catalogue.AREAS:
        lines += [f"## {area.capitalize()}", ""]
        for entity in entities:
            lines += list(_entity(entity))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
