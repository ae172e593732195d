"""One catalogue of user-facing errors, each with a searchable code.

Library code raises :class:`NarratraceError` subclasses; only the CLI and the web
layer turn them into exit codes or HTTP responses.
"""

from __future__ import annotations


class NarratraceError(Exception):
    """Base class of every error narratrace reports to a user.

    Parameters
    ----------
    code:
        Stable identifier such as ``"E101"``; documented in ``docs/errors.md``.
    message:
        One line that says what went wrong and, where possible, what to do.
    """

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    def __str__(self) -> str:  # one clear line
        return f"[{self.code}] {self.args[0]}"


class InputError(NarratraceError):
    """The input cannot be read as an article (empty, binary, too large, malformed)."""

    code = "E100"


class UnknownFormatError(InputError):
    code = "E101"


class EmptyInputError(InputError):
    code = "E102"


class BinaryInputError(InputError):
    code = "E103"


class TooLargeError(InputError):
    code = "E104"


class MalformedInputError(InputError):
    code = "E105"


class StoreError(NarratraceError):
    """The database cannot be opened, migrated or written."""

    code = "E200"


class ModelError(NarratraceError):
    """A shipped model is missing or cannot be loaded."""

    code = "E300"


class ConfigError(NarratraceError):
    """An option or configuration value is invalid."""

    code = "E400"


class EvalDataError(NarratraceError):
    """An evaluation split is not laid out as the evaluation contract says."""

    code = "E500"
