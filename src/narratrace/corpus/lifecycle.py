"""Lifecycle state of a narrative, with the events that justify it.

The rules, applied to a narrative's dated events up to a reference date ``as_of``
(events after it are ignored, so the state is the one that held on that date; by
default the date of the newest article in the corpus, so that a corpus that ends does
not make every narrative look quiet):

1. **Resolution** -- the *latest* resolving event decides, so a later confirmation
   overrides an earlier withdrawal and a later retraction overrides an earlier
   confirmation:

   - ``confirmed`` only when it is *acknowledged by a party that denied it* (a party
     with an earlier ``denied`` event) or *by a party it is about* (a party the claim
     names, the claimant excepted: "Kestria's chief of staff" for a claim about Kestrian
     troops), or when a fact-check's verdict supports the claim. Parties are compared by
     their normalised actor (:mod:`narratrace.corpus.parties`) when events carry one, else
     by their source names. A "confirmation" by anyone else -- the claimant's own side,
     its allies, another outlet -- is *corroboration*: it does not resolve the narrative
     (see 2). Sides are read from stances, never from a list of countries: the other
     side of a claim is the parties that denied it and the parties it is about, so
     corroboration "from the other side" is exactly such an acknowledgement;
   - fact-check whose verdict refutes the claim (false, misleading, fake, ...) -> ``refuted``.
     A verdict counts when a fact-check *published in the corpus* gives it, or when at
     least :data:`MIN_DATABASE_VERDICTS` different fact-check sources of a database match
     agree: one database's verdict never resolves a narrative alone;
   - ``retracted`` or ``corrected`` event -> ``retracted`` only when it is the publisher
     withdrawing its *own* report (the outlet or source of an earlier assertion). Other
     "withdrawals" (a military pulling back, another outlet's correction) are news about
     the claim, not a stance toward it.

2. Otherwise the narrative is unresolved and, by its last event:

   - no event for :data:`QUIET_DAYS` or more while the corpus kept publishing -> ``went_quiet_unresolved``
     (and the flag ``went_quiet_unresolved`` is true). "Kept publishing" is judged on
     volume when the corpus's articles per day are given: the narrative's share of the
     corpus while it was active, times the corpus's articles since its last event, must
     reach :data:`QUIET_MIN_EXPECTED` (a corpus that itself fell silent does not make its
     narratives quiet);
   - no event for :data:`DORMANT_DAYS` or more (with :data:`DORMANT_MIN_EXPECTED` expected mentions) -> ``dormant``;
   - a ``denied`` or ``questioned`` event from a source other than the asserting ones ->
     ``contested`` (corroboration does not lift a denial; the reason counts it);
   - corroborated by a source other than the first asserter -> ``corroborated``;
   - asserted by at least :data:`SPREAD_MIN_OUTLETS` independent outlets (copies of one
     text count once) or in two or more languages -> ``spreading``;
   - else ``emerging``.

Every outlet and party is judged by these same rules. Each state cites the events that
justify it (``state_events``).

Examples
--------
>>> from datetime import datetime, UTC
>>> from narratrace.corpus.narratives import Event
>>> d = lambda day: datetime(2031, 5, day, tzinfo=UTC)
>>> ev = [Event(d(1), "asserted", "a1", "Nordwire"), Event(d(2), "denied", "a2", "Ministry"),
...       Event(d(9), "confirmed", "a3", "Ministry")]
>>> lc = assess(ev, as_of=d(10))
>>> lc.state, lc.denier_confirmed
('confirmed', True)
>>> assess(ev, as_of=d(5)).state  # as it stood before the ministry turned
'contested'
>>> assess([ev[0], Event(d(3), "confirmed", "a4", "Ostland intelligence")]).state
'corroborated'

"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from narratrace.corpus.records import Event
from narratrace.corpus.verdicts import verdict_class

# Source names are compared on word stems of this many Latin letters (after
# transliteration), so "Dravian"/"Dravia"/"Дравии" meet.
SOURCE_KEY_PREFIX = 5
# Words that say what kind of source it is but not which one.
_GENERIC_SOURCE_WORDS = {"the", "said", "according", "officials", "official", "sources", "source", "spokesman", "spokeswoman"}

STATES = ("emerging", "spreading", "contested", "corroborated", "confirmed", "refuted", "retracted", "dormant",
          "went_quiet_unresolved")
# Days without any event after which an unresolved narrative is "dormant": a week, the
# usual news-cycle length in which a live claim is repeated or answered.
DORMANT_DAYS = 7
# Days without any event after which an unresolved narrative "went quiet unresolved":
# two news cycles with nobody repeating, denying, confirming or refuting it.
QUIET_DAYS = 14
# Independent outlets (duplicates folded) needed to call a narrative "spreading"
# rather than "emerging": three is the smallest number that is more than one outlet
# repeating another's report and its answer.
SPREAD_MIN_OUTLETS = 3
# Different fact-check sources of database matches that must agree before their verdict
# resolves a narrative (a review published in the corpus counts alone).
MIN_DATABASE_VERDICTS = 2
# Mentions a narrative would have had since its last event, at its share of the corpus
# while active, before its silence counts as "went quiet": with Poisson counts, 3 expected
# and 0 seen happens by chance 5% of the time.
QUIET_MIN_EXPECTED = 3.0
# ... and before it counts as "dormant" (0 seen with 2 expected: 14% by chance).
DORMANT_MIN_EXPECTED = 2.0


@dataclass(slots=True)
class Lifecycle:
    """A narrative's state with its reason and the events that justify it."""

    state: str
    reason: str
    state_events: list[Event] = field(default_factory=list)
    went_quiet_unresolved: bool = False
    denier_confirmed: bool = False
    resolved: bool = False
    quiet_days: float | None = None

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "reason": self.reason,
            "went_quiet_unresolved": self.went_quiet_unresolved,
            "denier_confirmed": self.denier_confirmed,
            "resolved": self.resolved,
            "quiet_days": self.quiet_days,
            "state_events": [e.to_dict() for e in self.state_events],
        }

    @property
    def justification(self) -> list[Event]:
        """Alias of :attr:`state_events`."""
        return self.state_events


