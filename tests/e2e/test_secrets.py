"""Neither a password nor a patient's data leaves the databases through ferry.

Both URLs carry a password (one as a URL, one as key=value), and unique markers are planted in
patients' names and emails, order notes, treatment plan notes and messages of the legacy data.
One world is migrated (a marked value breaks a target constraint, so a row is quarantined),
validated, shown (its quarantine, its run log and its reports too) and rolled back; another
fails because a target trigger refuses marked rows with a message quoting them. Then no marker
and no password may appear in anything ferry printed, in any file it left, or in its state
tables; only the target's own tables (and `quarantine show --show-values`, on request) hold
the values, which proves the markers went through ferry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from ferry.brius.catalogue import CATALOGUE
from ferry.db.urls import is_url
from ferry.errors import ExitCode
from ferry.retry import SECRET_PLACEHOLDER, source_values
from tests.cli.runner import Result, run_ferry
from tests.databases import create_database, retire_database

MARKER = "MARKERzq7"  # planted in patient data; searched for case-insensitively
OFFICE_MARKER = "OFFICEzq7"  # planted in office names, which offices deduplicate on

PLANT = f"""
UPDATE auth_user u SET first_name = '{MARKER}first' || u.id, last_name = '{MARKER}last' || u.id,
       email = lower('{MARKER}mail') || u.id || '@example.org'
  FROM dispatch_patient p
 WHERE p.user_id = u.id AND p.id IN (SELECT id FROM dispatch_patient ORDER BY id LIMIT 30);
UPDATE dispatch_instruction SET notes = '{MARKER}note' || id, scanner_notes = '{MARKER}scan' || id
 WHERE id IN (SELECT id FROM dispatch_instruction ORDER BY id LIMIT 30);
UPDATE dispatch_plan SET notes = '{MARKER}plan' || id
 WHERE id IN (SELECT id FROM dispatch_plan ORDER BY id LIMIT 30);
UPDATE dispatch_record SET text = '{MARKER}message' || id
 WHERE id IN (SELECT id FROM dispatch_record ORDER BY id LIMIT 30);
-- Breaks profiles_patient_suffix_format: the profile (with marked names) is quarantined.
UPDATE dispatch_patient SET suffix = '{MARKER}S'
 WHERE id = (SELECT min(id) FROM dispatch_patient);
UPDATE dispatch_office SET name = '{OFFICE_MARKER}office' || id
 WHERE id IN (SELECT id FROM dispatch_office ORDER BY id LIMIT 5);
-- The payment provider's access token: a secret column, migrated and never shown.
UPDATE dispatch_globalsetting SET access_token = 'sq0atp-{MARKER}token' || id;
"""

# A trigger of the target that refuses marked rows with a message, detail and hint quoting
# them, under the SQLSTATE of a missing privilege (as row-level checks often do).
REFUSE = f"""
CREATE FUNCTION public.refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'patient "%" <%> may not be stored', NEW.first_name, NEW.email
        USING ERRCODE = 'insufficient_privilege', DETAIL = NEW.last_name, HINT = NEW.email;
END $$;
CREATE TRIGGER refuse_marked BEFORE INSERT ON profiles FOR EACH ROW
    WHEN (NEW.first_name LIKE '{MARKER}%') EXECUTE FUNCTION public.refuse_marked();
"""

# Target columns the markers must reach when ferry migrates them (the test's own guard).
REACHED = {
    "profiles": "first_name",
    "orders": "notes",
    "treatment_plans": "plan_notes",
    "messages": "content",
    "offices": "name",
    "global_settings": "access_token",
}


@dataclass
class Evidence:
    """Everything ferry produced in both worlds, gathered once for the module's tests."""

    password: str
    results: dict[str, Result] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)  # ferry.* tables, as text
    files: dict[str, str] = field(default_factory=dict)  # every file left in the work dirs
    reached: dict[str, int] = field(default_factory=dict)  # marked target rows per table
    quarantine_reasons: set[str] = field(default_factory=set)
    failed_run_errors: list[str] = field(default_factory=list)
    secret_values: list[tuple] = field(default_factory=list)  # source values shown of a secret


def with_password(url: str, password: str, *, as_url: bool) -> str:
    """The same database with `password` in it: in the URL's authority, or as key=value."""
    params = psycopg.conninfo.conninfo_to_dict(url)
    if as_url and is_url(url):
        parts = urlsplit(url)
        user = params.get("user") or "postgres"
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))
    return psycopg.conninfo.make_conninfo(url, password=password)


