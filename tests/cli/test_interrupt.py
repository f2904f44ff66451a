"""Ctrl-C: ferry says what an interruption means and exits 130 (no traceback).

(Ctrl-C during a run, which stops its workers: tests/e2e/test_ctrl_c.py.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psycopg

from ferry.runlog import log_path, logs_directory
from ferry.state import control
from ferry.state.schema import ensure_state_schema


def test_ctrl_c_says_committed_work_is_kept_and_exits_130(
    new_database: str, tmp_path: Path
) -> None:
    """`ferry logs --follow` of a run that is still going (this test's own process) waits;
    Ctrl-C then stops it."""
    state = tmp_path / "state"
    with psycopg.connect(new_database) as conn:
        ensure_state_schema(conn)
        run_id = control.start_run(conn, "migrate", "all", {}, False)
        log = log_path(logs_directory(state, conn), run_id)
    log.parent.mkdir(parents=True)
    started = {
        "event": "run_started",
        "run": run_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    log.write_text(json.dumps(started) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    env.update(
        FERRY_SOURCE_URL=new_database, FERRY_TARGET_URL=new_database, FERRY_STATE_DIR=str(state)
    )
    following = subprocess.Popen(
        [sys.executable, "-m", "ferry", "logs", "--follow"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = following.stdout.readline()  # it follows: the run's first event is out
        following.send_signal(signal.SIGINT)
        _, stderr = following.communicate(timeout=30)
    finally:
        if following.poll() is None:
            following.kill()
    assert "run_started" in first
    assert following.returncode == 130, stderr
    assert "interrupted: committed batches are kept" in stderr
    assert "Traceback" not in stderr
