"""docs/cli.md, generated from the real command tree.

The page is rendered from the very objects `ferry --help` prints (typer's click commands), so it
cannot describe an option that does not exist nor miss one that does. tests/cli/test_reference.py
fails when anything lacks help text (`missing_help`) or when the committed page differs from
`render()`. Regenerate with `python -m ferry.cli.reference --write`.

Nothing here depends on the terminal: usage lines are joined from their pieces instead of being
wrapped by click's formatter, and commands keep their declaration order (the order of `--help`).
Nor on where it is generated: the commands a catalogue declares are those of the default
catalogue, whatever FERRY_CATALOGUE says there.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ferry.cli.catalogue_commands import CatalogueGroup, choose
from ferry.settings import Settings

DEFAULT_CATALOGUE = Settings.model_fields["catalogue"].default
PAGE = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
REGENERATE = "python -m ferry.cli.reference --write"
NOTICE = (
    f"<!-- Generated from ferry's command tree by `{REGENERATE}`; do not edit by hand. "
    "tests/cli/test_reference.py fails when this page and the commands differ. -->"
)

Command = TyperCommand | TyperGroup
Param = TyperArgument | TyperOption


@dataclass(frozen=True)
class Node:
    """One command of the tree, with the context click needs to describe it."""

    path: str  # the full invocation, e.g. "ferry quarantine show"
    command: Command
    ctx: typer.Context


def walk(root: Command, name: str = "ferry") -> Iterator[Node]:
    """Every visible command and group under `root` (itself first), in `--help` order."""
    ctx = root.context_class(root, info_name=name)
    choose(ctx, catalogue=DEFAULT_CATALOGUE)
    yield from _walk(root, ctx)


def _walk(command: Command, ctx: typer.Context) -> Iterator[Node]:
    yield Node(ctx.command_path, command, ctx)
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, sub.context_class(sub, parent=ctx, info_name=name))


def missing_help(root: Command, name: str = "ferry") -> list[str]:
    """What lacks help text, one line each ("ferry migrate: option --batch-size").

    click's automatic `--help` is not in `command.params`, so it is never reported.
    """
    missing = []
    for node in walk(root, name):
        if not _command_help(node.command):
            missing.append(f"{node.path}: command has no help")
        for param in node.command.params:
            if param.param_type_name in ("argument", "option") and not _one_line(param.help):
                missing.append(f"{node.path}: {param.param_type_name} {_label(param)}")
    return missing


def render(root: Command, name: str = "ferry") -> str:
    """The whole Markdown page."""
    nodes = list(walk(root, name))
    lines = [
        NOTICE,
        "",
        "# Command-line reference",
        "",
        f"Every command, argument and option of `{name}`, as `{name} COMMAND --help` prints "
        "them. Global options go before or after the command "
        f"(`{name} --state-dir /tmp/ferry status`, `{name} migrate orders --workers 2`); exit "
        "codes and settings are in the "
        "[README](../README.md).",
        "",
        "Commands: " + ", ".join(f"[`{n.path}`](#{_anchor(n.path)})" for n in nodes[1:]) + ".",
        *_catalogue_commands(nodes[0]),
    ]
    for node in nodes:
        lines += ["", *_section(node)]
    return "\n".join(lines) + "\n"


def _catalogue_commands(root: Node) -> list[str]:
    """Which of the root's commands are the default catalogue's, not ferry's, if any."""
    if not isinstance(root.command, CatalogueGroup):
        return []
    attached = root.command.attached(root.ctx)
    if not attached.commands:
        return []
    names = " and ".join(f"`{root.path} {name}`" for name in attached.commands)
    return [
        "",
        f"The commands of the default catalogue, {attached.catalogue}, are {names}; another "
        "catalogue (`--catalogue`, FERRY_CATALOGUE) brings its own, or none.",
    ]


def _section(node: Node) -> list[str]:
    command, ctx = node.command, node.ctx
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"## {node.path}", ""]
    for paragraph in _paragraphs(_command_help(command)):
        lines += [_escape(paragraph), ""]
    lines.append(f"Usage: `{usage}`")
    if isinstance(command, TyperGroup) and ctx.parent is not None:  # the root's: page index
        names = [n for n in command.list_commands(ctx) if not command.get_command(ctx, n).hidden]
        links = [f"[`{n}`](#{_anchor(f'{node.path} {n}')})" for n in names]
        lines += ["", "Commands: " + ", ".join(links) + "."]
    visible = [p for p in command.params if not getattr(p, "hidden", False)]
    for kind in ("argument", "option"):
        rows = [_row(p, ctx) for p in visible if p.param_type_name == kind]
        if rows:
            title = "global option" if kind == "option" and node.ctx.parent is None else kind
            lines += ["", f"| {title} | help | details |", "|---|---|---|", *rows]
    return lines


def _row(param: Param, ctx: typer.Context) -> str:
    """One table row: the name as `--help` shows it (with its type), the help, the rest.

    click appends default, range and "required" to the help as "  [default: 100; x>=1]"; they
    get a column of their own.
    """
    record = param.get_help_record(ctx)
    shown, full = record if record else (_label(param), "")
    text = _one_line(param.help)
    details = full[len(param.help or "") :].strip() if full.startswith(param.help or "") else ""
    if details.startswith("[") and details.endswith("]"):
        details = details[1:-1]
    cells = [f"`{shown}`", _escape(text), _escape(details)]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _command_help(command: Command) -> str:
    text = command.help or command.short_help or ""
    return inspect.cleandoc(text).partition("\f")[0].strip()


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line (docstrings wrap at 100 columns)."""
    return [_one_line(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _label(param: Param) -> str:
    names = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
    return "/".join(names) if param.param_type_name == "option" else str(param.name)


def _escape(text: str) -> str:
    """Markdown-safe prose: outside `code spans` (kept as they are), `*` and a `<` that could
    open an HTML tag are escaped; "x<=50" and "x>=1" need nothing."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(\*|<(?=[A-Za-z/!?]))", r"\\\1", parts[i])
    return "`".join(parts)


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading made of words, spaces and hyphens."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def main(argv: list[str]) -> int:
    """Print the page, or with `--write` replace docs/cli.md with it."""
    from ferry.cli.app import app

    page = render(typer.main.get_command(app))
    if argv == ["--write"]:
        PAGE.write_text(page)
        print(f"wrote {PAGE}")
    elif not argv:
        sys.stdout.write(page)
    else:
        print(f"usage: python -m ferry.cli.reference [--write]  (writes {PAGE.name})")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
