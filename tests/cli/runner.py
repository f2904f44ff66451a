"""Run the real `ferry` console entry point in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_ferry(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 120
) -> Result:
    """Run `python -m ferry ARGS` in `cwd` with a clean FERRY_* environment plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    base["COLUMNS"] = "200"
    completed = subprocess.run(
        [sys.executable, "-m", "ferry", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)
