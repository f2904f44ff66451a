"""One rule for the command line: options before or after the command, exit 2 and one
sentence in ferry's words for a bad value, exit 3 for a named env file that is missing,
`-h`, and help that is not cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from ferry.errors import ExitCode
from tests.cli.runner import run_ferry


def test_global_options_work_after_the_command(tmp_path: Path) -> None:
    before = run_ferry("--workers", "3", "--batch-size=77", "config", cwd=tmp_path)
    after = run_ferry("config", "--workers", "3", "--batch-size=77", cwd=tmp_path)
    assert before.exit_code == after.exit_code == 0, after.output
    assert before.stdout == after.stdout
    assert "workers            3" in after.stdout and "batch_size         77" in after.stdout


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        (
            ("plan", "all", "--batch-size", "0"),
            {},
            "error: --batch-size is invalid: it must be at least 1; see `ferry config`.",
        ),
        (
            ("--batch-size", "0", "plan", "all"),
            {},
            "error: --batch-size is invalid: it must be at least 1; see `ferry config`.",
        ),
        (
            ("plan", "all"),
            {"FERRY_BATCH_SIZE": "0"},
            "error: FERRY_BATCH_SIZE is invalid: it must be at least 1; see `ferry config`.",
        ),
        (
            ("report", "--format", "pdf"),
            {},
            "error: Invalid value for '--format': 'pdf' is not one of 'html', 'md', 'json'; "
            "see `ferry report --help`.",
        ),
        (
            ("quarantine", "show", "orders", "--limit", "0"),
            {},
            "error: Invalid value for '--limit': it must be at least 1; "
            "see `ferry quarantine show --help`.",
        ),
        (
            ("status", "--wrkers", "2"),
            {},
            "error: No such option: --wrkers; see `ferry status --help`.",
        ),
    ],
)
def test_a_bad_value_is_exit_2_with_one_sentence(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], sentence: str
) -> None:
    result = run_ferry(*args, cwd=tmp_path, env=env)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stderr == sentence + "\n"
    assert "Input should" not in result.output and "Usage:" not in result.output


def test_a_named_env_file_that_is_missing_is_exit_3(tmp_path: Path) -> None:
    result = run_ferry("--env-file", "prod.env", "config", cwd=tmp_path)
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert result.stderr.startswith("error: The env file prod.env named by --env-file")


def test_help_is_whole_at_80_columns_and_h_is_accepted(tmp_path: Path) -> None:
    long = run_ferry("--help", cwd=tmp_path, env={"COLUMNS": "80"})
    short = run_ferry("-h", cwd=tmp_path, env={"COLUMNS": "80"})
    assert long.exit_code == short.exit_code == 0
    assert long.stdout == short.stdout
    commands = long.stdout.split("Commands:")[1]
    assert "..." not in commands and "…" not in long.stdout
    assert "timeline (ids and counts, no row values)." in " ".join(long.stdout.split())
    sub = run_ferry("migrate", "-h", cwd=tmp_path, env={"COLUMNS": "80"})
    assert sub.exit_code == 0 and "--no-skip RULE" in sub.stdout