def dump_state(url: str) -> str:
    """Every row of every table in schema ferry, as JSON text, one line per row."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'ferry' ORDER BY 1"
            )
        ]
        lines = []
        for table in tables:
            query = sql.SQL("SELECT to_jsonb(t)::text FROM {} t").format(
                sql.Identifier("ferry", table)
            )
            lines += [f"{table} {row[0]}" for row in conn.execute(query)]
    return "\n".join(lines)


def marked_rows(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE {} ILIKE %s").format(
                    sql.Identifier(table), sql.Identifier(column)
                ),
                (f"%{OFFICE_MARKER if table == 'offices' else MARKER}%",),
            ).fetchone()[0]
            for table, column in REACHED.items()
        }


def read_files(*roots: Path) -> dict[str, str]:
    return {
        str(path): path.read_bytes().decode("utf-8", errors="replace")
        for root in roots
        if root.exists()
        for path in root.rglob("*")
        if path.is_file()
    }


def run_all(
    evidence: Evidence, world: str, cwd: Path, env: dict[str, str], *runs: tuple[str, ...]
) -> None:
    """Run each command in `cwd` with a state dir inside it; results under "world: args"."""
    for args in runs:
        evidence.results[f"{world}: {' '.join(args)}"] = run_ferry(
            "--state-dir", str(cwd / "state"), *args, cwd=cwd, env=env, timeout=180
        )


@pytest.fixture(scope="module")
def evidence(
    server_url: str,
    legacy_template: str,
    target_template: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Evidence]:
    """Migrate, validate, show and roll back one world; fail a run in another."""
    password = psycopg.conninfo.conninfo_to_dict(server_url).get("password") or (
        f"Pw{uuid.uuid4().hex[:12]}Zq7"
    )
    evidence = Evidence(password)
    suffix = uuid.uuid4().hex[:8]
    names = [f"ferry_sec_{kind}_{suffix}" for kind in ("src", "tgt", "bad")]
    try:
        source = create_database(server_url, names[0], legacy_template)
        target = create_database(server_url, names[1], target_template)
        refusing = create_database(server_url, names[2], target_template)
        with psycopg.connect(source) as conn:
            conn.execute(PLANT)
            conn.commit()
            settings = CATALOGUE.entities["global_settings"]
            keys = [r[0] for r in conn.execute("SELECT id FROM dispatch_globalsetting")]
            evidence.secret_values = source_values(conn, settings, keys)[1]
        with psycopg.connect(refusing) as conn:
            conn.execute(REFUSE)
        source_url = with_password(source, password, as_url=True)
        cwd = tmp_path_factory.mktemp("secrets")
        env = {
            "FERRY_SOURCE_URL": source_url,
            "FERRY_TARGET_URL": with_password(target, password, as_url=False),
        }
        run_all(evidence, "ok", cwd, env, ("config",), ("plan", "all"), ("migrate", "all"))
        run_all(evidence, "ok", cwd, env, ("status",), ("validate", "final"))
        run_all(
            evidence, "ok", cwd, env, ("quarantine", "list"), ("quarantine", "show", "profiles")
        )
        wide = {**env, "COLUMNS": "10000"}  # the values table must not be cut to the terminal
        run_all(evidence, "ok", cwd, wide, ("quarantine", "show", "profiles", "--show-values"))
        run_all(
            evidence,
            "ok",
            cwd,
            env,
            ("logs",),
            ("report", "--format", "json"),
            ("report", "--format", "md", "-o", str(cwd / "report.md")),
            ("report", "-o", str(cwd / "report.html")),
        )
        evidence.reached = marked_rows(target)
        evidence.state["migrated"] = dump_state(target)
        with psycopg.connect(target) as conn:
            evidence.quarantine_reasons = {
                row[0] for row in conn.execute("SELECT reason FROM ferry.quarantine")
            }
        run_all(evidence, "ok", cwd, env, ("--debug", "rollback", "all"))
        evidence.state["rolled back"] = dump_state(target)
        failing = {**env, "FERRY_TARGET_URL": with_password(refusing, password, as_url=True)}
        run_all(
            evidence, "refusing", cwd, failing, ("migrate", "all"), ("--debug", "migrate", "all")
        )
        evidence.state["failed"] = dump_state(refusing)
        with psycopg.connect(refusing) as conn:
            evidence.failed_run_errors = [
                row[0]
                for row in conn.execute(
                    "SELECT error_message FROM ferry.runs WHERE status = 'failed'"
                )
            ]
        evidence.files = read_files(cwd)
        yield evidence
    finally:
        for name in names:
            retire_database(server_url, name)


def leaks(text: str, evidence: Evidence) -> list[str]:
    """What of the secrets `text` holds (markers compared case-insensitively)."""
    found = [MARKER] if MARKER.lower() in text.lower() else []
    return found + ([evidence.password] if evidence.password in text else [])


def test_the_secrets_went_through_ferry(evidence: Evidence) -> None:
    """Guard: markers reached the target and one quarantined a row, the password was in the
    settings, and the refusing world's run failed as planned and recorded why; without this
    the other tests would prove nothing."""
    assert all(count > 0 for count in evidence.reached.values()), evidence.reached
    assert "constraint:profiles_patient_suffix_format" in evidence.quarantine_reasons
    config = evidence.results["ok: config"].stdout
    assert ":***@" in config and "password=***" in config, config
    for name, result in evidence.results.items():
        expected = ExitCode.TARGET if name.startswith("refusing") else ExitCode.OK
        assert result.exit_code == expected, (name, result.output)
    # The one sanctioned way to see values: it shows the quarantined profile's marked names.
    assert MARKER in evidence.results["ok: quarantine show profiles --show-values"].stdout
    refused = evidence.results["refusing: migrate all"].stderr
    assert "The target database refused loading profiles" in refused, refused
    assert "Traceback" in evidence.results["refusing: --debug migrate all"].stderr
    assert evidence.failed_run_errors and all(evidence.failed_run_errors)


@pytest.mark.parametrize(
    "command",
    [
        "ok: config",
        "ok: plan all",
        "ok: migrate all",
        "ok: status",
        "ok: validate final",
        "ok: quarantine list",
        "ok: quarantine show profiles",
        "ok: logs",
        "ok: report --format json",
        "ok: --debug rollback all",
        "refusing: migrate all",
        "refusing: --debug migrate all",
    ],
)
def test_nothing_printed_holds_a_secret(evidence: Evidence, command: str) -> None:
    result = evidence.results[command]
    assert result.output.strip(), command  # something was printed, and it was read
    assert leaks(result.output, evidence) == [], result.output


@pytest.mark.parametrize("moment", ["migrated", "rolled back", "failed"])
def test_ferry_state_tables_hold_no_secret(evidence: Evidence, moment: str) -> None:
    """ids, reasons, counts and sentences only: the quarantined row's values stay out."""
    dump = evidence.state[moment]
    assert "runs {" in dump and "migration_control {" in dump, dump[:500]
    offending = [line for line in dump.splitlines() if leaks(line, evidence)]
    assert offending == [], offending[:5]


