"""Treatment planning: design projects, their brackets, and the treatment plans that tie a
project to an order (several plans may share one project)."""

from __future__ import annotations

from ferry.brius import codes, earlier_tools
from ferry.catalog.spec import Column, Entity, Parent, Source

PROJECTS = Entity(
    name="projects",
    target="projects",
    description="Every dispatch_project; the creator is optional.",
    source=Source("dispatch_project pj", "pj.id"),
    parents=(Parent("creator_id", "profiles", "pj.creator_id", required=False),),
    columns=(
        Column("name", "pj.name"),
        Column("project_type", "pj.type", code=codes.PROJECT_TYPE),
        Column("type_code", "pj.type"),
        Column("status", "pj.status", code=codes.PROJECT_STATUS),
        Column("status_code", "pj.status"),
        Column("file_uid", "pj.uid"),
        Column("file_size_bytes", "pj.size"),
        Column("is_public", "pj.public"),
        Column("created_at", "pj.created_at"),
        Column("legacy_project_id", "pj.id", legacy_key=True),
    ),
)

BRACKETS = Entity(
    name="brackets",
    target="brackets",
    description="Every dispatch_bracket, a bracket of a design project (not a catalogue item); "
    "the raw project id stays in legacy_project_id.",
    source=Source("dispatch_bracket b", "b.id"),
    preexisting=earlier_tools.adopted("bracket"),
    parents=(Parent("project_id", "projects", "b.project_id", required=False),),
    columns=(
        Column("name", "b.name"),
        Column("type_code", "b.type"),
        Column("legacy_project_id", "b.project_id"),
        Column("legacy_bracket_id", "b.id", legacy_key=True),
    ),
)

TREATMENT_PLANS = Entity(
    name="treatment_plans",
    target="treatment_plans",
    description="Every dispatch_plan: the project is required, the order optional; patient and "
    "doctor are reachable through the order and left NULL.",
    source=Source("dispatch_plan pl", "pl.id"),
    parents=(
        Parent("project_id", "projects", "pl.project_id"),
        Parent("order_id", "orders", "pl.instruction_id", required=False),
    ),
    columns=(
        Column("plan_number", "pl.number"),
        Column("plan_name", "pl.name"),
        Column("plan_notes", "pl.notes"),
        Column("is_original", "pl.original"),
        Column(
            "treatment_type",
            "CASE WHEN pl.original THEN 'initial_treatment' ELSE 'revision' END",
        ),
        Column("created_at", "pl.created_at"),
        Column("legacy_plan_id", "pl.id", legacy_key=True),
    ),
)
