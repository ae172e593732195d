"""One catalogue of user-facing errors, each with a searchable code.

Library code raises :class:`NarratraceError` subclasses; only the CLI and the web
layer turn them into exit codes or HTTP responses.
"""

from __future__ import annotations

import re

# Exit codes of commands that read many inputs (``analyze``, ``ingest``): everything was
# usable; some items were refused or failed (the rest were processed and the refused ones
# listed); nothing usable (also every other user-facing error); an internal error.
EXIT_OK = 0
EXIT_NOTHING_USABLE = 1
EXIT_INTERNAL = 2
EXIT_SOME_REFUSED = 3

# Characters that must never reach a terminal from input (file names, titles, ids): C0
# controls other than tab and newline (ESC starts colour, cursor and title sequences), DEL,
# C1 controls (U+0080-U+009F, CSI included) and bidirectional overrides/isolates, which can
# make a name display as something else (CVE-2021-42574 "Trojan Source").
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def safe_text(value: object, *, limit: int | None = None) -> str:
    """``value`` as a string fit for a terminal or a log line.

    Control characters become ``?``, lone surrogates (undecodable bytes of a file name)
    become U+FFFD, and the result is cut at ``limit`` characters with an ellipsis.

    >>> safe_text("evil\x1b]0;owned\x07.txt")
    'evil?]0;owned?.txt'
    >>> safe_text("a" * 10, limit=4)
    'aaa…'
    """
    text = _SURROGATES.sub("\ufffd", _UNSAFE_CHARS.sub("?", str(value)))
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return text


def path_text(path: object) -> str:
    """A path as valid UTF-8 text: bytes that are not UTF-8 become U+FFFD.

    File names are bytes on POSIX; Python keeps undecodable ones as lone surrogates, which
    cannot be stored in a database or encoded for a terminal.

    >>> path_text("caf\\udce9.txt") == "caf\\ufffd.txt"
    True
    """
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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

    def __str__(self) -> str:  # one clear line, safe for a terminal
        return f"[{self.code}] {safe_text(self.args[0])}"


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


class NotRegularFileError(InputError):
    """A FIFO, device, socket or a link to one: never read (it could block or never end)."""

    code = "E106"


class TooComplexError(InputError):
    """Markup over the element/attribute caps, or a document over its time budget."""

    code = "E107"


class InvalidRecordError(MalformedInputError):
    """A JSON/JSONL record whose fields have the wrong types or sizes (refused, run goes on)."""

    code = "E108"


class AnalysisFailedError(NarratraceError):
    """The article was stored but its analysis failed; a rerun with analysis retries it."""

    code = "E109"


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
