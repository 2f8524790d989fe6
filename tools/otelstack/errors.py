"""Errors a user can act on. The CLI prints them as one line each, never as a traceback."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otelstack.source import Location


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # findings at error level, stale output, a failed step
    USAGE = 2  # bad arguments, bad stack definition, missing files
    INTERNAL = 3  # a bug in otelstack


class OtelstackError(Exception):
    """An error with an optional source location and a hint on what to do."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, *, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def lines(self) -> list[str]:
        where = f"{self.location}: " if self.location else ""
        out = [f"{where}{self.message}"]
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return out


class UsageError(OtelstackError):
    """Bad input the user must fix: arguments, stack definition, missing files."""

    exit_code = ExitCode.USAGE


class InputErrors(UsageError):
    """Several problems in one input file, reported together (one line each)."""

    def __init__(self, errors: list[OtelstackError]) -> None:
        super().__init__(errors[0].message, location=errors[0].location, hint=errors[0].hint)
        self.errors = errors

    def lines(self) -> list[str]:
        return [line for error in self.errors for line in error.lines()]
