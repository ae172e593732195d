"""Stage ``entities.v1``: named entities (English through spaCy)."""

from __future__ import annotations

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Entity
from narratrace.text.nlp import spacy_doc

# spaCy labels kept as entities (NAME: a masked name whose kind the context does not tell); numeric labels (CARDINAL, PERCENT, ...) are left to the claims stages.
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "NAME", "LOC", "FAC", "EVENT", "DATE", "PRODUCT", "LAW", "WORK_OF_ART"}


@register_stage("entities.v1", requires=("sentences",), assigns=("entities",), order=30)
class EntityStage(Stage):
    """Named entities with their spaCy label.

    Only English has an offline NER model; for other languages the stage records
    ``unsupported_language`` (sources and hedges still work there through lexicons).
    """

    def __call__(self, analysis: Analysis) -> Analysis:
        doc = spacy_doc(analysis)
        if doc is None:
            analysis.unsupported[self.name] = (
                f"unsupported_language: {analysis.language or 'unknown'} (no offline NER model; English only)"
            )
            return analysis
        analysis.entities = [
            Entity(ent.start_char, ent.end_char, ent.label_, ent.text)
            for ent in doc.ents
            if ent.label_ in ENTITY_LABELS and ent.text.strip()
        ]
        return analysis
