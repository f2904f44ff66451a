"""The catalogues ferry knows, by name (settings: FERRY_CATALOGUE)."""

from __future__ import annotations

from importlib import import_module

from ferry.catalog.registry import Catalogue
from ferry.errors import ConfigurationError

KNOWN = {"brius": "ferry.brius.catalogue"}


def load_catalogue(name: str) -> Catalogue:
    """Import and check a catalogue; declarations are checked before anything connects."""
    if name not in KNOWN:
        raise ConfigurationError(
            f"Unknown catalogue {name!r}; known catalogues: {', '.join(sorted(KNOWN))}."
        )
    return import_module(KNOWN[name]).CATALOGUE
