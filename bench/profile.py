"""Where one entity's migration spends its time: per statement, per engine step, per process.

Builds fresh source and target databases at the given scale, migrates the entity's
dependencies, then migrates the entity itself in this process with one worker while timing
every statement ferry sends to the target and every engine step; the server's CPU time is read
from /proc (the server must run on this machine). Writes bench/results/<date>-profile-<entity>.md.

    python bench/profile.py [--entity tasks] [--scale 0.25] [--server-url URL]
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine
from run import DEFAULT_SERVER, RESULTS, create, drop, ferry

from ferry.brius import legacy, target
from ferry.brius.catalogue import CATALOGUE
from ferry.engine import load, source, transform

Timings = defaultdict[str, list[float]]


def _timed(timings: Timings, label: Callable[..., str], function: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[label(*args, **kwargs)].append(time.perf_counter() - started)

    return wrapper


def _statement(cursor: psycopg.Cursor, query: Any, *_: Any, **__: Any) -> str:
    text = query.as_string(cursor.connection) if hasattr(query, "as_string") else str(query)
    return "SQL " + " ".join(text.split())[:72]


def instrument(timings: Timings) -> None:
    """Wrap psycopg's execute and the engine's steps with timers (this process only)."""
    psycopg.Cursor.execute = _timed(timings, _statement, psycopg.Cursor.execute)
    steps = [
        (source.SourceReader, "read_batch", "step: read a batch (COPY from the source)"),
        (transform.RowShaper, "shape", "step: shape rows in Python"),
        (load.BatchLoader, "load", "step: load a batch (whole transaction)"),
        (load.BatchLoader, "_insert", "step: INSERT into the target table"),
        (load.BatchLoader, "_record", "step: mappings, quarantine, skips"),
    ]
    for owner, name, label in steps:
        setattr(owner, name, _timed(timings, lambda *a, _l=label, **k: _l, getattr(owner, name)))


def server_cpu_seconds(postmaster_pid: int) -> float:
    """CPU of the postmaster and its children (backends), from /proc, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{postmaster_pid}/task/{postmaster_pid}/children")
    pids = [postmaster_pid, *map(int, children.read_text().split())]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def profile(server: str, entity: str, scale: float) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    source_url = create(server, f"bench_src_{tag}")
    target_url = create(server, f"bench_tgt_{tag}")
    try:
        with psycopg.connect(source_url) as conn:
            legacy.install_schema(conn)
            legacy.generate(conn, scale=scale, seed=1)
        with psycopg.connect(target_url) as conn:
            target.install_schema(conn)
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        postmaster = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
        env = {"FERRY_SOURCE_URL": source_url, "FERRY_TARGET_URL": target_url}
        for name in sorted(CATALOGUE.with_dependencies([entity]) - {entity}):
            ferry("migrate", name, env=env)
        os.environ.update(env)
        timings: Timings = defaultdict(list)
        instrument(timings)
        from ferry.cli.app import app

        cpu_before, wall_before = server_cpu_seconds(postmaster), time.perf_counter()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        try:
            app(["--workers", "1", "migrate", entity])
        except SystemExit as exit_:
            if exit_.code:
                raise
        wall = time.perf_counter() - wall_before
        server_cpu = server_cpu_seconds(postmaster) - cpu_before
        client = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = (client.ru_utime + client.ru_stime) - (
            client_before.ru_utime + client_before.ru_stime
        )
        with psycopg.connect(target_url) as conn:
            rows = conn.execute(
                "SELECT rows_processed FROM ferry.migration_control WHERE entity = %s"
                " AND batch IS NULL ORDER BY id DESC LIMIT 1",
                (entity,),
            ).fetchone()[0]
    finally:
        drop(server, source_url)
        drop(server, target_url)
    return report(entity, scale, rows, wall, server_cpu, client_cpu, timings)


def report(
    entity: str,
    scale: float,
    rows: int,
    wall: float,
    server_cpu: float,
    client_cpu: float,
    timings: Timings,
) -> list[str]:
    per_row = 1e6 / max(rows, 1)
    lines = [
        f"# Profile of `ferry migrate {entity}`, scale {scale:g}, one worker",
        "",
        "## Machine",
        *(f"- {k}: {v}" for k, v in machine.describe(DEFAULT_SERVER).items()),
        "",
        f"- rows: {rows:,}; wall {wall:.1f} s ({wall * per_row:.1f} µs/row)",
        f"- server CPU (all backends): {server_cpu:.1f} s ({server_cpu * per_row:.1f} µs/row)",
        f"- ferry process CPU: {client_cpu:.1f} s ({client_cpu * per_row:.1f} µs/row)",
        "",
        "| where | calls | seconds | µs/row |",
        "|---|---:|---:|---:|",
    ]
    ordered = sorted(timings.items(), key=lambda item: -sum(item[1]))
    for label, spans in ordered[:30]:
        total = sum(spans)
        if total >= 0.01:
            lines.append(f"| {label} | {len(spans):,} | {total:.2f} | {total * per_row:.1f} |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entity", default="tasks")
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--server-url", default=DEFAULT_SERVER)
    args = parser.parse_args()
    lines = profile(args.server_url, args.entity, args.scale)
    today = datetime.date.today().isoformat()
    path = RESULTS / f"{today}-profile-{args.entity}.md"
    path.write_text("\n".join(lines))
    print(path.read_text())


if __name__ == "__main__":
    main()
