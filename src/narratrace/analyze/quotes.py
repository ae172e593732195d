"""Stage ``quotes.v1``: direct quotations and, where the sentence makes it clear, their speaker."""

from __future__ import annotations

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Quote
from narratrace.text.lexicons import load_lexicon
from narratrace.text.nlp import doc_text, spacy_doc
from narratrace.text.quotes import quote_spans

# Quoted stretches shorter than this are titles, terms or scare quotes ("best troops"), not quotations.
MIN_QUOTE_WORDS = 4


@register_stage("quotes.v1", requires=("paragraphs", "sentences"), assigns=("quotes",), order=50)
class QuoteStage(Stage):
    """Direct quotations of four or more words; the speaker is the subject of a reporting
    verb outside the quote in the same sentence (English), when there is one."""

    def __call__(self, analysis: Analysis) -> Analysis:
        text = analysis.text
        doc = spacy_doc(analysis)
        verbs = set(load_lexicon("sources")["reporting_verbs_en"])
        quotes: list[Quote] = []
        for para in analysis.paragraphs:
            for start, end in quote_spans(text, para.start, para.end, single=True, open_ended=True):
                if len(text[start:end].split()) < MIN_QUOTE_WORDS:
                    continue
                quote = Quote(start, end)
                if doc is not None:
                    _attach_speaker(quote, doc, verbs)
                quotes.append(quote)
        analysis.quotes = quotes
        return analysis


def _attach_speaker(quote: Quote, doc, verbs: set[str]) -> None:
    span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if span is None:
        return
    sent = span.sent
    for token in sent:
        if quote.start <= token.idx < quote.end or token.lemma_.lower() not in verbs:
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            subtree = list(subjects[0].subtree)
            start, end = subtree[0].idx, subtree[-1].idx + len(subtree[-1])
            if quote.start <= start < quote.end:
                continue
            quote.speaker = doc_text(doc)[start:end]
            quote.speaker_start, quote.speaker_end = start, end
            quote.cue = token.text
            return
