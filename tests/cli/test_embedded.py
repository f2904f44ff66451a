"""With no URL configured, ferry runs its own PostgreSQL: started once, reused, stopped."""

from pathlib import Path

from tests.cli.runner import run_ferry


def test_embedded_start_reuse_stop(tmp_path: Path) -> None:
    state = ["--state-dir", str(tmp_path / "state")]
    assert "stopped" in run_ferry(*state, "embedded", "status", cwd=tmp_path).stdout

    first = run_ferry(*state, "check", cwd=tmp_path)
    assert first.exit_code == 0, first.output
    assert "database legacy" in first.stdout and "database target" in first.stdout
    running = run_ferry(*state, "embedded", "status", cwd=tmp_path).stdout
    assert running.startswith("running (pid ")

    second = run_ferry(*state, "check", cwd=tmp_path)
    assert second.exit_code == 0, second.output
    assert run_ferry(*state, "embedded", "status", cwd=tmp_path).stdout == running  # same pid

    assert run_ferry(*state, "embedded", "stop", cwd=tmp_path).stdout.strip() == "stopped"
    assert "stopped" in run_ferry(*state, "embedded", "status", cwd=tmp_path).stdout
    assert "was not running" in run_ferry(*state, "embedded", "stop", cwd=tmp_path).stdout
