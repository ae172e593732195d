from __future__ import annotations

from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.collect import (
    images_from_article,
    images_from_folder,
    images_from_html,
    images_from_saved_page,
)
from narratrace.model import Article, ImageRef

HTML = """<html><head><meta property="og:image" content="https://cdn.example.org/og.jpg"></head><body>
<p>Intro paragraph about the shelling.</p>
<figure><picture><source srcset="p/a-800.webp 800w, p/a-1600.webp 1600w">
<img src="p/a.jpg" alt="A destroyed bridge"></picture>
<figcaption>The bridge at Irpin, March 2022. <span class="credit">Photo: A. Smith/Reuters</span></figcaption></figure>
<img src="p/b.jpg" srcset="p/b-320.jpg 320w, p/b-1200.jpg 1200w" title="Crowd">
<p>After paragraph.</p>
<img src="pixel.gif" width="1" height="1">
<img src="data:image/png;base64,AAAA">
<figure><img data-src="p/c.jpg"><figcaption>Smoke over the city. © Jane Roe</figcaption></figure>
</body></html>"""


def test_html_images_with_context() -> None:
    items = images_from_html(HTML, base_url="https://news.example.org/story/")
    srcs = [i.ref.src for i in items]
    assert srcs[:3] == ["https://news.example.org/story/p/a.jpg", "https://news.example.org/story/p/b.jpg",
                        "https://news.example.org/story/p/c.jpg"]
    assert "https://cdn.example.org/og.jpg" in srcs
    assert not any("pixel" in s or s.startswith("data:") for s in srcs)
    a, b, c = items[:3]
    assert a.ref.caption == "The bridge at Irpin, March 2022." and a.ref.credit == "A. Smith/Reuters"
    assert a.ref.alt == "A destroyed bridge" and "Intro paragraph" in a.context
    assert b.extra["srcset_best"] == "p/b-1200.jpg" and "After paragraph." in b.context
    assert c.ref.credit == "Jane Roe" and c.ref.caption == "Smoke over the city."


def test_saved_page_maps_assets_and_stays_inside(tmp_path) -> None:
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "photo.jpg").write_bytes(jpeg_bytes(scene(30)))
    (tmp_path.parent / "outside.jpg").write_bytes(b"x")
    page = tmp_path / "page.html"
    page.write_text('<figure><img src="page_files/photo.jpg"><figcaption>Cap</figcaption></figure>'
                    '<img src="../outside.jpg"><img src="https://cdn.example.org/img/photo.jpg">')
    items = images_from_saved_page(page)
    assert items[0].local_path == (tmp_path / "page_files" / "photo.jpg").resolve()
    assert items[0].origin == "saved_page"
    assert items[1].local_path is None  # never outside the page's folder
    assert items[2].local_path == (tmp_path / "page_files" / "photo.jpg").resolve()  # renamed remote asset


def test_folder_with_sidecar_captions(tmp_path) -> None:
    (tmp_path / "a.jpg").write_bytes(jpeg_bytes(scene(31)))
    (tmp_path / "a.txt").write_text("Tanks near Bakhmut, May 2023")
    (tmp_path / "b.png").write_bytes(b"")
    items = list(images_from_folder(tmp_path))
    assert [i.ref.src for i in items] == ["a.jpg", "b.png"]
    assert items[0].ref.caption == "Tanks near Bakhmut, May 2023"


def test_text_credits_become_items() -> None:
    text = "Body text.\n\nSoldiers at a checkpoint.\n(Screenshot:NYT)\n\nMore."
    start = text.index("(Screenshot")
    art = Article(text=text, id="t1", outlet="X", images=[ImageRef(credit="NYT", kind="screenshot",
                  caption="Soldiers at a checkpoint.", start=start, end=start + 16)])
    [item] = images_from_article(art)
    assert item.origin == "text" and item.article_id == "t1" and item.local_path is None
    assert "Soldiers at a checkpoint." in item.context
