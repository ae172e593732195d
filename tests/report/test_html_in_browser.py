"""Open a report built from script-injection payloads in headless Chromium: no script of
the article may run and no dialog may open, while the report's own script still works."""

import shutil

import pytest

from narratrace.analyze.pipeline import Pipeline
from narratrace.report.html import write_html

CHROMIUM = "/usr/bin/chromium"
FOUNDATION = ["language.v1", "segment.v1", "entities.v1", "sources.v1", "quotes.v1", "hedges.v1"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def test_hostile_report_runs_no_article_script(hostile_article, tmp_path):
    from playwright.sync_api import sync_playwright

    path = write_html(Pipeline(FOUNDATION)(hostile_article), tmp_path / "hostile.html")
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_timeout(500)
            for piece in page.query_selector_all(".hl")[:40]:
                piece.hover()
                piece.click()
            page.wait_for_timeout(300)
            pwned = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
            article_text = page.inner_text("#article")
            details = page.inner_text("#details-body")
            body_visible = page.is_visible("body")
        finally:
            browser.close()
    assert dialogs == []
    assert pwned is None
    assert "<script>window.__pwned = 1;" in article_text  # payloads are shown as text
    assert details.strip() != ""  # the report's own (nonce'd) script ran and filled the details panel
    assert body_visible
    assert [u for u in requests if not u.startswith("file://")] == []  # nothing fetched
