"""`python -m ferry` runs the CLI."""

from ferry.cli.app import main

main()
