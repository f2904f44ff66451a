"""The run log file itself: following a log being written, failures to write, redaction."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ferry.runlog import RunLog, follow_events, logged_runs, read_events


def test_follow_yields_events_as_written_until_the_run_finishes(tmp_path: Path) -> None:
    path = tmp_path / "run-3.jsonl"
    path.write_text('{"event": "run_started", "host": "elsewhere", "pid": 1}\n')

    def write_the_rest() -> None:
        time.sleep(0.1)
        with path.open("a") as raw:  # one event arriving in two writes
            raw.write('{"event": "batch", "ru')
            raw.flush()
            time.sleep(0.1)
            raw.write('n": 3}\n{"event": "run_finished"}\n')

    writer = threading.Thread(target=write_the_rest)
    writer.start()
    events = [e["event"] for e in follow_events(path, poll_seconds=0.02)]
    writer.join()
    assert events == ["run_started", "batch", "run_finished"]


def test_follow_stops_when_the_runs_process_is_gone(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    log = RunLog(tmp_path / "run-1.jsonl", 1)
    log.event("run_started", host=socket.gethostname(), pid=gone.pid)
    log.event("batch", entity="x")
    events = [e["event"] for e in follow_events(log.path, poll_seconds=0.01)]
    assert events == ["run_started", "batch"]


def test_an_unwritable_log_is_reported_and_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    log = RunLog(blocker / "run-1.jsonl", 1)
    assert log.failure is not None
    log.event("batch", entity="x")  # no error: the run goes on


def test_passwords_never_reach_the_log(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "run-1.jsonl", 1)
    log.event("message", text="could not reach postgresql://ferry:s3cret@db.example/x")
    log.close()
    text = (tmp_path / "run-1.jsonl").read_text()
    assert "s3cret" not in text
    assert json.loads(text)["text"].endswith("ferry:***@db.example/x")


def test_logged_runs_lists_a_directorys_runs_in_order(tmp_path: Path) -> None:
    """Each target database's own directory (named by its identity: tests/db/test_runlog)."""
    one = tmp_path / "target-1-2"
    assert logged_runs(one) == []
    RunLog(one / "run-12.jsonl", 12).event("x")
    RunLog(one / "run-2.jsonl", 2).event("x")
    RunLog(one / "dry-run-3.jsonl", 3).event("x")
    assert logged_runs(one) == [2, 12]
    assert [e["run"] for e in read_events(one / "run-12.jsonl")] == [12]
