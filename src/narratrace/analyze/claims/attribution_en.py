"""English attributions from the dependency parse (part of ``attribution.v1``).

A linear cue detector over spaCy token features (lemma, part of speech, dependency,
children, neighbours), trained on PolNeAR train (:mod:`narratrace.train.attribution`),
finds cue heads. The cue span, the source and the content are read off the dependency
parse along the paths PolNeAR's annotations most often take from the cue (``nsubj`` for
the source, ``ccomp``/``dobj`` for the content, ``according to`` -> ``pobj``, ...), all
learned from the same training split and stored in ``resources/claims/attribution_en.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from narratrace.analyze.claims._common import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    QUOTE_CHARS,
    balance_quotes,
    cue_lexicon,
    load_json,
)
from narratrace.analyze.claims.attribution_sources import ANONYMOUS_HEADS, classify_source
from narratrace.model import Attribution, SourceKind, Span
from narratrace.text.nlp import doc_ents, doc_text
from narratrace.text.quotes import quote_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


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

# Stances that answer an earlier claim; their verbs are always cues (see attribute_doc).
REACTION_STANCES = frozenset({"denies", "confirms", "retracts", "corrects"})

# What a publisher or speaker can retract: the object of "withdrew" that makes it a retraction.
SPEECH_NOUNS = frozenset(
    "statement report claim claims article story remark remarks allegation allegations comment comments "
    "accusation assertion piece post tweet video photo picture interview quote word words apology "
    "correction headline version account testimony".split()
)

# Entity labels and shapes that never say anything: dates, amounts, tickers ("XAU=").
NOT_SOURCE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"})

_TICKER = re.compile(r"^[A-Z0-9.]{1,8}[=^]$|^[\d\W]+$")

# A headline speaker ("John McCain:", "NY Daily News:") has at most this many tokens.
HEADLINE_SOURCE_TOKENS = 5


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
    return balance_quotes(doc_text(doc), doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1]))


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
    while lo < tok.i and "\n\n" in doc_text(doc)[doc[lo].idx : tok.idx]:
        lo += 1
    span = _trim(doc, lo, hi, keep_final=False)
    if span and "," in doc_text(doc)[span[0] : span[1]] and doc_text(doc)[span[1] : span[1] + 1] == ",":
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


def attribute_doc(doc: Doc, model: dict[str, Any] | None = None) -> list[Attribution]:
    """Attributions in an English spaCy ``Doc`` (offsets are the Doc's character offsets).

    Sources are not resolved across sentences here; :class:`AttributionStage` does that.
    """
    model = model or _model()
    out: list[Attribution] = []
    used_heads: set[int] = set()
    quotes = quote_spans(doc_text(doc), 0, len(doc_text(doc)))
    for tok in doc:
        if tok.pos_ not in CANDIDATE_POS or tok.i in used_heads:
            continue
        reaction = _is_reaction(tok, quotes)
        if tok.lemma_.lower() not in model["lemma_seen"] and not reaction:
            continue
        prob = cue_probability(tok, model)
        if prob < model["threshold"] and not reaction:
            continue
        clo, chi = cue_bounds(tok, model)
        cue_tokens = set(range(clo, chi))
        source_tok = _source_token(tok, cue_tokens, model["source_paths"])
        content_tok = _content_token(tok, cue_tokens, model["content_paths"], source_tok)
        if (source_tok is not None and content_tok is not None and tok.head.i != content_tok.i
                and not any(a.i == content_tok.i for a in tok.ancestors)
                and content_tok.left_edge.i <= source_tok.i <= content_tok.right_edge.i):
            source_tok = None
        content = None
        if content_tok is not None:
            content = _content_span(tok, content_tok, source_tok, (clo, chi), model.get("content_keep_final_punct", False))
        source = _source_span(tok, source_tok, model, quotes) if source_tok is not None else None
        cue_span = Span(doc[clo].idx, doc[chi - 1].idx + len(doc[chi - 1]), "cue")
        direct = content is not None and doc_text(doc)[content.start] in OPEN_QUOTES
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


def _is_reaction(tok: Token, quotes: list[tuple[int, int]]) -> bool:
    """A verb of reaction from the hand-written lexicon, taken as a cue whatever the model says.

    Such verbs ("retracted", "corrected", "denied", "confirmed") are cues even where PolNeAR,
    which has few retractions, gives them a low score: outside quotations, and a retraction
    only of something said ("withdrew the report", not "will not withdraw a single soldier").
    """
    stance = cue_lexicon("en").get(tok.lemma_.lower(), {}).get("stance")
    return (tok.pos_ == "VERB" and stance in REACTION_STANCES
            and not any(s <= tok.idx < e for s, e in quotes)
            and (stance != "retracts" or _retracts_something_said(tok)))


def _source_token(tok: Token, cue_tokens: set[int], base_paths: list[str]) -> Token | None:
    """The head of the cue's source: the first learned path from the cue that reaches a nominal."""
    paths = base_paths
    if any(c.dep_ == "agent" for c in tok.children):
        paths = ["agent>pobj", *paths]  # passive: "as reported by the Asia Times"
    for path in paths:
        cands = [t for t in follow(tok, path) if t.i not in cue_tokens and t.pos_ in SOURCE_POS]
        if cands:
            return cands[0]
    return None


def _content_token(tok: Token, cue_tokens: set[int], paths: list[str], source_tok: Token | None) -> Token | None:
    """The head of the cue's content: the first learned path from the cue that reaches one."""
    for path in paths:
        cands = [t for t in follow(tok, path) if t.i not in cue_tokens]
        if "prep" in path and not path.startswith("<"):
            # "In early 2024, X refused …": a fronted or temporal phrase is not the content
            cands = [t for t in cands if t.i > tok.i and t.ent_type_ not in ("DATE", "TIME")]
        if source_tok is not None:
            cands = [t for t in cands if not (source_tok.left_edge.i <= t.i <= source_tok.right_edge.i)]
        if cands:
            return cands[0]
    return None


def _content_span(tok: Token, content_tok: Token, source_tok: Token | None, cue: tuple[int, int], keep_final: bool) -> Span | None:
    """Character span of the content headed by ``content_tok``, without the cue and the source."""
    clo, chi = cue
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
    span = _trim(tok.doc, lo, hi, keep_final=keep_final)
    return Span(span[0], span[1], "content") if span else None


def _source_span(tok: Token, source_tok: Token, model: dict[str, Any], quotes: list[tuple[int, int]]) -> Span | None:
    """Character span of the source headed by ``source_tok``; none for dates, amounts and names quoted."""
    if _never_a_source(source_tok):
        return None
    span = source_char_span(source_tok, model)
    inside = [(s, e) for s, e in quotes if s <= span[0] < e] if span else []
    if span and not (inside and not inside[0][0] <= tok.idx < inside[0][1]):
        return Span(span[0], span[1], "source")  # a name inside a quotation is talked about
    return None


def _retracts_something_said(tok: Token) -> bool:
    """A retraction verb with an object retracts only what was said or published."""
    objects = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
    return not objects or any(o.lemma_.lower() in SPEECH_NOUNS for o in objects)


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
    text = doc_text(doc)
    for tok in doc:
        if tok.text != ":" or tok.i == 0:
            continue
        line_start = text.rfind("\n", 0, tok.idx) + 1
        line_end = text.find("\n", tok.idx)
        line_end = len(text) if line_end < 0 else line_end
        first = tok.i  # the tokens of the line before the colon
        while first > 0 and doc[first - 1].idx >= line_start:
            first -= 1
        head = [t for t in doc[first : tok.i] if not t.is_space]
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


def _describe_source_en(att: Attribution, head: Token, doc: Doc) -> None:
    if att.source is None:
        return
    name = doc_text(doc)[att.source.start : att.source.end]
    att.source_name = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I) if head.pos_ != "PRON" else None
    has_proper = any(t.pos_ == "PROPN" for t in head.subtree)
    ents = [e for e in doc_ents(doc) if e.start <= head.i < e.end]
    label = ents[0].label_ if ents else ""
    if head.lemma_.lower() in ANONYMOUS_HEADS and not has_proper:
        att.anonymous = True
        att.source_kind = SourceKind.ANONYMOUS.value
    else:
        att.source_kind = classify_source(name, label, head.pos_ == "PROPN" or has_proper)
