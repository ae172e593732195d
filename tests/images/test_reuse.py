"""The team's own corpus: one picture reused with a conflicting caption eight months later."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from PIL import Image, ImageOps
from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.indexing import index_paths
from narratrace.images.reuse import conflicts, facets, find_reuse
from narratrace.store import open_store

PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{date}">
<meta property="og:url" content="https://{host}/{slug}"></head>
<body><article><h1>{title}</h1>
<p>{lead} The fighting has continued for weeks and reporters on the ground describe heavy losses on
both sides, with many civilians leaving the area over the past days.</p>
<figure><img src="{slug}_files/photo.jpg" alt="Soldiers beside an armoured vehicle">
<figcaption>{caption} <span class="credit">Photo: {credit}</span></figcaption></figure>
<p>Officials did not comment on the situation when asked by reporters about the latest developments on
the front line and the state of the supply routes.</p></article></body></html>"""


def _page(folder, slug, *, title, outlet, host, date, caption, credit, picture: Image.Image, exif=None):
    (folder / f"{slug}_files").mkdir()
    (folder / f"{slug}_files" / "photo.jpg").write_bytes(jpeg_bytes(picture, 88, exif=exif))
    (folder / f"{slug}.html").write_text(PAGE.format(title=title, outlet=outlet, host=host, date=date, slug=slug,
                                                       lead=title + ".", caption=caption, credit=credit))


@pytest.fixture()
def corpus(tmp_path):
    photo = scene(42, (480, 320))
    w, h = photo.size
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2023:12:20 09:15:00"
    _page(tmp_path, "front-report", title="Brigade holds the line near Avdiivka", outlet="Kyiv Daily Wire",
          host="kyivwire.example", date="2024-02-10T08:00:00+00:00",
          caption="Ukrainian soldiers of the 47th Brigade near Avdiivka, February 2024.", credit="Olena K.",
          picture=photo, exif=exif)
    # eight months later: cropped, mirrored, re-encoded, with another caption
    reused = ImageOps.mirror(photo.crop((int(w * .08), int(h * .08), int(w * .92), int(h * .92))))
    _page(tmp_path, "kursk-story", title="Troops advance in Kursk region", outlet="Frontline Today",
          host="frontline.example", date="2024-10-12T08:00:00+00:00",
          caption="Russian soldiers of the 155th Marine Brigade in the Kursk region, October 2024.", credit="staff",
          picture=reused)
    # an unrelated picture in a third article
    _page(tmp_path, "other", title="Grain exports resume", outlet="Trade Desk", host="trade.example",
          date="2024-05-01T08:00:00+00:00", caption="A cargo ship in Odesa, May 2024.", credit="T. R.",
          picture=scene(7, (480, 320)))
    return tmp_path


def test_reused_picture_with_conflicting_caption(corpus, db_url) -> None:
    engine = open_store(db_url)  # SQLite, and PostgreSQL when NARRATRACE_TEST_PG_URL is set
    report = index_paths(engine, [corpus])
    assert report.indexed == 3 and not report.refused
    findings = find_reuse(engine)
    kinds = [f.kind for f in findings]
    assert kinds.count("reuse") == 1
    reuse = next(f for f in findings if f.kind == "reuse")
    assert [a["outlet"] for a in reuse.appearances] == ["Kyiv Daily Wire", "Frontline Today"]  # by date
    assert reuse.details["earliest"]["published"].startswith("2024-02-10")
    assert any("mirrored" in e for e in reuse.evidence)
    conflict = next(f for f in findings if f.kind == "caption_conflict")
    titles = [a["title"] for a in conflict.appearances]
    assert titles == ["Brigade holds the line near Avdiivka", "Troops advance in Kursk region"]
    assert conflict.details["earlier_date"].startswith("2024-02-10")
    c = conflict.details["conflicts"]
    assert c["places"]["earlier"] == ["avdiivka"] and c["places"]["later"] == ["kursk region"]
    assert set(c) >= {"places", "units", "sides", "dates"}
    later = next(f for f in findings if f.kind == "earlier_appearance")
    assert later.appearances[0]["outlet"] == "Kyiv Daily Wire" and "2024-10" in later.evidence[1]
    # the unrelated picture is in no finding
    assert not any(a["outlet"] == "Trade Desk" for f in findings for a in f.appearances)


