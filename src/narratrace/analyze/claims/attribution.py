"""``attribution.v1``: source, cue and content spans of reported statements.

English
    A linear cue detector over spaCy token features (lemma, part of speech, dependency,
    children, neighbours), trained on PolNeAR train (``narratrace train attribution``),
    finds cue heads. The cue span, the source and the content are read off the
    dependency parse along the paths PolNeAR's annotations most often take from the cue
    (``nsubj`` for the source, ``ccomp``/``dobj`` for the content, ``according to`` ->
    ``pobj``, ...), all learned from the same training split and stored in
    ``resources/claims/attribution_en.json``.
German, Russian
    Cue-verb lexicons (``resources/claims/cues_{de,ru}.tsv``) and surface patterns:
    ``X sagte, dass …``, ``„…“, sagte X``, ``laut X``/``X zufolge``, ``по словам X``,
    ``X заявил, что …``, ``…, — заявил X``.

Sources given by a pronoun or a description (``They``, ``The newspaper``) are resolved
to the nearest compatible earlier source; anonymous sources (``officials``, ``sources``)
are marked.

Examples
--------
>>> atts = attribute_text("Officials said the bridge was closed.")
>>> [(a.cue_lemma, a.anonymous) for a in atts]
[('say', True)]
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from narratrace.analyze.claims._common import (
    SUPPORTED_LANGS,
    article_lang,
    cue_lexicon,
    english_doc,
    load_json,
    sentence_index,
)
from narratrace.analyze.registry import Stage, register_stage
from narratrace.analyze.sources import classify_kind
from narratrace.model import Analysis, Attribution, SourceKind, Span
from narratrace.text.quotes import quote_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

logger = logging.getLogger(__name__)

MODEL_FILE = "attribution_en.json"
# Tokens of these coarse parts of speech can head a cue; the training run reports the
# share of PolNeAR train cue heads they cover (over 97%).
CANDIDATE_POS = frozenset({"VERB", "NOUN", "ADJ", "AUX", "ADP", "PROPN"})
# A source is a nominal: time and place adverbials reached by "prep>pobj" are not sources.
SOURCE_POS = frozenset({"PROPN", "NOUN", "PRON", "NUM", "X"})
# A colon right after the cue belongs to it ("said:"): so annotated in 141 of 154 such
# cases in PolNeAR train.
INCLUDE_COLON = True
# Dependents of the cue right after its object that PolNeAR counts as part of the content
# ("called him a liar", "described it as a disgrace"). This set beat {prep, oprd} and
# {prep, oprd, xcomp} on dev content exact F1 and again on 250 train articles (0.418 vs 0.388 without).
OBJECT_COMPLEMENTS = frozenset({"prep", "oprd", "xcomp", "advcl", "dative", "npadvmod"})
# "Speaker: statement" headline lines are attributions (145 colon cues in PolNeAR train).
HEADLINE_CUES = True
QUOTE_CHARS = "\"“”„«»‘’'"
OPEN_QUOTES = "\"“„«‘"
CLOSE_QUOTES = "\"”“»’"
# Heads of descriptions that refer back to an earlier source ("the newspaper also claims").
ANAPHOR_KINDS = {
    "newspaper": "outlet", "paper": "outlet", "daily": "outlet", "outlet": "outlet", "broadcaster": "outlet",
    "channel": "outlet", "magazine": "outlet", "network": "outlet", "publication": "outlet", "tabloid": "outlet",
    "agency": "agency", "administration": "government", "government": "government", "ministry": "government",
    "country": "government", "regime": "government", "kremlin": "government", "company": "organization",
    "organization": "organization", "organisation": "organization", "group": "organization",
    "president": "person", "minister": "person", "spokesman": "person", "spokeswoman": "person",
    "spokesperson": "person", "official": "person", "leader": "person",
}
PRONOUN_KINDS = {"he": "person", "she": "person", "him": "person", "her": "person", "they": "plural",
                 "them": "plural", "it": "thing", "we": "plural"}
# Source heads that mark an unnamed source when no proper noun is in the source span.
ANONYMOUS_HEADS = frozenset(
    "official officials source sources person people insider insiders expert experts analyst analysts "
    "diplomat diplomats aide aides observer observers critic critics witness witnesses resident residents "
    "someone somebody report reports".split()
)



# --------------------------------------------------------------------------- English


def token_features(tok: Token) -> list[str]:
    """Sparse features of a token as a cue-head candidate (shared by training and inference)."""
    lemma = tok.lemma_.lower()
    feats = [f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"l|d={lemma}|{tok.dep_}",
             f"hd={tok.head.dep_}", f"hp={tok.head.pos_}"]
    deps = sorted({c.dep_ for c in tok.children})
    feats += [f"c={d}" for d in deps]
    feats += [f"l|c={lemma}|{d}" for d in deps if d in ("ccomp", "nsubj", "dobj", "xcomp", "prep", "parataxis", "agent", "nsubjpass", "pobj")]
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    prv = doc[tok.i - 1] if tok.i > 0 else None
    feats.append(f"n={nxt.lower_ if nxt is not None else '<e>'}")
    feats.append(f"b={prv.lower_ if prv is not None else '<s>'}")
    feats.append(f"l|n={lemma}|{nxt.lower_ if nxt is not None else '<e>'}")
    lo, hi = max(0, tok.i - 3), min(len(doc), tok.i + 4)
    if any(t.text in QUOTE_CHARS for t in doc[lo:hi]):
        feats.append("quote_near")
    if any(c.dep_ == "ccomp" and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children) for c in tok.children):
        feats.append("that_clause")
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("PROPN", "PRON") for c in tok.children):
        feats.append("subj_named")
    return feats


@cache
def _model() -> dict[str, Any]:
    return load_json(MODEL_FILE)


def cue_probability(tok: Token, model: dict[str, Any]) -> float:
    weights = model["weights"]
    z = model["bias"] + sum(weights.get(f, 0.0) for f in token_features(tok))
    return 1.0 / (1.0 + math.exp(-z))


def _steps(path: str) -> list[tuple[str, str]]:
    out = []
    for seg in path.split(">"):
        if seg.startswith("<"):
            out.append(("up", seg[1:]))
        elif seg:
            out.append(("down", seg))
    return out


def follow(tok: Token, path: str) -> list[Token]:
    """Tokens reached from ``tok`` along a dependency path like ``prep>pobj`` or ``<prep``."""
    frontier = [tok]
    for direction, dep in _steps(path):
        nxt: list[Token] = []
        for t in frontier:
            if direction == "up":
                if t.dep_ == dep and t.head.i != t.i:
                    nxt.append(t.head)
            else:
                nxt.extend(c for c in t.children if c.dep_ == dep)
        frontier = nxt
    return [t for t in frontier if t.i != tok.i]


def dep_path(h: Token, t: Token) -> str | None:
    """The short dependency path from cue head ``h`` to ``t`` (inverse of :func:`follow`).

    spaCy creates a new ``Token`` object on each access, so tokens compare by index.
    """
    hi, ti = h.i, t.i
    hh, th = h.head.i, t.head.i
    if ti == hi:
        return None
    if th == hi:
        return t.dep_
    if t.head.head.i == hi and th != ti:
        return f"{t.head.dep_}>{t.dep_}"
    if hh == ti:
        return f"<{h.dep_}"
    if hh == th and hh != hi:
        return f"<{h.dep_}>{t.dep_}"
    if h.head.head.i == ti and hh != hi:
        return f"<{h.dep_}><{h.head.dep_}"
    return None


def _trim(doc: Doc, start_tok: int, end_tok: int, *, keep_final: bool) -> tuple[int, int] | None:
    """Character span of tokens ``[start_tok, end_tok)`` without edge punctuation."""
    while start_tok < end_tok and (doc[start_tok].is_punct and doc[start_tok].text not in OPEN_QUOTES or doc[start_tok].is_space):
        start_tok += 1
    while end_tok > start_tok and (doc[end_tok - 1].is_space or (
        doc[end_tok - 1].is_punct and doc[end_tok - 1].text not in CLOSE_QUOTES
        and not (keep_final and doc[end_tok - 1].text in ".!?"))):
        end_tok -= 1
    if end_tok <= start_tok:
        return None
    return balance_quotes(doc.text, doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1]))


def balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Pull in the quotation marks (and the comma or full stop inside them) around a quoted content.

    >>> t = 'He said that “it was over.” Then he left.'
    >>> s, e = balance_quotes(t, t.index("it"), t.index("."))
    >>> t[s:e]
    '“it was over.”'
    >>> t = '"And they are terrifying," she said.'
    >>> s, e = balance_quotes(t, 1, t.index(","))
    >>> t[s:e]
    '"And they are terrifying,"'
    """
    if start > 0 and text[start - 1] in OPEN_QUOTES:
        start -= 1
    elif start > 1 and text[start - 2 : start] in ("''", "``"):
        start -= 2
    seg = text[start:end]
    if not seg:
        return start, end
    opens = sum(seg.count(c) for c in "“„«") + seg.count("``")
    closes = sum(seg.count(c) for c in "”»") + seg.count("''") * (1 if not seg.startswith("''") else 0)
    straight = seg.count('"')
    unbalanced = opens > closes or straight % 2 == 1 or (seg.startswith("''") and not seg.endswith("''"))
    if unbalanced:
        m = re.match(r"[.,!?;:]{0,2}(?:[”\"»’]|'')", text[end : end + 4])
        if m:
            end += m.end()
    return start, end


