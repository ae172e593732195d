"""Stage ``images.v1``: the article's pictures and the reuse findings that name it.

Lists the article's pictures (figures, credits such as ``(Screenshot:NYT)``) in
``analysis.summaries["images"]["images"]`` and, when the store the pipeline was given
(``Pipeline(store=...)``) holds indexed pictures of this article, the findings of
:func:`narratrace.images.reuse.find_reuse` that name it. An empty image database is
recorded as ``{"database": "empty"}`` and a pipeline without a store as
``{"database": "none"}``, never an error.
"""

from __future__ import annotations

import logging

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, to_jsonable

logger = logging.getLogger(__name__)


@register_stage("images.v1", assigns=("summaries",), order=450, reads_names=True)
class ImagesStage(Stage):
    """Collect the article's pictures and look up reuse findings naming it."""

    def __call__(self, analysis: Analysis) -> Analysis:
        from narratrace.images.collect import images_from_article

        items = images_from_article(analysis.article)
        summary: dict = {
            "images": [dict(to_jsonable(it.ref), context=it.context) for it in items],
            "findings": [],
            "database": "empty" if self.store is not None else "none",
        }
        if self.store is None:
            analysis.summaries["images"] = summary
            return analysis
        try:
            from narratrace.images.repository import count_images
            from narratrace.images.reuse import find_reuse

            engine = self.store
            if count_images(engine):
                summary["database"] = "ok"
                summary["findings"] = [f.to_dict() for f in find_reuse(engine, article_id=analysis.article.id)]
        except Exception as exc:  # noqa: BLE001 - the report shows the pictures even without a database
            logger.warning("image reuse lookup failed: %s", exc)
            summary["database"] = f"unavailable: {exc.__class__.__name__}"
        analysis.summaries["images"] = summary
        return analysis