def _source_keys(name: str) -> set[str]:
    from narratrace.corpus.similarity import translit

    words = [w for w in re.findall(r"\w+", name.casefold()) if len(w) > 3 and w not in _GENERIC_SOURCE_WORDS]
    return {translit(w)[:SOURCE_KEY_PREFIX] for w in words}


def _same_source(a: str | None, b: str | None) -> bool:
    """Loose match of two source names, across scripts.

    Words are transliterated and cut to a stem (:data:`SOURCE_KEY_PREFIX` letters);
    two names match when they share at least half the stems of the shorter one.

    >>> _same_source("Dravian Defence Ministry", "the ministry of defence of Dravia")
    True
    >>> _same_source("Dravian Defence Ministry", "Kestrian officials")
    False
    """
    if not a or not b:
        return False
    if a.casefold() == b.casefold():
        return True
    ka, kb = _source_keys(a), _source_keys(b)
    if not ka or not kb:
        return False
    return len(ka & kb) * 2 >= min(len(ka), len(kb)) and len(ka & kb) >= min(2, len(ka), len(kb))


def _party(e: Event) -> str:
    return e.actor or e.source or e.outlet or "?"


def _same_party(a: Event, b: Event) -> bool:
    """Same normalised actor when both events carry one, else loosely the same source name."""
    if a.actor and b.actor:
        return a.actor == b.actor
    return _same_source(a.source, b.source)


def _day(d: datetime | None) -> str:
    return d.date().isoformat() if d else "undated"


def independent_outlets(events: Sequence[Event], types: tuple[str, ...] = ("asserted",)) -> list[str]:
    """Outlets with at least one event of ``types`` in an article that is not a copy."""
    out: list[str] = []
    for e in events:
        if e.type in types and e.copy_of is None and e.outlet and e.outlet not in out:
            out.append(e.outlet)
    return out


def _claim_keys(claim: str | None) -> set[str]:
    """Keys of the capitalised words of a claim (the parties it names), as :func:`_source_keys`."""
    if not claim:
        return set()
    return _source_keys(" ".join(w for w in re.findall(r"\w+", claim) if w[:1].isupper()))


def _expected_since(events: Sequence[Event], last: datetime, as_of: datetime, volume: Mapping[str, int]) -> float:
    """Mentions expected after ``last`` up to ``as_of`` at the narrative's share of the corpus."""
    days = sorted({e.date.astimezone(UTC).date() for e in events if e.date})
    first = days[0]
    active = sum(n for d, n in volume.items() if first.isoformat() <= d <= last.astimezone(UTC).date().isoformat())
    share = min(1.0, len({e.article for e in events}) / active) if active else 0.0
    after = (last.astimezone(UTC) + timedelta(days=1)).date().isoformat()
    since = sum(n for d, n in volume.items() if after <= d <= as_of.astimezone(UTC).date().isoformat())
    return share * since


