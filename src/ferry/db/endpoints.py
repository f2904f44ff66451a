"""Where the source and target databases are: configured URLs, or the embedded server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ferry.db.embedded import EmbeddedServer
from ferry.errors import ConfigurationError
from ferry.settings import Settings


@dataclass(frozen=True)
class Endpoints:
    """Connection strings of both databases (they may hold passwords: never print them raw)."""

    source: str
    target: str
    embedded: bool


def embedded_server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(Path(settings.state_dir) / "embedded" / "pgdata")


def resolve_endpoints(settings: Settings) -> Endpoints:
    """The configured URLs, or an embedded PostgreSQL (started if needed) when none is set."""
    if settings.uses_embedded:
        server = embedded_server(settings).start()
        server.ensure_databases()
        return Endpoints(server.url("legacy"), server.url("target"), embedded=True)
    if settings.source_url is None:
        raise ConfigurationError(
            "FERRY_TARGET_URL is set but FERRY_SOURCE_URL is not; set both, or neither to use "
            "the embedded PostgreSQL."
        )
    if settings.target_url is None:
        raise ConfigurationError(
            "FERRY_SOURCE_URL is set but FERRY_TARGET_URL is not; set both, or neither to use "
            "the embedded PostgreSQL."
        )
    return Endpoints(
        settings.source_url.get_secret_value(),
        settings.target_url.get_secret_value(),
        embedded=False,
    )
