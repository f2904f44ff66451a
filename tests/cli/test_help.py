"""Every command and every option explains itself (`--help` is documentation users rely on),
the default catalogue's own commands included."""

import typer

from ferry.cli import reference
from ferry.cli.app import app


def test_every_command_and_option_has_help() -> None:
    missing = []
    for node in reference.walk(typer.main.get_command(app)):
        if not (node.command.help or node.command.short_help):
            missing.append(node.path)
        for param in node.command.params:
            if param.param_type_name in ("option", "argument") and not param.help:
                missing.append(f"{node.path} {param.name}")
    assert missing == []


def test_help_lists_the_commands_that_exist() -> None:
    root = next(reference.walk(typer.main.get_command(app)))
    names = root.command.list_commands(root.ctx)
    assert {"config", "check", "embedded", "legacy", "target"} <= set(names)
