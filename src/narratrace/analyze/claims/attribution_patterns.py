"""German and Russian attributions from cue lexicons and surface patterns (part of ``attribution.v1``).

Cue-verb lexicons (``resources/claims/cues_{de,ru}.tsv``) and patterns:
``X sagte, dass …``, ``„…“, sagte X``, ``laut X``/``X zufolge``, ``по словам X``,
``X заявил, что …``, ``…, — заявил X``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from narratrace.analyze.claims._common import OPEN_QUOTES, balance_quotes, cue_lexicon
from narratrace.analyze.claims.attribution_sources import classify_source
from narratrace.model import Analysis, Attribution, SourceKind, Span

_WORD = re.compile(r"\w+", re.U)

_CLAUSE_END = re.compile(r"[,;:.!?—–]|\s-\s")

_DE_FRONT = frozenset(
    "am im in an auf nach vor seit bei zugleich später dann zudem außerdem gestern heute bereits auch "
    "dabei daraufhin inzwischen unterdessen damals zuvor erneut jedoch aber".split()
)

_RU_FRONT = frozenset("в во на по после позже затем ранее вчера сегодня также однако тогда".split())

_DE_ARTICLES = frozenset("der die das dem den des ein eine einer eines einem einen".split())

# Role words that give the kind of a German or Russian source (prefix match on lower-cased words).
ROLE_KINDS = {
    "de": {"sprecher": "person", "minister": "person", "bürgermeister": "person", "präsident": "person",
           "direktor": "person", "kanzler": "person", "ministerium": "government", "regierung": "government",
           "verwaltung": "government", "behörde": "government", "rathaus": "government", "polizei": "government",
           "zeitung": "outlet", "sender": "outlet", "nachrichtenagentur": "agency", "agentur": "agency",
           "kurier": "outlet", "blatt": "outlet", "magazin": "outlet"},
    "ru": {"директор": "person", "секретар": "person", "мэр": "person", "губернатор": "person",
           "министр": "person", "президент": "person", "представител": "person", "администраци": "government",
           "министерств": "government", "правительств": "government", "мэри": "government", "ведомств": "government",
           "кремл": "government", "полици": "government", "газет": "outlet", "телеканал": "outlet",
           "агентств": "agency", "издани": "outlet"},
}

_SUBORDINATORS = frozenset("was dass weil wie ob wenn nachdem als der die das welche welcher что как который которая которые".split())


def _german_np_end(sent: str, start: int) -> int:
    """End of the noun phrase starting at ``start`` (articles, capitalised nouns, inflected adjectives).

    >>> s = "Laut der Agentur ist die Lage ruhig."
    >>> s[5:_german_np_end(s, 5)]
    'der Agentur'
    >>> s = "Das dravische Ministerium bestreitet das."
    >>> s[:_german_np_end(s, 0)]
    'Das dravische Ministerium'
    """
    end = start
    words = list(_WORD.finditer(sent, start))
    seen_noun = False
    for i, m in enumerate(words):
        w = m.group()
        gap = sent[end:m.start()]
        if any(c in gap for c in ",;:.!?"):
            break
        nxt_cap = i + 1 < len(words) and words[i + 1].group()[:1].isupper()
        if w.lower() in _DE_ARTICLES or w[:1].isupper():
            seen_noun = seen_noun or (w[:1].isupper() and w.lower() not in _DE_ARTICLES)  # "Das" opening a sentence
            end = m.end()
            continue
        if not seen_noun and w.endswith(("e", "en", "er", "es", "em")) and nxt_cap:
            end = m.end()  # an inflected adjective before its noun
            continue
        break
    return end if end > start else len(sent)


def _lex_match(lang: str, word: str) -> dict[str, str] | None:
    lex = cue_lexicon(lang)
    w = word.lower()
    if lang == "ru":
        for stem, info in lex.items():
            if " " not in stem and info["kind"] == "stem" and w.startswith(stem):
                return info
        return None
    info = lex.get(w)
    return info if info and info["kind"] not in ("prep", "as") else None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-."):
        end -= 1
    return (start, end) if end > start else None


def attribute_sentence_pattern(text: str, start: int, end: int, lang: str) -> list[Attribution]:
    """Pattern attributions in one German or Russian sentence ``text[start:end]``."""
    sent = text[start:end]
    out = _prepositional_attributions(sent, start, lang)
    taken = [(a.cue.start - start, a.cue.end - start) for a in out]
    for m in _WORD.finditer(sent):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if _lex_match(lang, m.group()) is None:
            continue
        out.append(_verb_attribution(sent, start, m, lang))
        taken.append((m.start(), m.end()))
    for att in out:
        _settle(text, att, lang)
    return out


def _prepositional_attributions(sent: str, start: int, lang: str) -> list[Attribution]:
    """Prepositional cues: "laut X, ...", "по словам X, ...", "X zufolge ..."."""
    out: list[Attribution] = []
    low = sent.lower()
    for phrase, info in cue_lexicon(lang).items():
        if info["kind"] not in ("prep", "as"):
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", low):
            cs, ce = m.start(), m.end()
            if phrase == "wie" and not re.match(r"\s+\S+\s+\S*(berichtet|meldet|schreibt|sagt)", low[ce:]):
                continue
            if phrase == "zufolge":
                seg_start = max([sent.rfind(c, 0, cs) for c in ",;:"] + [-1]) + 1
                src = _strip_span(sent, seg_start, cs)
                rest = _strip_span(sent, ce, len(sent))
            else:
                nxt = _CLAUSE_END.search(sent, ce)
                src_end = nxt.start() if nxt else len(sent)
                if lang == "de":
                    src_end = min(src_end, _german_np_end(sent, ce))
                src = _strip_span(sent, ce, src_end)
                before = _strip_span(sent, 0, cs)
                rest = _strip_span(sent, src_end, len(sent)) if (not before or len(before and sent[before[0]:before[1]]) < 3) else before
            if src is None:
                continue
            if rest is not None:
                rest = _clip_sentence(sent, rest)
            att = Attribution(cue=Span(start + cs, start + ce, "cue"), source=Span(start + src[0], start + src[1], "source"),
                              content=Span(start + rest[0], start + rest[1], "content") if rest else None,
                              cue_lemma=phrase, lang=lang, confidence=0.7)
            out.append(att)
    return out


def _verb_attribution(sent: str, start: int, m: re.Match[str], lang: str) -> Attribution:
    """The attribution of the cue verb ``m``: its source before or after it, its content the rest."""
    cs, ce = m.start(), m.end()
    before_txt = sent[:cs]
    prev_clause = max([before_txt.rfind(c) for c in ",;:—–"] + [-1])
    lead = before_txt[prev_clause + 1 :]
    quote_before = re.search(r"[“”\"»«„]\s*(?:,\s*[—–-]?|[—–-])\s*$", before_txt) is not None or re.search(r",\s*[—–-]\s*$", before_txt) is not None
    if quote_before or (prev_clause >= 0 and not _WORD.findall(lead)):
        # "„…“, sagte X." / "«…», — заявил X."
        src = _after_source(sent, ce, lang)
        content = _strip_span(sent, 0, prev_clause if prev_clause >= 0 else cs)
    else:
        src, content = _source_before_cue(sent, lead, prev_clause, cs, ce, lang)
    if content is not None:
        content = _clip_sentence(sent, content)
    if src is not None and src[1] - src[0] > 80:
        src = None
    return Attribution(cue=Span(start + cs, start + ce, "cue"),
                       source=Span(start + src[0], start + src[1], "source") if src else None,
                       content=Span(start + content[0], start + content[1], "content") if content else None,
                       cue_lemma=m.group().lower(), lang=lang, confidence=0.6,
                       direct=bool(content and sent[content[0]] in OPEN_QUOTES))


def _source_before_cue(
    sent: str, lead: str, prev_clause: int, cs: int, ce: int, lang: str
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Source and content of "X sagte, dass …" / "X заявил, что …" (source usually before the cue)."""
    front = _DE_FRONT if lang == "de" else _RU_FRONT
    lead_words = _WORD.findall(lead)
    words = list(_WORD.finditer(lead))
    subordinate = bool(words) and words[0].group().lower() in _SUBORDINATORS and prev_clause >= 0
    if subordinate:
        words = words[1:]
    while words and words[0].group().lower() in front:
        words = words[1:]
    if lang == "de" and words and lead_words and lead_words[0].lower() in front and not subordinate:
        words = []  # German verb-second: after a fronted adverb the subject follows the cue
    if words:
        lead_start = prev_clause + 1 + words[0].start()
        lead_end = _german_np_end(sent, lead_start) if lang == "de" else cs
        src = _strip_span(sent, lead_start, min(lead_end, cs))
    else:
        src = _after_source(sent, ce, lang)
    after_txt = sent[ce:]
    comma = _CLAUSE_END.search(after_txt)
    if subordinate:
        content = _strip_span(sent, 0, prev_clause)  # "…, was das Ministerium nicht bestätigt hat"
    elif comma is not None and after_txt[comma.start()] in ",:—–":
        content = _strip_span(sent, ce + comma.end(), len(sent))
    else:
        content = _strip_span(sent, (src[1] if src and src[0] >= ce else ce), len(sent))
    return src, content


