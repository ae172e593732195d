"""The same-claim test: full claims, agreeing names, a shared predicate; whose verdict."""

from __future__ import annotations

import pytest

from narratrace.factcheck import matcher
from narratrace.factcheck._claim import ClaimShape, agreement, claim_shape, name_keys, names_match
from narratrace.factcheck._index import Hit
from narratrace.factcheck._records import FactCheckRecord


def shape(content: str, names: tuple[str, ...] | None = (), predicate: bool | None = True) -> ClaimShape:
    return ClaimShape(tuple(content.split()), names, predicate)


TROOPS = shape("north korean troop fight kursk", ("North Korean", "Kursk"))


def test_agreeing_full_claims_may_be_the_same_claim() -> None:
    record = ClaimShape(("north", "korea", "soldier", "fight", "kursk", "region"), ("North Korea", "Kursk"), True, ("fight",))
    a = agreement(ClaimShape(TROOPS.content, TROOPS.names, True, ("fight",)), record)
    assert a.ceiling == "same_claim" and a.reasons == ()
    assert a.shared_names == ("North Korean", "Kursk") and a.shared_content == ("fight",)


@pytest.mark.parametrize("fragment", [shape("decis", (), False), shape("decis explain", (), True)])
def test_a_fragment_is_never_suggested(fragment: ClaimShape) -> None:
    assert agreement(fragment, TROOPS).ceiling == "related"
    assert agreement(TROOPS, fragment).ceiling == "related"


def test_names_that_differ_outright_are_not_even_suggested() -> None:
    putin = shape("putin refus peac talk", ("Putin",))
    zelensky = shape("zelenski refus peac talk", ("Zelensky",))
    a = agreement(putin, zelensky)
    assert a.ceiling == "related" and "names differ" in a.reasons[0]


def test_the_test_is_symmetric_in_names() -> None:
    """Which side holds which name does not matter: every name is treated alike."""
    for a, b in (("Russia", "Ukraine"), ("Ukraine", "Russia"), ("RT", "New York Times"), ("New York Times", "RT")):
        q, r = shape("x lie about war crime", (a,)), shape("x lie about war crime", (b,))
        assert agreement(q, r).ceiling == "related"
        assert agreement(q, shape("x lie about war crime", (a,))).ceiling == "same_claim"


def test_partial_names_cap_at_suggested() -> None:
    record = shape("us allow strike insid russia missil", ("US", "Russia"))
    query = shape("biden administr allow strike insid russia missil", ("Biden", "Russia"))
    a = agreement(query, record)
    assert a.ceiling == "suggested" and any("US" in r for r in a.reasons)


def test_record_keywords_confirm_the_claims_names() -> None:
    query = shape("navalni poison german servic", ("Navalny", "German"))
    record = shape("special servic help poison", ())
    assert agreement(query, record).ceiling == "suggested"
    assert agreement(query, record, aliases=["Alexei Navalny", "Germany"]).ceiling == "same_claim"


def test_no_shared_predicate_or_unknown_names_cap_at_suggested() -> None:
    assert agreement(TROOPS, shape("north korea withdrew soldier kursk", ("North Korea", "Kursk"))).ceiling == "suggested"
    assert agreement(shape("nordkorea soldat kampf kursk", None, None), TROOPS).ceiling == "suggested"
    cyr = shape("северокорейск войск воюют курск", ("Курской",), None)
    assert agreement(cyr, TROOPS).ceiling == "suggested"


def test_cap_lowers_never_raises() -> None:
    capped = agreement(TROOPS, shape("north korea withdrew soldier kursk", ("North Korea", "Kursk")))
    assert capped.cap("same_claim") == "suggested" and capped.cap("related") == "related"


def test_name_keys_compare_stems_and_acronyms() -> None:
    assert names_match("U.S.", "United States") and names_match("Ukrainian", "Ukraine")
    assert names_match("the New York Times", "NYT")
    assert not names_match("North Korea", "South Korea") and not names_match("Senator", "NATO")
    assert name_keys("EU") == {"eu"}


def test_english_shapes_from_the_parser() -> None:
    fragment = claim_shape("his decision", "en")
    assert not fragment.full
    full = claim_shape("North Korean troops are fighting Ukrainian forces in the Kursk region.", "en")
    assert full.full and full.predicate
    assert any(names_match(n, "North Korea") for n in full.names or ())


def test_russian_names_are_capitalised_words() -> None:
    s = claim_shape("Власти заявили, что войска КНДР воюют в Курской области.", "ru")
    assert s.names == ("КНДР", "Курской") and s.predicate is None and s.full
    assert claim_shape("Die Nato hat die Entsendung von Soldaten verurteilt.", "de").names is None


def _record() -> FactCheckRecord:
    return FactCheckRecord(
        "https://euvsdisinfo.eu/report/x/", "North Korean troops are fighting in the Kursk region", "euvsdisinfo",
        verdict="Disinformation", publisher="EUvsDisinfo", publisher_site="euvsdisinfo.eu", language="en",
        extra={"countries": ["Russia", "North Korea"], "keywords": ["Kursk"]},
    )


