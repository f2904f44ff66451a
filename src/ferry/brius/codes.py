"""The one authoritative meaning of every integer code of the legacy database.

REFERENCE section 1.9 lists two to four conflicting interpretations for most codes; ferry picks
one per code, here, and keeps the raw code in the target next to its meaning. A code missing
from its map is never defaulted: the row goes to quarantine with reason `unknown_code`.
"""

from __future__ import annotations

from ferry.catalog.spec import CodeMap

# dispatch_instruction.status: mapping "A", the one the bulk load used.
ORDER_STATUS = CodeMap(
    "order status",
    {0: "no_product", 1: "submitted", 2: "approved", 4: "shipped"},
    allow_null=False,
)
# dispatch_instruction.course_id (the course map used for the bulk load).
COURSE = CodeMap(
    "course",
    {1: "main", 2: "refinement", 3: "replacement", 4: "any", 7: "invoice", 8: "merchandise"},
    allow_null=False,
)
# dispatch_patient.sex: 1 male, 2 female, 0 recorded as unknown; NULL stays NULL.
SEX = CodeMap("sex", {0: "unknown", 1: "male", 2: "female"})
# dispatch_patient.status: 1 and 4 active, 2 on hold, 3 inactive, 10 archived.
PATIENT_STATUS = CodeMap(
    "patient status", {1: "active", 2: "on_hold", 3: "inactive", 4: "active", 10: "archived"}
)
