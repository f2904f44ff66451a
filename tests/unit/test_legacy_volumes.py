"""The generator's knobs: volumes scale with floors, every rate is used, documented and sane."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS
from ferry.brius.legacy.ground_truth import ENTITIES, TRUTH_STEPS
from ferry.brius.legacy.schema import LEGACY_TABLES
from ferry.brius.legacy.volumes import RATES, Volumes, quota

DOCS = Path(__file__).resolve().parents[2] / "docs"
SQL = files("ferry.brius.legacy").joinpath("sql")


def _generation_sql() -> str:
    return "\n".join(p.read_text() for p in SQL.iterdir() if p.name.startswith("gen_"))


def test_scale_one_reproduces_the_seed_volumes() -> None:
    v = Volumes.at(1.0)
    assert (v.tasks, v.files, v.plans, v.projects) == (762_604, 294_818, 67_782, 66_918)
    assert (v.instructions, v.patients, v.doctor_candidates, v.offices) == (
        23_272,
        7_854,
        1_181,
        870,
    )
    assert 9_700 <= v.users <= 9_900


def test_small_scales_keep_a_floor_so_every_class_fits() -> None:
    tiny = Volumes.at(0.0001)
    assert tiny.doctor_candidates == 60 and tiny.patients == 120 and tiny.offices == 30
    assert Volumes.at(0.1).patients == 785


@pytest.mark.parametrize("scale", [0, -1.0])
def test_scale_must_be_positive(scale: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        Volumes.at(scale)


def test_quota_never_goes_below_the_minimum() -> None:
    assert quota("malformed_suffix", 785) == 2
    assert quota("archived_patient", 7_854) == round(0.154 * 7_854)
    assert all(rate.minimum >= 2 and 0 < rate.rate < 1 for rate in RATES.values())


def test_params_carry_every_volume_rate_and_derived_count() -> None:
    params = Volumes.at(0.5).params()
    assert {"n.user_ids", "n.deleted_users", "n.doctor_users", "n.patient_doctors"} <= set(params)
    assert all(f"rate.{k}" in params and f"min.{k}" in params for k in RATES)
    assert params["n.user_ids"] == Volumes.at(0.5).users + params["n.deleted_users"]


def test_every_rate_is_used_by_the_generator_and_every_used_knob_exists() -> None:
    used = set(re.findall(r"(?:quota|param)\('(?:rate\.)?([a-z_]+)'", _generation_sql()))
    volumes = files("ferry.brius.legacy").joinpath("volumes.py").read_text()
    derived = set(re.findall(r'quota\("([a-z_]+)"', volumes))
    assert used - set(RATES) == set()
    assert set(RATES) - used - derived == set()


def test_every_rate_is_documented_with_its_value() -> None:
    doc = (DOCS / "pathologies.md").read_text()
    for knob, rate in RATES.items():
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{knob}` |")), None)
        assert row is not None, f"{knob} is not documented in docs/pathologies.md"
        percent = f"{rate.rate * 100:g}%"
        assert percent in row, f"{knob}: docs should say {percent}"


def test_every_entity_and_foreign_key_is_documented() -> None:
    pathologies = (DOCS / "pathologies.md").read_text()
    schema = (DOCS / "legacy-schema.md").read_text()
    for entity in ENTITIES:
        assert f"`{entity}`" in pathologies, entity
    for table in LEGACY_TABLES:
        assert f"`{table}`" in schema, table
    assert {fk.table for fk in FOREIGN_KEYS} <= set(LEGACY_TABLES)


def test_name_pools_cannot_look_like_test_accounts() -> None:
    """A clean name or email containing 'test' or 'demo' would be skipped as a test account."""
    pools = SQL.joinpath("synthetic.sql").read_text().split("FUNCTION synthetic.pool")[1]
    words = re.findall(r"'([^']*)'", pools)
    assert words and not [w for w in words if re.search("test|demo|brius", w, re.IGNORECASE)]


def test_truth_steps_exist() -> None:
    assert all(SQL.joinpath(step).is_file() for step in TRUTH_STEPS)


def test_the_rest_of_the_inventory_scales_with_floors() -> None:
    one, tiny = Volumes.at(1.0), Volumes.at(0.0001)
    assert (one.notifications, one.operations, one.wares, one.actions) == (
        5_102_536,
        3_522,
        16_552,
        23_000,
    )
    assert (tiny.notifications, tiny.operations, tiny.wares, tiny.actions) == (20_000, 50, 200, 200)
    assert 200 <= one.notifications / one.instructions <= 240  # about 219 per instruction
    assert 0.2 <= one.operations / one.payments <= 0.24


def test_malformed_contexts_keep_the_seed_proportions() -> None:
    """18 : 12 : 6 : 4 in the 2,039,588 valid notifications; two of each at a small scale."""
    knobs = (
        "malformed_escape_context",
        "null_context_with_template",
        "invalid_unicode_context",
        "self_reference_context",
    )
    assert [quota(k, 2_039_588) for k in knobs] == [18, 12, 6, 4]
    assert [quota(k, 102_000) for k in knobs] == [2, 2, 2, 2]
