"""What a benchmark ran on: written at the top of every result file."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import psycopg


def describe(server_url: str) -> dict[str, str]:
    with psycopg.connect(server_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN"
                " ('shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit', 'fsync')"
            ).fetchall()
        )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
        platform.processor(),
    )
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{total_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "postgresql": version,
        "server settings": ", ".join(f"{k}={v}" for k, v in sorted(settings.items())),
    }
