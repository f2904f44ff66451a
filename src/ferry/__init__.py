"""ferry: migrate a live legacy database into a new PostgreSQL schema."""

__version__ = "0.1.0"
