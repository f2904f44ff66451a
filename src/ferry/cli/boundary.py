"""One rule for the command line, whatever part of it is wrong or where an option stands.

- Global options (`--workers`, `--batch-size`, `--source-url`, ...) work before and after the
  command: click reads a group's options only before the command, so those given after it are
  moved in front before click parses.
- A command line click refuses (an unknown option, `--format pdf`, `--limit 0`) is exit 2 with
  one sentence in ferry's form, pointing at the command's help, instead of click's usage block.
- `--help` lists every command's whole description, wrapped to the terminal (click cut them at
  45 characters or so with '...'), and `-h` is accepted too.
"""

from __future__ import annotations

import re

import typer
from typer import _click as click  # this Typer vendors click and exports no public name for it
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


class WholeHelpGroup(TyperGroup):
    """A command group whose listing shows each command's first paragraph, wrapped."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.write_commands(ctx, formatter, "Commands", self.list_commands(ctx))

    def write_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter, title: str, names: list[str]
    ) -> None:
        """One section of the listing: the visible commands among `names`, if any."""
        rows = []
        for name in names:
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def hoist_global_options(args: list[str], group: TyperGroup) -> list[str]:
    """`args` with the group's own options (and their values) moved before everything else,
    in the order given; `--` ends the options as usual. A value-taking option given without
    a value (last, or before another option) stays where it is: it is then the command's own
    flag of the same name (`ferry check --catalogue` checks the configured catalogue, while
    `ferry check --catalogue x.y:C` names it)."""
    takes_value: dict[str, bool] = {}
    for param in group.params:
        if param.param_type_name == "option":
            for name in (*param.opts, *param.secondary_opts):
                takes_value[name] = not param.is_flag
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        token = args[position]
        if token == "--":
            rest.extend(args[position:])
            break
        name = token.split("=", 1)[0]
        without_value = (
            takes_value.get(name)
            and "=" not in token
            and (position + 1 == len(args) or args[position + 1].startswith("--"))
        )
        if name not in takes_value or without_value:
            rest.append(token)
        elif takes_value[name] and "=" not in token and position + 1 < len(args):
            front.extend(args[position : position + 2])
            position += 1
        else:
            front.append(token)
        position += 1
    return [*front, *rest]


# This Typer validates option values with pydantic, whose wording reaches click's message.
_PYDANTIC_WORDS = (
    (re.compile(r"Value error, "), ""),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"it must be at least \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"it must be at most \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"it must be more than \1"),
    (re.compile(r"Input should be a valid integer[^;]*"), "it must be a whole number"),
    (re.compile(r"Input should be a valid number[^;]*"), "it must be a number"),
)


def usage_sentence(error: UsageError) -> str:
    """Click's complaint as one sentence, in ferry's words, that says where to look."""
    message = " ".join(error.format_message().split()).rstrip(".")
    for pattern, words in _PYDANTIC_WORDS:
        message = pattern.sub(words, message)
    where = error.ctx.command_path if error.ctx is not None else "ferry"
    return f"{message}; see `{where} --help`."


def run(app: typer.Typer, args: list[str]) -> int:
    """Run the app on `args` without click's own exit handling; the exit code."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    code = app(args=hoist_global_options(args, group), prog_name="ferry", standalone_mode=False)
    return code if isinstance(code, int) else 0