def test_capture_date_precedes_claimed_event(tmp_path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2019:06:01 12:00:00"
    _page(tmp_path, "a", title="Strike on depot", outlet="Wire", host="w.example", date="2024-03-05T10:00:00+00:00",
          caption="The depot burning yesterday.", credit="AP", picture=scene(50), exif=exif)
    engine = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    index_paths(engine, [tmp_path])
    [f] = [f for f in find_reuse(engine) if f.kind == "capture_precedes_event"]
    assert f.details["capture_date"].startswith("2019-06-01")
    assert f.appearances[0]["title"] == "Strike on depot"


def test_facets_and_conflicts_rules() -> None:
    f = facets("Ukrainian troops of the 3rd Separate Assault Brigade near Bakhmut on 12 May 2023. Photo: John Doe")
    assert f["units"] == ["3rd separate assault brigade"] and f["sides"] == ["ukrainian"]
    assert f["places"] == ["bakhmut"] and f["dates"] == ["2023-05-12"] and "john doe" not in f["people"]
    assert conflicts("Troops near Kursk, October 2024", "Soldiers in the Kursk region in 2024") == {}
    assert "dates" in conflicts("A rally in 2014", "A rally in March 2022")


def test_cli_index_match_reuse(corpus, tmp_path, capsys) -> None:
    from typer.testing import CliRunner

    from narratrace.cli import app

    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(app, ["--db", db, "images", "index", str(corpus)])
    assert r.exit_code == 0, r.output
    assert "indexed 3 pictures" in r.output
    r = runner.invoke(app, ["--db", db, "images", "match", str(corpus / "kursk-story_files" / "photo.jpg"), "--json", "-"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    outlets = sorted(a["outlet"] for m in payload["matches"] for a in m["appearances"])
    assert outlets == ["Frontline Today", "Kyiv Daily Wire"]
    out = tmp_path / "reuse.json"
    r = runner.invoke(app, ["--db", db, "images", "reuse", "--json", str(out)])
    assert r.exit_code == 0 and "[caption_conflict]" in r.output
    kinds = {f["kind"] for f in json.loads(out.read_text())["findings"]}
    assert {"reuse", "caption_conflict", "earlier_appearance"} <= kinds
    assert datetime.fromisoformat(json.loads(out.read_text())["findings"][0]["appearances"][0]["published"])


def test_one_article_is_looked_up_through_the_index_from_its_own_pictures(corpus, db_url, monkeypatch) -> None:
    import narratrace.images.reuse as reuse
    from narratrace.images.repository import load_appearances

    engine = open_store(db_url)
    index_paths(engine, [corpus])
    everything = find_reuse(engine)
    queried: list[str] = []
    real_load = reuse.load_index

    def counting_load(eng):
        index, fps = real_load(eng)
        real_match = index.match
        index.match = lambda fp, exclude=None, **kw: (queried.append(exclude), real_match(fp, exclude=exclude, **kw))[1]
        return index, fps

    monkeypatch.setattr(reuse, "load_index", counting_load)
    by_article = {a.article_id for a in load_appearances(engine) if a.article_id}
    for article_id in by_article:
        queried.clear()
        own = find_reuse(engine, article_id=article_id)
        expected = [f for f in everything if any(x.get("article_id") == article_id for x in f.appearances)]
        assert [f.to_dict() for f in own] == [f.to_dict() for f in expected]
        assert len(queried) < 3  # the unrelated picture (or the reused pair) is never a query for this article
    monkeypatch.setattr(reuse, "load_index", lambda eng: pytest.fail("no picture of this article: the index is not needed"))
    assert find_reuse(engine, article_id="no-such-article") == []
