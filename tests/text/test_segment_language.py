from narratrace.analyze.pipeline import Pipeline
from narratrace.model import Article
from narratrace.text.segment import paragraph_spans

MIXED = (
    "Officials in Berlin reacted to the report on Monday evening with caution.\n\n"
    "Die Regierung hat die Berichte über den Truppenabzug nicht bestätigt und weitere Prüfungen angekündigt.\n\n"
    "The ministry said it would publish its findings next week. It gave no date."
)


def test_paragraph_and_sentence_offsets_point_into_unchanged_text():
    article = Article(text=MIXED)
    analysis = Pipeline(["language.v1", "segment.v1"])(article)
    assert analysis.text == MIXED
    assert len(analysis.paragraphs) == 3
    for sent in analysis.sentences:
        piece = MIXED[sent.start : sent.end]
        assert piece == piece.strip() and piece
        para = analysis.paragraphs[sent.paragraph]
        assert para.start <= sent.start < sent.end <= para.end
    assert [MIXED[s.start : s.end] for s in analysis.sentences][-2:] == [
        "The ministry said it would publish its findings next week.",
        "It gave no date.",
    ]


def test_language_per_paragraph_and_article():
    analysis = Pipeline(["language.v1", "segment.v1"])(Article(text=MIXED))
    assert analysis.language == "en"
    assert [p.lang for p in analysis.paragraphs] == ["en", "de", "en"]


def test_non_english_article_uses_sentencizer():
    text = "Войска отошли от границы. Министерство это опровергло! Кто прав?"
    analysis = Pipeline(["language.v1", "segment.v1"])(Article(text=text))
    assert analysis.language == "ru"
    assert [text[s.start : s.end] for s in analysis.sentences] == [
        "Войска отошли от границы.", "Министерство это опровергло!", "Кто прав?"]


def test_hard_wrapped_text_uses_blank_line_paragraphs():
    text = ("This line is wrapped at a short\nwidth like an e-mail export and\ncontinues here.\n\n"
            "A second paragraph also wraps\nacross two lines.\n")
    spans = paragraph_spans(text)
    assert len(spans) == 2
    assert text[spans[1][0] : spans[1][1]] == "A second paragraph also wraps\nacross two lines."


def test_long_texts_are_parsed_in_pieces_with_exact_offsets(monkeypatch):
    """Texts above spaCy's length cap are parsed in pieces cut at line breaks; the joined parse
    has the text's own offsets (issue 12: a 3M-character article must not stop the run)."""
    from narratrace.text import nlp

    text = "Officials in Halden said the bridge had been closed on Monday.\nThe ministry denied it.\n\n" * 12
    whole = nlp.english()(text)
    monkeypatch.setattr(nlp, "PARSE_PIECE_CHARS", 300)
    pieces = nlp.parse_english(text)
    assert pieces.text == text
    assert [(t.idx, t.text) for t in pieces] == [(t.idx, t.text) for t in whole]
    assert [(s.start_char, s.end_char) for s in pieces.sents] == [(s.start_char, s.end_char) for s in whole.sents]