def _own_report(retraction: Event, asserted: Sequence[Event]) -> bool:
    """True when ``retraction`` comes from the outlet or source of an earlier assertion."""
    return any(
        (a.outlet and retraction.outlet and a.outlet == retraction.outlet) or _same_source(a.source, retraction.source)
        for a in asserted if a.date is None or retraction.date is None or a.date <= retraction.date
    )


def assess(events: Sequence[Event], *, as_of: datetime | None = None, claim: str | None = None,
           about: set[str] | None = None, volume: Mapping[str, int] | None = None) -> Lifecycle:
    """The lifecycle state of a narrative from its events (see the module rules).

    Parameters
    ----------
    events:
        The narrative's events, in any order.
    as_of:
        Judge the narrative as it stood on this date (later events are ignored); default
        the newest event.
    claim:
        The claim's text, whose capitalised words name the parties it is about; default
        the text of the first assertion.
    about:
        The normalised parties (actors) the claim is about, when known; replaces the
        names read from ``claim``.
    volume:
        The corpus's articles per ISO day, to judge silence against the corpus's volume.
    """
    events = sorted(events, key=lambda e: e.date or datetime.min.replace(tzinfo=UTC))
    if as_of is not None:
        events = [e for e in events if e.date is None or e.date <= as_of]
    if not events:
        return Lifecycle("emerging", "no events yet")
    dated = [e for e in events if e.date is not None]
    last = dated[-1].date if dated else None
    if as_of is None:
        as_of = last
    quiet = (as_of - last).total_seconds() / 86400 if as_of and last else None
    asserted = [e for e in events if e.type == "asserted"]
    if claim is None and asserted:
        claim = asserted[0].text
    # the claimant is not "a party the claim is about", even when the claim names it
    claimant = asserted[0] if asserted else None
    about_keys = _claim_keys(claim) - (_source_keys(claimant.source or "") if claimant else set())
    about_actors = set(about or ()) - ({claimant.actor} if claimant and claimant.actor else set())

    def is_about(e: Event) -> bool:
        if e.actor and about is not None:
            return e.actor in about_actors
        return bool(about_keys & _source_keys(e.source or ""))

    resolving, corroborations = _classify(events, asserted, is_about)
    if resolving:
        return _resolved(events, resolving, quiet)
    return _unresolved(events, corroborations, as_of, quiet, volume)


def _classify(events: Sequence[Event], asserted: Sequence[Event], is_about) -> tuple[list[tuple[Event, str]], list[Event]]:
    """The resolving events (with the state each one resolves to) and the mere corroborations."""
    resolving: list[tuple[Event, str]] = []
    corroborations = []
    database: dict[str, dict[str, Event]] = {}
    for e in events:
        if e.type == "confirmed":
            denied_before = any(d.type == "denied" and _same_party(d, e)
                                and (d.date is None or e.date is None or d.date <= e.date) for d in events)
            if denied_before or is_about(e):
                resolving.append((e, "confirmed"))
            else:
                corroborations.append(e)
        elif e.type in ("retracted", "corrected"):
            if _own_report(e, asserted):
                resolving.append((e, "retracted"))
        elif e.type == "fact_checked":
            cls = verdict_class(e.verdict)
            if cls == "mixed":
                continue
            if e.stance == "database":  # resolves only once enough different sources agree
                agreeing = database.setdefault(cls, {})
                agreeing.setdefault(e.source or "?", e)
                if len(agreeing) < MIN_DATABASE_VERDICTS:
                    continue
            resolving.append((e, "refuted" if cls == "refutes" else "confirmed"))
    return resolving, corroborations


