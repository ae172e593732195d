"""The per-parse caches of ``Doc.text`` and ``Doc.ents`` read what spaCy reads, and forget on request."""

from narratrace.text.nlp import doc_ents, doc_text, english, forget_ents, span_ents


def test_cached_text_and_entities_match_spacy_and_follow_reassignment():
    doc = english()("Alda Renk met Tomas Vell in Corvia on Monday.\n\nThe Harbour Authority said nothing.")
    assert doc_text(doc) == doc.text
    assert [(e.start, e.end, e.label_) for e in doc_ents(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    for span in (doc[0:5], doc[3:9], doc[:]):
        assert [(e.start, e.end) for e in span_ents(span)] == [(e.start, e.end) for e in span.ents]
    doc.ents = []
    assert doc_ents(doc)  # remembered until told
    forget_ents(doc)
    assert doc_ents(doc) == ()
