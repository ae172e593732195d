"""Page furniture (navigation, share prompts, bylines, CSS) is marked and never analysed.

Every page here was written for these tests; none is copied from a real site.
"""

from __future__ import annotations

import pytest

from narratrace.analyze.pipeline import Pipeline
from narratrace.ingest.html import parse_html
from narratrace.model import Article
from narratrace.text.furniture import furniture_rule, furniture_rules
from narratrace.text.segment import paragraph_spans

PAGE_HTML = """<!doctype html><html><head><title>Port strike ends after talks</title>
<style>.nav{display:none}</style></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a></nav>
<article><h1>Port strike ends after talks</h1>
<p>Dock workers in the northern port returned to work on Tuesday after a nine-day strike, the union said.</p>
<div class="css-1x2y3z">.css-1x2y3z{display:none;} .text__text__1FZLe{color:#333}</div>
<p>The agreement raises wages by 4 percent this year and 3 percent next year, according to a statement from the port authority.</p>
<p>Like this story? Share it</p>
<p>SEE MORE</p>
<p>It was not possible to independently verify the figures given by the union.</p>
<p>Sign up for our newsletter</p>
<p>Tags: Ports, Strikes, Wages, Economy</p>
</article>
<footer>We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.</footer>
</body></html>"""

PLAIN_PAGE = (
    "Home | World | Business | Markets | Sport\n"
    "World Business Markets Sustainability Legal Technology Investigations\n"
    "After the floods in the river valley\n"
    "By Anna Berg and Tomas Lind\n"
    "Updated 4 March 2026, 10:42 GMT\n"
    "Flood waters in the river valley fell by half a metre overnight, the regional water authority said on Wednesday.\n"
    "Read more\n"
    "About 1,200 residents remain in temporary shelters, according to the regional government.\n"
    "Photo: Anna Berg/Agency\n"
    "Share | Tweet | Email | Print\n"
    "We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.\n"
)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Like this story? Share it", "notice"),
        ("SEE MORE", "ui"),
        ("Read more", "ui"),
        ("Sign up for our newsletter", "notice"),
        ("Teilen", "ui"),
        ("Weiterlesen", "ui"),
        ("Поделиться", "ui"),
        ("Читать далее", "ui"),
        (".article-body__content{display:none}", "code"),
        ("css-1x2y3z text__text__1FZLe text__dark-grey__3Ml43", "code"),
        ("Home | News | World | Europe", "navigation"),
        ("World Business Markets Sustainability Legal Technology", "name_list"),
        ("Politik Wirtschaft Sport Kultur Wissen Reisen", "name_list"),
        ("Tags: Ports, Strikes, Wages", "label"),
        ("By Jane Doe and John Smith", "label"),
        ("Reporting by Jane Doe; Editing by John Smith", "label"),
        ("Foto: Anna Berg/Agentur", "label"),
        ("Источник: пресс-служба", "label"),
        ("@newsdesk #floods https://example.org/a", "links"),
        ("Wir verwenden Cookies, um unsere Website zu verbessern.", "notice"),
    ],
)
def test_furniture_lines(line, rule):
    assert furniture_rule(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        "The ministry said the talks would resume on Monday.",
        "Share prices fell sharply on Monday.",
        "By the end of the year, prices had risen by a third.",
        "It was not possible to independently verify the group's claim.",
        "Minister Signs Decree On Grain Exports",
        "Das Ministerium teilte mit, die Gespräche würden fortgesetzt.",
        "Министерство заявило, что переговоры продолжатся.",
        "More than 100 people were killed, officials said.",
        "Ships Leave Port",
    ],
)
def test_article_text_is_not_furniture(line):
    assert furniture_rule(line) is None


def test_title_case_headline_in_title_position_is_text():
    headline = "Regional Court Orders New Count In Harbour Vote"
    assert furniture_rules([headline, headline]) == [None, None]  # has a closed-class word ("In")
    nav = "Harbour Vote Recount Court Order Regional Politics"
    assert furniture_rules([nav, nav]) == [None, "name_list"]  # the first line may be a headline


def test_scraped_lines_are_paragraphs_not_wrapped_text():
    spans = paragraph_spans(PLAIN_PAGE)
    assert len(spans) == PLAIN_PAGE.count("\n")  # short lines of a page are not a hard-wrapped block


def test_plain_page_furniture_is_marked_not_deleted():
    analysis = Pipeline(["language.v1", "segment.v1"])(Article(text=PLAIN_PAGE))
    assert analysis.text == PLAIN_PAGE
    marked = [PLAIN_PAGE[p.start : p.end] for p in analysis.paragraphs if p.furniture]
    kept = [PLAIN_PAGE[p.start : p.end] for p in analysis.paragraphs if not p.furniture]
    assert kept == [
        "After the floods in the river valley",
        "Flood waters in the river valley fell by half a metre overnight, the regional water authority said on Wednesday.",
        "About 1,200 residents remain in temporary shelters, according to the regional government.",
    ]
    assert len(marked) == 8
    assert analysis.language == "en"


def test_html_page_css_and_prompts_are_furniture():
    article = parse_html(PAGE_HTML)
    analysis = Pipeline(["language.v1"])(article)
    text = analysis.text
    marked = {text[p.start : p.end] for p in analysis.paragraphs if p.furniture}
    assert "Like this story? Share it" in marked and "SEE MORE" in marked
    assert "Sign up for our newsletter" in marked and "Tags: Ports, Strikes, Wages, Economy" in marked
    assert any("{display:none;}" in m for m in marked)
    prose = [text[p.start : p.end] for p in analysis.paragraphs if not p.furniture]
    assert any(p.startswith("Dock workers") for p in prose)
    assert any(p.startswith("It was not possible") for p in prose)


def test_checkworthiness_skips_furniture_and_headings_and_ranks_claims():
    analysis = Pipeline(["language.v1", "segment.v1", "checkworthiness.v1"])(Article(text=PLAIN_PAGE))
    furniture = {i for i, p in enumerate(analysis.paragraphs) if p.furniture}
    for s in analysis.sentences:
        if s.paragraph in furniture:
            assert s.checkworthiness is None
        else:
            assert s.checkworthiness is not None
    heading = next(s for s in analysis.sentences if analysis.text[s.start : s.end] == "After the floods in the river valley")
    assert heading.checkworthiness == 0.0  # a heading, scored as no sentence
    summary = analysis.summaries["checkworthiness"]
    ranked = summary["ranked"]
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
    assert all(r["score"] >= summary["threshold"] for r in ranked)
    assert summary["furniture_sentences"] == sum(1 for s in analysis.sentences if s.paragraph in furniture)
