"""The nursery's catalogue: an integer key with a parent that sorts after its child, a text
key, a junction keyed by a text-and-integer pair, a target key not named `id`, text money."""

from __future__ import annotations

from ferry.catalog import coerce
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Column, Entity, Parent, Source

PLOTS = Entity(
    name="plots",
    target="plots",
    target_key="plot_key",
    source=Source("plot p", "p.plot_no"),
    parents=(Parent("parent_key", "plots", "p.parent_no", required=False),),
    columns=(Column("name", "p.name"), Column("plot_no", "p.plot_no", legacy_key=True)),
)

SPECIES = Entity(
    name="species",
    target="species",
    source=Source("species s", ("s.code",)),
    columns=(Column("code", "s.code"), Column("latin_name", "s.latin_name")),
)

PLANTINGS = Entity(
    name="plantings",
    target="plantings",
    source=Source("planting pl", ("pl.species_code", "pl.plot_no")),
    parents=(
        Parent("species_id", "species", ("pl.species_code",)),
        Parent("plot_key", "plots", "pl.plot_no"),
    ),
    columns=(
        Column("planted_on", "pl.planted_on"),
        Column("price", "pl.price", coerce=coerce.money("price", precision=8)),
    ),
    money_columns=("price",),
    money_owner="species_id",
)

CATALOGUE = Catalogue.build("garden", [PLOTS, SPECIES, PLANTINGS])