def _hit(confidence: float) -> Hit:
    return Hit(row=0, record_id="https://euvsdisinfo.eu/report/x/", score=1.0, confidence=confidence,
               features={"cos_max": 0.9, "bm25_all": 1.0})


def test_a_confident_match_of_a_fragment_is_only_related() -> None:
    m = matcher._to_match(_hit(0.99), 1, _record(), None, "his decision", "en")
    assert m.level_by_confidence == "same_claim" and m.level == "related"
    d = m.to_dict()
    assert d["level"] == "related" and d["same_claim_test"]["ceiling"] == "related"
    assert "capped at related" in d["why"]["text"] and "fragment" in d["why"]["text"]


def test_every_match_names_whose_verdict_it_is() -> None:
    m = matcher._to_match(_hit(0.99), 1, _record(), None, "North Korean soldiers are fighting in Kursk, Russia.", "en")
    assert m.level == "same_claim"
    by = m.to_dict()["verdict_by"]
    assert by["publisher"] == "EUvsDisinfo" and by["single_source"] is True
    assert by["label"].startswith("Disinformation — EUvsDisinfo's verdict (EUvsDisinfo database")
    low = matcher._to_match(_hit(0.01), 1, _record(), None, "his decision", "en")
    assert low.check is None and low.level == "related"  # not shown, so not tested


def test_verbs_must_agree_where_both_are_parsed() -> None:
    fight = ClaimShape(("north", "korean", "troop", "fight", "kursk"), ("North Korean", "Kursk"), True, ("fight",))
    withdraw = ClaimShape(("north", "korean", "troop", "withdrawn", "kursk"), ("North Korean", "Kursk"), True, ("withdraw",))
    a = agreement(withdraw, fight)
    assert a.ceiling == "suggested" and "verbs differ" in a.reasons[-1]
    assert agreement(fight, fight).ceiling == "same_claim"
    parsed = claim_shape("North Korean troops have withdrawn from the Kursk region.", "en")
    assert parsed.verbs == ("withdraw",)


@pytest.mark.parametrize("fragment", ["guided by US forces", "to allow Kiev to attack Russia with US missiles", "the Kursk region"])
def test_english_fragments_without_subject_or_verb(fragment: str) -> None:
    assert not claim_shape(fragment, "en").full


def test_a_claim_about_no_one_or_about_others_is_not_shown() -> None:
    record = shape("jit present evid mh17", ("JIT", "MH17"))
    assert agreement(shape("new inform status week"), record).ceiling == "related"
    crowded = shape("stori us nato north korean troop kursk russia coup", ("US", "NATO", "North Korean", "Kursk", "Russia"))
    a = agreement(crowded, shape("nato back coup ukrain", ("NATO",)))
    assert a.ceiling == "related" and "mostly about other names" in a.reasons[0]


def test_dates_and_titles_are_not_names() -> None:
    s = claim_shape("In November, President Biden authorized missile strikes inside Russia.", "en")
    assert "November" not in (s.names or ()) and "President" not in (s.names or ())
    assert any(names_match(n, "Biden") for n in s.names or ())


def test_short_curated_records_are_claims_short_article_texts_are_not() -> None:
    crimea = claim_shape("Crimea is Russian", "en")
    assert crimea.full_record and not crimea.full
    assert agreement(claim_shape("Russia says Crimea is Russian territory.", "en"), crimea).ceiling != "related"
    assert agreement(claim_shape("It is Kiev that refuses.", "en"), claim_shape("Kiev refuses to pay its national debt", "en")).ceiling == "related"


def test_without_a_parser_a_claim_needs_one_more_content_word() -> None:
    assert not claim_shape("Biden nannte das Führung.", "de").full
    assert claim_shape("5G-Mobilfunknetze verbreiten das Coronavirus.", "de").full


def test_posts_lose_signature_and_links_and_keep_handles_as_names() -> None:
    from narratrace.factcheck._claim import strip_post

    post = "Trump says @BernieSanders won #LasVegas https://t.co/x — Jo Doe (@jodoe) April 3, 2016"
    assert strip_post(post) == "Trump says Bernie Sanders won Las Vegas"


def test_headline_case_leaves_names_unknown_but_compares_words() -> None:
    head = claim_shape("Woman Gives Vodka Butt Shots At Bar Causing Riot", "en")
    assert head.headline and head.names is None and head.full
    assert not claim_shape("North Korean soldiers are fighting in Kursk, Russia.", "en").headline
    record = claim_shape("A riot broke out after a woman gave vodka butt shots at a bar.", "en")
    assert agreement(head, record).ceiling != "related"
    weak = claim_shape("This Week's Trend: The Turkish Jet Was Guided By American Pilots", "en")
    assert agreement(claim_shape("This week it is American hegemony.", "en"), weak).ceiling != "same_claim"
