"""The tool a DBA would pick instead: `pgcopydb clone`, on the same legacy database, in the
same run as ferry.

pgcopydb copies the legacy tables as they are (no transform, no key remapping, no
bookkeeping), two table jobs and two index jobs on this 2-core machine, building indexes and
constraints after the data: the bulk loader's way. Only the legacy application's tables are
cloned (schema `synthetic`, the generator's ground truth, is left out), into a fresh database.
It comes from the distribution's packages; `ensure_installed` installs it when missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FILTERS = """[exclude-schema]
synthetic
"""


def ensure_installed() -> str:
    """The path of pgcopydb, installed from Debian's packages if it is not there."""
    found = shutil.which("pgcopydb")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "pgcopydb"], check=True)
    found = shutil.which("pgcopydb")
    if not found:
        raise SystemExit("pgcopydb is not on PATH after installing the Debian package.")
    return found


def clone(source_url: str, target_url: str) -> float:
    """Seconds of `pgcopydb clone` from the source into the (empty) target database."""
    binary = ensure_installed()
    with tempfile.TemporaryDirectory(prefix="bench-pgcopydb-") as work:
        filters = Path(work) / "filters.ini"
        filters.write_text(FILTERS)
        started = time.perf_counter()
        subprocess.run(
            [
                binary,
                "clone",
                "--source",
                source_url,
                "--target",
                target_url,
                "--table-jobs",
                "2",
                "--index-jobs",
                "2",
                "--filters",
                str(filters),
                "--no-owner",
                "--no-acl",
                "--dir",
                str(Path(work) / "state"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started
