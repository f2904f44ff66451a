"""ferry's settings: FERRY_* environment variables, a .env file, and command-line options.

Precedence, highest first: command-line options, environment variables, the .env file in the
working directory, defaults. Database URLs are kept as SecretStr so that neither repr() nor a
log line can show their passwords; `describe()` gives the redacted view `ferry config` prints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ferry.db.urls import redact
from ferry.errors import ConfigurationError

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
    catalogue: str = Field(default="brius", description="The catalogue of entities to migrate.")
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
    """Build the settings; `overrides` are command-line values (None means 'not given')."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        if env_file is not None:
            return Settings(_env_file=env_file, **given)
        return Settings(**given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"]) or "settings"
        # Only the field name and the rule are shown: the offending input may hold a password.
        raise ConfigurationError(
            f"Setting {field} ({_where_given(field, given)}) is invalid: {problem['msg']}."
        ) from None


def _where_given(field: str, given: dict[str, Any]) -> str:
    """The command-line option when the value came from one, else the environment variable:
    most settings have no option, and a sentence must not send anyone looking for one."""
    if field in given:
        return f"--{field.replace('_', '-')}"
    return f"FERRY_{field.upper()}"
