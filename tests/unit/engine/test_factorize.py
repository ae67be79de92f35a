"""factorize: the distinct answers of a column, whatever mix of values a file gives."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from spar.engine.answers import factorize

ANSWER = st.one_of(st.none(), st.just(math.nan), st.booleans(), st.integers(-3, 3),
                   st.sampled_from([0.0, 1.0, 2.5]), st.sampled_from(["oui", "non", "FSC", ""]),
                   st.lists(st.sampled_from(["FSC", "EU Ecolabel"]), max_size=2))


def key(value):
    """What makes two answers the same answer: None and NaN are both no answer, a list
    is its items."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        return ("list", *value)
    return value


@given(st.lists(ANSWER, max_size=30))
def test_same_code_exactly_for_the_same_answer_first_seen_first(raw):
    uniques, codes = factorize(raw)
    assert len(codes) == len(raw)
    for i, a in enumerate(raw):
        for j, b in enumerate(raw):
            assert (codes[i] == codes[j]) == (key(a) == key(b))
    # each distinct answer kept as first seen, numbered in order of appearance
    firsts = {}
    for i, a in enumerate(raw):
        firsts.setdefault(int(codes[i]), i)
    assert sorted(firsts) == list(range(len(uniques)))
    assert [firsts[c] for c in range(len(uniques))] == sorted(firsts.values())
    for c, i in firsts.items():
        assert key(uniques[c]) == key(raw[i])
