"""`make bench`: ferry against the raw COPY ceiling, pgcopydb and the legacy scripts' method.

For each scale: fresh source and target databases on the configured server, legacy data
generated, then in one run: the ceiling (every legacy table copied as is), `pgcopydb clone`
of the legacy tables into a database of its own (installed from Debian's packages when
missing), `ferry migrate all`
and `ferry validate final` (wall time, per-entity rows/s, peak RSS of the ferry process), and
the lab's method for the three largest entities. Writes bench/results/<date>-<scale>.md.

    python bench/run.py [--scale 1.0 | --scales 0.25,1,4] [--server-url URL]
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ceiling
import legacy_method
import machine
import peer

from ferry.brius import legacy, target
from ferry.brius.catalogue import CATALOGUE
from ferry.brius.legacy.schema import LEGACY_TABLES
from ferry.db.urls import with_database

RESULTS = Path(__file__).resolve().parent / "results"
LEGACY_METHOD_ENTITIES = ("tasks", "files", "treatment_plans")
DEFAULT_SERVER = os.environ.get("FERRY_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def create(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server, name)


def drop(server: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def ferry(*args: str, env: dict[str, str]) -> float:
    """Run the ferry CLI; seconds of wall time (its peak RSS is read from RUSAGE_CHILDREN)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ferry", *args],
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def per_entity(target_url: str) -> list[tuple[str, int, float]]:
    with psycopg.connect(target_url) as conn:
        return conn.execute(
            "SELECT entity, rows_processed, extract(epoch FROM finished_at - started_at)"
            " FROM ferry.migration_control WHERE operation = 'migrate' AND batch IS NULL"
            " AND status = 'completed' ORDER BY id"
        ).fetchall()


def measure_legacy_method(
    source: str, target_url: str, env: dict[str, str]
) -> list[tuple[str, int, float]]:
    """Roll ferry's rows of the three entities back, then load them the lab's way."""
    for name in LEGACY_METHOD_ENTITIES:
        ferry("rollback", name, "--cascade", env=env)
    naive = [
        (name, *legacy_method.load(source, target_url, CATALOGUE.entities[name]))
        for name in LEGACY_METHOD_ENTITIES
    ]
    empty = [name for name, rows, _ in naive if rows == 0]
    if empty:  # a comparison against nothing would flatter ferry
        raise SystemExit(f"The legacy method wrote no rows of {', '.join(empty)}.")
    return naive


def measure_cutover(env: dict[str, str]) -> tuple[float, float]:
    """Seconds of a sync over the unchanged source, then of one after a period of the lab's
    life (`legacy mutate --seed 3`). Measured before the legacy method, which rolls entities
    back and loads them its own way (that method then loads the mutated source)."""
    unchanged = ferry("sync", env=env)
    ferry("legacy", "mutate", "--seed", "3", env=env)
    return unchanged, ferry("sync", env=env)


