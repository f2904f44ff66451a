"""Files: every stored dispatch_file, and the link of a file to its instruction's order.

Half the legacy files have no instruction; they are files all the same (order_id NULL). The
case side of the same link is in `cases` (case_files).
"""

from __future__ import annotations

from typing import Any

from ferry.brius import coercions
from ferry.brius.entities.metadata import fold_into_metadata
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, Source

# MIME types of the extensions the lab stores; an extension nobody registered has none.
MIME_TYPE = (
    "CASE lower(f.ext) WHEN '.stl' THEN 'model/stl' WHEN '.jpg' THEN 'image/jpeg'"
    " WHEN '.jpeg' THEN 'image/jpeg' WHEN '.png' THEN 'image/png'"
    " WHEN '.pdf' THEN 'application/pdf' WHEN '.zip' THEN 'application/zip'"
    " WHEN '.dcm' THEN 'application/dicom' WHEN '.dxf' THEN 'image/vnd.dxf' END"
)

_fold_parameters = fold_into_metadata("_parameters")


def _file_row(row: dict[str, Any]) -> dict[str, Any]:
    """The name loses a repeated extension; the parameters document joins the metadata."""
    row["filename"] = coercions.file_name(row["filename"], row["_ext"])
    return _fold_parameters(row)


FILES = Entity(
    name="files",
    target="files",
    description="Every dispatch_file; the order (its instruction) is optional.",
    source=Source("dispatch_file f", "f.id"),
    parents=(Parent("order_id", "orders", "f.instruction_id", required=False),),
    columns=(
        Column("file_uid", "f.uid"),
        Column("filename", "f.name"),
        Column("_ext", "f.ext"),
        Column("file_type", "lower(ltrim(f.ext, '.'))"),
        Column("file_type_code", "f.type"),
        Column("status_code", "f.status"),
        Column("file_size_bytes", "f.size"),
        Column("mime_type", MIME_TYPE),
        Column("uploaded_at", "f.created_at"),
        Column("created_at", "f.created_at"),
        Column("_parameters", "f.parameters", coerce=coerce.json_document),
        Column(
            "metadata",
            "jsonb_build_object('extension', f.ext, 'legacy_instruction_id', f.instruction_id,"
            " 'legacy_product_id', f.product_id, 'legacy_record_id', f.record_id)::text",
        ),
        Column("legacy_file_id", "f.id", legacy_key=True),
    ),
    transform=_file_row,
)

# What a file of an order is, by its extension; any other extension is 'other'.
ORDER_FILE_CATEGORY = (
    "CASE WHEN lower(f.ext) IN ('.stl', '.ply', '.obj', '.dxf') THEN 'model'"
    " WHEN lower(f.ext) = '.dcm' THEN 'scan'"
    " WHEN lower(f.ext) IN ('.jpg', '.jpeg', '.png') THEN 'image'"
    " WHEN lower(f.ext) = '.pdf' THEN 'document'"
    " WHEN lower(f.ext) = '.zip' THEN 'package'"
    " ELSE 'other' END"
)

ORDER_FILES = Entity(
    name="order_files",
    target="order_files",
    description="Every dispatch_file of an instruction, as a file of that order (the "
    "parameters stay with the file, in files.metadata).",
    source=Source("dispatch_file f", "f.id", where="f.instruction_id IS NOT NULL"),
    parents=(
        Parent("order_id", "orders", "f.instruction_id"),
        Parent("file_id", "files", "f.id"),
    ),
    columns=(
        Column("category", ORDER_FILE_CATEGORY),
        Column("uploaded_at", "f.created_at"),
        Column("created_at", "f.created_at"),
        Column("legacy_file_id", "f.id", legacy_key=True),
    ),
)
