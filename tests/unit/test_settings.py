"""Settings precedence (CLI > environment > .env > defaults) and redaction."""

from pathlib import Path

import pytest

from ferry.errors import ConfigurationError, UsageError
from ferry.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "FERRY_SOURCE_URL",
        "FERRY_TARGET_URL",
        "FERRY_BATCH_SIZE",
        "FERRY_WORKERS",
        "FERRY_STATE_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_use_embedded_postgres() -> None:
    settings = load_settings()
    assert settings.uses_embedded
    assert settings.batch_size == 10_000
    assert settings.state_dir == Path(".ferry")


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FERRY_BATCH_SIZE=111\nFERRY_SOURCE_URL=postgresql://a@h/s\n")
    settings = load_settings()
    assert settings.batch_size == 111
    assert settings.source_url.get_secret_value() == "postgresql://a@h/s"


def test_environment_beats_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("FERRY_BATCH_SIZE=111\n")
    monkeypatch.setenv("FERRY_BATCH_SIZE", "222")
    assert load_settings().batch_size == 222


def test_command_line_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("FERRY_BATCH_SIZE=111\n")
    monkeypatch.setenv("FERRY_BATCH_SIZE", "222")
    assert load_settings(batch_size=333).batch_size == 333
    assert load_settings(batch_size=None).batch_size == 222


def test_explicit_env_file(tmp_path: Path) -> None:
    other = tmp_path / "other.env"
    other.write_text("FERRY_WORKERS=7\n")
    assert load_settings(env_file=other).workers == 7


def test_blank_url_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FERRY_SOURCE_URL", "  ")
    assert load_settings().source_url is None


def test_describe_and_repr_redact_passwords() -> None:
    settings = load_settings(
        source_url="postgresql://u:topsecret@h/s", target_url="host=h password=alsosecret"
    )
    shown = settings.describe()
    assert "topsecret" not in str(shown) and "alsosecret" not in str(shown)
    assert shown["source_url"] == "postgresql://u:***@h/s"
    assert "topsecret" not in repr(settings) and "alsosecret" not in repr(settings)


def test_invalid_value_is_one_sentence_without_the_value(monkeypatch) -> None:
    monkeypatch.setenv("FERRY_BATCH_SIZE", "-5")
    with pytest.raises(UsageError) as caught:  # a bad value is a usage error (exit 2)
        load_settings()
    assert str(caught.value) == (
        "FERRY_BATCH_SIZE is invalid: it must be at least 1; see `ferry config`."
    )


def test_a_bad_value_names_where_it_came_from(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("FERRY_WORKERS=0\n")
    with pytest.raises(
        UsageError, match=r"^FERRY_WORKERS in \.env is invalid: it must be at least 1"
    ):
        load_settings()
    with pytest.raises(UsageError, match=r"^--workers is invalid: it must be at most 64"):
        load_settings(workers=65)
    monkeypatch.setenv("FERRY_WORKERS", "x")
    with pytest.raises(UsageError, match=r"^FERRY_WORKERS is invalid: it must be a whole number"):
        load_settings()


def test_a_named_env_file_that_is_missing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="named by --env-file does not exist"):
        load_settings(env_file=tmp_path / "typo.env")


def test_skip_rules_off_from_a_comma_separated_variable(monkeypatch) -> None:
    monkeypatch.setenv("FERRY_SKIP_RULES_OFF", "soft_deleted, doctors:test_account")
    assert load_settings().skip_rules_off == ["soft_deleted", "doctors:test_account"]
