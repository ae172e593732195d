"""Read fact-check databases into :class:`FactCheckRecord` objects.

Three layouts are understood:

- ``claimreview``: schema.org ``ClaimReview`` JSON-LD as fact-checkers publish it (one
  object, a list, an ``@graph``, or JSON Lines), and the JSON the Google Fact Check
  Tools API returns (``{"claims": [{"text", "claimant", "claimDate", "claimReview":
  [{"publisher", "url", "title", "reviewDate", "textualRating", "languageCode"}]}]}``).
- ``euvsdisinfo``: CSV with the columns of EUvsDisinfo's ``posts.csv``
  (``date, id, title, countries, keywords, languages, outlets``; lists ``+``-separated).
- ``vclaims``: JSON Lines with the fields of CheckThat! 2022 ``vclaims.jsonl``
  (``title, subtitle, author, date, vclaim_id, vclaim``).

Readers never stop at a bad record: each yields :class:`Problem` entries for the
records it had to skip (or fields it had to drop), and the rest are imported.

Examples
--------
>>> import json, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "v.jsonl"
>>> _ = p.write_text(json.dumps({"vclaim_id": "v1", "vclaim": "Cats can fly.", "date": "2 May 2019"}) + "\\n{bad\\n")
>>> recs, problems = read_records(p)
>>> [r.record_id for r in recs], [pr.where for pr in problems]
(['v1'], ['line 2'])
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from narratrace.errors import UnknownFormatError
from narratrace.factcheck._records import FactCheckRecord, as_utc

FORMATS = ("claimreview", "euvsdisinfo", "vclaims")
RATING_KEYS = ("ratingValue", "bestRating", "worstRating")
#: The property of an exported ClaimReview that keeps what schema.org has no place for.
EXTENSION = "narratrace"
MIDNIGHT_UTC = time(0, 0, tzinfo=UTC)
EUVS_COLUMNS = {"date", "id", "title"}


@dataclass(slots=True)
class Problem:
    """A record that was skipped (``skipped=True``) or imported with a field dropped."""

    where: str
    reason: str
    skipped: bool = True


def parse_date(value: Any) -> datetime | None:
    """Parse the dates fact-check databases use; raise ``ValueError`` if unreadable.

    >>> parse_date("26 May 2015").date().isoformat()
    '2015-05-26'
    >>> parse_date("2020-01-14T10:00:00-05:00").isoformat()
    '2020-01-14T15:00:00+00:00'
    """
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string, got {type(value).__name__}")
    from dateutil import parser

    try:
        parsed = parser.parse(value.strip(), default=datetime(1900, 1, 1))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"unreadable date {value[:40]!r}") from exc
    return as_utc(parsed)


def detect_format(path: Path) -> str:
    """Guess the layout of ``path`` from its extension and first bytes."""
    suffix = path.suffix.lower()
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        head = fh.read(4096)
    if suffix == ".csv" or (head.split("\n", 1)[0].count(",") >= 2 and not head.lstrip().startswith(("{", "["))):
        header = {h.strip().lower() for h in head.split("\n", 1)[0].split(",")}
        if EUVS_COLUMNS <= header:
            return "euvsdisinfo"
        raise UnknownFormatError(f"{path}: CSV without the EUvsDisinfo columns {sorted(EUVS_COLUMNS)}")
    first = head.lstrip().split("\n", 1)[0]
    if '"vclaim_id"' in first or '"vclaim"' in first:
        return "vclaims"
    if head.lstrip().startswith(("{", "[")):
        return "claimreview"
    raise UnknownFormatError(f"{path}: not ClaimReview JSON, EUvsDisinfo CSV or vclaims JSONL")


def read_records(path: Path, fmt: str = "auto") -> tuple[list[FactCheckRecord], list[Problem]]:
    """Read every record of ``path``; return the good records and the problems."""
    path = Path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    readers = {"claimreview": _read_claimreview, "euvsdisinfo": _read_euvsdisinfo, "vclaims": _read_vclaims}
    if fmt not in readers:
        raise UnknownFormatError(f"unknown fact-check format {fmt!r}; choose one of auto, {', '.join(FORMATS)}")
    records: list[FactCheckRecord] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in readers[fmt](path):
        if isinstance(item, Problem):
            problems.append(item)
        elif item.record_id in seen:
            problems.append(Problem(item.record_id, "duplicate record id in the file; first kept"))
        else:
            seen.add(item.record_id)
            records.append(item)
    return records, problems


# --- vclaims JSONL ------------------------------------------------------------------


def _json_lines(path: Path) -> Iterator[tuple[str, Any]]:
    with path.open("r", encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield f"line {n}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {n}", Problem(f"line {n}", f"invalid JSON: {exc.msg}")


def _json_objects(items: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, dict] | Problem]:
    """The JSON objects of ``items`` with where they are; problems, and non-objects as problems."""
    for where, obj in items:
        if isinstance(obj, Problem):
            yield obj
        elif not isinstance(obj, dict):
            yield Problem(where, "not a JSON object")
        else:
            yield where, obj


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(value.split()) or None
    raise ValueError(f"expected text, got {type(value).__name__}")


def _read_vclaims(path: Path) -> Iterator[FactCheckRecord | Problem]:
    for item in _json_objects(_json_lines(path)):
        if isinstance(item, Problem):
            yield item
            continue
        where, obj = item
        try:
            rid = _text(obj.get("vclaim_id"))
            claim = _text(obj.get("vclaim")) or _text(obj.get("title"))
            if not rid or not claim:
                yield Problem(where, "missing vclaim_id or vclaim")
                continue
            rec = FactCheckRecord(
                record_id=rid,
                claim=claim,
                source_format="vclaims",
                title=_text(obj.get("title")),
                summary=_text(obj.get("subtitle")),
                language=_text(obj.get("lang")) or "en",
                url=_text(obj.get("url")),
                extra={"author": _text(obj.get("author"))} if obj.get("author") else {},
            )
        except ValueError as exc:
            yield Problem(f"{where} ({obj.get('vclaim_id')})", str(exc))
            continue
        yield from _with_date(rec, "review_date", obj.get("date"), where)


def _with_date(rec: FactCheckRecord, attr: str, raw: Any, where: str) -> Iterator[FactCheckRecord | Problem]:
    try:
        setattr(rec, attr, parse_date(raw))
    except ValueError as exc:
        yield Problem(f"{where} ({rec.record_id})", f"{exc}; imported without {attr}", skipped=False)
    yield rec


# --- EUvsDisinfo CSV ----------------------------------------------------------------


def _split_plus(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("+") if v.strip()]


def _read_euvsdisinfo(path: Path) -> Iterator[FactCheckRecord | Problem]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = EUVS_COLUMNS - {c.strip().lower() for c in (reader.fieldnames or [])}
        if missing:
            raise UnknownFormatError(f"{path}: missing EUvsDisinfo columns {sorted(missing)}")
        for n, row in enumerate(reader, 2):
            row = {(k or "").strip().lower(): v for k, v in row.items()}
            where = f"row {n}"
            rid, title = (row.get("id") or "").strip(), " ".join((row.get("title") or "").split())
            if not rid or not title:
                yield Problem(where, "missing id or title")
                continue
            try:
                day = parse_date(row.get("date"))
            except ValueError as exc:
                yield Problem(f"{where} ({rid})", str(exc))
                continue
            # EUvsDisinfo's date is the day the disinformation appeared; the case (the
            # debunk) is published on or after it, so it serves as both dates.
            yield FactCheckRecord(
                record_id=rid,
                claim=title,
                source_format="euvsdisinfo",
                title=title,
                claim_date=day,
                review_date=day,
                verdict="Disinformation",
                publisher="EUvsDisinfo",
                publisher_site="euvsdisinfo.eu",
                url=rid if rid.startswith("http") else None,
                language="en",
                extra={
                    "countries": _split_plus(row.get("countries")),
                    "keywords": _split_plus(row.get("keywords")),
                    "languages": _split_plus(row.get("languages")),
                    "outlets": _split_plus(row.get("outlets")),
                },
            )


# --- ClaimReview JSON-LD and the Fact Check Tools API -----------------------------------


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name"))
    if isinstance(value, list):
        return _name(value[0]) if value else None
    return _text(value)


def _type_is(obj: dict, name: str) -> bool:
    t = obj.get("@type")
    return t == name or (isinstance(t, list) and name in t)


def _iter_json_items(path: Path) -> Iterator[tuple[str, Any]]:
    raw = path.read_text(encoding="utf-8-sig")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError:
        yield from _json_lines(path)  # JSON Lines: one object a line
        return
    items: list[Any]
    if isinstance(doc, dict) and isinstance(doc.get("claims"), list):
        items = doc["claims"]
    elif isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        items = doc["@graph"]
    elif isinstance(doc, list):
        items = doc
    else:
        items = [doc]
    for i, item in enumerate(items, 1):
        yield f"item {i}", item


def _read_claimreview(path: Path) -> Iterator[FactCheckRecord | Problem]:
    for item in _json_objects(_iter_json_items(path)):
        if isinstance(item, Problem):
            yield item
            continue
        where, obj = item
        try:
            if "claimReview" in obj:  # Google Fact Check Tools API
                reviews = obj.get("claimReview")
                if not isinstance(reviews, list) or not reviews:
                    yield Problem(where, "claimReview is empty or not a list")
                    continue
                for j, review in enumerate(reviews, 1):
                    yield from _api_review(obj, review, f"{where}.{j}")
            elif _type_is(obj, "ClaimReview") or "claimReviewed" in obj:
                yield from _jsonld_review(obj, where)
            else:
                yield Problem(where, "neither a ClaimReview nor a Fact Check Tools claim")
        except ValueError as exc:
            yield Problem(where, str(exc))


def _stable_id(*parts: str | None) -> str:
    return "sha1:" + hashlib.sha1("\x00".join(p or "" for p in parts).encode()).hexdigest()


def _api_review(claim: dict, review: Any, where: str) -> Iterator[FactCheckRecord | Problem]:
    if not isinstance(review, dict):
        yield Problem(where, "claimReview entry is not an object")
        return
    text = _text(claim.get("text"))
    if not text:
        yield Problem(where, "missing claim text")
        return
    url = _text(review.get("url"))
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    rec = FactCheckRecord(
        record_id=url or _stable_id(text, _name(publisher)),
        claim=text,
        source_format="claimreview",
        title=_text(review.get("title")),
        claimant=_text(claim.get("claimant")),
        verdict=_text(review.get("textualRating")),
        publisher=_text(publisher.get("name")),
        publisher_site=_text(publisher.get("site")),
        url=url,
        language=_text(review.get("languageCode")),
    )
    problems = []
    for attr, raw in (("claim_date", claim.get("claimDate")), ("review_date", review.get("reviewDate"))):
        for item in _with_date(rec, attr, raw, where):
            if isinstance(item, Problem):
                problems.append(item)
    yield from problems
    yield rec


def _verdict(rating: dict) -> str | None:
    if rating.get("alternateName"):
        return _text(rating["alternateName"])
    if rating.get("ratingValue") is not None:
        return str(rating["ratingValue"])
    return None


def _jsonld_review(obj: dict, where: str) -> Iterator[FactCheckRecord | Problem]:
    text = _text(obj.get("claimReviewed"))
    item = obj.get("itemReviewed") if isinstance(obj.get("itemReviewed"), dict) else {}
    if not text:
        yield Problem(where, "missing claimReviewed")
        return
    rating = obj.get("reviewRating") if isinstance(obj.get("reviewRating"), dict) else {}
    author = obj.get("author")
    author = author[0] if isinstance(author, list) and author else author
    author = author if isinstance(author, dict) else {"name": author} if isinstance(author, str) else {}
    url = _text(obj.get("url"))
    lang = obj.get("inLanguage")
    lang = _name(lang) if isinstance(lang, dict) else _text(lang) if isinstance(lang, str) else None
    own = obj.get(EXTENSION) if isinstance(obj.get(EXTENSION), dict) else {}
    rec = FactCheckRecord(
        record_id=(own["recordId"] if isinstance(own.get("recordId"), str) and own["recordId"] else None) or url or _text(obj.get("@id")) or _stable_id(text, _name(author)),
        claim=text,
        source_format=own["sourceFormat"] if own.get("sourceFormat") in FORMATS else "claimreview",
        title=_text(obj.get("headline")) or _text(obj.get("name")),
        summary=_text(obj.get("description")),
        claimant=_name(item.get("author")),
        verdict=_verdict(rating),
        publisher=_name(author),
        publisher_site=_text(author.get("url")),
        url=url,
        language=lang,
        extra=dict(own["extra"]) if isinstance(own.get("extra"), dict) else {k: rating[k] for k in RATING_KEYS if k in rating},
    )
    problems = []
    for attr, raw in (("claim_date", item.get("datePublished")), ("review_date", obj.get("datePublished"))):
        for it in _with_date(rec, attr, raw, where):
            if isinstance(it, Problem):
                problems.append(it)
    yield from problems
    yield rec


def write_claimreview(records: list[FactCheckRecord]) -> list[dict[str, Any]]:
    """Records as schema.org ClaimReview JSON-LD objects (see :func:`to_claimreview`)."""
    return [to_claimreview(r) for r in records]


def _when(value: datetime) -> str:
    """A date when the time is midnight UTC (as most databases give them), else the instant."""
    return value.date().isoformat() if value.timetz() == MIDNIGHT_UTC else value.isoformat()


def to_claimreview(rec: FactCheckRecord) -> dict[str, Any]:
    """One record as a schema.org ``ClaimReview`` JSON-LD object.

    Lossless: what ClaimReview has no property for (the record id, the database the
    record came from, its extra fields) goes into a ``narratrace`` object, so importing
    an export gives back equal records (``0 updated``).

    >>> to_claimreview(FactCheckRecord("u", "Cats fly.", "vclaims", verdict="False"))["reviewRating"]
    {'@type': 'Rating', 'alternateName': 'False'}
    """
    out: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": rec.claim}
    if rec.url:
        out["url"] = rec.url
    out["identifier"] = rec.record_id
    if rec.title:
        out["headline"] = rec.title
    if rec.summary:
        out["description"] = rec.summary
    if rec.review_date:
        out["datePublished"] = _when(rec.review_date)
    if rec.language:
        out["inLanguage"] = rec.language
    if rec.publisher or rec.publisher_site:
        out["author"] = {"@type": "Organization", **({"name": rec.publisher} if rec.publisher else {}), **({"url": rec.publisher_site} if rec.publisher_site else {})}
    item: dict[str, Any] = {"@type": "Claim"}
    if rec.claimant:
        item["author"] = {"@type": "Thing", "name": rec.claimant}
    if rec.claim_date:
        item["datePublished"] = _when(rec.claim_date)
    out["itemReviewed"] = item
    if rec.verdict:
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": rec.verdict}
        rating.update({k: rec.extra[k] for k in RATING_KEYS if k in rec.extra})
        out["reviewRating"] = rating
    out[EXTENSION] = {"recordId": rec.record_id, "sourceFormat": rec.source_format, "extra": rec.extra}
    return out
