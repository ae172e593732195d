"""Reproducible training of the shipped models (``narratrace train TASK``).

One module a model; each reads the research data by path, fits with fixed seeds and
writes the weights (and, where there is one, the model card) under
``narratrace/resources``:

- :mod:`~narratrace.train.persuasion`: persuasion techniques (SemEval-2023 Task 3);
- :mod:`~narratrace.train.checkworthiness`: check-worthy sentences (CheckThat! 2024);
- :mod:`~narratrace.train.attribution`: English attribution (PolNeAR);
- :mod:`~narratrace.train.claim_stance`: stance toward a claim (FNC-1);
- :mod:`~narratrace.train.claim_reranker`: fact-check re-ranker (CheckThat! claim retrieval).

Training may import the scorers of :mod:`narratrace.eval`; the runtime layers
(``analyze``, ``stance``, ``factcheck``, ...) never import this package.
"""
