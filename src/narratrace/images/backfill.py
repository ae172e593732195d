"""Give stored pictures the local features that partial matches need, from their files.

Pictures indexed before local features existed (migration ``images_0002``) have none:
they are found only as near duplicates on the global hashes, never through a crop or a
screenshot. Pictures with few keypoints stored before the low-texture keypoints
(:data:`~narratrace.images.local_features.WEAK_STORED_BELOW`) keep their old ones.
:func:`refresh_features` re-reads each such picture from a file one of its appearances
points to (the sha256 must still be the stored one), extracts its features and stores them;
``narratrace images refresh`` runs it, and ``images match`` says how many stored pictures
lack features.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from narratrace.store import open_store
>>> engine = open_store(f"sqlite:///{Path(tempfile.mkdtemp()) / 'x.db'}")
>>> refresh_features(engine).to_dict()
{'checked': 0, 'refreshed': 0, 'changed_files': [], 'missing_files': []}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, delete, func, select

from narratrace.images._errors import ImageRefusedError
from narratrace.images.local_features import WEAK_STORED_BELOW, extract_features
from narratrace.images.repository import FEATURE_METHOD
from narratrace.images.safety import open_image, read_bounded
from narratrace.store.schema_images import image_appearances, image_features, images


@dataclass
class RefreshReport:
    """What :func:`refresh_features` did; files are listed by the stored picture's primary key."""

    checked: int = 0  # stored pictures that needed features
    refreshed: int = 0
    changed_files: list[dict] = field(default_factory=list)  # the file's bytes are no longer the stored picture
    missing_files: list[dict] = field(default_factory=list)  # no readable file: index the picture again

    def to_dict(self) -> dict:
        return {"checked": self.checked, "refreshed": self.refreshed,
                "changed_files": self.changed_files, "missing_files": self.missing_files}


def _stale(engine: Engine, *, every: bool) -> dict[int, str]:
    """sha256 by primary key of the pictures to refresh: those without features, with fewer
    than WEAK_STORED_BELOW features (stored before the low-texture keypoints), or all."""
    q = select(images.c.pk, images.c.sha256, image_features.c.n_features).select_from(
        images.outerjoin(image_features, (image_features.c.image_pk == images.c.pk) & (image_features.c.method == FEATURE_METHOD)))
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(images.c.pk)).all()
    return {int(r.pk): r.sha256 for r in rows if every or r.n_features is None or r.n_features < WEAK_STORED_BELOW}


def count_without_features(engine: Engine) -> int:
    """Stored pictures that have no local features (partial matches cannot find them)."""
    with engine.connect() as conn:
        have = select(image_features.c.image_pk).where(image_features.c.method == FEATURE_METHOD)
        return int(conn.execute(select(func.count()).select_from(images).where(images.c.pk.not_in(have))).scalar_one())


def _files(engine: Engine, pks: set[int]) -> dict[int, list[str]]:
    """Local files the appearances of each picture point to."""
    out: dict[int, list[str]] = {}
    q = select(image_appearances.c.image_pk, image_appearances.c.local_path).where(image_appearances.c.local_path.is_not(None))
    with engine.connect() as conn:
        for r in conn.execute(q.order_by(image_appearances.c.pk)):
            if r.image_pk in pks and r.local_path not in out.get(r.image_pk, []):
                out.setdefault(int(r.image_pk), []).append(r.local_path)
    return out


def _read(paths: list[str], sha256: str) -> tuple[bytes | None, bool]:
    """The first file whose bytes are the stored picture, and whether some file had other bytes."""
    changed = False
    for p in paths:
        try:
            data = read_bounded(Path(p))
        except (OSError, ImageRefusedError):
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            return data, changed
        changed = True
    return None, changed


def refresh_features(engine: Engine, *, every: bool = False) -> RefreshReport:
    """Extract and store local features for stored pictures that lack them (``every``: all pictures).

    A picture is re-read from a file one of its appearances recorded, only when that file
    still holds the same bytes (sha256); the others are reported (index them again with
    ``narratrace images index PATH``).
    """
    report = RefreshReport()
    stale = _stale(engine, every=every)
    files = _files(engine, set(stale))
    for pk, sha in stale.items():
        report.checked += 1
        data, changed = _read(files.get(pk, []), sha)
        if data is None:
            (report.changed_files if changed else report.missing_files).append({"image": pk, "files": files.get(pk, [])})
            continue
        try:
            feats = extract_features(open_image(data)[0])
        except ImageRefusedError:
            report.missing_files.append({"image": pk, "files": files.get(pk, [])})
            continue
        with engine.begin() as conn:
            conn.execute(delete(image_features).where(image_features.c.image_pk == pk))
            conn.execute(image_features.insert().values(image_pk=pk, method=FEATURE_METHOD, n_features=len(feats),
                                                        data=feats.to_bytes()))
        report.refreshed += 1
    return report
