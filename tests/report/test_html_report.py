import re

from narratrace.analyze.pipeline import Pipeline
from narratrace.report.html import render_html, safe_url, script_json

FOUNDATION = ["language.v1", "segment.v1", "entities.v1", "sources.v1", "quotes.v1", "hedges.v1"]


def test_hostile_text_is_escaped_everywhere(hostile_article):
    html = render_html(Pipeline(FOUNDATION)(hostile_article))
    # The only script elements are the JSON data island and the report's own nonce'd script.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert len(scripts) == 2
    assert scripts[0].startswith('<script type="application/json"')
    assert re.match(r'<script nonce="[\w-]{16,}">', scripts[1])
    assert "<img src=x" not in html and "<svg" not in html and "<iframe" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in html  # shown as text
    # The JSON island cannot be closed early by article text.
    island = html.split('<script type="application/json" id="highlight-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in island


def test_csp_is_restrictive_and_nonce_matches(hostile_article):
    html = render_html(Pipeline(FOUNDATION)(hostile_article))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "img-src 'none'" in csp and "connect-src 'none'" in csp
    nonce = re.search(r"script-src 'nonce-([\w-]+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in html
    assert "unsafe-inline" not in csp and "http" not in csp


def test_highlights_cover_the_right_text(examples_dir):
    from narratrace.ingest import read_file

    analysis = Pipeline(FOUNDATION)(read_file(examples_dir / "opinion_piece.txt")[0])
    html = render_html(analysis)
    assert re.search(r'<span class="hl" data-h="[\d ]+" title="[^"]*hedge: no_evidence[^"]*">without providing any evidence</span>', html)


def test_safe_url_and_script_json():
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JAVASCRIPT:alert(1)") is None
    assert safe_url('https://a.example/"onmouseover=x') is None
    assert str(script_json({"t": "</script><b>&"})) == '{"t": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
