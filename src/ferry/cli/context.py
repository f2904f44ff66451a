"""What the global options decided, shared by every command of one invocation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ferry.settings import Settings, load_settings


@dataclass
class CliState:
    debug: bool = False
    wide: bool = False  # `--wide`: tables at their natural width, every column shown
    settings_loader: Callable[[], Settings] = load_settings
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """Load settings on first use, so `--help` and `--version` need no configuration."""
        if self._settings is None:
            self._settings = self.settings_loader()
        return self._settings


state = CliState()
