"""Pictures from every input format: JSON/JSONL records, feeds, page metadata dates."""

from __future__ import annotations

import json

from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.collect import images_from_article
from narratrace.images.indexing import index_paths
from narratrace.images.repository import load_appearances
from narratrace.images.sources import feed_entry_pictures, published_from_html, resolve_record_path
from narratrace.store import open_store


def test_record_pictures_are_indexed_relative_to_the_file(tmp_path) -> None:
    data = tmp_path / "data"
    (data / "pics").mkdir(parents=True)
    (data / "pics" / "a.jpg").write_bytes(jpeg_bytes(scene(1, (320, 240))))
    (tmp_path / "secret.jpg").write_bytes(jpeg_bytes(scene(2, (320, 240))))
    (data / "pics" / "link.jpg").symlink_to(tmp_path / "secret.jpg")  # a link out of the folder
    records = [
        {"id": "r1", "text": "Troops near the river, a witness said.", "outlet": "Wire",
         "images": [{"path": "pics/a.jpg", "caption": "Troops near Avdiivka", "credit": "AP"},
                    {"src": "../secret.jpg"}, "pics/link.jpg", {"url": "https://example.org/p.jpg", "alt": "a tank"}]},
    ]
    (data / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    engine = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    report = index_paths(engine, [data / "feed.jsonl"])
    assert report.indexed == 1 and report.references_only == 3  # the URL is not fetched; ../ and the link are refused
    apps = {a.src: a for a in load_appearances(engine)}
    assert apps["pics/a.jpg"].caption == "Troops near Avdiivka" and apps["pics/a.jpg"].origin == "record"
    assert apps["pics/a.jpg"].credit == "AP" and apps["pics/a.jpg"].article_id == "r1"
    assert apps["../secret.jpg"].image_pk is None and apps["pics/link.jpg"].image_pk is None


def test_record_paths_never_leave_the_folder(tmp_path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    src = tmp_path / "sub" / "r.json"
    assert resolve_record_path("../a.jpg", src) is None
    assert resolve_record_path(str(tmp_path / "a.jpg"), src) is None
    assert resolve_record_path("https://x.org/a.jpg", src) is None
    assert resolve_record_path("a.jpg", tmp_path / "r.json") == (tmp_path / "a.jpg").resolve()


def test_feed_thumbnails_and_enclosures() -> None:
    from narratrace.ingest.feed import parse_feed

    rss = """<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
    <title>Wire</title><item><title>Shelling</title><link>https://w.example/1</link>
    <description>Shelling continued overnight in the city centre, officials said.</description>
    <media:thumbnail url="https://w.example/t.jpg"/>
    <media:content url="https://w.example/v.mp4" type="video/mp4"/>
    <enclosure url="https://w.example/e.jpg" type="image/jpeg" length="10"/></item></channel></rss>"""
    [article] = parse_feed(rss)
    assert sorted(r.src for r in article.images) == ["https://w.example/e.jpg", "https://w.example/t.jpg"]
    kinds = {it.ref.src: it.ref.kind for it in images_from_article(article)}
    assert kinds["https://w.example/t.jpg"] == "thumbnail"
    assert feed_entry_pictures({"media_content": [{"url": "a.jpg", "medium": "image"}]})[0].src == "a.jpg"


def test_page_metadata_date_comes_before_text_dates() -> None:
    from narratrace.ingest.html import parse_html

    html = """<html><head><title>Report</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
      "datePublished": "2024-03-02T10:00:00+01:00"}</script></head><body><article>
    <p>On 5 January 2021 the first reports came in; the situation has changed a lot since then and the
    reporters on the ground describe long queues at the border crossing.</p></article></body></html>"""
    assert published_from_html(html).isoformat() == "2024-03-02T09:00:00+00:00"
    assert parse_html(html).published.date().isoformat() == "2024-03-02"
    assert published_from_html("<html><body><p>No metadata.</p></body></html>") is None
    assert published_from_html('<meta name="pubdate" content="not a date">') is None
