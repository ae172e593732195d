"""Canonical URLs and the article ids derived from them."""

from __future__ import annotations

from narratrace.model import Article
from narratrace.urls import normalize_url, url_id


def test_article_id_comes_from_the_canonical_url():
    a = Article("One text.", url="http://www.Velmora-Post.example/news/dam/?utm_source=feed&fbclid=x#comments")
    b = Article("The same page, fetched again.", url="https://velmora-post.example/news/dam")
    c = Article("Another page.", url="https://velmora-post.example/news/bridge")
    assert a.id == b.id == url_id("https://velmora-post.example/news/dam") != c.id
    assert Article("x", id="given-7", url="https://velmora-post.example/news/dam").id == "given-7"


def test_normalize_url_keeps_what_changes_the_page():
    assert normalize_url("https://example.org/a?id=2&page=1") == "https://example.org/a?id=2&page=1"
    assert normalize_url("https://example.org:8443/a") != normalize_url("https://example.org/a")