def measure(server: str, scale: float, with_legacy_method: bool) -> dict:
    tag = uuid.uuid4().hex[:8]
    source = create(server, f"bench_src_{tag}")
    target_url = create(server, f"bench_tgt_{tag}")
    try:
        with psycopg.connect(source) as conn:
            legacy.install_schema(conn)
            report = legacy.generate(conn, scale=scale, seed=1)
        with psycopg.connect(target_url) as conn:
            target.install_schema(conn)
        tables = [t for t in LEGACY_TABLES if report.row_counts.get(t)]
        ceiling_rows, ceiling_seconds = ceiling.copy_everything(source, target_url, tables)
        peer_url = create(server, f"bench_peer_{tag}")
        try:
            pgcopydb_seconds = peer.clone(source, peer_url)
        finally:
            drop(server, peer_url)
        env = {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": target_url}
        migrate_seconds = ferry("migrate", "all", env=env)
        entities = per_entity(target_url)
        validate_seconds = ferry("validate", "final", env=env)
        cutover = measure_cutover(env)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        processed = sum(rows for _, rows, _ in entities)
        naive = measure_legacy_method(source, target_url, env) if with_legacy_method else []
        return {
            "scale": scale,
            "generated_rows": report.total_rows,
            "generate_seconds": report.seconds,
            "ceiling": (ceiling_rows, ceiling_seconds),
            "pgcopydb_seconds": pgcopydb_seconds,
            "migrate": (processed, migrate_seconds),
            "validate_seconds": validate_seconds,
            "cutover": cutover,
            "entities": entities,
            "peak_rss_mb": peak_rss_mb,
            "legacy_method": naive,
        }
    finally:
        drop(server, source)
        drop(server, target_url)


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else 0.0


def write(result: dict, machine_info: dict[str, str]) -> Path:
    today = datetime.date.today().isoformat()
    path = RESULTS / f"{today}-{result['scale']:g}.md"
    ceiling_rate = rate(*result["ceiling"])
    peer_seconds = result["pgcopydb_seconds"]
    ferry_rate = rate(*result["migrate"])
    noop, mutated = result["cutover"]
    migrate_seconds = result["migrate"][1]
    generated = (result["generated_rows"], result["generate_seconds"])
    naive_rows = sum(r for _, r, _ in result["legacy_method"])
    naive_seconds = sum(s for _, _, s in result["legacy_method"])
    naive_rate = rate(naive_rows, naive_seconds)
    if naive_rate:
        naive_line = (
            f"| legacy method ({', '.join(LEGACY_METHOD_ENTITIES)}) | {naive_rows:,} |"
            f" {naive_seconds:.1f} | {naive_rate:,.0f} |"
        )
        naive_ratio = f"- ferry / legacy method: {ferry_rate / naive_rate:.1f} (target >= 6)"
    else:
        naive_line = "| legacy method | not run at this scale (--legacy-method-max-scale) | | |"
        naive_ratio = "- ferry / legacy method: not measured at this scale"
    lines = [
        f"# Benchmark, scale {result['scale']:g}, {today}",
        "",
        "## Machine",
        *(f"- {key}: {value}" for key, value in machine_info.items()),
        "",
        "## Summary",
        "| measure | rows | seconds | rows/s |",
        "|---|---:|---:|---:|",
        f"| ferry legacy generate (every table, ground truth) | {generated[0]:,} |"
        f" {generated[1]:.1f} | {rate(*generated):,.0f} |",
        f"| ceiling (COPY as is, every legacy table) | {result['ceiling'][0]:,} |"
        f" {result['ceiling'][1]:.1f} | {ceiling_rate:,.0f} |",
        f"| pgcopydb clone (2 table jobs, 2 index jobs) | {result['ceiling'][0]:,} |"
        f" {peer_seconds:.1f} | {rate(result['ceiling'][0], peer_seconds):,.0f} |",
        f"| ferry migrate all | {result['migrate'][0]:,} | {result['migrate'][1]:.1f} |"
        f" {ferry_rate:,.0f} |",
        f"| ferry validate final | | {result['validate_seconds']:.1f} | |",
        f"| ferry sync, source unchanged | | {noop:.1f} | |",
        f"| ferry sync after legacy mutate --seed 3 | | {mutated:.1f} | |",
        naive_line,
        "",
        f"- ferry migrate all / pgcopydb clone: {result['migrate'][1] / peer_seconds:.1f}x"
        " (target <= 3)",
        f"- migrate all: {migrate_seconds:.0f} s (target at scale 1: under 120 s);"
        f" legacy generate: {generated[1]:.0f} s (target at scale 1: under 90 s)",
        f"- ferry / ceiling: {ferry_rate / ceiling_rate:.2f} (target >= 0.25)",
        naive_ratio,
        f"- validate / migrate: {result['validate_seconds'] / result['migrate'][1]:.2f}"
        " (target <= 0.5)",
        f"- cutover: no-op sync / migrate {noop / migrate_seconds:.3f} (target <= 0.05),"
        f" mutated sync / migrate {mutated / migrate_seconds:.2f} (target <= 0.3)",
        f"- peak RSS of ferry: {result['peak_rss_mb']:.0f} MB (target <= 300)",
        f"- time per row: {result['migrate'][1] / max(result['migrate'][0], 1) * 1e6:.1f} us",
        "",
        "## Per entity (ferry migrate all)",
        "| entity | rows | seconds | rows/s |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {rows:,} | {seconds:.2f} | {rate(rows, seconds):,.0f} |"
            for name, rows, seconds in result["entities"]
        ),
        "",
        "## Legacy method per entity",
        "| entity | rows | seconds | rows/s |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {rows:,} | {seconds:.1f} | {rate(rows, seconds):,.0f} |"
            for name, rows, seconds in result["legacy_method"]
        ),
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="one scale (default 1.0)")
    parser.add_argument("--scales", help="several scales, comma-separated (e.g. 0.25,1,4)")
    parser.add_argument("--server-url", default=DEFAULT_SERVER, help="maintenance database URL")
    parser.add_argument(
        "--legacy-method-max-scale",
        type=float,
        default=1.0,
        help="measure the legacy method only up to this scale (it takes about 20 min at scale 4)",
    )
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    info = machine.describe(args.server_url)
    for scale in scales:
        result = measure(args.server_url, scale, scale <= args.legacy_method_max_scale)
        path = write(result, info)
        print(path.read_text())


if __name__ == "__main__":
    main()