def _subtree_bounds(tok: Token, exclude: Iterable[Token] = ()) -> tuple[int, int]:
    lo, hi = tok.left_edge.i, tok.right_edge.i + 1
    for ex in exclude:
        elo, ehi = ex.left_edge.i, ex.right_edge.i + 1
        if elo <= tok.i < ehi:
            continue
        if elo <= lo < ehi:
            lo = ehi
        elif elo < hi <= ehi:
            hi = elo
    return lo, hi


def source_bounds(tok: Token, model: dict[str, Any]) -> tuple[int, int]:
    trim_deps = set(model.get("source_trim_deps", ()))
    lo, hi = tok.left_edge.i, tok.right_edge.i + 1
    for c in tok.children:
        if c.dep_ in trim_deps and c.i > tok.i:
            hi = min(hi, c.left_edge.i)
    return lo, hi


def source_char_span(tok: Token, model: dict[str, Any]) -> tuple[int, int] | None:
    """Character span of the source phrase headed by ``tok`` (shared by training and decoding)."""
    doc = tok.doc
    lo, hi = source_bounds(tok, model)
    # never let a source run across a paragraph break (scraped credits, headings)
    while lo < tok.i and "\n\n" in doc.text[doc[lo].idx : tok.idx]:
        lo += 1
    span = _trim(doc, lo, hi, keep_final=False)
    if span and "," in doc.text[span[0] : span[1]] and doc.text[span[1] : span[1] + 1] == ",":
        span = (span[0], span[1] + 1)  # "Ban Ki-moon, the secretary general," keeps its closing comma (PolNeAR)
    return span


