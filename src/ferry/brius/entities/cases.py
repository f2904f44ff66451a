"""Cases: the legacy database has no case table, so every patient is one case; its states,
messages and files are those of the patient's instructions.

Chains are followed in the legacy tables (state -> instruction -> patient, comment -> plan ->
instruction -> patient): an instruction that is not migrated as an order still leads to its
patient's case, so a case keeps the history of a soft-deleted order.
"""

from __future__ import annotations

from ferry.brius import codes
from ferry.brius.entities.comments import BLANK_COMMENT
from ferry.brius.entities.orders import SOFT_DELETED
from ferry.catalog.spec import Column, Entity, Parent, Source

CASES = Entity(
    name="cases",
    target="cases",
    description="One case per dispatch_patient, with the patient's doctor and office (optional, "
    "no default doctor).",
    source=Source("dispatch_patient p", "p.id"),
    parents=(
        Parent("patient_id", "patients", "p.id"),
        Parent("primary_doctor_id", "doctors", "p.doctor_id", required=False),
        Parent("office_id", "offices", "p.office_id", required=False),
    ),
    columns=(
        Column("case_number", "'CASE-' || lpad(p.id::text, 6, '0')"),
        Column("status", "p.status", code=codes.CASE_STATUS),
        Column("status_code", "p.status"),
        Column(
            "metadata",
            "jsonb_build_object('archived', p.archived, 'suspended', p.suspended,"
            " 'submitted_at', p.submitted_at, 'updated_at', p.updated_at)::text",
        ),
        Column("legacy_patient_id", "p.id", legacy_key=True),
    ),
)

# The state of the instruction before this one, for the same patient (time order, then id).
PREVIOUS_STATE = (
    "(SELECT b.status FROM dispatch_state b JOIN dispatch_instruction bi"
    " ON bi.id = b.instruction_id WHERE bi.patient_id = i.patient_id"
    " AND (b.changed_at, b.id) < (st.changed_at, st.id)"
    " ORDER BY b.changed_at DESC, b.id DESC LIMIT 1)"
)

CASE_STATES = Entity(
    name="case_states",
    target="case_states",
    description="Every dispatch_state as a state of its instruction's patient's case; the "
    "order is optional (kept NULL when the instruction is not migrated).",
    source=Source(
        "dispatch_state st",
        "st.id",
        joins="LEFT JOIN dispatch_instruction i ON i.id = st.instruction_id",
    ),
    parents=(
        Parent("case_id", "cases", "i.patient_id"),
        Parent("order_id", "orders", "st.instruction_id", required=False),
        Parent("changed_by", "profiles", "st.actor_id", required=False),
    ),
    columns=(
        Column("previous_state", PREVIOUS_STATE, code=codes.PREVIOUS_CASE_STATE),
        Column("current_state", "st.status", code=codes.CASE_STATE),
        Column("status_code", "st.status"),
        Column("is_active", 'st."on"'),
        Column("changed_at", "st.changed_at"),
        Column(
            "metadata", "jsonb_build_object('previous_status_code', " + PREVIOUS_STATE + ")::text"
        ),
        Column("legacy_state_id", "st.id", legacy_key=True),
    ),
)

# How a comment reads: an approval, a question, a treatment update, or a clinical note.
CASE_MESSAGE_TYPE = (
    "CASE WHEN m.text ILIKE '%approve%' OR m.text ILIKE '%looks good%' THEN 'doctor_response'"
    " WHEN m.text ILIKE '%question%' OR m.text ILIKE '%please%' OR m.text LIKE '%?%'"
    " THEN 'patient_question'"
    " WHEN m.text ILIKE '%treatment%' OR m.text ILIKE '%plan%' THEN 'treatment_update'"
    " ELSE 'clinical_note' END"
)

CASE_MESSAGES = Entity(
    name="case_messages",
    target="case_messages",
    description="Every dispatch_comment, as a message of its plan's instruction's "
    "patient's case; plan and sender are optional.",
    source=Source(
        "dispatch_comment m",
        "m.id",
        joins="LEFT JOIN dispatch_plan pl ON pl.id = m.plan_id"
        " LEFT JOIN dispatch_instruction i ON i.id = pl.instruction_id",
    ),
    skip_rules=(BLANK_COMMENT,),
    parents=(
        Parent("case_id", "cases", "i.patient_id"),
        Parent("treatment_plan_id", "treatment_plans", "m.plan_id", required=False),
        Parent("sender_id", "profiles", "m.author_id", required=False),
    ),
    columns=(
        Column("message_type", CASE_MESSAGE_TYPE),
        Column("content", "m.text"),
        Column("requires_response", CASE_MESSAGE_TYPE + " = 'patient_question'"),
        Column("sent_at", "m.created_at"),
        Column("created_at", "m.created_at"),
        Column("legacy_comment_id", "m.id", legacy_key=True),
    ),
)

# The purpose of a file of an instruction, by its extension: 3D models and documents are
# recognisable; any other file (photos included: nothing says whether they are initial,
# progress or final) is one of the instruction's files. The raw type code stays on the file.
FILE_PURPOSE = (
    "CASE WHEN lower(f.ext) IN ('.stl', '.ply', '.obj', '.dxf') THEN 'models'"
    " WHEN lower(f.ext) = '.pdf' THEN 'documents'"
    " ELSE 'instruction_files' END"
)

CASE_FILES = Entity(
    name="case_files",
    target="case_files",
    description="Every dispatch_file of an instruction, as a file of the instruction's "
    "patient's case.",
    source=Source(
        "dispatch_file f",
        "f.id",
        joins="LEFT JOIN dispatch_instruction i ON i.id = f.instruction_id",
        where="f.instruction_id IS NOT NULL",
    ),
    parents=(
        Parent("case_id", "cases", "i.patient_id"),
        Parent("file_id", "files", "f.id"),
    ),
    columns=(
        Column("file_purpose", FILE_PURPOSE),
        Column("created_at", "f.created_at"),
        Column("legacy_file_id", "f.id", legacy_key=True),
    ),
)

ORDER_CASES = Entity(
    name="order_cases",
    target="order_cases",
    description="Every order on the case of its patient (the primary relationship); a "
    "soft-deleted instruction has no order and so no link.",
    source=Source("dispatch_instruction i", "i.id"),
    skip_rules=(SOFT_DELETED,),
    parents=(
        Parent("order_id", "orders", "i.id"),
        Parent("case_id", "cases", "i.patient_id"),
    ),
    columns=(
        Column("relationship_type", "'primary'"),
        Column("legacy_instruction_id", "i.id", legacy_key=True),
    ),
)
