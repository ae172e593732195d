"""Per-article analysis stages and the pipeline that runs them.

Each module registers its stages with :func:`~narratrace.analyze.registry.register_stage`;
:func:`~narratrace.analyze.registry.discover` imports them all.
"""