def cue_bounds(head: Token, model: dict[str, Any]) -> tuple[int, int]:
    lemma_deps = model.get("cue_child_deps_by_lemma", {}).get(head.lemma_.lower())
    deps = set(lemma_deps if lemma_deps is not None else model.get("cue_child_deps", ()))
    lo = hi = head.i
    for c in head.children:
        if c.dep_ in deps and abs(c.i - head.i) <= 3:
            lo, hi = min(lo, c.i), max(hi, c.i)
    doc = head.doc
    if INCLUDE_COLON and hi + 1 < len(doc) and doc[hi + 1].text == ":":
        hi += 1
    return lo, hi + 1


# Stances that answer an earlier claim; their verbs are always cues (see attribute_doc).
REACTION_STANCES = frozenset({"denies", "confirms", "retracts", "corrects"})


def attribute_doc(doc: Doc, model: dict[str, Any] | None = None) -> list[Attribution]:
    """Attributions in an English spaCy ``Doc`` (offsets are the Doc's character offsets).

    Sources are not resolved across sentences here; :class:`AttributionStage` does that.
    """
    model = model or _model()
    threshold = model["threshold"]
    base_source_paths = model["source_paths"]
    content_paths = model["content_paths"]
    keep_final = model.get("content_keep_final_punct", False)
    out: list[Attribution] = []
    used_heads: set[int] = set()
    quotes = quote_spans(doc.text, 0, len(doc.text))
    for tok in doc:
        if tok.pos_ not in CANDIDATE_POS or tok.i in used_heads:
            continue
        # Verbs of reaction from the hand-written lexicon ("retracted", "corrected", "denied",
        # "confirmed") are cues even where PolNeAR, which has few retractions, gives them a low
        # score: outside quotations, and a retraction only of something said ("withdrew the
        # report", not "will not withdraw a single soldier").
        stance = cue_lexicon("en").get(tok.lemma_.lower(), {}).get("stance")
        reaction = (tok.pos_ == "VERB" and stance in REACTION_STANCES
                    and not any(s <= tok.idx < e for s, e in quotes)
                    and (stance != "retracts" or _retracts_something_said(tok)))
        if tok.lemma_.lower() not in model["lemma_seen"] and not reaction:
            continue
        prob = cue_probability(tok, model)
        if prob < threshold and not reaction:
            continue
        clo, chi = cue_bounds(tok, model)
        cue_tokens = set(range(clo, chi))
        source_tok = None
        source_paths = base_source_paths
        if any(c.dep_ == "agent" for c in tok.children):
            source_paths = ["agent>pobj", *source_paths]  # passive: "as reported by the Asia Times"
        for path in source_paths:
            cands = [t for t in follow(tok, path) if t.i not in cue_tokens and t.pos_ in SOURCE_POS]
            if cands:
                source_tok = cands[0]
                break
        content_tok = None
        for path in content_paths:
            cands = [t for t in follow(tok, path) if t.i not in cue_tokens]
            if "prep" in path and not path.startswith("<"):
                # "In early 2024, X refused …": a fronted or temporal phrase is not the content
                cands = [t for t in cands if t.i > tok.i and t.ent_type_ not in ("DATE", "TIME")]
            if source_tok is not None:
                cands = [t for t in cands if not (source_tok.left_edge.i <= t.i <= source_tok.right_edge.i)]
            if cands:
                content_tok = cands[0]
                break
        if (source_tok is not None and content_tok is not None and tok.head.i != content_tok.i
                and not any(a.i == content_tok.i for a in tok.ancestors)
                and content_tok.left_edge.i <= source_tok.i <= content_tok.right_edge.i):
            source_tok = None
        content = None
        if content_tok is not None:
            up = any(a.i == content_tok.i for a in tok.ancestors)
            exclude = [tok] if up else []
            exclude += [source_tok] if source_tok is not None else []
            lo, hi = _subtree_bounds(content_tok, exclude)
            lo, hi = (max(lo, chi), hi) if lo < chi <= hi and clo <= lo else (lo, hi)
            if up:
                # "according to X, Y": the content is the clause around the cue phrase
                blo, bhi = _subtree_bounds(tok)
                if blo <= lo:
                    lo = max(lo, bhi)
                elif bhi >= hi:
                    hi = min(hi, blo)
            if content_tok.dep_ == "dobj" and content_tok.head.i == tok.i:
                # "called the incident as a terrible situation": the object's complement belongs to it
                for sib in sorted(tok.children, key=lambda t: t.i):
                    if sib.i > content_tok.i and sib.dep_ in OBJECT_COMPLEMENTS and sib.left_edge.i == hi:
                        hi = sib.right_edge.i + 1
            span = _trim(doc, lo, hi, keep_final=keep_final)
            if span:
                content = Span(span[0], span[1], "content")
        source = None
        if source_tok is not None and not _never_a_source(source_tok):
            span = source_char_span(source_tok, model)
            inside = [(s, e) for s, e in quotes if s <= span[0] < e] if span else []
            if span and not (inside and not inside[0][0] <= tok.idx < inside[0][1]):
                source = Span(span[0], span[1], "source")  # a name inside a quotation is talked about
        cue_span = Span(doc[clo].idx, doc[chi - 1].idx + len(doc[chi - 1]), "cue")
        direct = content is not None and doc.text[content.start] in OPEN_QUOTES
        att = Attribution(cue=cue_span, content=content, source=source, direct=direct,
                          confidence=round(prob, 4), cue_lemma=tok.lemma_.lower(), lang="en")
        if source_tok is not None and source is not None:
            _describe_source_en(att, source_tok, doc)
        out.append(att)
        used_heads.update(cue_tokens)
    if HEADLINE_CUES:
        taken = {(a.cue.start, a.cue.end) for a in out}
        out.extend(a for a in headline_attributions(doc) if (a.cue.start, a.cue.end) not in taken
                   and not any(b.cue.start <= a.cue.start < b.cue.end for b in out))
        out.sort(key=lambda a: a.cue.start)
    return out


