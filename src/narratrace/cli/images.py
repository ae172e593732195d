"""``narratrace images index|match|reuse``: index pictures, find a picture, list reuse findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from narratrace.cli import _state
from narratrace.cli._options import json_option

images_app = typer.Typer(help="Image provenance: perceptual hashes, matching and reuse findings.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(images_app, name="images")


JsonOpt = json_option("the result")


@images_app.command("index")
def index_cli(
    paths: Annotated[list[Path], typer.Argument(help="Image files, folders, saved pages (page.html + page_files/) or article files.")],
    fetch_images: Annotated[bool, typer.Option("--fetch-images", help="Fetch remote pictures (size/time caps, public addresses only).")] = False,
    json_out: JsonOpt = None,
) -> None:
    """Fingerprint every picture under PATHS and store it with where it appeared."""
    from narratrace.errors import InputError
    from narratrace.images.indexing import index_paths

    for p in paths:
        if not p.exists():
            raise InputError(f"{p} does not exist")
    report = index_paths(_state.open_db(), paths, fetch=fetch_images)
    _state.emit(report.to_dict(), json_out, lambda: _print_index_report(report))


def _print_index_report(report: Any) -> None:
    con = _state.console()
    con.print(
        f"indexed {report.indexed} pictures ({report.new_images} new), {report.appearances} new appearances, "
        f"{report.references_only} references without pixels, {len(report.refused)} refused",
        markup=False,
    )
    for r in report.refused:
        con.print(f"  refused {r['location']}: {r['reason']}: {r['message']}", markup=False)


@images_app.command("match")
def match_cli(
    image: Annotated[Path, typer.Argument(help="A picture to look up.")],
    threshold: Annotated[int | None, typer.Option("--threshold", help="Combined distance limit for pictures without local features (default: the calibrated one).")] = None,
    json_out: JsonOpt = None,
) -> None:
    """Find stored pictures that IMAGE shows, whole or in part (crops, screenshots, caption bars, mirrors...)."""
    from narratrace.images.backfill import count_without_features
    from narratrace.images.hashing import fingerprint_query
    from narratrace.images.index import MATCH_THRESHOLD
    from narratrace.images.repository import load_appearances, load_index

    fp, qfeats = fingerprint_query(image)
    engine = _state.open_db()
    index, _ = load_index(engine)
    matches = index.match(fp, threshold=threshold, query_features=qfeats)
    without = count_without_features(engine)
    by_image: dict[int, list] = {}
    for a in load_appearances(engine):
        if a.image_pk is not None:
            by_image.setdefault(a.image_pk, []).append(a)
    results = []
    for m in matches:
        pk = int(m.key)
        apps = sorted(by_image.get(pk, []), key=lambda a: (a.published is None, str(a.published)))
        results.append({"image": pk, **m.to_dict(), "appearances": [a.to_dict() for a in apps]})
    payload = {"query": str(image), "sha256": fp.sha256, "threshold": threshold or MATCH_THRESHOLD,
               "pdq_quality": fp.pdq_quality, "query_features": len(qfeats[0]), "stored_without_features": without,
               "matches": results}
    _state.emit(payload, json_out, lambda: _print_image_matches(image, fp, results, without))


def _print_image_matches(image: Path, fp: Any, results: list[dict], without: int = 0) -> None:
    con = _state.console()
    if without:
        con.print(f"note: {without} stored pictures have no local features (indexed before they existed): crops and "
                  "screenshots of them are not found; run `narratrace images refresh`", markup=False)
    if fp.low_quality:
        con.print(f"note: PDQ quality {fp.pdq_quality} is low (flat picture); matches are less reliable", markup=False)
    if not results:
        con.print(f"no stored picture matches {image}", markup=False)
    for r in results:
        con.print(f"image {r['image']}: {match_line(r)}", markup=False)
        for a in r["appearances"]:
            con.print(f"  {a['published'] or 'undated'}  {a['outlet'] or '-'}  {a['title'] or a['src'] or ''}"
                      f"  caption: {a['caption'] or '-'}", markup=False)


def match_line(r: dict) -> str:
    """One line of evidence for a match dict (:meth:`narratrace.images.index.Match.to_dict`)."""
    from narratrace.images.reuse import describe_evidence

    return describe_evidence(r)


@images_app.command("refresh")
def refresh_cli(
    every: Annotated[bool, typer.Option("--all", help="Re-extract the local features of every stored picture.")] = False,
    json_out: JsonOpt = None,
) -> None:
    """Add local features to stored pictures indexed without them (or with few), re-reading their files."""
    from narratrace.images.backfill import refresh_features

    report = refresh_features(_state.open_db(), every=every)
    _state.emit(report.to_dict(), json_out, lambda: _print_refresh(report))


def _print_refresh(report: Any) -> None:
    con = _state.console()
    con.print(f"refreshed the local features of {report.refreshed} of {report.checked} stored pictures", markup=False)
    for what, rows in (("file changed since", report.changed_files), ("no file left for", report.missing_files)):
        for r in rows:
            con.print(f"  {what} image {r['image']} ({', '.join(r['files']) or 'never read from a file'}): "
                      "index it again with `narratrace images index PATH`", markup=False)


@images_app.command("reuse")
def reuse_cli(
    article: Annotated[str | None, typer.Option("--article", help="Only findings naming this article id.")] = None,
    json_out: JsonOpt = None,
) -> None:
    """List reuse findings: same picture in several articles, caption conflicts, date contradictions."""
    from narratrace.images.reuse import find_reuse

    findings = find_reuse(_state.open_db(), article_id=article)
    _state.emit({"findings": [f.to_dict() for f in findings]}, json_out, lambda: _print_findings(findings))


def _print_findings(findings: list) -> None:
    con = _state.console()
    if not findings:
        con.print("no reuse findings", markup=False)
    for f in findings:
        con.print(f"[{f.kind}] {f.summary}", markup=False)
        for e in f.evidence:
            con.print(f"    {e}", markup=False)
