"""Snapshots of what registers itself: renames, reorders and modules that fail to import
must be deliberate (discovery only logs a broken module, so this test is what catches it)."""

from narratrace._discovery import import_submodules
from narratrace.analyze.registry import default_stage_names
from narratrace.eval.registry import eval_tasks

DEFAULT_PIPELINE = [
    "language.v1", "names.v1", "segment.v1", "entities.v1", "sources.v1", "quotes.v1", "hedges.v1",
    "attribution.v1", "stance.v1", "evidence.v1", "claims.v1", "checkworthiness.v1",
    "techniques.v1", "factcheck_match.v1", "images.v1",
]
EVAL_TASKS = {
    "persuasion-paragraph", "persuasion-spans", "checkworthiness", "claim-retrieval",
    "attribution", "article-similarity",
}


def test_every_plugin_module_imports():
    for package in ("narratrace.analyze", "narratrace.eval", "narratrace.report", "narratrace.cli"):
        assert import_submodules(package) == [], package


def test_default_pipeline_snapshot():
    assert default_stage_names() == DEFAULT_PIPELINE


def test_eval_tasks_of_the_contract_are_registered():
    assert EVAL_TASKS <= set(eval_tasks())