# What a publisher or speaker can retract: the object of "withdrew" that makes it a retraction.
SPEECH_NOUNS = frozenset(
    "statement report claim claims article story remark remarks allegation allegations comment comments "
    "accusation assertion piece post tweet video photo picture interview quote word words apology "
    "correction headline version account testimony".split()
)


def _retracts_something_said(tok: Token) -> bool:
    """A retraction verb with an object retracts only what was said or published."""
    objects = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
    return not objects or any(o.lemma_.lower() in SPEECH_NOUNS for o in objects)


# Entity labels and shapes that never say anything: dates, amounts, tickers ("XAU=").
NOT_SOURCE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"})
_TICKER = re.compile(r"^[A-Z0-9.]{1,8}[=^]$|^[\d\W]+$")


def _never_a_source(tok: Token) -> bool:
    """Dates, amounts and tickers are not sources, whatever the parse says.

    >>> from narratrace.text.nlp import english
    >>> doc = english()("November 2019 showed that prices fell.")
    >>> _never_a_source(doc[1])
    True
    """
    return tok.ent_type_ in NOT_SOURCE_LABELS or bool(_TICKER.match(tok.text))


def headline_attributions(doc: Doc) -> list[Attribution]:
    """``Speaker: statement`` lines (headlines such as "Graham: Trump's rhetoric destroying GOP").

    The speaker is a short name phrase at the start of a line (at most
    :data:`HEADLINE_SOURCE_TOKENS` tokens, with a proper noun), the content runs to the end
    of the line.
    """
    out: list[Attribution] = []
    text = doc.text
    for tok in doc:
        if tok.text != ":" or tok.i == 0:
            continue
        line_start = text.rfind("\n", 0, tok.idx) + 1
        line_end = text.find("\n", tok.idx)
        line_end = len(text) if line_end < 0 else line_end
        head = [t for t in doc[: tok.i] if t.idx >= line_start and not t.is_space]
        if not head or len(head) > HEADLINE_SOURCE_TOKENS or text[line_start:head[0].idx].strip(" #*"):
            continue
        if not any(t.pos_ == "PROPN" for t in head) or any(t.pos_ in ("VERB", "AUX", "ADP", "PRON") for t in head):
            continue
        if any(t.is_upper and len(t) > 2 for t in head) or head[-1].ent_type_ not in ("PERSON", "ORG", "GPE", "NORP", "NAME"):
            continue  # "ARTICLE TAGS:", "Correction:", "Editor's note:" are labels, not speakers
        rest = text[tok.idx + 1 : line_end]
        if len(rest.split()) < 3:
            continue
        c_start = tok.idx + 1 + (len(rest) - len(rest.lstrip()))
        c_end = line_end - (len(rest) - len(rest.rstrip()))
        att = Attribution(cue=Span(tok.idx, tok.idx + 1, "cue"), source=Span(head[0].idx, head[-1].idx + len(head[-1]), "source"),
                          content=Span(c_start, c_end, "content"), cue_lemma=":", lang="en", confidence=0.6)
        att.source_name = text[att.source.start : att.source.end]
        att.source_kind = classify_source(att.source_name, doc[head[-1].i].ent_type_, True)
        out.append(att)
    return out


