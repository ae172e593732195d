"""Errors of the image area (codes E7xx), subclasses of the shared catalogue."""

from __future__ import annotations

from narratrace.errors import InputError, NarratraceError


class ImageRefusedError(InputError):
    """An image file was refused before or while decoding (bomb, corrupt, SVG, too large...).

    ``reason`` is a short machine-readable key (``decompression_bomb``, ``truncated``,
    ``corrupt``, ``unsupported_format``, ``svg_not_rendered``, ``too_large``, ``empty``).
    """

    code = "E700"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class FetchRefusedError(NarratraceError):
    """A remote image was not fetched: blocked address, redirect, size/time cap, content type."""

    code = "E710"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
