"""SIGKILL a ferry command at random moments, start it again after each kill, and record what
its backends were doing when the signal went.

Shared by tests/e2e/test_crash_anywhere.py (`migrate all` killed 20 times, `rollback all` 10
times, at scale 0.03) and bench/soak.py (200 kills at scale 0.2). Each kill waits for a random
number of committed batches, drawn over the whole run of an uninterrupted twin, then for a
random fraction of a batch: kills land in source reads, transforms, COPY, the set-based
statements and commits alike, and between entities. A run's connections are named
`ferry run <id> <role>`, which is how the watcher tells what was under way at each kill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

# Goals stay below this share of the twin's batches, so that every life can still be killed.
SPREAD = 0.95
POLL_SECONDS = 0.02
RUN_START_TIMEOUT = 120.0
LIFE_TIMEOUT = 900.0
# A backend busy with a statement outlives its killed client until the statement ends; the
# run lock it holds would refuse the next run meanwhile.
BACKENDS_GONE_TIMEOUT = 300.0


@dataclass(frozen=True)
class Command:
    """A ferry command line, its databases and working directory; `operation` names the
    batches that measure its progress in ferry.migration_control."""

    args: tuple[str, ...]
    env: dict[str, str]
    cwd: Path
    operation: str

    @property
    def target_url(self) -> str:
        return self.env["FERRY_TARGET_URL"]


@dataclass(frozen=True)
class Kill:
    goal: int  # committed batches awaited before the delay
    committed: int  # committed batches an instant before the signal
    delay: float  # seconds waited after the goal
    moment: str  # what the run's backends were doing


@dataclass
class KillReport:
    operation: str
    kills: list[Kill] = field(default_factory=list)
    finished_early: bool = False  # a life completed the command before its kill
    failure: str | None = None  # a life that ended by itself with an error: code and log tail

    def moments(self) -> Counter[str]:
        return Counter(kill.moment for kill in self.kills)


def ferry_environment(env: dict[str, str]) -> dict[str, str]:
    """The caller's environment without its FERRY_* settings, plus `env` (as run_ferry does)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    return {**base, **env, "COLUMNS": "200"}


def spawn(command: Command, log: Path) -> subprocess.Popen:
    """Start the command with its output in `log`: a pipe nobody reads would fill up and
    stall a long life."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ferry", *command.args],
            cwd=command.cwd,
            env=ferry_environment(command.env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def committed_batches(target_url: str, operation: str) -> int:
    """Batches of `operation` committed in the target so far (one connection, for callers
    outside a loop)."""
    with Watcher(target_url, []) as watcher:
        return watcher.committed(operation)


class Watcher:
    """One autocommit connection to the target that observes runs without disturbing them."""

    def __init__(self, target_url: str, databases: list[str]) -> None:
        self.conn = psycopg.connect(target_url, autocommit=True)
        self.databases = databases
        self.has_state = False  # ferry's schema, once there, stays

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def _state_exists(self) -> bool:
        if not self.has_state:
            query = "SELECT to_regclass('ferry.migration_control') IS NOT NULL"
            self.has_state = self.conn.execute(query).fetchone()[0]
        return self.has_state

    def last_run(self) -> int:
        """The newest run id (0 before ferry's schema exists): a new one means a run started."""
        if not self._state_exists():
            return 0
        return self.conn.execute("SELECT coalesce(max(run_id), 0) FROM ferry.runs").fetchone()[0]

    def committed(self, operation: str) -> int:
        if not self._state_exists():
            return 0
        return self.conn.execute(
            "SELECT count(*) FROM ferry.migration_control"
            " WHERE batch IS NOT NULL AND operation = %s",
            (operation,),
        ).fetchone()[0]

    def moment(self, run_id: int) -> str:
        """What run `run_id`'s backends are doing now, named by the most telling of them."""
        activity = self.conn.execute(
            "SELECT split_part(application_name, ' ', 4), state,"
            " upper((regexp_match(query, '[A-Za-z]+'))[1])"
            " FROM pg_stat_activity WHERE datname = ANY(%s) AND application_name LIKE %s",
            (self.databases, f"ferry run {run_id} %"),
        ).fetchall()
        return classify(activity)

    def ferry_backends(self) -> int:
        """Backends of ferry still connected to the target (a killed run's included)."""
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE 'ferry%' AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def classify(activity: list[tuple[str, str | None, str]]) -> str:
    """A statement running in the target first, then one in the source; else whether a
    target transaction was open (a batch being loaded, Python between its statements)."""
    for side in ("target", "source"):
        verbs = sorted(verb for role, state, verb in activity if role == side and state == "active")
        if verbs:
            return f"{side} {verbs[0]}"
    if any(role == "target" and state == "idle in transaction" for role, state, _ in activity):
        return "target transaction open, ferry in Python"
    return "no statement, ferry in Python"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Waited {timeout:.0f} s for {what}.")
        time.sleep(POLL_SECONDS)


def kill_goals(rng: random.Random, total_batches: int, kills: int) -> list[int]:
    """Committed-batch counts to kill at, in order, spread over the whole run."""
    top = max(1, int(total_batches * SPREAD))
    return sorted(rng.randrange(top) for _ in range(kills))


def one_life(command: Command, watcher: Watcher, goal: int, delay: float, log: Path) -> Kill | int:
    """Run the command until `goal` batches are committed and `delay` seconds more, then
    SIGKILL it; its exit code instead if it ended by itself first."""
    before = watcher.last_run()
    process = spawn(command, log)
    try:
        wait_for(
            lambda: watcher.last_run() > before or process.poll() is not None,
            RUN_START_TIMEOUT,
            "the run to start",
        )
        wait_for(
            lambda: watcher.committed(command.operation) >= goal or process.poll() is not None,
            LIFE_TIMEOUT,
            f"{goal} committed batches",
        )
        time.sleep(delay)
        if process.poll() is not None:
            return process.returncode
        committed = watcher.committed(command.operation)
        moment = watcher.moment(watcher.last_run())
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    wait_for(lambda: watcher.ferry_backends() == 0, BACKENDS_GONE_TIMEOUT, "the killed backends")
    return Kill(goal, committed, delay, moment)


def kill_loop(
    command: Command,
    kills: int,
    rng: random.Random,
    total_batches: int,
    batch_seconds: float,
) -> KillReport:
    """Kill the command `kills` times, each life resuming what the previous ones left.

    `total_batches` is what an uninterrupted twin committed, `batch_seconds` its wall time per
    batch: after reaching its goal a life lives up to two batches longer.
    """
    report = KillReport(command.operation)
    databases = [
        psycopg.conninfo.conninfo_to_dict(command.env[key])["dbname"]
        for key in ("FERRY_SOURCE_URL", "FERRY_TARGET_URL")
    ]
    with Watcher(command.target_url, databases) as watcher:
        for number, goal in enumerate(kill_goals(rng, total_batches, kills), 1):
            log = command.cwd / f"{command.operation}-life-{number}.log"
            outcome = one_life(command, watcher, goal, rng.uniform(0, 2 * batch_seconds), log)
            if isinstance(outcome, Kill):
                report.kills.append(outcome)
                continue
            if outcome == 0:
                report.finished_early = True
            else:
                tail = log.read_text()[-2000:]
                report.failure = f"life {number} exited with {outcome}: {tail}"
            break
    return report
