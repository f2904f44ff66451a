"""The configured catalogue's own commands, attached next to ferry's.

A catalogue may declare commands of its own (`Catalogue.commands`; the lab's `ferry legacy`
and `ferry target` build its two databases). They are not ferry's: the root group offers them
only for the catalogue chosen by `--catalogue`, else by the settings (FERRY_CATALOGUE, default
brius), so the users of another catalogue never see the lab's. The engine never imports them,
nor typer for them: only this module does, and only when a command is looked up or listed.

- `ferry --help` lists them in a section of their own when the catalogue loads, and still
  works (without them) when it does not.
- A command neither ferry nor the catalogue has is one usage sentence naming the catalogue.
- A catalogue that fails to load, when a command of its own is asked for, is its own sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import typer
from typer import _click as click
from typer.core import TyperGroup

from ferry.catalog.registry import Catalogue
from ferry.catalogues import import_path, load_catalogue
from ferry.cli.boundary import WholeHelpGroup
from ferry.errors import ConfigurationError, FerryError, UsageError
from ferry.settings import load_settings

# Keys of ctx.meta, which click shares between the contexts of one invocation.
_CHOICE = "ferry.catalogue_choice"  # the root options that choose the catalogue, as given
_LOADED = "ferry.catalogue_commands"


@dataclass(frozen=True)
class CatalogueCommands:
    """The commands one catalogue declares, by name, as click commands."""

    catalogue: str
    commands: dict[str, click.Command]

    def refusal(self, name: str, known: list[str]) -> UsageError:
        """The sentence for a command that neither ferry nor the catalogue has."""
        names = ", ".join(self.commands) or "none"
        close = get_close_matches(name, known)
        guess = f"; did you mean {' or '.join(close)}?" if close else "."
        return UsageError(
            f"Catalogue {self.catalogue} declares no command {name}; its commands: {names}{guess}"
        )


def declared_commands(catalogue: Catalogue, root: TyperGroup) -> CatalogueCommands:
    """The commands `catalogue` declares, imported now and built as `root.add_typer` would
    have built them; refused in one sentence when they are not a dict of names to Typer apps,
    or when one takes the name of a command of `root`."""
    if catalogue.commands is None:
        return CatalogueCommands(catalogue.name, {})
    spec = catalogue.commands
    found = import_path(spec, f"the commands {spec} of catalogue {catalogue.name}")
    if not isinstance(found, dict) or not all(
        isinstance(name, str) and isinstance(app, typer.Typer) for name, app in found.items()
    ):
        raise ConfigurationError(
            f"The commands {spec} of catalogue {catalogue.name} are not a dict of command "
            "names to typer.Typer apps."
        )
    taken = sorted(set(found) & set(root.commands))
    if taken:
        raise ConfigurationError(
            f"Catalogue {catalogue.name} declares {', '.join(taken)}, a command name ferry "
            "has already; rename it."
        )
    # Added to a host as app.py adds ferry's own groups: each stays a group (a bare
    # `get_command` collapses an app of one command into it, `ferry target create` into
    # `ferry target`) and its help is rendered like the root's (plain, not rich).
    host = typer.Typer(rich_markup_mode=root.rich_markup_mode)
    for name, app in found.items():
        host.add_typer(app, name=name)
    return CatalogueCommands(catalogue.name, dict(typer.main.get_group(host).commands))


def choose(ctx: click.Context, *, catalogue: str | None, env_file: str | None = None) -> None:
    """Record the root options that choose the catalogue (None: not given)."""
    ctx.meta[_CHOICE] = {"catalogue": catalogue, "env_file": Path(env_file) if env_file else None}
    ctx.meta.pop(_LOADED, None)


class CatalogueGroup(WholeHelpGroup):
    """ferry's root group: its own commands, then those the configured catalogue declares."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Note the options that choose the catalogue before click processes any: `--help` is
        eager, so it lists the commands before `--catalogue` has been processed."""
        if args:
            options, _, _ = self.make_parser(ctx).parse_args(args=list(args))
            choose(ctx, catalogue=options.get("catalogue"), env_file=options.get("env_file"))
        return super().parse_args(ctx, args)

    def attached(self, ctx: click.Context) -> CatalogueCommands:
        """The configured catalogue's commands, loaded once per invocation."""
        if _LOADED not in ctx.meta:
            settings = load_settings(**ctx.meta.get(_CHOICE, {}))
            catalogue = load_catalogue(settings.catalogue, settings.origin("catalogue"))
            ctx.meta[_LOADED] = declared_commands(catalogue, root=self)
        return ctx.meta[_LOADED]

    def _attached_or_none(self, ctx: click.Context) -> CatalogueCommands | None:
        """The catalogue's commands, or None when it does not load (help must still work)."""
        try:
            return self.attached(ctx)
        except FerryError:
            return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        attached = self._attached_or_none(ctx)
        return [*super().list_commands(ctx), *(attached.commands if attached else ())]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        own = super().get_command(ctx, cmd_name)
        return own if own is not None else self.attached(ctx).commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if name not in self.commands and not name.startswith("-"):
            attached = self.attached(ctx)
            if name not in attached.commands:
                raise attached.refusal(name, known=self.list_commands(ctx))
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.write_commands(ctx, formatter, "Commands", super().list_commands(ctx))
        attached = self._attached_or_none(ctx)
        if attached is not None:
            title = f"Commands of catalogue {attached.catalogue}"
            self.write_commands(ctx, formatter, title, list(attached.commands))