# A headline speaker ("John McCain:", "NY Daily News:") has at most this many tokens.
HEADLINE_SOURCE_TOKENS = 5


def _describe_source_en(att: Attribution, head: Token, doc: Doc) -> None:
    if att.source is None:
        return
    name = doc.text[att.source.start : att.source.end]
    att.source_name = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I) if head.pos_ != "PRON" else None
    has_proper = any(t.pos_ == "PROPN" for t in head.subtree)
    ents = [e for e in doc.ents if e.start <= head.i < e.end]
    label = ents[0].label_ if ents else ""
    if head.lemma_.lower() in ANONYMOUS_HEADS and not has_proper:
        att.anonymous = True
        att.source_kind = SourceKind.ANONYMOUS.value
    else:
        att.source_kind = classify_source(name, label, head.pos_ == "PROPN" or has_proper)


def classify_source(name: str, ent_label: str = "", proper: bool = True) -> str:
    """Kind of a source: the sources stage's rule (:func:`narratrace.analyze.sources.classify_kind`,
    the same for every outlet), with descriptions such as "the newspaper" classified by their head.

    >>> classify_source("the New York Times", "ORG")
    'outlet'
    >>> classify_source("Russia", "GPE")
    'government'
    >>> classify_source("the newspaper", proper=False)
    'outlet'
    """
    words = name.split()
    head = words[-1].lower() if words else ""
    if not proper and head in ANAPHOR_KINDS:
        return ANAPHOR_KINDS[head]
    kind = classify_kind(name, spacy_label=ent_label or None)
    if kind != SourceKind.OTHER.value:
        return kind
    if head in ANAPHOR_KINDS:
        return ANAPHOR_KINDS[head]
    if ent_label == "NAME":  # a name whose kind the text does not tell
        return SourceKind.OTHER.value
    return SourceKind.ORGANIZATION.value if proper else SourceKind.OTHER.value


