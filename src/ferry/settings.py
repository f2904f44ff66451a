"""ferry's settings: FERRY_* environment variables, a .env file, and command-line options.

Precedence, highest first: command-line options, environment variables, the .env file in the
working directory, defaults. Database URLs are kept as SecretStr so that neither repr() nor a
log line can show their passwords; `describe()` gives the redacted view `ferry config` prints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ferry.db.urls import redact
from ferry.errors import ConfigurationError, UsageError

DEFAULT_STATE_DIR = Path(".ferry")


class Settings(BaseSettings):
    """Effective configuration of one ferry invocation."""

    model_config = SettingsConfigDict(
        env_prefix="FERRY_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    source_url: SecretStr | None = Field(
        default=None, description="PostgreSQL URL of the legacy (source) database."
    )
    target_url: SecretStr | None = Field(
        default=None, description="PostgreSQL URL of the target database."
    )
    catalogue: str = Field(
        default="brius",
        description="The catalogue of entities to migrate: an installed catalogue's name, or "
        "an import path, package.module:NAME.",
    )
    skip_rules_off: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Skip rules switched off: `rule` or `entity:rule`, comma-separated.",
    )
    batch_size: int = Field(default=10_000, ge=1, le=1_000_000, description="Rows per batch.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=64,
        description="Parallel workers (default: the machine's cores).",
    )
    bulk: bool = Field(
        default=True,
        description="Load an empty target table with its foreign keys and secondary indexes "
        "deferred, rebuilt after its last batch.",
    )
    state_dir: Path = Field(
        default=DEFAULT_STATE_DIR,
        description="Where ferry keeps its logs, reports and the embedded PostgreSQL.",
    )
    connect_timeout: int = Field(default=10, ge=1, description="Seconds to wait for a connection.")
    statement_timeout: int = Field(
        default=0, ge=0, description="Milliseconds a statement may run (0: no limit)."
    )
    lock_timeout: int = Field(
        default=30_000, ge=0, description="Milliseconds to wait for a table lock (0: forever)."
    )
    retry_attempts: int = Field(
        default=6,
        ge=1,
        description="Attempts at a unit of work (a batch, an entity's bookkeeping) whose "
        "connection failed transiently before the run stops (1: no retry).",
    )
    progress_interval: float = Field(
        default=10.0,
        gt=0,
        description="Seconds between progress lines for entities still going, when stderr "
        "is not a terminal (a CI log, a file).",
    )
    retry_backoff: float = Field(
        default=0.5,
        ge=0,
        description="Seconds to wait before the first retry; each later wait doubles.",
    )

    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    def origin(self, field: str) -> str:
        """Where a setting's value came from, as a person would look for it: its option
        (`--source-url`), its variable (`FERRY_SOURCE_URL`), or that variable in an env file."""
        return self._origins.get(field, f"FERRY_{field.upper()}")

    @field_validator("skip_rules_off", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("source_url", "target_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def uses_embedded(self) -> bool:
        """True when neither URL is configured: ferry then runs its own PostgreSQL."""
        return self.source_url is None and self.target_url is None

    def describe(self) -> dict[str, str]:
        """Every setting as text, passwords redacted, for `ferry config`."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = redact(value.get_secret_value())
            if isinstance(value, list):
                value = ",".join(value)
            shown[name] = "(embedded)" if value is None else str(value)
        return shown


def load_settings(env_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings; `overrides` are command-line values (None means 'not given').

    A named env file must exist (a typo would otherwise point ferry at other databases without
    a word); the default ./.env is optional. A value out of range is a usage error naming where
    it came from, in ferry's words.
    """
    if env_file is not None and not env_file.is_file():
        raise ConfigurationError(
            f"The env file {env_file} named by --env-file does not exist; fix the path or "
            "leave the option out to read ./.env."
        )
    given = {key: value for key, value in overrides.items() if value is not None}
    source = env_file or Path(".env")
    origins = {name: _origin(name, given, source) for name in Settings.model_fields}
    try:
        settings = Settings(_env_file=source, **given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "settings"
        # Only the field's origin and the rule are shown: the input may hold a password.
        raise UsageError(
            f"{origins.get(field, field)} is invalid: {_rule(problem)}; see `ferry config`."
        ) from None
    settings._origins = origins
    return settings


def _origin(field: str, given: dict[str, Any], env_file: Path) -> str:
    """The option when the value came from the command line, else the environment variable
    (and the env file when it is set there): most settings have no option, and a sentence
    must not send anyone looking for one."""
    if field in given:
        return f"--{field.replace('_', '-')}"
    name = f"FERRY_{field.upper()}"
    if name not in os.environ and env_file.is_file() and name in _names_in(env_file):
        return f"{name} in {env_file}"
    return name


def _names_in(env_file: Path) -> set[str]:
    try:
        lines = env_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {line.split("=", 1)[0].removeprefix("export ").strip().upper() for line in lines}


def _rule(problem: dict) -> str:
    """A pydantic complaint in ferry's words (pydantic's own wording names its internals)."""
    limits = problem.get("ctx") or {}
    kind = problem["type"]
    if kind == "greater_than_equal":
        return f"it must be at least {limits['ge']}"
    if kind == "greater_than":
        return f"it must be more than {limits['gt']}"
    if kind == "less_than_equal":
        return f"it must be at most {limits['le']}"
    if kind in ("int_parsing", "int_from_float"):
        return "it must be a whole number"
    if kind == "float_parsing":
        return "it must be a number"
    if kind == "bool_parsing":
        return "it must be true or false"
    return "the value is not accepted"
