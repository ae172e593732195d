"""Stage ``names.v1``: the stages after it read a neutral text in which every name is a stand-in.

Right after paragraphs and languages are known, the article's names are masked by kind
(:class:`narratrace.text.names.NameMask`): the later stages parse, tag, score and explain
the neutral text. Before a stage that must read real names (fact-check matching, image
lookups) and at the end of the pipeline, :func:`restore_names` maps every offset back to the
article's own text and puts the names back into every string. No stage can therefore learn,
encode or show a verdict that depends on which country, outlet or person is named.

Examples
--------
>>> from narratrace.analyze.pipeline import Pipeline
>>> from narratrace.model import Article
>>> pipe = Pipeline(["language.v1", "names.v1", "segment.v1"])
>>> analysis = pipe(Article(text="Officials in Moscow said so. Kiev denied it."))
>>> [analysis.text[s.start:s.end] for s in analysis.sentences]
['Officials in Moscow said so.', 'Kiev denied it.']
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from narratrace.analyze.language import assign_languages
from narratrace.analyze.registry import Stage, register_stage
from narratrace.analyze.sources import normalize_name
from narratrace.model import Analysis, Entity, Source, SourceKind
from narratrace.text.furniture import furniture_rules
from narratrace.text.names import NameMask
from narratrace.text.nlp import forget_ents

if TYPE_CHECKING:
    from spacy.tokens import Doc

_MASK = "name_mask"
_ORIGINAL = "original_article"
# Entity labels of masked names: the kind decides, so a stand-in's look never does. "NAME" is a
# name whose kind the context does not tell (a person, an outlet or an organisation).
_ENTITY_LABELS = {"country": "GPE", "city": "GPE", "nationality": "NORP", "person": "PERSON", "outlet": "ORG", "name": "NAME"}


@register_stage("names.v1", requires=("paragraphs",), assigns=("article",), order=15)
class NameMaskStage(Stage):
    """Mask names by kind (country, city, nationality, other name) so that later stages see the same text whichever names an article uses."""

    def __call__(self, analysis: Analysis) -> Analysis:
        if _MASK in analysis._cache:
            return analysis
        article = analysis.article
        mask = NameMask.build(article.text, [(p.start, p.end, p.lang) for p in analysis.paragraphs])
        # Languages and page furniture again, read without the names: a name must not decide
        # that a short paragraph is Spanish or a navigation bar. Names found under a language
        # that changed are found again under the new one.
        original = [(p.start, p.end) for p in analysis.paragraphs]
        for _ in range(2):
            langs = [p.lang for p in analysis.paragraphs]
            self._reread(analysis, mask, original)
            if [p.lang for p in analysis.paragraphs] == langs:
                break
            mask = NameMask.build(article.text, [(s, e, p.lang) for (s, e), p in zip(original, analysis.paragraphs, strict=True)])
        analysis._cache[_MASK] = mask
        analysis._cache[_ORIGINAL] = article
        neutral = dataclasses.replace(
            article,
            text=mask.neutral_text,
            images=[_shifted(image, mask.to_neutral) for image in article.images],
            metadata=_shifted(article.metadata, mask.to_neutral),
        )
        neutral.id = article.id
        analysis.article = neutral
        analysis.paragraphs = [_shifted(p, mask.to_neutral) for p in analysis.paragraphs]
        return analysis

    @staticmethod
    def _reread(analysis: Analysis, mask: NameMask, spans: list[tuple[int, int]]) -> None:
        """Languages and furniture of the paragraphs (original offsets), read from the article
        with every name blanked out."""
        text = mask.text
        blanked = list(text)
        for m in mask.mentions:
            blanked[m.start : m.end] = " " * (m.end - m.start)
        readable = "".join(blanked)
        rules = furniture_rules([readable[s:e] for s, e in spans])
        for para, rule in zip(analysis.paragraphs, rules, strict=True):
            para.furniture = rule is not None
        assign_languages(analysis, readable)


def label_names(doc: Doc, analysis: Analysis) -> None:
    """Give the parse's entities of masked names the label of their kind (``_ENTITY_LABELS``)."""
    mask: NameMask | None = analysis._cache.get(_MASK)
    if mask is None:
        return
    ours = []
    for start, end, kind in mask.neutral_spans():
        span = doc.char_span(start, end, label=_ENTITY_LABELS[kind], alignment_mode="expand")
        if span is not None:
            ours.append(span)
    ours = [s for i, s in enumerate(ours) if not any(s.start < o.end and o.start < s.end for o in ours[:i])]
    taken = {i for s in ours for i in range(s.start, s.end)}
    kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
    doc.ents = sorted(kept + ours, key=lambda s: s.start)
    forget_ents(doc)