# --------------------------------------------------------------------------- German / Russian

_WORD = re.compile(r"\w+", re.U)
_CLAUSE_END = re.compile(r"[,;:.!?—–]|\s-\s")
_DE_FRONT = frozenset(
    "am im in an auf nach vor seit bei zugleich später dann zudem außerdem gestern heute bereits auch "
    "dabei daraufhin inzwischen unterdessen damals zuvor erneut jedoch aber".split()
)
_RU_FRONT = frozenset("в во на по после позже затем ранее вчера сегодня также однако тогда".split())


_DE_ARTICLES = frozenset("der die das dem den des ein eine einer eines einem einen".split())


def _german_np_end(sent: str, start: int) -> int:
    """End of the noun phrase starting at ``start`` (articles, capitalised nouns, inflected adjectives).

    >>> s = "Laut der Agentur ist die Lage ruhig."
    >>> s[5:_german_np_end(s, 5)]
    'der Agentur'
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
            seen_noun = seen_noun or w[:1].isupper()
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
    out: list[Attribution] = []
    lex = cue_lexicon(lang)
    low = sent.lower()
    # prepositional cues: "laut X, ...", "по словам X, ...", "X zufolge ..."
    for phrase, info in lex.items():
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
    taken = [(a.cue.start - start, a.cue.end - start) for a in out]
    for m in _WORD.finditer(sent):
        if any(a <= m.start() < b for a, b in taken):
            continue
        info = _lex_match(lang, m.group())
        if info is None:
            continue
        cs, ce = m.start(), m.end()
        # separable German particles belong to the cue ("wies ... zurück", "teilte ... mit")
        before_txt = sent[:cs]
        after_txt = sent[ce:]
        prev_clause = max([before_txt.rfind(c) for c in ",;:—–"] + [-1])
        lead = before_txt[prev_clause + 1 :]
        lead_words = _WORD.findall(lead)
        quote_before = re.search(r"[“”\"»«„]\s*(?:,\s*[—–-]?|[—–-])\s*$", before_txt) is not None or re.search(r",\s*[—–-]\s*$", before_txt) is not None
        front = _DE_FRONT if lang == "de" else _RU_FRONT
        src = content = None

        if quote_before or (prev_clause >= 0 and not lead_words):
            # "„…“, sagte X." / "«…», — заявил X."
            src = _after_source(sent, ce, lang)
            content = _strip_span(sent, 0, prev_clause if prev_clause >= 0 else cs)
        else:
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
            comma = _CLAUSE_END.search(after_txt)
            if subordinate:
                content = _strip_span(sent, 0, prev_clause)  # "…, was das Ministerium nicht bestätigt hat"
            elif comma is not None and after_txt[comma.start()] in ",:—–":
                content = _strip_span(sent, ce + comma.end(), len(sent))
            else:
                content = _strip_span(sent, (src[1] if src and src[0] >= ce else ce), len(sent))
        if content is not None:
            content = _clip_sentence(sent, content)
        if src is not None and src[1] - src[0] > 80:
            src = None
        att = Attribution(cue=Span(start + cs, start + ce, "cue"),
                          source=Span(start + src[0], start + src[1], "source") if src else None,
                          content=Span(start + content[0], start + content[1], "content") if content else None,
                          cue_lemma=m.group().lower(), lang=lang, confidence=0.6,
                          direct=bool(content and sent[content[0]] in OPEN_QUOTES))
        out.append(att)
        taken.append((cs, ce))
    for att in out:
        if att.content is not None:
            cs_, ce_ = balance_quotes(text, att.content.start, att.content.end)
            att.content = Span(cs_, ce_, "content")
            att.direct = text[cs_] in OPEN_QUOTES
        if att.source is not None:
            name = text[att.source.start : att.source.end]
            att.source_name = name
            low_name = name.lower()
            anon = {"de": ("beamte", "quellen", "kreise", "insider", "experten", "beobachter"),
                    "ru": ("источник", "чиновник", "эксперт", "наблюдател")}[lang]
            if any(w in low_name for w in anon) and not any(ch.isupper() for ch in name[1:]):
                att.anonymous = True
                att.source_kind = SourceKind.ANONYMOUS.value
            else:
                att.source_kind = _role_kind(low_name, lang) or classify_source(name, "", proper=True)
    return out


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


# --------------------------------------------------------------------------- antecedents


def _mentions(analysis: Analysis) -> list[tuple[int, int, str, str]]:
    """Candidate antecedents ``(start, end, name, kind)`` in text order."""
    out: list[tuple[int, int, str, str]] = []
    for src in analysis.sources:
        for m in src.mentions:
            out.append((m.start, m.end, src.name, src.kind))
    ents = analysis.entities
    if not ents and "spacy_doc" in analysis._cache:
        ents = [type("E", (), {"start": e.start_char, "end": e.end_char, "label": e.label_, "text": e.text})()
                for e in analysis._cache["spacy_doc"].ents]
    for e in ents:
        if e.label in ("PERSON", "ORG", "GPE", "NORP"):
            name = re.sub(r"^(the)\s+", "", e.text, flags=re.I)
            out.append((e.start, e.end, name, classify_source(e.text, e.label)))
    out.sort()
    return out


def _compatible(want: str, kind: str, name: str) -> bool:
    if want == "person":
        return kind == "person"
    if want == "plural":
        return kind != "person" or name.endswith("s")
    if want == "thing":
        return kind in ("outlet", "agency", "government", "organization")
    return kind == want


def resolve_antecedents(analysis: Analysis, atts: list[Attribution]) -> None:
    """Give pronoun and description sources the name of their nearest compatible antecedent.

    Looks back over earlier attributions' sources and entity/source mentions, at most
    ``ANTECEDENT_WINDOW`` characters before the source.
    """
    text = analysis.text
    mentions = _mentions(analysis)
    for att in atts:
        if att.source is None:
            continue
        words = text[att.source.start : att.source.end].split()
        if not words:
            continue
        first, last = words[0].lower(), words[-1].lower().strip(".,")
        if len(words) == 1 and first in FIRST_PERSON_PLURAL:
            _resolve_first_person(analysis, att)
            continue
        want = None
        if len(words) == 1 and first in PRONOUN_KINDS:
            want = PRONOUN_KINDS[first]
        elif (first in ("the", "this", "that", "der", "die", "das", "эта", "это") and last in ANAPHOR_KINDS
              and len(words) <= 3 and not any(w[:1].isupper() for w in words[1:])):
            want = ANAPHOR_KINDS[last]
        if want is None:
            continue
        best = None
        for prev in atts:
            if prev is att or prev.source is None or prev.source.start >= att.source.start:
                continue
            if att.source.start - prev.source.start > ANTECEDENT_WINDOW or not prev.source_name or not prev.source_kind:
                continue
            if _compatible(want, prev.source_kind, prev.source_name):
                if best is None or prev.source.start > best[0]:
                    best = (prev.source.start, prev.source_name, prev.source_kind)
        if best is None:  # earlier sources first; entity mentions only when none fits
            for s, _e, name, kind in mentions:
                if s >= att.source.start or att.source.start - s > ANTECEDENT_WINDOW:
                    continue
                if _compatible(want, kind, name) and (best is None or s > best[0]):
                    best = (s, name, kind)
        if best is not None:
            att.source_name, att.source_kind = best[1], best[2]
            att.anonymous = False


FIRST_PERSON_PLURAL = frozenset({"we", "us", "wir", "мы"})


def _resolve_first_person(analysis: Analysis, att: Attribution) -> None:
    """"We" outside a quotation is the article's author (its outlet when known): a
    fact-checker's "We have found no evidence" is the fact-checker's, never the nearest
    politician's. Inside a quotation it is the quotation's speaker, when known."""
    text = analysis.text
    if att.source is None:
        return
    for quote in analysis.quotes:
        if quote.start <= att.source.start < quote.end:
            att.source_name, att.source_kind = quote.speaker, None
            return
    if any(s <= att.source.start < e for s, e in quote_spans(text, 0, len(text))):
        att.source_name, att.source_kind = None, None
        return
    outlet = analysis.article.outlet
    att.source_name = outlet or "the author"
    att.source_kind = SourceKind.OUTLET.value if outlet else SourceKind.OTHER.value
    att.anonymous = False


# Antecedents are searched this many characters back: about three sentences of news prose,
# enough for "The newspaper also claims" after "An article in the New York Times claims".
ANTECEDENT_WINDOW = 600


def _pattern_sentences(analysis: Analysis) -> Iterator[tuple[int, int]]:
    if analysis.sentences:
        for s in analysis.sentences:
            yield s.start, s.end
        return
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[“”\"»]?|\n|$)", analysis.text):
        if m.group().strip():
            yield m.start(), m.end()


def attribute_text(text: str, lang: str = "en") -> list[Attribution]:
    """Attributions in a bare text (a convenience for scripts and tests)."""
    from narratrace.model import Article

    analysis = Analysis(article=Article(text=text, lang=lang), language=lang)
    return AttributionStage()(analysis).attributions


@register_stage("attribution.v1", requires=("sentences",), assigns=("attributions",), order=110)
class AttributionStage(Stage):
    """Source, cue and content of reported statements (English parse; DE/RU patterns)."""

    def __call__(self, analysis: Analysis) -> Analysis:
        lang = article_lang(analysis)
        if lang not in SUPPORTED_LANGS:
            analysis.unsupported[self.name] = f"unsupported_language: {lang}"
            return analysis
        if lang == "en":
            atts = attribute_doc(english_doc(analysis))
        else:
            atts = []
            for s, e in _pattern_sentences(analysis):
                atts.extend(attribute_sentence_pattern(analysis.text, s, e, lang))
        _attach_sources(analysis, atts)
        resolve_antecedents(analysis, atts)
        for att in atts:
            att.sentence = sentence_index(analysis, att.cue.start)
        analysis.attributions = sorted(atts, key=lambda a: a.cue.start)
        return analysis


def _attach_sources(analysis: Analysis, atts: list[Attribution]) -> None:
    """Use the sources stage's names and kinds where a source span overlaps one of its mentions."""
    for att in atts:
        if att.source is None:
            continue
        span_text = analysis.text[att.source.start : att.source.end]
        hits = [src for src in analysis.sources if any(m.overlaps(att.source) for m in src.mentions)]
        if len(hits) != 1:
            continue  # "Russia and North Korea": keep the phrase itself as the name
        src = hits[0]
        if src.name.lower() in span_text.lower():
            att.source_name = src.name
        if src.kind != SourceKind.OTHER.value or not att.source_kind:
            att.source_kind = src.kind
        if src.kind == SourceKind.ANONYMOUS.value:
            att.anonymous = True
