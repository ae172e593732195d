from datetime import UTC, datetime

from narratrace.corpus.lifecycle import DORMANT_DAYS, QUIET_DAYS, assess, independent_outlets
from narratrace.corpus.narratives import Event


def day(n: int) -> datetime:
    return datetime(2031, 5, 1, tzinfo=UTC).replace(day=n)


def ev(n, kind, source, outlet=None, lang="en", verdict=None, copy_of=None, article=None):
    return Event(day(n), kind, article or f"a{n}-{outlet or source}", source, outlet or source, lang, verdict=verdict, copy_of=copy_of)


def test_emerging_then_spreading_by_independent_outlets():
    one = [ev(1, "asserted", "Wire", "Wire")]
    assert assess(one).state == "emerging"
    copies = one + [ev(1, "asserted", "Wire", "B", copy_of="a1-Wire"), ev(2, "asserted", "Wire", "C", copy_of="a1-Wire")]
    assert assess(copies).state == "emerging"  # copies of one text do not spread it
    spread = one + [ev(2, "asserted", "X", "B"), ev(2, "asserted", "Y", "C")]
    lc = assess(spread)
    assert lc.state == "spreading" and len(lc.justification) == 3
    assert independent_outlets(copies) == ["Wire"]


def test_contested_by_another_source():
    lc = assess([ev(1, "asserted", "Wire"), ev(2, "denied", "Ministry")])
    assert lc.state == "contested" and lc.justification[-1].type == "denied"
    # the asserting source "denying" (hedging) its own report is not a dispute
    assert assess([ev(1, "asserted", "Wire"), ev(2, "denied", "Wire")]).state == "emerging"


def test_denier_later_confirms():
    lc = assess([ev(1, "asserted", "Wire"), ev(2, "denied", "Dravian Defence Ministry"), ev(9, "confirmed", "the Defence Ministry of Dravia")])
    assert lc.state == "confirmed" and lc.denier_confirmed and lc.resolved
    assert [e.type for e in lc.justification] == ["asserted", "denied", "confirmed"]


def test_latest_resolution_wins():
    events = [ev(1, "asserted", "Wire"), ev(1, "asserted", "Ledger"), ev(2, "retracted", "Ledger"),
              ev(3, "denied", "Ministry"), ev(5, "confirmed", "Ministry")]
    assert assess(events).state == "confirmed"
    assert assess(events + [ev(6, "corrected", "Wire")]).state == "retracted"
    assert assess(events, as_of=day(2)).state == "retracted"  # the Ledger withdrew its own report


def test_confirmation_by_the_claimants_side_only_corroborates():
    claim = "Dravian troops are fighting for Kestria in Velora"
    events = [ev(1, "asserted", "Ostland intelligence"), ev(3, "confirmed", "Ostland defence ministry"),
              ev(4, "confirmed", "Allied command")]
    lc = assess(events, claim=claim)
    assert lc.state == "corroborated" and not lc.resolved
    denied = events + [ev(2, "denied", "Kestrian government")]
    lc = assess(denied, claim=claim)
    assert lc.state == "contested" and "does not answer a denial" in lc.reason


def test_acknowledged_by_a_party_the_claim_is_about():
    claim = "Dravian troops are fighting for Kestria in Velora"
    events = [ev(1, "asserted", "Ostland intelligence"), ev(2, "denied", "Kestrian government"),
              ev(20, "confirmed", "Kestrian chief of staff")]
    lc = assess(events, claim=claim)
    assert lc.state == "confirmed" and lc.resolved
    assert "Kestrian chief of staff" in lc.reason
    assert assess(events, claim=claim, as_of=day(5)).state == "contested"


def test_withdrawal_by_someone_else_is_news_not_a_retraction():
    events = [ev(1, "asserted", "Wire", "Wire"), ev(2, "retracted", "Army", "Ledger")]
    assert assess(events).state == "emerging"
    own = [ev(1, "asserted", "Wire", "Wire"), ev(2, "retracted", "Wire", "Wire")]
    assert assess(own).state == "retracted"


