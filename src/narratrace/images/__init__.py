"""Image provenance: collect pictures with context, fingerprint them, find reuse.

Public API
----------
fingerprint_file, fingerprint_bytes, fingerprint_image
    Safe decode plus pHash/dHash, PDQ (with quality), crop/pad/mirror-robust views, EXIF.
ImageIndex, MultiIndexHashing
    Matching: hash candidates plus ORB descriptor candidates, verified geometrically
    (LocalFeatures, Verification: matched region, inliers, confidence); exact Hamming
    search at 1M codes.
index_paths
    Collect pictures from files, folders, saved pages and article credits into the store.
find_reuse
    Reuse findings: same picture in several articles, caption conflicts, date contradictions.
"""

import importlib
import logging

from narratrace.images._errors import FetchRefusedError, ImageRefusedError

__all__ = [
    "FetchRefusedError",
    "Fingerprint",
    "ImageIndex",
    "ImageRefusedError",
    "LocalFeatures",
    "MultiIndexHashing",
    "Verification",
    "find_reuse",
    "fingerprint_bytes",
    "fingerprint_file",
    "fingerprint_image",
    "index_paths",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Loaded on first use: the ingest imports narratrace.images.sources for feed pictures and
# page dates, and must not pay for OpenCV, PDQ and imagehash to read a text file.
_LAZY = {
    "Fingerprint": "hashing", "fingerprint_bytes": "hashing", "fingerprint_file": "hashing",
    "fingerprint_image": "hashing", "ImageIndex": "index", "MultiIndexHashing": "index",
    "LocalFeatures": "local_features", "Verification": "local_features",
    "index_paths": "indexing", "find_reuse": "reuse",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"narratrace.images.{module}"), name)