# Words of an unnamed German or Russian source (prefix match on the lower-cased source phrase).
ANONYMOUS_WORDS = {"de": ("beamte", "quellen", "kreise", "insider", "experten", "beobachter"),
                   "ru": ("источник", "чиновник", "эксперт", "наблюдател")}


def _settle(text: str, att: Attribution, lang: str) -> None:
    """Quotation marks around the content; the source's name, kind and anonymity."""
    if att.content is not None:
        cs_, ce_ = balance_quotes(text, att.content.start, att.content.end)
        att.content = Span(cs_, ce_, "content")
        att.direct = text[cs_] in OPEN_QUOTES
    if att.source is not None:
        name = text[att.source.start : att.source.end]
        att.source_name = name
        low_name = name.lower()
        if any(w in low_name for w in ANONYMOUS_WORDS[lang]) and not any(ch.isupper() for ch in name[1:]):
            att.anonymous = True
            att.source_kind = SourceKind.ANONYMOUS.value
        else:
            att.source_kind = _role_kind(low_name, lang) or classify_source(name, "", proper=True)


def _after_source(sent: str, ce: int, lang: str) -> tuple[int, int] | None:
    """The source phrase right after a cue ("…, sagte der Sprecher am Dienstag")."""
    nxt = _CLAUSE_END.search(sent, ce)
    end = nxt.start() if nxt else len(sent)
    if lang == "de":
        end = min(end, _german_np_end(sent, ce))
    return _strip_span(sent, ce, end)


