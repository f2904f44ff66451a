"""Who may do what: teams (auth groups), the permissions of roles, and the template junctions
that say which roles edit and see a task template, which teams see it, which products it is
for and which templates come before it.

Each junction row is one entity row keyed by its legacy junction id; both ends are required
parents, so a link to a role, team, product or template that is not migrated is quarantined
with that parent named (the lab lost 44% of its template-product links silently).
"""

from __future__ import annotations

from typing import Any

from ferry.catalog.spec import Column, Entity, Parent, Source
from ferry.engine.outcome import RowRejected

TEAMS = Entity(
    name="teams",
    target="teams",
    description="Every auth_group as a team; its type is its name in snake case.",
    source=Source("auth_group g", "g.id"),
    columns=(
        Column("name", "g.name"),
        Column("team_type", "lower(regexp_replace(btrim(g.name), '\\s+', '_', 'g'))"),
        Column("legacy_group_id", "g.id", legacy_key=True),
    ),
)


def _require_permission(row: dict[str, Any]) -> dict[str, Any]:
    if row["permission"] is None:
        raise RowRejected("unknown_permission", "the role permission names no auth_permission row")
    return row


ROLE_PERMISSIONS = Entity(
    name="role_permissions",
    target="role_permissions",
    description="Every dispatch_role_permissions row, with the permission's name and codename; "
    "a permission that does not exist is quarantined.",
    source=Source(
        "dispatch_role_permissions rp",
        "rp.id",
        joins="LEFT JOIN auth_permission ap ON ap.id = rp.permission_id",
    ),
    parents=(Parent("role_id", "roles", "rp.role_id"),),
    columns=(
        Column("permission", "ap.name"),
        Column("resource", "ap.codename"),
        Column(
            "metadata",
            "jsonb_build_object('legacy_permission_id', rp.permission_id,"
            " 'content_type_id', ap.content_type_id)::text",
        ),
        Column("legacy_role_permission_id", "rp.id", legacy_key=True),
    ),
    transform=_require_permission,
)


def _template_junction(
    name: str, table: str, other: Parent, description: str, template_column: str = "template_id"
) -> Entity:
    """A junction of a template and one other parent, keyed by the legacy junction id."""
    return Entity(
        name=name,
        target=name,
        description=description,
        source=Source(f"{table} j", "j.id"),
        parents=(Parent("template_id", "templates", f"j.{template_column}"), other),
        columns=(Column("legacy_junction_id", "j.id", legacy_key=True),),
    )


TEMPLATE_EDIT_ROLES = _template_junction(
    "template_edit_roles",
    "dispatch_template_edit_roles",
    Parent("role_id", "roles", "j.role_id"),
    "The roles that may edit a template.",
)
TEMPLATE_VIEW_ROLES = _template_junction(
    "template_view_roles",
    "dispatch_template_view_roles",
    Parent("role_id", "roles", "j.role_id"),
    "The roles that may see a template.",
)
TEMPLATE_VIEW_GROUPS = _template_junction(
    "template_view_groups",
    "dispatch_template_view_groups",
    Parent("team_id", "teams", "j.group_id"),
    "The teams (auth groups) that may see a template.",
)
TEMPLATE_PRODUCTS = _template_junction(
    "template_products",
    "dispatch_template_products",
    Parent("product_id", "products", "j.product_id"),
    "The products a template is for; a product that is not migrated quarantines the link.",
)
TEMPLATE_PREDECESSORS = _template_junction(
    "template_predecessors",
    "dispatch_template_predecessors",
    Parent("predecessor_id", "templates", "j.to_template_id"),
    "The templates that come before a template in the lab's workflow.",
    template_column="from_template_id",
)
