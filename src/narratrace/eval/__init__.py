"""Loaders and official scorers of the public benchmarks (``narratrace eval TASK``).

Each task module registers itself with :func:`~narratrace.eval.registry.register_eval`.
"""