def _role_kind(low_name: str, lang: str) -> str | None:
    words = _WORD.findall(low_name)
    stems = sorted(ROLE_KINDS.get(lang, {}).items(), key=lambda kv: -len(kv[0]))  # "ministerium" before "minister"
    for w in words:
        if lang == "de":  # compounds: the head is the last part ("Ministeriumssprecher" is a person)
            found = [(w.rfind(stem) + len(stem), kind) for stem, kind in stems if stem in w]
            if found:
                return max(found)[1]
            continue
        for stem, kind in stems:
            if w.startswith(stem):
                return kind
    return None


def _clip_sentence(sent: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Cut a pattern content at a sentence end inside it and drop a dangling opening quote."""
    start, end = span
    m = re.search(r"[.!?](?=\s+[„«“\"A-ZÄÖÜА-ЯЁ])", sent[start:end])
    if m:
        end = start + m.start()
    while end > start and (sent[end - 1] in "„«“ " or sent[end - 1].isspace()):
        end -= 1
    return (start, end) if end > start else None


def pattern_sentences(analysis: Analysis) -> Iterator[tuple[int, int]]:
    if analysis.sentences:
        for s in analysis.sentences:
            yield s.start, s.end
        return
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[“”\"»]?|\n|$)", analysis.text):
        if m.group().strip():
            yield m.start(), m.end()
