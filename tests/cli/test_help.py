"""Every command and every option explains itself (`--help` is documentation users rely on)."""

import typer

from ferry.cli.app import app


def _walk(command, path: str):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, f"{path} {name}")


def test_every_command_and_option_has_help() -> None:
    missing = []
    for path, command in _walk(typer.main.get_command(app), "ferry"):
        if not (command.help or command.short_help):
            missing.append(path)
        for param in command.params:
            if param.param_type_name in ("option", "argument") and not param.help:
                missing.append(f"{path} {param.name}")
    assert missing == []


def test_help_lists_the_commands_that_exist() -> None:
    root = typer.main.get_command(app)
    assert {"config", "check", "embedded", "legacy", "target"} <= set(root.commands)
