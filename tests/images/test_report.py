from __future__ import annotations

import io

from rich.console import Console

from narratrace.model import Analysis, Article, ImageRef
from narratrace.report.images import image_highlights, images_section, images_terminal


def _analysis() -> Analysis:
    text = "Intro.\n\nTroops near Avdiivka.\n(Photo: <script>alert(1)</script>)\n"
    start = text.index("(Photo")
    art = Article(text=text, id="a1", images=[ImageRef(credit="<script>alert(1)</script>", kind="photo",
                                                       caption="Troops near Avdiivka.", start=start, end=len(text) - 1)])
    an = Analysis(article=art)
    an.summaries["images"] = {
        "database": "ok",
        "images": [{"kind": "photo", "src": None, "caption": "<img src=x onerror=alert(1)>", "credit": "AP"}],
        "findings": [{
            "kind": "caption_conflict", "summary": "captions disagree on places",
            "appearances": [{"published": "2024-02-10", "outlet": "A", "title": "<b>t1</b>", "caption": "near Avdiivka"},
                            {"published": "2024-10-12", "outlet": "B", "title": "t2", "caption": "in Kursk"}],
            "evidence": ["places: avdiivka vs kursk"],
        }],
    }
    return an


def test_section_escapes_and_lists_findings() -> None:
    sec = images_section(_analysis())
    assert sec is not None
    html = str(sec.html)
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "<b>t1</b>" not in html and "<script" not in html
    assert 'data-kind="caption_conflict"' in html and "2024-02-10" in html and "places: avdiivka vs kursk" in html


def test_terminal_block_and_highlights() -> None:
    an = _analysis()
    buf = io.StringIO()
    images_terminal(an, Console(file=buf, width=200))
    out = buf.getvalue()
    assert "Pictures: 1" in out and "[caption conflict] captions disagree on places" in out
    [h] = image_highlights(an)
    assert an.text[h.start:h.end].startswith("(Photo:") and h.kind == "image"


def test_no_section_without_pictures() -> None:
    an = Analysis(article=Article(text="Nothing here."))
    an.summaries["images"] = {"database": "empty", "images": [], "findings": []}
    assert images_section(an) is None


def test_stage_fills_summary(tmp_path, monkeypatch) -> None:
    from narratrace.analyze.images import ImagesStage
    from narratrace.store import open_store

    stage = ImagesStage()
    assert stage(_analysis()).summaries["images"]["database"] == "none"  # no store attached: nothing opened
    stage.store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    an = stage(_analysis())
    s = an.summaries["images"]
    assert s["database"] == "empty" and len(s["images"]) == 1
    assert "Troops near Avdiivka." in s["images"][0]["context"]
