"""Per-article analysis stages and the pipeline that runs them.

Each module registers its stages with :func:`~narratrace.analyze.registry.register_stage`;
:func:`~narratrace.analyze.registry.discover` imports them all.

The top-level package makes this subpackage callable (``narratrace.analyze(path)``
forwards to :func:`narratrace.analyze`); nothing here imports the API layer.
"""