def test_no_file_left_behind_holds_a_secret(evidence: Evidence) -> None:
    """The state dir (every run's log) and the working directory (the reports)."""
    logs = [path for path in evidence.files if path.endswith(".jsonl")]
    # migrate, validate, rollback in one world; two failed migrations in the other
    assert len(logs) == 5, sorted(evidence.files)
    assert all('"event": "run_finished"' in evidence.files[path] for path in logs)
    assert any('"event": "batch"' in evidence.files[path] for path in logs)
    reports = [path for path in evidence.files if Path(path).name.startswith("report.")]
    # two written with -o, and the JSON one without it (state/report.json since issue 18)
    assert len(reports) == 3 and all("profiles" in evidence.files[path] for path in reports)
    offending = [path for path, text in evidence.files.items() if leaks(text, evidence)]
    assert offending == []


def test_mappings_keep_no_office_address(evidence: Evidence) -> None:
    """Offices deduplicate on their normalised name and address: the mappings keep a digest
    of that key, never the key itself (the guard shows office keys were recorded)."""
    office_mappings = [
        line
        for line in evidence.state["migrated"].splitlines()
        if line.startswith("migration_mappings ") and '"entity": "offices"' in line
    ]
    assert office_mappings and all('"dedup_key": "' in line for line in office_mappings)
    offending = [line for line in office_mappings if OFFICE_MARKER.lower() in line.lower()]
    assert offending == [], offending[:3]


def test_a_secret_column_is_never_shown_among_source_values(evidence: Evidence) -> None:
    """The values `quarantine show --show-values` prints for global_settings hide the token
    (the guard above shows the planted token reached global_settings.access_token)."""
    assert evidence.secret_values
    for row in evidence.secret_values:
        assert SECRET_PLACEHOLDER in row and leaks(repr(row), evidence) == [], row
