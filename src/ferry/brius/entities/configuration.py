"""Configuration: the catalogues that orders, tasks and staff refer to (categories, roles,
technician roles, task templates, products).

Categories, roles and templates were migrated by the lab's earlier tools: `preexisting`
makes ferry adopt those rows and their random keys instead of writing them again.
"""

from __future__ import annotations

from typing import Any

from ferry.brius import codes, earlier_tools
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, SkipRule, Source
from ferry.engine.outcome import RowRejected

CATEGORIES = Entity(
    name="categories",
    target="categories",
    description="Every dispatch_category; a parent that does not exist leaves parent_id NULL.",
    source=Source("dispatch_category c", "c.id"),
    preexisting=earlier_tools.adopted("category"),
    parents=(Parent("parent_id", "categories", "c.parent_id", required=False),),
    columns=(
        Column("name", "c.name"),
        Column("metadata", "jsonb_build_object('legacy_parent_id', c.parent_id)::text"),
        Column("legacy_category_id", "c.id", legacy_key=True),
    ),
)

ROLES = Entity(
    name="roles",
    target="roles",
    description="Every dispatch_role; its type code (meaning unknown) is kept raw.",
    source=Source("dispatch_role r", "r.id"),
    preexisting=earlier_tools.adopted("role"),
    columns=(
        Column("name", "r.name"),
        Column("abbreviation", "r.abbrev"),
        Column("type_code", "r.type"),
        Column("sort_order", 'r."order"'),
        Column(
            "metadata",
            "jsonb_build_object('legacy_user_id', r.user_id, 'legacy_group_id', r.group_id)::text",
        ),
        Column("legacy_role_id", "r.id", legacy_key=True),
    ),
)

# The kind of technician a role of group 11 is for, read from its name and abbreviation (the
# integer type says nothing about it). First match wins; a name matching no keyword is
# quarantined rather than given a default kind.
TECHNICIAN_ROLE_TYPE = (
    "CASE WHEN r.name ILIKE '%remote%' OR r.abbrev = 'DTR' THEN 'remote'"
    " WHEN r.name ILIKE '%section%' OR r.abbrev = 'IDB' THEN 'sectioning'"
    " WHEN r.name ILIKE '%design%' OR r.abbrev ILIKE 'DT-%' THEN 'designing'"
    " WHEN r.name ILIKE '%quality%' THEN 'quality_control'"
    " WHEN r.name ILIKE '%supervisor%' OR r.name ILIKE '%master%' THEN 'master'"
    " WHEN r.abbrev ILIKE 'MT-%' OR r.name ILIKE '%aligner%' THEN 'manufacturing' END"
)


def _require_role_type(row: dict[str, Any]) -> dict[str, Any]:
    if row["role_type"] is None:
        raise RowRejected(
            "unclassified_role_type", "the role's name matches no kind of technician role"
        )
    return row


TECHNICIAN_ROLES = Entity(
    name="technician_roles",
    target="technician_roles",
    description="The roles of group 11 as a catalogue of technician roles; nobody is assigned "
    "(technician_id stays NULL), role_id is the same legacy row as a role.",
    source=Source("dispatch_role r", "r.id", where="r.group_id = 11"),
    parents=(Parent("role_id", "roles", "r.id", required=False),),
    columns=(
        Column("role_type", TECHNICIAN_ROLE_TYPE),
        Column("role_name", "r.name"),
        Column("abbreviation", "r.abbrev"),
        Column("metadata", "jsonb_build_object('type_code', r.type, 'order', r.\"order\")::text"),
        Column("legacy_role_id", "r.id", legacy_key=True),
    ),
    transform=_require_role_type,
)

TEMPLATES = Entity(
    name="templates",
    target="templates",
    description="Every dispatch_template: name = task_name (text_name when blank), active when "
    "status is 1; a category that does not exist leaves category_id NULL.",
    source=Source("dispatch_template t", "t.id"),
    preexisting=earlier_tools.adopted("template"),
    parents=(Parent("category_id", "categories", "t.category_id", required=False),),
    columns=(
        Column("name", "coalesce(nullif(btrim(t.task_name), ''), t.text_name)"),
        Column("action_name", "t.action_name"),
        Column("is_active", "t.status = 1"),
        Column("status_code", "t.status"),
        Column("estimated_duration_minutes", "t.duration"),
        Column(
            "metadata",
            "jsonb_build_object('task_name', t.task_name, 'text_name', t.text_name,"
            " 'function', t.\"function\", 'predefined', t.predefined, 'read_only', t.read_only,"
            " 'extensions', t.extensions, 'alerts', t.alerts, 'separate', t.separate,"
            " 'legacy_category_id', t.category_id)::text",
        ),
        Column("legacy_template_id", "t.id", legacy_key=True),
    ),
)

PRODUCTS = Entity(
    name="products",
    target="products",
    description="Products not soft-deleted; a free product costs 0, the others have no price "
    "in the legacy database.",
    source=Source("dispatch_product pr", "pr.id"),
    skip_rules=(SkipRule("soft_deleted", "pr.deleted", "deleted in the legacy application"),),
    columns=(
        Column("name", "pr.name"),
        Column("description", "pr.description"),
        Column("course_type", "pr.course_id", code=codes.COURSE),
        Column("course_code", "pr.course_id"),
        Column("type_code", "pr.type"),
        Column("base_price", "CASE WHEN pr.free THEN 0 END"),
        Column("is_free", "pr.free"),
        Column("is_substitute", "pr.substitute"),
        Column("customization", "pr.customization", coerce=coerce.json_document),
        Column("legacy_product_id", "pr.id", legacy_key=True),
    ),
)

COURSES = Entity(
    name="courses",
    target="courses",
    description="Every dispatch_course; its course type is the course map's meaning of its id "
    "(the conflicting dispatch_course.type is kept raw).",
    source=Source("dispatch_course co", "co.id"),
    columns=(
        Column("name", "co.name"),
        Column("course_type", "co.id", code=codes.COURSE),
        Column("type_code", "co.type"),
        Column("customization", "co.customization", coerce=coerce.json_document),
        Column("legacy_course_id", "co.id", legacy_key=True),
    ),
)