def _resolved(events: Sequence[Event], resolving: list[tuple[Event, str]], quiet: float | None) -> Lifecycle:
    """The state of a resolved narrative: the latest uninterrupted run of one resolution decides."""
    state = resolving[-1][1]
    run_start = len(resolving) - 1
    while run_start > 0 and resolving[run_start - 1][1] == state:
        run_start -= 1
    run = [e for e, _ in resolving[run_start:]]
    ev = run[0]  # the first event of the final, uninterrupted run of one resolution
    deniers = [d for d in events if d.type == "denied" and d.date and ev.date and d.date <= run[-1].date]
    turned = [(d, c) for c in run for d in deniers if state == "confirmed" and c.type == "confirmed" and _same_party(d, c)]
    if state == "confirmed":
        how = f"fact-check verdict {ev.verdict!r}" if ev.type == "fact_checked" else "a party the claim is about"
        reason = f"confirmed by {_party(ev)} on {_day(ev.date)}"
        if turned:
            d, c = turned[0]
            reason += f"; {_party(c)} had denied it on {_day(d.date)} and acknowledged it on {_day(c.date)}"
        else:
            reason += f" ({how})"
    elif state == "refuted":
        reason = f"fact-checked as {ev.verdict!r} by {ev.source or ev.outlet} on {_day(ev.date)}"
    else:
        reason = f"{ev.type} by {ev.source or ev.outlet} on {_day(ev.date)}"
    earlier = [e for e, _ in resolving[:run_start]]
    if earlier:
        reason += f" (after {len(earlier)} earlier resolving event(s): " + ", ".join(f"{e.type} {_day(e.date)}" for e in earlier) + ")"
    later_asserts = [e for e in events if e.type == "asserted" and e.date and ev.date and e.date > ev.date and e.copy_of is None]
    if later_asserts and state in ("refuted", "retracted"):
        reason += f"; still asserted {len(later_asserts)} time(s) afterwards"
    just = [e for e in events if e.type == "asserted"][:1] + [d for d, _ in turned[:3]] + deniers[:3] + earlier + run[:3]
    return Lifecycle(state, reason, _uniq(just), False, bool(turned), True, quiet)


def _unresolved(events: Sequence[Event], corroborations: list[Event], as_of: datetime | None, quiet: float | None,
                volume: Mapping[str, int] | None) -> Lifecycle:
    """The state of an unresolved narrative: quiet, dormant, contested, corroborated, spreading or emerging."""
    first = events[0]
    dated = [e for e in events if e.date is not None]
    last = dated[-1].date if dated else None
    disputes = [e for e in events if e.type in ("denied", "questioned")]
    asserting = [e for e in events if e.type == "asserted"]
    disputes_other = [e for e in disputes if not any(_same_party(e, a) for a in asserting)]
    expected = _expected_since(events, last, as_of, volume) if volume is not None and last and as_of else None
    volume_note = f", {expected:.1f} mention(s) expected at its share of the corpus" if expected is not None else ""
    if quiet is not None and quiet >= QUIET_DAYS and (expected is None or expected >= QUIET_MIN_EXPECTED):
        return Lifecycle(
            "went_quiet_unresolved",
            f"no mention for {quiet:.0f} days since {_day(last)} (>= {QUIET_DAYS}){volume_note}, never confirmed, refuted or retracted",
            _uniq([first, *disputes[:3], dated[-1]]), True, False, False, quiet,
        )
    if quiet is not None and quiet >= DORMANT_DAYS and (expected is None or expected >= DORMANT_MIN_EXPECTED):
        return Lifecycle("dormant", f"no mention for {quiet:.0f} days since {_day(last)} (>= {DORMANT_DAYS}){volume_note}",
                         _uniq([first, dated[-1]]), False, False, False, quiet)
    corroborators = [e for e in corroborations if not _same_party(e, first)]
    if disputes_other:
        reason = (f"{len(disputes_other)} denial(s)/question(s), first by {_party(disputes_other[0])} "
                  f"on {_day(disputes_other[0].date)}")
        if corroborators:
            reason += f"; corroborated {len(corroborators)} time(s), which does not answer a denial"
        return Lifecycle("contested", reason, _uniq([first, *disputes_other[:5], *corroborators[:2]]), False, False, False, quiet)
    if corroborators:
        c = corroborators[0]
        return Lifecycle("corroborated", f"corroborated by {_party(c)} on {_day(c.date)}, not by a party it is "
                         "about or one that denied it", _uniq([first, *corroborators[:5]]), False, False, False, quiet)
    outlets = independent_outlets(events)
    langs = sorted({e.lang for e in events if e.type == "asserted" and e.lang})
    if len(outlets) >= SPREAD_MIN_OUTLETS or len(langs) >= 2:
        return Lifecycle("spreading", f"asserted by {len(outlets)} independent outlet(s) in {len(langs)} language(s)",
                         _uniq(asserting[:5]), False, False, False, quiet)
    return Lifecycle("emerging", f"asserted by {len(outlets)} independent outlet(s) (< {SPREAD_MIN_OUTLETS})", _uniq([first]), False, False, False, quiet)


def _uniq(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        if all(e is not o for o in out):
            out.append(e)
    return sorted(out, key=lambda e: e.date or datetime.min.replace(tzinfo=UTC))
