"""The two Rich consoles: results on stdout, errors and progress on stderr."""

from rich.console import Console

out_console = Console()
err_console = Console(stderr=True)
