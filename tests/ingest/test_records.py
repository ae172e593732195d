"""JSON/JSONL records are validated at the edge: wrong types and sizes are noted or refused, never fatal."""

from __future__ import annotations

import json

import pytest

from narratrace.errors import InvalidRecordError, MalformedInputError
from narratrace.ingest import IngestFailure, read_path
from narratrace.ingest.records import MAX_TITLE_CHARS, iter_json, iter_jsonl, record_to_article
from narratrace.model import Article

TEXT = "The ministry denied the report on Tuesday."


@pytest.mark.parametrize("value", [5, 1.5, True, None, [], {}, ["a"], {"x": "y"}, "   "])
def test_text_of_the_wrong_type_is_refused_with_its_type_not_its_value(value):
    with pytest.raises(InvalidRecordError) as info:
        record_to_article({"id": "a", "text": value, "title": "SECRET TITLE"})
    assert info.value.code == "E108" and "SECRET" not in str(info.value)


@pytest.mark.parametrize("published", [{}, [], True, False, "not a date", "0000-00-00", 1e400, -1e30, "9999-12-31"])
def test_unusable_dates_are_dropped_with_a_note_never_1970(published):
    article = record_to_article({"text": TEXT, "published": published})
    assert article.published is None
    assert any("published" in note for note in article.notes)


def test_epoch_seconds_and_milliseconds():
    assert record_to_article({"text": TEXT, "published": 1_740_000_000}).published.year == 2025
    article = record_to_article({"text": TEXT, "published": 1_740_000_000_000})
    assert article.published.year == 2025 and any("milliseconds" in n for n in article.notes)


@pytest.mark.parametrize("field, value", [("url", 42), ("url", {"href": "x"}), ("url", "not a url " * 5),
                                          ("url", "https://x.example/" + "a" * 5000), ("lang", "english please"),
                                          ("lang", 7), ("title", ["a"]), ("outlet", {}), ("id", "x" * 2000), ("id", [1])])
def test_bad_short_fields_are_dropped_with_a_note(field, value):
    article = record_to_article({"text": TEXT, field: value})
    assert article.notes and all(str(value)[:20] not in note for note in article.notes if len(str(value)) > 20)
    if field in ("url", "lang", "title", "outlet"):
        assert getattr(article, field) is None


def test_long_title_is_cut_and_numbers_become_strings():
    article = record_to_article({"text": TEXT, "title": "T" * 5000, "id": 17, "outlet": 3})
    assert len(article.title) == MAX_TITLE_CHARS and article.id == "17" and article.outlet == "3"


def test_control_characters_and_lone_surrogates_are_cleaned():
    record = json.loads('{"text": "Body\\u001b[2J text \\ud800 end.", "title": "T\\u0007itle", "m": "\\udc80"}')
    article = record_to_article(record)
    assert "\x1b" not in article.text and "\ud800" not in article.text and article.title == "Title"
    article.content_hash  # noqa: B018 - encodable: would raise on a lone surrogate
    assert article.metadata == {"m": "\ufffd"}


def test_metadata_nan_and_deep_nesting_are_made_storable():
    deep: object = "leaf"
    for _ in range(200):
        deep = [deep]
    article = record_to_article({"text": TEXT, "score": float("nan"), "deep": deep})
    assert article.metadata["score"] is None
    json.dumps(article.metadata, allow_nan=False)
    assert any("nested deeper" in n for n in article.notes)


def test_one_bad_record_in_a_json_list_does_not_lose_the_others():
    text = json.dumps([{"text": TEXT}, {"text": 5}, "just a string", {"text": "Another good one."}])
    items = list(iter_json(text))
    assert [n for n, _ in items] == [1, 2, 3, 4]
    assert [type(i).__name__ for _, i in items] == ["Article", "InvalidRecordError", "InvalidRecordError", "Article"]


def test_jsonl_numbers_lines_and_survives_huge_integers():
    text = "\n".join([json.dumps({"text": TEXT}), "", '{"text": "x", "n": ' + "9" * 5000 + "}", '{"text": 5}', "{broken"])
    items = dict(iter_jsonl(text))
    assert isinstance(items[1], Article)
    assert all(isinstance(items[n], MalformedInputError) for n in (3, 4, 5))


def test_read_path_lists_every_bad_record_and_keeps_every_good_one(tmp_path):
    lines = [{"id": "good-1", "text": TEXT}, {"text": 5}, {"url": 42, "text": "Second good text."},
             {"published": {}, "text": "Third good text."}, {"published": True, "text": "Fourth good text."}]
    (tmp_path / "mixed.jsonl").write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    items = list(read_path(tmp_path))
    good = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, IngestFailure)]
    assert len(good) == 4 and [b.record for b in bad] == [2]
    assert all(a.published is None for a in good)
