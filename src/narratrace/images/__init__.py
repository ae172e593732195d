"""Image provenance: collect pictures with context, fingerprint them, find reuse.

Public API
----------
fingerprint_file, fingerprint_bytes, fingerprint_image
    Safe decode plus pHash/dHash, PDQ (with quality), crop/pad/mirror-robust views, EXIF.
ImageIndex, MultiIndexHashing
    Matching under the calibrated combined distance; exact Hamming search at 1M codes.
index_paths
    Collect pictures from files, folders, saved pages and article credits into the store.
find_reuse
    Reuse findings: same picture in several articles, caption conflicts, date contradictions.
"""

import logging

from narratrace.images._errors import FetchRefusedError, ImageRefusedError
from narratrace.images.hashing import (
    Fingerprint,
    fingerprint_bytes,
    fingerprint_file,
    fingerprint_image,
)
from narratrace.images.index import ImageIndex, MultiIndexHashing

__all__ = [
    "FetchRefusedError",
    "Fingerprint",
    "ImageIndex",
    "ImageRefusedError",
    "MultiIndexHashing",
    "find_reuse",
    "fingerprint_bytes",
    "fingerprint_file",
    "fingerprint_image",
    "index_paths",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    if name == "index_paths":
        from narratrace.images.indexing import index_paths

        return index_paths
    if name == "find_reuse":
        from narratrace.images.reuse import find_reuse

        return find_reuse
    raise AttributeError(name)
