"""`make soak`: `ferry migrate all` SIGKILLed at many random moments, started again after each.

The crash-anywhere test (tests/e2e/test_crash_anywhere.py) at a larger scale and with ten times
the kills: a legacy database at `--scale`, a target that earlier tools had partly filled, an
uninterrupted twin migrated first, then the kill loop, a last run to completion, and the
verdict: every row of every target table and of ferry's bookkeeping against the twin's, no
legacy key on two rows, no source row accounted twice, the accounting equation of every
entity, `ferry validate final`. Writes bench/results/<date>-soak.md; exits 1 if anything
differs. `--seed` seeds both the legacy data and the kill moments.

    python bench/soak.py [--kills 200] [--scale 0.2] [--seed 1] [--batch-size 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))  # machine, run
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the tests' kill loop

import machine
from run import DEFAULT_SERVER, RESULTS
from tests.cli.runner import run_ferry
from tests.databases import create_database, drop_database
from tests.e2e.helpers import fingerprint, status_json
from tests.e2e.kill_loop import Command, KillReport, committed_batches, kill_loop
from tests.e2e.twin_checks import (
    Difference,
    accounted_twice,
    analyze_mappings,
    compare,
    duplicate_legacy_keys,
    target_tables,
)

from ferry.brius import legacy
from ferry.brius.catalogue import CATALOGUE
from ferry.brius.target import install_schema, prefill_history

TIMEOUT = 7200


@dataclass(frozen=True)
class Verdict:
    """Everything the soak found; `passed` when nothing differs."""

    kills: KillReport
    final_exit: int
    difference: Difference
    fingerprints_equal: bool
    duplicates: dict[str, int]
    accounted_twice: int
    unbalanced: list[str]
    validate_exit: int

    @property
    def passed(self) -> bool:
        return (
            self.kills.failure is None
            and self.final_exit == 0
            and not self.difference.lost
            and not self.difference.extra
            and self.fingerprints_equal
            and not self.duplicates
            and self.accounted_twice == 0
            and not self.unbalanced
            and self.validate_exit == 0
        )


def build(server: str, tag: str, scale: float, seed: int) -> tuple[str, str, str, int]:
    """Source, twin and tortured target URLs, and the legacy rows generated. The earlier
    tools' keys are random: the twin is filled once, then cloned."""
    source = create_database(server, f"soak_src_{tag}")
    with psycopg.connect(source) as conn:
        legacy.install_schema(conn)
        generated = legacy.generate(conn, scale=scale, seed=seed).total_rows
        conn.commit()
    twin = create_database(server, f"soak_twin_{tag}")
    with psycopg.connect(source) as src, psycopg.connect(twin) as target:
        install_schema(target)
        target.commit()
        prefill_history(src, target)
    tortured = create_database(server, f"soak_tortured_{tag}", f"soak_twin_{tag}")
    return source, twin, tortured, generated


def unbalanced(cwd: Path, env: dict[str, str]) -> list[str]:
    """Entities not completed, or whose source rows differ from migrated + quarantined +
    skipped."""
    return [
        e["entity"]
        for e in status_json(cwd, env)
        if e["state"] != "completed"
        or e["source_rows"] != e["migrated"] + e["quarantined"] + e["skipped"]
    ]


def verify(command: Command, twin: dict[str, str], report: KillReport) -> Verdict:
    """The last run to completion, then every comparison with the twin."""
    cwd, env = command.cwd, command.env
    final = run_ferry(*command.args, cwd=cwd, env=env, timeout=TIMEOUT)
    target_url, twin_url = env["FERRY_TARGET_URL"], twin["FERRY_TARGET_URL"]
    tables = target_tables()
    analyze_mappings(target_url)
    validation = run_ferry("validate", "final", cwd=cwd, env=env, timeout=TIMEOUT)
    return Verdict(
        kills=report,
        final_exit=final.exit_code,
        difference=compare(twin_url, target_url),
        fingerprints_equal=fingerprint(target_url, tables) == fingerprint(twin_url, tables),
        duplicates=duplicate_legacy_keys(target_url),
        accounted_twice=accounted_twice(target_url),
        unbalanced=unbalanced(cwd, env),
        validate_exit=validation.exit_code,
    )


def migrate_args(args: argparse.Namespace) -> tuple[str, ...]:
    """The command under test; the twin runs it too (same batches, same slices)."""
    return ("--batch-size", str(args.batch_size), "--workers", str(args.workers), "migrate", "all")


