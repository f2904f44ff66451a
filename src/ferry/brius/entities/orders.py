"""Orders and what hangs off an instruction: jaws, order states, tasks.

An order is a legacy dispatch_instruction, which reaches doctor and office only through its
patient (instruction.patient_id -> patient.doctor_id / office_id).
"""

from __future__ import annotations

from ferry.brius import codes
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, SkipRule, Source

ORDER_METADATA = (
    "jsonb_build_object('model', i.model, 'order', i.\"order\", 'scanner', i.scanner,"
    " 'scanner_notes', i.scanner_notes, 'cbct', i.cbct, 'conditions', i.conditions,"
    " 'accept_extraction', i.accept_extraction, 'objective', i.objective,"
    " 'comprehensive', i.comprehensive, 'upper_jaw_id', i.upper_jaw_id,"
    " 'lower_jaw_id', i.lower_jaw_id)::text"
)

# An instruction the legacy application deleted (softly): neither an order nor anything derived
# from one as an order (its case link).
SOFT_DELETED = SkipRule("soft_deleted", "i.deleted", "deleted in the legacy application")

ORDERS = Entity(
    name="orders",
    target="orders",
    description="Every instruction not soft-deleted; the doctor and office come from the patient.",
    source=Source(
        "dispatch_instruction i",
        "i.id",
        joins="LEFT JOIN dispatch_patient p ON p.id = i.patient_id",
        # the doctor and office come from the patient: its edits change the order too
        changed_at="greatest(i.updated_at, p.updated_at)",
    ),
    skip_rules=(SOFT_DELETED,),
    parents=(
        Parent("patient_id", "patients", "i.patient_id"),
        Parent("doctor_id", "doctors", "p.doctor_id", required=False),
        Parent("office_id", "offices", "p.office_id", required=False),
    ),
    columns=(
        Column("order_number", "coalesce(nullif(trim(i.suffix), '') || '-', '') || i.id"),
        Column("course_type", "i.course_id", code=codes.COURSE),
        Column("course_code", "i.course_id"),
        Column("status", "i.status", code=codes.ORDER_STATUS),
        Column("status_code", "i.status"),
        Column("notes", "i.notes"),
        Column("complaint", "i.complaint"),
        Column("amount", "i.price", coerce=coerce.money("amount")),
        Column("suffix", "i.suffix", coerce=coerce.blank_is_null),
        Column("submitted_at", "i.submitted_at"),
        Column("approved_at", "CASE WHEN i.status IN (2, 4) THEN i.updated_at END"),
        Column("shipped_at", "CASE WHEN i.status = 4 THEN i.updated_at END"),
        Column("exports", "i.exports", coerce=coerce.json_document),
        Column("metadata", ORDER_METADATA),
        Column("legacy_instruction_id", "i.id", legacy_key=True),
    ),
    money_columns=("amount",),
    money_owner="doctor_id",
)

# The instruction a jaw belongs to: the lowest one pointing at it through upper_jaw_id or
# lower_jaw_id (a jaw has no key of its own towards the instruction).
JAW_INSTRUCTION = (
    "LEFT JOIN LATERAL (SELECT min(x.id) AS id FROM dispatch_instruction x"
    " WHERE x.upper_jaw_id = j.id OR x.lower_jaw_id = j.id) ref ON true"
    " LEFT JOIN dispatch_instruction i ON i.id = ref.id"
)

JAWS = Entity(
    name="jaws",
    target="jaws",
    description="Every dispatch_jaw, as the upper or lower jaw of the instruction pointing at "
    "it; a jaw no instruction points at has no order and is quarantined.",
    source=Source("dispatch_jaw j", "j.id", joins=JAW_INSTRUCTION),
    parents=(
        Parent("order_id", "orders", "ref.id"),
        Parent("product_id", "products", "j.product_id", required=False),
    ),
    columns=(
        Column("jaw_type", "CASE WHEN i.upper_jaw_id = j.id THEN 'upper' ELSE 'lower' END"),
        Column("labial", "j.labial"),
        Column("bond_teeth", "j.bond_teeth"),
        Column("extract_teeth", "j.extract_teeth"),
        Column("replacement_reason", "j.reason", code=codes.JAW_REASON),
        Column("reason_code", "j.reason"),
        Column("legacy_jaw_id", "j.id", legacy_key=True),
    ),
)

ORDER_STATES = Entity(
    name="order_states",
    target="order_states",
    description="Every dispatch_state as a status change of its instruction's order.",
    source=Source("dispatch_state st", "st.id"),
    parents=(
        Parent("order_id", "orders", "st.instruction_id"),
        Parent("changed_by", "profiles", "st.actor_id", required=False),
    ),
    columns=(
        Column("status", "st.status", code=codes.ORDER_STATE),
        Column("status_code", "st.status"),
        Column("is_active", 'st."on"'),
        Column("changed_at", "st.changed_at"),
        Column("legacy_state_id", "st.id", legacy_key=True),
    ),
)

# Completed when checked and done, in progress when only done, pending otherwise.
TASK_STATUS = (
    "CASE WHEN t.checked AND t.done_at IS NOT NULL THEN 'completed'"
    " WHEN t.done_at IS NOT NULL THEN 'in_progress' ELSE 'pending' END"
)

TASKS = Entity(
    name="tasks",
    target="tasks",
    description="Every dispatch_task of an instruction; assignee and template are optional.",
    source=Source(
        "dispatch_task t", "t.id", joins="LEFT JOIN dispatch_template tp ON tp.id = t.template_id"
    ),
    parents=(
        Parent("order_id", "orders", "t.instruction_id"),
        Parent("template_id", "templates", "t.template_id", required=False),
        Parent("assigned_to", "profiles", "t.actor_id", required=False),
    ),
    columns=(
        Column("template_name", "coalesce(nullif(btrim(tp.task_name), ''), tp.text_name)"),
        Column("description", "t.text"),
        Column("jaw_specification", "t.jaw"),
        Column("status", TASK_STATUS),
        Column("checked", "t.checked"),
        Column("completed_at", "t.done_at"),
        Column(
            "metadata",
            "jsonb_strip_nulls(jsonb_build_object('legacy_plan_id', t.plan_id,"
            " 'legacy_order_id', t.order_id, 'legacy_file_id', t.file_id,"
            " 'legacy_template_id', t.template_id))::text",
        ),
        Column("legacy_task_id", "t.id", legacy_key=True),
    ),
)