def masked_spans(analysis: Analysis) -> list[tuple[int, int]]:
    """``(start, end)`` of every stand-in in the text the stages read (none when names are not masked)."""
    mask: NameMask | None = analysis._cache.get(_MASK)
    return [] if mask is None else [(start, end) for start, end, _ in mask.neutral_spans()]


def is_masked(analysis: Analysis) -> bool:
    """True while ``analysis`` reads the neutral text."""
    return _MASK in analysis._cache


def restore_names(analysis: Analysis) -> Analysis:
    """Map every offset back to the article's own text and put the names back into strings.

    Idempotent: an analysis that was never masked (or was restored already) is returned as is.
    """
    mask: NameMask | None = analysis._cache.pop(_MASK, None)
    if mask is None:
        return analysis
    neutral_text = analysis.article.text
    analysis.article = analysis._cache.pop(_ORIGINAL)
    restorer = _Restorer(mask, neutral_text, analysis.article.text)
    for f in dataclasses.fields(analysis):
        if f.name in ("article", "_cache", "stages", "errors", "language", "language_confidence"):
            continue
        setattr(analysis, f.name, restorer.restore(getattr(analysis, f.name)))
    analysis.sources = _merge_sources(analysis.sources)
    return analysis


class _Restorer:
    """Rewrites values read on the neutral text into values of the original text."""

    def __init__(self, mask: NameMask, neutral_text: str, original_text: str) -> None:
        self.mask = mask
        self.neutral_text = neutral_text
        self.original_text = original_text

    def restore(self, value: Any) -> Any:
        """``value`` with offsets mapped back and names put back; unchanged values are returned as they are."""
        mask = self.mask
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._restore_dataclass(value)
        if isinstance(value, str):
            return mask.restore_string(value)
        if isinstance(value, list):
            return [self.restore(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.restore(v) for v in value)
        if isinstance(value, dict):
            return {k: (_mapped(k, v, mask.to_original) if isinstance(v, int) else self.restore(v)) for k, v in value.items()}
        return value

    def _restore_dataclass(self, value: Any) -> Any:
        mask = self.mask
        changes = {}
        for f in dataclasses.fields(value):
            if f.name.startswith("_"):
                continue
            old = getattr(value, f.name)
            new = _mapped(f.name, old, mask.to_original) if isinstance(old, int) else self.restore(old)
            if new is not old:
                changes[f.name] = new
        if isinstance(getattr(value, "text", None), str) and isinstance(getattr(value, "start", None), int):
            start, end = value.start, value.end
            if value.text == self.neutral_text[start:end]:  # a slice of the text: slice the original
                changes["text"] = self.original_text[mask.to_original(start) : mask.to_original(end, end=True)]
        if not changes:
            return value
        restored = dataclasses.replace(value, **changes)
        if isinstance(restored, Entity):
            kind = mask.kind_at(restored.start, restored.end)
            if kind in _ENTITY_LABELS:
                restored.label = _ENTITY_LABELS[kind]
        return restored


def _merge_sources(sources: list[Source]) -> list[Source]:
    """One source per restored name: two stand-in spellings ("Corvid Gazette", "Corvid") of one
    name become one source again, with all mentions and reasons."""
    merged: dict[str, Source] = {}
    for source in sources:
        key = normalize_name(source.name)
        if key not in merged:
            merged[key] = source
            continue
        kept = merged[key]
        kept.mentions = sorted(set(kept.mentions) | set(source.mentions), key=lambda m: (m.start, m.end))
        kept.reasons += [r for r in source.reasons if r not in kept.reasons]
        kept.cited = kept.cited or source.cited
        if kept.kind == SourceKind.OTHER.value:
            kept.kind = source.kind
    return list(merged.values())


def _mapped(name: str, value: int, to: Any) -> int:
    """Map an offset field; other integers (counts, indexes) are left alone."""
    if isinstance(value, bool):
        return value
    if name == "start" or name.endswith("_start"):
        return to(value)
    if name == "end" or name.endswith("_end"):
        return to(value, end=True)
    return value


def _shifted(value: Any, to: Any) -> Any:
    """A copy of ``value`` (a dataclass or a metadata dict) with its offsets mapped by ``to``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _mapped(f.name, getattr(value, f.name), to)
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), int) and getattr(value, f.name) is not None
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {k: (_mapped(k, v, to) if isinstance(v, int) else _shifted(v, to)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, to) for v in value]
    return value


__all__ = ["NameMaskStage", "is_masked", "restore_names"]
