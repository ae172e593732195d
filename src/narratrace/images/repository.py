"""Store and load pictures, appearances and refusals (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from narratrace.images.collect import ImageItem
from narratrace.images.hashing import Fingerprint, ImageMetadata
from narratrace.images.index import ImageIndex, ViewCodes
from narratrace.images.local_features import LocalFeatures
from narratrace.ingest.dates import as_utc as _utc
from narratrace.store.schema_images import image_appearances, image_features, image_refusals, images

FEATURE_METHOD = "orb1"  # LocalFeatures.to_bytes layout


@dataclass(slots=True)
class Appearance:
    """One stored appearance of a picture, as reuse detection reads it."""

    pk: int
    image_pk: int | None
    article_id: str | None
    article_title: str | None
    outlet: str | None
    published: datetime | None
    origin: str
    src: str | None
    caption: str | None
    alt: str | None
    credit: str | None
    context: str | None
    local_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.article_title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "origin": self.origin,
            "src": self.src,
            "caption": self.caption,
            "credit": self.credit,
        }


def save_fingerprint(conn: Connection, fp: Fingerprint) -> int:
    """Insert a picture unless its sha256 is stored; return its primary key.

    Its ORB features go to ``image_features`` (also for a stored picture that has none yet,
    e.g. one indexed before features existed).
    """
    row = conn.execute(select(images.c.pk).where(images.c.sha256 == fp.sha256)).first()
    if row:
        _save_features(conn, int(row.pk), fp)
        return int(row.pk)
    m = fp.metadata
    result = conn.execute(
        images.insert().values(
            sha256=fp.sha256,
            width=fp.width,
            height=fp.height,
            format=fp.format or None,
            phash=fp.phash,
            dhash=fp.dhash,
            pdq=fp.pdq,
            pdq_quality=fp.pdq_quality,
            views={"pdq": fp.views_pdq, "phash": fp.views_phash, "mirror_pdq": fp.mirror_pdq, "mirror_phash": fp.mirror_phash},
            trimmed=fp.trimmed,
            capture_date=_utc(m.capture_date),
            gps_lat=m.gps[0] if m.gps else None,
            gps_lon=m.gps[1] if m.gps else None,
            camera=m.camera,
            software=m.software,
            metadata_stripped=m.stripped,
            created_at=datetime.now(UTC),
        )
    )
    pk = int(result.inserted_primary_key[0])
    _save_features(conn, pk, fp)
    return pk


def _save_features(conn: Connection, pk: int, fp: Fingerprint) -> None:
    if fp.features is None:
        return
    if conn.execute(select(image_features.c.image_pk).where(image_features.c.image_pk == pk)).first():
        return
    conn.execute(image_features.insert().values(
        image_pk=pk, method=FEATURE_METHOD, n_features=len(fp.features), data=fp.features.to_bytes()))


def save_appearance(conn: Connection, item: ImageItem, image_pk: int | None) -> bool:
    """Record where a picture appeared; idempotent per (article, src, picture)."""
    key = hashlib.sha1(
        "|".join(str(x) for x in (item.article_id, item.ref.src, item.local_path, image_pk, item.ref.start, item.ref.credit)).encode()
    ).hexdigest()
    if conn.execute(select(image_appearances.c.pk).where(image_appearances.c.appearance_key == key)).first():
        return False
    conn.execute(
        image_appearances.insert().values(
            image_pk=image_pk,
            appearance_key=key,
            article_id=item.article_id,
            article_title=item.article_title,
            outlet=item.outlet,
            published=_utc(item.published),
            origin=item.origin,
            src=item.ref.src,
            local_path=str(item.local_path) if item.local_path else None,
            caption=item.ref.caption,
            alt=item.ref.alt,
            credit=item.ref.credit,
            kind=item.ref.kind,
            context=item.context or None,
            created_at=datetime.now(UTC),
        )
    )
    return True


def save_refusal(conn: Connection, location: str, reason: str, message: str, article_id: str | None = None) -> None:
    conn.execute(
        image_refusals.insert().values(
            location=location, article_id=article_id, reason=reason, message=message, created_at=datetime.now(UTC)
        )
    )


def _row_fingerprint(row: Any) -> Fingerprint:
    views = row.views or {}
    cap = _utc(row.capture_date)
    return Fingerprint(
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        format=row.format or "",
        phash=row.phash,
        dhash=row.dhash,
        pdq=row.pdq,
        pdq_quality=row.pdq_quality,
        views_pdq=list(views.get("pdq", [])),
        views_phash=list(views.get("phash", [])),
        mirror_pdq=list(views.get("mirror_pdq", [])),
        mirror_phash=list(views.get("mirror_phash", [])),
        trimmed=bool(row.trimmed),
        metadata=ImageMetadata(
            capture_date=cap,
            gps=(row.gps_lat, row.gps_lon) if row.gps_lat is not None else None,
            camera=row.camera,
            software=row.software,
            stripped=bool(row.metadata_stripped),
        ),
    )


def load_fingerprints(engine: Engine) -> dict[int, Fingerprint]:
    """Every stored picture's fingerprint by primary key, with its ORB features when stored."""
    with engine.connect() as conn:
        fps = {int(r.pk): _row_fingerprint(r) for r in conn.execute(select(images).order_by(images.c.pk))}
        for r in conn.execute(select(image_features).where(image_features.c.method == FEATURE_METHOD)):
            if int(r.image_pk) in fps:
                fps[int(r.image_pk)].features = LocalFeatures.from_bytes(bytes(r.data))
    return fps


def load_index(engine: Engine) -> tuple[ImageIndex, dict[int, Fingerprint]]:
    """An :class:`ImageIndex` of every stored picture, keyed by ``str(pk)``."""
    fps = load_fingerprints(engine)
    index = ImageIndex()
    for pk, fp in fps.items():
        if len(fp.views_pdq) != len(fp.views_phash) or not fp.views_pdq:
            continue
        index.add(str(pk), ViewCodes.from_fingerprint(fp), fp.features)
    return index, fps


def _row_appearance(r: Any) -> Appearance:
    pub = r.published
    if pub is not None and pub.tzinfo is None:
        pub = pub.replace(tzinfo=UTC)
    return Appearance(
        pk=r.pk, image_pk=r.image_pk, article_id=r.article_id, article_title=r.article_title, outlet=r.outlet,
        published=pub, origin=r.origin, src=r.src, caption=r.caption, alt=r.alt, credit=r.credit, context=r.context,
        local_path=r.local_path,
    )


def load_appearances(engine: Engine, *, article_id: str | None = None) -> list[Appearance]:
    q = select(image_appearances).order_by(image_appearances.c.pk)
    if article_id is not None:
        q = q.where(image_appearances.c.article_id == article_id)
    with engine.connect() as conn:
        return [_row_appearance(r) for r in conn.execute(q)]


def count_images(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(images)).scalar_one())


def load_refusals(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(image_refusals).order_by(image_refusals.c.pk)).all()
    return [{"location": r.location, "article_id": r.article_id, "reason": r.reason, "message": r.message} for r in rows]
