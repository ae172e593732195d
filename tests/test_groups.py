"""Connected groups agree with a plain graph search on random links."""

from __future__ import annotations

import random

from narratrace.groups import component_labels, connected_groups


def _search(pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    nbrs: dict[int, set[int]] = {}
    for a, b in pairs:
        nbrs.setdefault(a, set()).add(b)
        nbrs.setdefault(b, set()).add(a)
    seen: set[int] = set()
    out = set()
    for start in nbrs:
        if start in seen:
            continue
        stack, comp = [start], set()
        while stack:
            x = stack.pop()
            if x not in comp:
                comp.add(x)
                stack.extend(nbrs[x] - comp)
        seen |= comp
        out.add(frozenset(comp))
    return out


def test_groups_match_graph_search():
    rng = random.Random(5)
    for _ in range(30):
        pairs = [(rng.randrange(40), rng.randrange(40)) for _ in range(rng.randrange(1, 35))]
        groups = connected_groups(pairs)
        assert {frozenset(g) for g in groups} == _search(pairs)
        firsts = [g[0] for g in groups]
        seen_order = list(dict.fromkeys(x for p in pairs for x in p))
        assert firsts == sorted(firsts, key=seen_order.index)


def test_empty_and_self_links():
    assert connected_groups([]) == []
    assert component_labels([("x", "x")]) == {"x": 0}
