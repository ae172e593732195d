"""Properties of the readers on arbitrary input: they refuse with an InputError or return clean data.

Clean data: text without control characters or lone surrogates, dates in range, fields
of the declared types, metadata that JSON and both databases accept.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narratrace.errors import InputError
from narratrace.ingest import read_text
from narratrace.ingest.decode import decode_bytes
from narratrace.ingest.detect import FORMATS, detect_format
from narratrace.ingest.records import MAX_YEAR, MIN_YEAR, iter_jsonl, record_to_article
from narratrace.model import Article, to_jsonable

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
FIELDS = ["id", "url", "title", "text", "content", "published", "date", "outlet", "lang", "author", "authors", "extra"]
records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(min_size=1, max_size=200), max_size=8)

# Pieces of markup, feeds and JSON that readers treat specially, mixed with free text.
FRAGMENTS = [
    "<p>", "</p>", "<div a=1 b='2' c>", "</div>", "<html>", "<body>", "<article>", "<img src=x.jpg alt=y>",
    "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0' encoding='koi8-r'?>",
    "<!DOCTYPE rss [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>", "<!DOCTYPE html>", "<rss>", "<channel>", "<item>",
    "<title>", "</title>", "<description>", "</description>", "</item>", "&a;", "&b;", "&#27;", "&#0;", "&amp;",
    "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<content type='html'>", "{", "}", "[", "]",
    '"text": ', '"published": ', "true", "5", "\n", "\n\n", "(Photo: AP)", "By Jane Roe", "3 March 2025",
    "\x1b[31m", "\u202e", "\ufeff", "\x00",
]
documents = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=30), max_size=60).map("".join)


def _assert_clean(article: Article) -> None:
    assert isinstance(article.text, str) and article.text.strip()
    assert not CONTROL.search(article.text)
    for value in (article.id, article.title, article.url, article.outlet, article.lang, *article.authors):
        assert value is None or (isinstance(value, str) and not CONTROL.search(value))
    assert article.published is None or isinstance(article.published, datetime)
    article.content_hash  # noqa: B018 - encodable
    json.dumps(to_jsonable(article.metadata), allow_nan=False)


@given(records)
def test_any_record_is_an_article_with_valid_fields_or_refused(record):
    try:
        article = record_to_article(record)
    except InputError:
        return
    _assert_clean(article)
    if article.published is not None:
        assert MIN_YEAR <= article.published.year <= MAX_YEAR


@given(json_values)
def test_any_json_value_is_refused_cleanly_unless_an_object(value):
    try:
        _assert_clean(record_to_article(value))
    except InputError:
        pass


@given(st.binary(max_size=4096))
def test_any_bytes_decode_to_clean_text_or_are_refused(data):
    try:
        decoded = decode_bytes(data)
    except InputError:
        return
    assert decoded.text.strip() and not CONTROL.search(decoded.text)


@given(documents)
def test_format_detection_is_total(text):
    assert detect_format(text) in FORMATS


@given(documents, st.sampled_from([None, "html", "feed", "text", "json", "jsonl"]))
def test_any_document_in_any_format_reads_or_is_refused(text, fmt):
    try:
        articles = read_text(text, fmt=fmt)
    except InputError:
        return
    for article in articles:
        _assert_clean(article)


@given(st.lists(st.one_of(records.map(json.dumps), st.text(max_size=50)), max_size=10))
def test_jsonl_never_raises_and_numbers_each_line(lines):
    items = list(iter_jsonl("\n".join(lines)))
    assert all(isinstance(item, Article | InputError) for _, item in items)
    assert [n for n, _ in items] == sorted({n for n, _ in items})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from narratrace.store import open_store

    return open_store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}")


@given(records)
def test_every_accepted_record_can_be_stored(engine, record):
    from narratrace.store.articles import save_article
    from narratrace.store.engine import run_write

    try:
        article = record_to_article(record)
    except InputError:
        return
    run_write(engine, lambda conn: save_article(conn, article))