def test_refuted_by_fact_check_verdict():
    lc = assess([ev(1, "asserted", "Blog"), ev(3, "fact_checked", "Checker", verdict="Pants on Fire"), ev(4, "asserted", "Other")])
    assert lc.state == "refuted" and "still asserted 1" in lc.reason
    assert assess([ev(1, "asserted", "Blog"), ev(3, "fact_checked", "Checker", verdict="True")]).state == "confirmed"
    assert assess([ev(1, "asserted", "Blog"), ev(3, "fact_checked", "Checker", verdict="Unproven")]).state == "emerging"


def test_dormant_and_went_quiet_unresolved():
    events = [ev(1, "asserted", "A"), ev(2, "asserted", "B"), ev(3, "denied", "C")]
    assert assess(events, as_of=day(3 + DORMANT_DAYS)).state == "dormant"
    lc = assess(events, as_of=day(3 + QUIET_DAYS))
    assert lc.state == "went_quiet_unresolved" and lc.went_quiet_unresolved
    # a resolved narrative that goes quiet keeps its resolution
    resolved = events + [ev(4, "confirmed", "C")]
    lc = assess(resolved, as_of=day(4 + QUIET_DAYS + 5))
    assert lc.state == "confirmed" and not lc.went_quiet_unresolved


def test_one_databases_verdict_never_resolves_alone():
    def db(n, source, verdict):
        e = ev(n, "fact_checked", source, verdict=verdict)
        e.stance = "database"
        return e

    base = [ev(1, "asserted", "Blog"), ev(2, "asserted", "Other")]
    assert assess(base + [db(3, "Database A", "False")]).state == "emerging"
    assert assess(base + [db(3, "Database A", "False"), db(4, "Database A", "Fake")]).state != "refuted"
    lc = assess(base + [db(3, "Database A", "False"), db(4, "Database B", "Misleading")])
    assert lc.state == "refuted" and "Database B" in lc.reason
    # a fact-check published in the corpus (no "database" stance) resolves alone
    assert assess(base + [ev(3, "fact_checked", "Checker", verdict="False")]).state == "refuted"


def test_acknowledgement_is_judged_by_party_not_by_wording():
    def party_ev(n, kind, source, actor):
        e = ev(n, kind, source)
        e.actor = actor
        return e

    events = [party_ev(1, "asserted", "Ostland intelligence", "Ostland"), party_ev(2, "denied", "the foreign ministry in Marsk", "Dravia"),
              party_ev(9, "confirmed", "General Holm", "Dravia")]
    lc = assess(events, about={"Dravia", "Kestria"})
    assert lc.state == "confirmed" and lc.denier_confirmed and "Dravia had denied it" in lc.reason
    assert [e.actor for e in lc.state_events] == ["Ostland", "Dravia", "Dravia"]
    # the claimant's own repetition is corroboration, not confirmation, even when the claim names it
    own = [events[0], events[1], party_ev(5, "confirmed", "Ostland defence ministry", "Ostland")]
    assert assess(own, about={"Dravia", "Ostland"}).state == "contested"


def test_went_quiet_is_judged_against_the_corpus_volume():
    events = [ev(1, "asserted", "A"), ev(2, "asserted", "B"), ev(3, "denied", "C")]
    busy = {f"2031-05-{d:02d}": 3 for d in range(1, 31)}
    silent = {f"2031-05-{d:02d}": 3 for d in range(1, 4)}
    as_of = day(3 + QUIET_DAYS + 1)
    assert assess(events, as_of=as_of, volume=busy).state == "went_quiet_unresolved"
    # the whole corpus fell silent too: nothing says the narrative did
    lc = assess(events, as_of=as_of, volume=silent)
    assert lc.state == "contested" and not lc.went_quiet_unresolved
