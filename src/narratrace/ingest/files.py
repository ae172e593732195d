"""Read untrusted files with bounded work: regular files only, never more than a byte cap.

A folder handed to narratrace may hold a FIFO (``open`` blocks forever), a character
device or a link to one (``/dev/zero`` never ends, ``/dev/random`` blocks), or a file that
grows while it is read. :func:`read_capped` opens without blocking, checks the open file
descriptor (not the name, so a swapped link cannot slip through), and reads at most
``limit + 1`` bytes.

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> os.mkfifo(os.path.join(folder, "pipe"))
>>> try:
...     read_capped(os.path.join(folder, "pipe"), 100)
... except NotRegularFileError as exc:
...     exc.code
'E106'
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from narratrace.errors import NotRegularFileError, TooLargeError

__all__ = ["read_capped", "megabytes", "file_kind"]

# Read in chunks of this size so that a file growing while it is read stops at the cap.
_CHUNK = 1 << 20


def megabytes(n_bytes: int) -> str:
    """``n_bytes`` in binary megabytes as users read the limits (20 MB = 20 x 2**20 bytes).

    >>> megabytes(20 * 1024 * 1024), megabytes(21_500_000)
    ('20 MB', '20.5 MB')
    """
    value = n_bytes / (1 << 20)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words, from its ``st_mode``."""
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def read_capped(path: Path | str, limit: int, *, name: str | None = None) -> bytes:
    """Return the bytes of the regular file ``path``, refusing anything else or anything larger.

    Parameters
    ----------
    path:
        The file; a symbolic link is followed, and what it points to must be a regular file.
    limit:
        Largest accepted size in bytes.
    name:
        How messages name the file (default: its name).

    Raises
    ------
    NotRegularFileError
        For FIFOs, devices, sockets and folders (checked on the open descriptor).
    TooLargeError
        When the file is larger than ``limit`` (or grows past it while read).
    OSError
        When the file cannot be opened or read.
    """
    name = name or Path(path).name
    # O_NONBLOCK: opening a FIFO without a writer would otherwise block forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(f"{name} is {file_kind(info.st_mode)}, not a regular file; skipped")
        if info.st_size > limit:
            raise TooLargeError(
                f"{name} is {megabytes(info.st_size)}, above the {megabytes(limit)} limit for one file "
                "(split it, or raise NARRATRACE_MAX_INPUT_BYTES)"
            )
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLargeError(f"{name} grew above the {megabytes(limit)} limit while it was read")
        return b"".join(chunks)
    finally:
        os.close(fd)
