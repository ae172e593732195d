"""Lifecycle state of a narrative, with the events that justify it.

The rules, applied to a narrative's dated events as of a reference date ``as_of``
(by default the date of the newest article in the corpus, so that a corpus that
ends does not make every narrative look quiet):

1. **Resolution** -- the *latest* resolving event decides, so a later confirmation
   overrides an earlier withdrawal and a later retraction overrides an earlier
   confirmation:

   - ``confirmed`` event, or a fact-check whose verdict supports the claim -> ``confirmed``
     (the reason says so when a source that had *denied* the claim is the one confirming it);
   - fact-check whose verdict refutes the claim (false, misleading, fake, ...) -> ``refuted``;
   - ``retracted`` or ``corrected`` event -> ``retracted``.

2. Otherwise the narrative is unresolved and, by its last event:

   - no event for :data:`QUIET_DAYS` or more -> ``went_quiet_unresolved``
     (and the flag ``went_quiet_unresolved`` is true);
   - no event for :data:`DORMANT_DAYS` or more -> ``dormant``;
   - a ``denied`` or ``questioned`` event from a source other than the asserting ones -> ``contested``;
   - asserted by at least :data:`SPREAD_MIN_OUTLETS` independent outlets (copies of one
     text count once) or in two or more languages -> ``spreading``;
   - else ``emerging``.

Every outlet is judged by these same rules.

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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from narratrace.corpus.narratives import Event, verdict_class

# Source names are compared on word stems of this many Latin letters (after
# transliteration), so "Dravian"/"Dravia"/"Дравии" meet.
SOURCE_KEY_PREFIX = 5
# Words that say what kind of source it is but not which one.
_GENERIC_SOURCE_WORDS = {"the", "said", "according", "officials", "official", "sources", "source", "spokesman", "spokeswoman"}

STATES = ("emerging", "spreading", "contested", "confirmed", "refuted", "retracted", "dormant", "went_quiet_unresolved")
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


@dataclass(slots=True)
class Lifecycle:
    state: str
    reason: str
    justification: list[Event] = field(default_factory=list)
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
            "justification": [e.to_dict() for e in self.justification],
        }


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


def _day(d: datetime | None) -> str:
    return d.date().isoformat() if d else "undated"


def independent_outlets(events: Sequence[Event], types: tuple[str, ...] = ("asserted",)) -> list[str]:
    """Outlets with at least one event of ``types`` in an article that is not a copy."""
    out: list[str] = []
    for e in events:
        if e.type in types and e.copy_of is None and e.outlet and e.outlet not in out:
            out.append(e.outlet)
    return out


def assess(events: Sequence[Event], *, as_of: datetime | None = None) -> Lifecycle:
    """The lifecycle state of a narrative from its events (see the module rules)."""
    events = sorted(events, key=lambda e: e.date or datetime.min.replace(tzinfo=UTC))
    if not events:
        return Lifecycle("emerging", "no events yet")
    dated = [e for e in events if e.date is not None]
    last = dated[-1].date if dated else None
    if as_of is None:
        as_of = last
    quiet = (as_of - last).total_seconds() / 86400 if as_of and last else None

    resolving = []
    for e in events:
        if e.type == "confirmed":
            resolving.append((e, "confirmed"))
        elif e.type in ("retracted", "corrected"):
            resolving.append((e, "retracted"))
        elif e.type == "fact_checked":
            cls = verdict_class(e.verdict)
            if cls == "refutes":
                resolving.append((e, "refuted"))
            elif cls == "supports":
                resolving.append((e, "confirmed"))
    if resolving:
        state = resolving[-1][1]
        run_start = len(resolving) - 1
        while run_start > 0 and resolving[run_start - 1][1] == state:
            run_start -= 1
        run = [e for e, _ in resolving[run_start:]]
        ev = run[0]  # the first event of the final, uninterrupted run of one resolution
        deniers = [d for d in events if d.type == "denied" and d.date and ev.date and d.date <= run[-1].date]
        turned = [(d, c) for c in run for d in deniers if state == "confirmed" and _same_source(d.source, c.source)]
        denier_confirmed = bool(turned)
        if state == "confirmed":
            reason = f"confirmed by {ev.source or ev.outlet} on {_day(ev.date)}"
            if turned:
                d, c = turned[0]
                reason += f"; {c.source} had denied it on {_day(d.date)} and confirmed it on {_day(c.date)}"
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
        just = [e for e in events if e.type == "asserted"][:1] + deniers[:3] + earlier + run[:3]
        return Lifecycle(state, reason, _uniq(just), False, denier_confirmed, True, quiet)

    first = events[0]
    disputes = [e for e in events if e.type in ("denied", "questioned")]
    asserters = {e.source for e in events if e.type == "asserted"}
    disputes_other = [e for e in disputes if not any(_same_source(e.source, a) for a in asserters)]
    if quiet is not None and quiet >= QUIET_DAYS:
        return Lifecycle(
            "went_quiet_unresolved",
            f"no mention for {quiet:.0f} days since {_day(last)} (>= {QUIET_DAYS}), never confirmed, refuted or retracted",
            _uniq([first, *disputes[:3], dated[-1]]), True, False, False, quiet,
        )
    if quiet is not None and quiet >= DORMANT_DAYS:
        return Lifecycle("dormant", f"no mention for {quiet:.0f} days since {_day(last)} (>= {DORMANT_DAYS})", _uniq([first, dated[-1]]), False, False, False, quiet)
    if disputes_other:
        return Lifecycle("contested", f"{len(disputes_other)} denial(s)/question(s), first by {disputes_other[0].source} on {_day(disputes_other[0].date)}", _uniq([first, *disputes_other[:5]]), False, False, False, quiet)
    outlets = independent_outlets(events)
    langs = sorted({e.lang for e in events if e.type == "asserted" and e.lang})
    if len(outlets) >= SPREAD_MIN_OUTLETS or len(langs) >= 2:
        return Lifecycle("spreading", f"asserted by {len(outlets)} independent outlet(s) in {len(langs)} language(s)", _uniq([e for e in events if e.type == "asserted"][:5]), False, False, False, quiet)
    return Lifecycle("emerging", f"asserted by {len(outlets)} independent outlet(s) (< {SPREAD_MIN_OUTLETS})", _uniq([first]), False, False, False, quiet)


def _uniq(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        if all(e is not o for o in out):
            out.append(e)
    return sorted(out, key=lambda e: e.date or datetime.min.replace(tzinfo=UTC))
