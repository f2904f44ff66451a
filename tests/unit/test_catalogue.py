"""Catalogues are checked as they load; plans put every dependency in an earlier phase."""

import subprocess
import sys

import pytest

from ferry.brius.catalogue import CATALOGUE
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Column, Entity, Parent, Source, Workflow
from ferry.errors import ConfigurationError, UsageError
from ferry.plan.planner import make_plan


def entity(name: str, *parents: str, after: tuple[str, ...] = ()) -> Entity:
    return Entity(
        name=name,
        target=name,
        source=Source(name, "id"),
        parents=tuple(Parent(f"{p}_id", p, f"{p}_id") for p in parents),
        after=after,
    )


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="declares entity a twice"):
        Catalogue.build("c", [entity("a"), entity("a")])


def test_unknown_dependency_is_refused_naming_it() -> None:
    with pytest.raises(ConfigurationError, match="Entity b depends on unknown entity ghost"):
        Catalogue.build("c", [entity("a"), entity("b", "a", "ghost")])


def test_cycle_is_refused_naming_the_entities() -> None:
    with pytest.raises(ConfigurationError, match="cycle between entities: a -> c -> b -> a"):
        Catalogue.build("c", [entity("a", "c"), entity("b", "a"), entity("c", "b")])


def test_self_reference_is_not_a_cycle() -> None:
    catalogue = Catalogue.build("c", [entity("a", "a")])
    assert make_plan(catalogue, "a").phases == (("a",),)


def test_workflow_with_unknown_member_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="Workflow w names unknown entities: nope"):
        Catalogue.build("c", [entity("a")], [Workflow("w", ("a", "nope"))])


def test_unknown_target_is_a_usage_error() -> None:
    catalogue = Catalogue.build("c", [entity("a")])
    with pytest.raises(UsageError, match="neither an entity nor a workflow"):
        make_plan(catalogue, "zzz")


def test_phases_respect_dependencies() -> None:
    catalogue = Catalogue.build(
        "c",
        [entity("a"), entity("b", "a"), entity("c", "a"), entity("d", "b", "c"), entity("e")],
        [Workflow("w", ("d",))],
    )
    plan = make_plan(catalogue, "w")
    assert plan.phases == (("a",), ("b", "c"), ("d",))
    assert plan.reversed().phases == (("d",), ("b", "c"), ("a",))


@pytest.mark.parametrize("target", sorted(CATALOGUE.workflows))
def test_brius_plans_put_parents_first(target: str) -> None:
    plan = make_plan(CATALOGUE, target)
    seen: set[str] = set()
    for phase in plan.phases:
        for name in phase:
            assert set(CATALOGUE.entities[name].depends_on) <= seen, name
        seen.update(phase)


def test_skip_rules_can_be_switched_off_by_name() -> None:
    assert all(
        not e.skip_rules
        for e in CATALOGUE.without_skip_rules(
            [f"{e.name}:{r.name}" for e in CATALOGUE.entities.values() for r in e.skip_rules]
        ).entities.values()
    )
    off = CATALOGUE.without_skip_rules(["soft_deleted"])
    assert "soft_deleted" not in {r.name for r in off.entities["orders"].skip_rules}
    assert off.entities["doctors"].skip_rules == CATALOGUE.entities["doctors"].skip_rules
    with pytest.raises(
        UsageError, match=r"No skip rule named nope; the rules are: .*doctors:test_account"
    ):
        CATALOGUE.without_skip_rules(["nope"])


def test_a_parent_not_in_its_parents_key_shape_is_refused() -> None:
    pairs = Entity("pairs", "pairs", Source("pair p", ("p.code", "p.n")))
    child = Entity(
        "child", "child", Source("c", "c.id"), parents=(Parent("pair_id", "pairs", "c.x"),)
    )
    with pytest.raises(
        ConfigurationError,
        match="Parent pair_id of entity child is not given in the key shape of pairs "
        r"\(one integer expression where pairs is keyed by a tuple of 2\)",
    ):
        Catalogue.build("c", [pairs, child])


def test_two_legacy_key_columns_are_refused() -> None:
    columns = (Column("a", "t.id", legacy_key=True), Column("b", "t.id", legacy_key=True))
    with pytest.raises(ConfigurationError, match="declares 2 legacy key columns"):
        Catalogue.build("c", [Entity("t", "t", Source("t", "t.id"), columns=columns)])


def test_the_legacy_key_column_is_declared_not_guessed() -> None:
    """courses reads its key twice: as its course type's code and as its legacy id."""
    assert CATALOGUE.entities["courses"].legacy_column == "legacy_course_id"


def test_commands_are_named_not_imported_by_the_engine() -> None:
    """The lab declares its commands by import path; loading the catalogue and the engine's
    API imports neither them nor typer (only the CLI does, when they are asked for)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import ferry.api; from ferry.catalogues import load_catalogue;"
            " print(load_catalogue('brius').commands,"
            " sorted({'typer', 'ferry.brius.commands'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout == "ferry.brius.commands:COMMANDS []\n"
    assert CATALOGUE.commands == "ferry.brius.commands:COMMANDS"
    assert Catalogue.build("c", [entity("a")]).commands is None