def soak(args: argparse.Namespace, server: str) -> tuple[Verdict, dict]:
    """Build, migrate the twin, torture the other target, verify; the verdict and figures."""
    tag = uuid.uuid4().hex[:8]
    started = time.monotonic()
    cwd = Path(tempfile.mkdtemp(prefix="ferry-soak-"))
    try:
        source, twin_url, tortured_url, generated = build(server, tag, args.scale, args.seed)
        twin = {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": twin_url}
        env = {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": tortured_url}
        clean_started = time.monotonic()
        clean = run_ferry(*migrate_args(args), cwd=cwd, env=twin, timeout=TIMEOUT)
        if clean.exit_code != 0:
            raise SystemExit(f"The uninterrupted run failed: {clean.output[-2000:]}")
        clean_seconds = time.monotonic() - clean_started
        total = committed_batches(twin_url, "migrate")
        command = Command(migrate_args(args), env, cwd, "migrate")
        loop_started = time.monotonic()
        report = kill_loop(
            command, args.kills, random.Random(args.seed), total, clean_seconds / total
        )
        loop_seconds = time.monotonic() - loop_started
        verdict = verify(command, twin, report)
    finally:
        for kind in ("src", "twin", "tortured"):
            drop_database(server, f"soak_{kind}_{tag}")
    figures = {
        "legacy rows generated": f"{generated:,}",
        "batches of the uninterrupted run": f"{total:,}",
        "uninterrupted run": f"{clean_seconds:.1f} s",
        "kill loop (lives until the last kill)": f"{loop_seconds:.1f} s",
        "whole soak (build, twin, loop, last run, verification)": (
            f"{time.monotonic() - started:.1f} s"
        ),
    }
    if verdict.passed:
        shutil.rmtree(cwd)
    else:
        print(f"The lives' output is kept in {cwd}.")
    return verdict, figures


def render(args: argparse.Namespace, info: dict[str, str], verdict: Verdict, figures: dict) -> str:
    today = datetime.date.today().isoformat()
    report, difference = verdict.kills, verdict.difference
    lines = [
        f"# Soak: `ferry migrate all` killed {args.kills} times, scale {args.scale:g}, {today}",
        "",
        "## Machine",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
        "## Run",
        f"- arguments: --kills {args.kills} --scale {args.scale:g} --seed {args.seed}"
        f" --batch-size {args.batch_size} --workers {args.workers}",
        f"- entities: {len(CATALOGUE.entities)}, on a target that earlier tools had partly filled",
        *(f"- {key}: {value}" for key, value in figures.items()),
        "",
        "## Verdict: " + ("passed" if verdict.passed else "FAILED"),
        "| measure | value |",
        "|---|---:|",
        f"| kills survived | {len(report.kills)} of {args.kills} |",
        f"| a life ended with an error | {report.failure or 'none'} |",
        f"| last run's exit code | {verdict.final_exit} |",
        f"| rows compared (target tables and bookkeeping) | {difference.compared:,} |",
        f"| rows lost | {difference.rows_lost:,} {difference.lost or ''} |",
        f"| rows extra (duplicates, strays) | {difference.rows_extra:,} {difference.extra or ''} |",
        f"| legacy keys on two rows or more | {sum(verdict.duplicates.values())}"
        f" {verdict.duplicates or ''} |",
        f"| source rows accounted twice | {verdict.accounted_twice} |",
        f"| fingerprint equal to the uninterrupted run's | {verdict.fingerprints_equal} |",
        f"| entities failing the accounting equation | {', '.join(verdict.unbalanced) or 'none'} |",
        f"| `ferry validate final` exit code | {verdict.validate_exit} |",
        "",
        "## Where the kills landed",
        "What the run's backends were doing at the signal (a running statement in the target",
        "first, then in the source; otherwise ferry was in Python).",
        "",
        "| moment | kills |",
        "|---|---:|",
        *(f"| {moment} | {n} |" for moment, n in report.moments().most_common()),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs (default 200)")
    parser.add_argument("--scale", type=float, default=0.2, help="legacy scale (default 0.2)")
    parser.add_argument("--seed", type=int, default=1, help="legacy data and kill moments")
    parser.add_argument("--batch-size", type=int, default=200, help="rows per batch (200)")
    parser.add_argument("--workers", type=int, default=2, help="parallel workers (2)")
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="maintenance database URL")
    args = parser.parse_args()
    info = machine.describe(args.server_url)
    verdict, figures = soak(args, args.server_url)
    path = RESULTS / f"{datetime.date.today().isoformat()}-soak.md"
    path.write_text(render(args, info, verdict, figures))
    print(path.read_text())
    sys.exit(0 if verdict.passed else 1)


if __name__ == "__main__":
    main()
