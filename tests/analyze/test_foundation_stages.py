from narratrace.analyze.pipeline import Pipeline
from narratrace.analyze.registry import default_stage_names, registered_stages
from narratrace.ingest import read_file
from narratrace.model import Article

FOUNDATION = ["language.v1", "segment.v1", "entities.v1", "sources.v1", "quotes.v1", "hedges.v1"]


def run(text: str):
    return Pipeline(FOUNDATION)(Article(text=text))


def test_registry_has_foundation_stages_in_order():
    stages = registered_stages()
    assert all(name in stages for name in FOUNDATION)
    default = default_stage_names()
    assert [n for n in default if n in FOUNDATION] == FOUNDATION


def test_sources_by_rule_with_reasons():
    analysis = run(
        "A recent article in the Northern Gazette claims that the bridge collapsed. "
        "The Ministry of Defence denied the report. According to Eastern Wire, repairs began. "
        "Rumours spread on outlets such as Lakeside TV. (Screenshot:NG)"
    )
    by_name = {s.name: s for s in analysis.sources}
    assert by_name["Northern Gazette"].kind == "outlet"
    assert any("claims" in r for r in by_name["Northern Gazette"].reasons)
    assert len(by_name["Northern Gazette"].mentions) == 2  # the credit "NG" is its acronym
    assert by_name["Ministry of Defence"].kind == "government"
    assert "Eastern Wire" in by_name and "Lakeside TV" in by_name


def test_names_that_are_not_cited_are_not_sources():
    analysis = run("The bridge over the Vistula in Warsaw was closed after the storm on Monday.")
    assert analysis.sources == []


def test_hedges_in_three_languages():
    en = run("The army allegedly withdrew, without any evidence of losses.")
    assert [(m.cue, m.kind) for m in en.markers] == [("allegedly", "evidential"), ("without any evidence", "no_evidence")]
    de = run("Die Truppen sind angeblich abgezogen, ohne jeden Beweis für Verluste vorzulegen.")
    assert {m.kind for m in de.markers} == {"evidential", "no_evidence"}
    ru = run("Войска якобы отошли, без каких-либо доказательств потерь, сообщили источники.")
    assert {m.cue for m in ru.markers} == {"якобы", "без каких-либо доказательств"}


def test_unsupported_language_is_explicit():
    analysis = run("Le ministère a démenti les informations publiées lundi par plusieurs journaux régionaux.")
    assert analysis.language == "fr"
    assert analysis.unsupported["hedges.v1"].startswith("unsupported_language: fr")
    assert analysis.unsupported["entities.v1"].startswith("unsupported_language: fr")


def test_quote_with_speaker():
    analysis = run('"We will not let a single truck through," the spokesperson Tomas Berg told reporters.')
    [quote] = analysis.quotes
    assert analysis.text[quote.start : quote.end] == "We will not let a single truck through,"
    assert quote.speaker is not None and "Tomas Berg" in quote.speaker


def test_tabloid_single_quotes_and_quotations_running_on_are_quotes():
    text = ("The harbour master's office said the pier was closed. 'We are very worried about the old crane,' "
            "said Ilse Marrow, a docker.\n\nOne diver said: 'I was there when the crane fell into the water. "
            "It was the worst day of my working life.\n\n'Nobody listened to us,' she added.")
    quoted = [text[q.start : q.end] for q in run(text).quotes]
    assert quoted[0] == "We are very worried about the old crane,"
    assert quoted[1].startswith("I was there") and quoted[1].endswith("working life.")
    assert quoted[2] == "Nobody listened to us,"
    assert not any("harbour master" in q for q in quoted)  # a possessive is not a quotation mark


def test_example_articles_have_their_sources(examples_dir):
    news = Pipeline(FOUNDATION)(read_file(examples_dir / "news_report.txt")[0])
    names = {s.name for s in news.sources}
    assert {"Halden Courier", "Tomas Berg"} <= names
    assert any(s.kind == "anonymous" for s in news.sources)
    german = Pipeline(FOUNDATION)(read_file(examples_dir / "german_article.txt")[0])
    assert german.language == "de"
    assert {"Nordfrakt", "Halden Kurier"} <= {s.name for s in german.sources}


def test_source_mentions_do_not_depend_on_the_hash_seed():
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json; from narratrace.analyze.pipeline import Pipeline; from narratrace.model import Article\n"
        "a = Pipeline(['language.v1', 'segment.v1', 'entities.v1', 'sources.v1'])(Article(text="
        "'She said so in an interview with The Harbour Post on Monday. The Harbour Post later added a note.'))\n"
        "print(json.dumps([[s.name, [[m.start, m.end] for m in s.mentions]] for s in a.sources]))"
    )
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        runs.add(out.strip())
    assert len(runs) == 1, runs
    text = "She said so in an interview with The Harbour Post on Monday. The Harbour Post later added a note."
    sources = dict((name, spans) for name, spans in json.loads(runs.pop()))
    assert [text[s:e] for s, e in sources["Harbour Post"]] == ["The Harbour Post"] * 2  # not "Harbour Post" by chance
