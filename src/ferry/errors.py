"""The one error tree of ferry.

Every refusal is a FerryError whose message is one sentence a person can act on. The class
decides the process exit code and whether the failed operation may be retried (`transient`).
Messages never carry row values or passwords.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, one per error class (documented in the README)."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    CONFIGURATION = 3
    SOURCE = 4
    TARGET = 5
    STATE = 6
    VALIDATION_FAILED = 7
    INTERRUPTED = 130  # the shell's code for Ctrl-C (128 + SIGINT)


class FerryError(Exception):
    """Base of every error ferry reports to a person."""

    exit_code: ExitCode = ExitCode.INTERNAL
    transient: bool = False

    def __init__(self, message: str, *, transient: bool | None = None) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient

    @property
    def sentence(self) -> str:
        return str(self)


class UsageError(FerryError):
    """The command line asks for something that does not exist or does not fit together."""

    exit_code = ExitCode.USAGE


class ConfigurationError(FerryError):
    """Settings are missing or wrong (bad URL, unreadable .env, embedded server cannot start)."""

    exit_code = ExitCode.CONFIGURATION


class DatabaseError(FerryError):
    """A database refused or failed; `side` says which one ('source' or 'target')."""

    side = "database"

    def __init__(
        self, message: str, *, transient: bool | None = None, sqlstate: str | None = None
    ) -> None:
        super().__init__(message, transient=transient)
        self.sqlstate = sqlstate


class SourceError(DatabaseError):
    """The legacy (source) database is unreachable, refuses, or lacks what ferry reads."""

    exit_code = ExitCode.SOURCE
    side = "source"


class TargetError(DatabaseError):
    """The target database is unreachable, refuses, or lacks what ferry writes."""

    exit_code = ExitCode.TARGET
    side = "target"


class StateError(FerryError):
    """ferry's own bookkeeping is missing, inconsistent, or held by another run."""

    exit_code = ExitCode.STATE


class ValidationFailed(FerryError):
    """A validation check found a difference; the report names the entities and legacy ids."""

    exit_code = ExitCode.VALIDATION_FAILED


class InternalError(FerryError):
    """A defect in ferry itself: the sentence says so and `--debug` shows the traceback."""

    exit_code = ExitCode.INTERNAL


class Interrupted(FerryError):
    """The operator asked the run to stop (Ctrl-C): workers stopped after their current batch,
    every committed batch is kept, and running the command again resumes."""

    exit_code = ExitCode.INTERRUPTED
