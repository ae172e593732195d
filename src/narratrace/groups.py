"""Connected groups of linked items (scipy's connected components, not a hand-written union-find).

Examples
--------
>>> connected_groups([("a", "b"), ("c", "d"), ("b", "e")])
[['a', 'b', 'e'], ['c', 'd']]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

import numpy as np

T = TypeVar("T", bound=Hashable)


def component_labels(pairs: Iterable[tuple[T, T]]) -> dict[T, int]:
    """The connected-component number of every item named in ``pairs`` (links are undirected).

    Items are numbered in the order they first appear; so are the components.

    >>> component_labels([(1, 2), (3, 3), (2, 4)])
    {1: 0, 2: 0, 3: 1, 4: 0}
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index: dict[T, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for a, b in pairs:
        rows.append(index.setdefault(a, len(index)))
        cols.append(index.setdefault(b, len(index)))
    if not index:
        return {}
    n = len(index)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    # renumber so that components follow the first appearance of their items
    order: dict[int, int] = {}
    return {item: order.setdefault(int(labels[i]), len(order)) for item, i in index.items()}


def connected_groups(pairs: Iterable[tuple[T, T]]) -> list[list[T]]:
    """The items of ``pairs`` grouped by connected component, in order of first appearance."""
    groups: dict[int, list[T]] = {}
    for item, label in component_labels(pairs).items():
        groups.setdefault(label, []).append(item)
    return list(groups.values())
