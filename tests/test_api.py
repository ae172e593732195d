import importlib

import narratrace


def test_analyze_is_callable_before_and_after_subpackages_load(examples_dir):
    first = narratrace.analyze("Officials reportedly denied the claim on Monday evening.", stages=["language.v1", "segment.v1", "hedges.v1"])
    importlib.import_module("narratrace.analyze.pipeline")  # binds the subpackage to narratrace.analyze

    second = narratrace.analyze(examples_dir / "news_report.txt", stages=["language.v1", "segment.v1", "sources.v1"])
    assert first.markers[0].cue == "reportedly"
    assert second.article.title.startswith("Grain convoy")
    assert callable(narratrace.analyze)


def test_analyze_accepts_a_path_string_and_forced_language(examples_dir):
    analysis = narratrace.analyze(str(examples_dir / "german_article.txt"), lang="de", stages=["language.v1"])
    assert analysis.language == "de" and analysis.language_confidence == 1.0


def test_analyze_article_leaves_the_callers_article_alone():
    from narratrace.api import analyze_article
    from narratrace.model import Article

    metadata = {"feed": "velmora-wire"}
    article = Article("Officials reportedly denied the claim on Monday evening.", metadata=metadata)
    analysis = analyze_article(article, stages=["language.v1"], lang="de")
    assert metadata == {"feed": "velmora-wire"} and article.metadata is metadata
    assert analysis.language == "de" and analysis.article.metadata["lang_override"] == "de"


def test_analyze_takes_a_long_one_line_text_as_text():
    text = "Officials said the dam held. " * 12  # one line, longer than a file name may be
    analysis = narratrace.analyze(text.strip(), stages=["language.v1", "segment.v1"])
    assert analysis.text == text.strip() and len(analysis.sentences) == 12
