"""Finding the catalogue to migrate with (settings: FERRY_CATALOGUE, or `--catalogue`).

A catalogue is a `Catalogue` object in any importable module, named by its import path
(`package.module:NAME`), or by the short name an installed package offers through the
`ferry.catalogues` entry point group (ferry's own `brius` is offered that way, see
pyproject.toml). ferry imports nothing else: its engine knows no catalogue by name. The
commands a catalogue declares are found the same way, by the CLI alone (`import_path`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module
from importlib.metadata import entry_points

from ferry.catalog.registry import Catalogue
from ferry.errors import ConfigurationError

ENTRY_POINT_GROUP = "ferry.catalogues"


def load_catalogue(spec: str, origin: str = "FERRY_CATALOGUE") -> Catalogue:
    """Import and check a catalogue; declarations are checked before anything connects.
    `origin` names where `spec` came from, for the sentence of a refusal."""
    what = f"the catalogue {spec} in {origin}"
    if ":" in spec:
        found = import_path(spec, what)
    else:
        offered = {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}
        if spec not in offered:
            names = ", ".join(sorted(offered)) or "none"
            raise ConfigurationError(
                f"Unknown catalogue {spec!r} in {origin}; installed catalogues: {names}; "
                "or name one by its import path, package.module:NAME."
            )
        found = _imported(what, offered[spec].load)
    if not isinstance(found, Catalogue):
        raise ConfigurationError(
            f"{spec} in {origin} is not a ferry Catalogue (build one with Catalogue.build)."
        )
    return found


def import_path(spec: str, what: str) -> object:
    """The object `package.module:NAME` names, importable from the installed packages or the
    current directory (as `python -m` would find it). `what` says what the object is for, in
    the sentence of a refusal ("the catalogue x.y:C in FERRY_CATALOGUE"): a catalogue, or the
    commands a catalogue declares."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(
            f"{_capitalised(what)} is not an import path: write package.module:NAME."
        )
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    module = _imported(what, lambda: import_module(module_name))
    if not hasattr(module, attribute):
        raise ConfigurationError(f"Module {module_name} has no {attribute} ({what}).")
    return getattr(module, attribute)


def _imported(what: str, load: Callable[[], object]) -> object:
    """What `load` imports; an import that fails is one sentence naming the module's error
    (a catalogue's own declaration errors, ConfigurationError, pass through as they are)."""
    try:
        return load()
    except ConfigurationError:
        raise
    except ImportError as exc:
        raise ConfigurationError(f"{_capitalised(what)} could not be imported: {exc}.") from None


def _capitalised(what: str) -> str:
    return what[:1].upper() + what[1:]
