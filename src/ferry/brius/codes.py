"""The one authoritative meaning of every integer code of the legacy database.

REFERENCE section 1.9 lists two to four conflicting interpretations for most codes; ferry picks
one per code, here, and keeps the raw code in the target next to its meaning (a `*_code`
column, or metadata). A code missing from its map is never defaulted: the row goes to
quarantine with reason `unknown_code`. Codes whose meaning nobody knows (role, bracket, product
and file types, file status, task jaw) have no map: they are copied raw.
"""

from __future__ import annotations

from ferry.catalog.spec import CodeMap

# dispatch_instruction.status: mapping "A", the one the bulk load used.
ORDER_STATUS = CodeMap(
    "order status",
    {0: "no_product", 1: "submitted", 2: "approved", 4: "shipped"},
    allow_null=False,
)
# dispatch_instruction.course_id and dispatch_product.course_id (the map of the bulk load; the
# conflicting dispatch_course.type map is not used).
COURSE = CodeMap(
    "course",
    {1: "main", 2: "refinement", 3: "replacement", 4: "any", 7: "invoice", 8: "merchandise"},
    allow_null=False,
)
# dispatch_patient.sex: 1 male, 2 female, 0 recorded as unknown; NULL stays NULL.
SEX = CodeMap("sex", {0: "unknown", 1: "male", 2: "female"})
# dispatch_patient.status as a patient: 1 and 4 active, 2 on hold, 3 inactive, 10 archived.
PATIENT_STATUS = CodeMap(
    "patient status", {1: "active", 2: "on_hold", 3: "inactive", 4: "active", 10: "archived"}
)
# dispatch_patient.status as a case: the case of an archived patient is completed.
CASE_STATUS = CodeMap(
    "case status",
    {1: "active", 2: "on_hold", 3: "on_hold", 4: "active", 10: "completed"},
    allow_null=False,
)
# dispatch_state.status: only 11 and 12 occur. A state is read twice: as the case's state and
# as the order's state, each with its own vocabulary.
_CASE_STATES = {11: "treatment_active", 12: "case_closed"}
CASE_STATE = CodeMap("case state", _CASE_STATES, allow_null=False)
# The state before (NULL for a case's first state).
PREVIOUS_CASE_STATE = CodeMap("previous case state", _CASE_STATES)
ORDER_STATE = CodeMap("order state", {11: "review_approval", 12: "processing"}, allow_null=False)
# dispatch_jaw.reason: the reference's guess, the only one there is; NULL means no replacement.
JAW_REASON = CodeMap("jaw replacement reason", {1: "breakage", 2: "other", 3: "complete"})
# dispatch_project.type: interpretation (b) of REFERENCE 1.9, the one covering every code seen.
PROJECT_TYPE = CodeMap(
    "project type",
    {
        0: "stl_upper",
        1: "stl_lower",
        2: "clinical_photo",
        3: "treatment_plan",
        4: "xray",
        5: "cbct_scan",
        10: "simulation",
        11: "aligner_design",
    },
    allow_null=False,
)
# dispatch_project.status: 0 draft (99.98%), 2 completed; the 1-6 of other scripts were invented.
PROJECT_STATUS = CodeMap("project status", {0: "draft", 2: "completed"}, allow_null=False)
# dispatch_record.type for records addressed to a patient or a user (messages).
MESSAGE_TYPE = CodeMap(
    "record type (message)",
    {
        3: "communication",
        4: "image",
        5: "clinical_note",
        6: "patient_communication",
        8: "status_update",
    },
    allow_null=False,
)
# dispatch_record.type for every other record (team communications). Type 4 is an image
# record; the target has no image kind of staff communication, and a picture posted to staff is
# a production note (6) in the lab's practice, so 4 files there too. The raw code is kept.
COMMUNICATION_TYPE = CodeMap(
    "record type (team communication)",
    {
        3: "team_announcement",
        4: "production_note",
        5: "quality_check",
        6: "production_note",
        8: "status_update",
    },
    allow_null=False,
)
# dispatch_record.target_type_id (django_content_type): 11 patient, 58 user.
RECIPIENT_TYPE = CodeMap("record target type", {11: "patient", 58: "user"}, allow_null=False)
# dispatch_agent.status; a technician without an agent row has no code (see technicians).
AGENT_STATUS = CodeMap("agent status", {0: "inactive", 1: "active", 2: "on_leave", 3: "terminated"})
# dispatch_operation.type: 1 payment, 2 refund.
OPERATION_TYPE = CodeMap("operation type", {1: "payment", 2: "refund"}, allow_null=False)
