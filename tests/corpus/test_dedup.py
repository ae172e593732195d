from datetime import UTC, datetime

import pytest

from narratrace.corpus.dedup import (
    Deduplicator,
    DocRef,
    copy_map,
    find_duplicates,
    longest_shared_passage,
    normalize_url,
)
from narratrace.errors import ConfigError

BASE = (
    "The regional council of Amberlund voted on Tuesday to close the old harbour bridge after engineers found "
    "deep cracks in two of its pillars. Traffic will be diverted through the northern ring road for at least "
    "six months, the council said. Shop owners near the bridge warned that the closure would cost them customers "
    "and asked for compensation from the city budget."
)
OTHER = (
    "A new public library opened in the village of Sorrel Creek with a collection of twelve thousand books, "
    "a reading garden and a small cinema for children, funded by a local cooperative."
)


def d(i, text, outlet=None, day=1, url=None):
    return DocRef(i, text, url=url, outlet=outlet, published=datetime(2031, 1, day, tzinfo=UTC))


def test_normalize_url_strips_tracking_and_case():
    assert normalize_url("http://WWW.Example.com/a/?utm_medium=x&b=2#frag") == normalize_url("https://example.com/a?b=2")
    assert normalize_url("https://example.com/a?b=2") != normalize_url("https://example.com/a?b=3")


def test_exact_text_and_url_groups():
    groups = find_duplicates([
        d("a", BASE, "A", 1), d("b", BASE, "B", 2),
        d("c", OTHER, "C", 1, url="https://x.example/p?utm_source=t"), d("e", OTHER + " Updated.", "C", 3, url="http://www.x.example/p"),
    ])
    kinds = {tuple(g.members): g.kinds for g in groups}
    assert kinds[("a", "b")] == ["exact_text"]
    assert "exact_url" in kinds[("c", "e")]


def test_near_duplicate_with_changed_ending_but_not_unrelated():
    near = BASE.replace("from the city budget.", "from the regional budget, a spokesman said.")
    groups = find_duplicates([d("a", BASE, "A", 2), d("b", near, "B", 1), d("c", OTHER, "C")])
    assert len(groups) == 1
    g = groups[0]
    assert g.kinds == ["near"] and g.canonical == "b"  # earliest copy is canonical
    assert g.links[0].score >= 0.7


def test_wire_copy_shares_a_long_passage_only():
    wire = "Intro written by the local desk about the mood in town today. " * 3 + BASE + " " + OTHER * 2
    groups = find_duplicates([d("wire", BASE, "Agency"), d("local", wire, "Local", 2)])
    assert [g.kinds for g in groups] == [["wire"]]
    assert groups[0].outlets == ["Agency", "Local"]
    # a shared quotation of 20 words does not make a wire copy
    quote = " ".join(BASE.split()[:20])
    assert find_duplicates([d("x", OTHER + " " + quote), d("y", "Completely different report. " * 5 + quote)]) == []


def test_copy_map_points_to_canonical():
    groups = find_duplicates([d("a", BASE, "A", 1), d("b", BASE, "B", 2), d("c", BASE, "C", 3)])
    assert copy_map(groups) == {"a": "a", "b": "a", "c": "a"}


def test_longest_shared_passage():
    assert longest_shared_passage("a b c d e".split(), "x b c d y".split()) == 3


@pytest.mark.parametrize("kw", [{"threshold": 0.0}, {"threshold": 1.5}, {"wire_min_words": 5}, {"num_perm": 4}])
def test_parameters_are_checked(kw):
    with pytest.raises(ConfigError):
        Deduplicator(**kw).fit([d("a", BASE)])
