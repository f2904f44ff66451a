"""Orders: the legacy dispatch_instruction, which reaches doctor and office only through its
patient (instruction.patient_id -> patient.doctor_id / office_id)."""

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

ORDERS = Entity(
    name="orders",
    target="orders",
    description="Every instruction not soft-deleted; the doctor and office come from the patient.",
    source=Source(
        "dispatch_instruction i",
        "i.id",
        joins="LEFT JOIN dispatch_patient p ON p.id = i.patient_id",
    ),
    skip_rules=(SkipRule("soft_deleted", "i.deleted", "deleted in the legacy application"),),
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
        Column("amount", "i.price"),
        Column("suffix", "i.suffix", coerce=coerce.blank_is_null),
        Column("submitted_at", "i.submitted_at"),
        Column("approved_at", "CASE WHEN i.status IN (2, 4) THEN i.updated_at END"),
        Column("shipped_at", "CASE WHEN i.status = 4 THEN i.updated_at END"),
        Column("exports", "i.exports", coerce=coerce.json_document),
        Column("metadata", ORDER_METADATA),
        Column("legacy_instruction_id", "i.id"),
    ),
    money_columns=("amount",),
)
