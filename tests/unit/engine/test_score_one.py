"""Each method's score of one answer (``score_one``) is, bit for bit, what its column
score (``score``) gives that answer on a one-row column — on awkward values: NaN (no
answer), ±0, subnormals, values on and beside the thresholds, huge ones, and the
competition's statistics over zeros of both signs."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from spar.engine.columns import ChoiceColumn, LabelsColumn
from spar.engine.methods import METHODS, get_method

RELATIVE = sorted(name for name, m in METHODS.items() if m.RELATIVE)
TINY = 5e-324  # the smallest subnormal

scores_ = st.sampled_from([0.0, 1.0, 0.5, 0.25, 0.1, 0.3, 1 / 3, 0.7, TINY]) | st.floats(0, 1)
finite = st.floats(allow_nan=False, allow_infinity=False)
awkward = st.sampled_from([0.0, -0.0, 1.0, -1.0, TINY, -TINY, 1e308, -1e308, 0.1, 1e-300])


def bits(x: float) -> bytes:
    """A float's bits: 0.0 and -0.0 differ, NaN equals NaN."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def near(x: float):
    """``x`` and its two neighbours: where a comparison flips."""
    return st.sampled_from([x, math.nextafter(x, -math.inf), math.nextafter(x, math.inf)])


def numbers(*marks: float):
    """An answer: any finite float, NaN (no answer), an awkward one, or one by a mark."""
    by_marks = st.sampled_from(marks).flatmap(near) if marks else st.nothing()
    return finite | awkward | st.just(math.nan) | by_marks


def assert_agrees(method, column, value, params, stats):
    with np.errstate(all="ignore"):  # huge values overflow, as they may in a lot
        vector = float(method.score(column, params, stats)[0])
    assert bits(method.score_one(value, params, stats)) == bits(vector)


@given(best=finite | awkward, worst=finite | awkward, data=st.data())
@example(best=5.0, worst=0.5, data=None)
def test_linear(best, worst, data):
    assume(best != worst)
    params = {"best": best, "worst": worst}
    value = data.draw(numbers(best, worst)) if data else 0.5
    assert_agrees(get_method("linear"), np.array([value]), value, params, {})


@given(ats=st.lists(finite | awkward, min_size=1, max_size=5, unique=True),
       scores=st.lists(scores_, min_size=5, max_size=5),
       direction=st.sampled_from(["higher", "lower"]), data=st.data())
def test_steps(ats, scores, direction, data):
    ats = sorted(set(ats))  # 0.0 and -0.0 are one threshold
    assume(all(b > a for a, b in zip(ats, ats[1:])))
    params = {"steps": [{"at": a, "score": s} for a, s in zip(ats, scores)],
              "direction": direction}
    value = data.draw(numbers(*ats))
    assert_agrees(get_method("steps"), np.array([value]), value, params, {})


@given(if_true=scores_, if_false=scores_,
       value=st.sampled_from([True, False, None, 1.0, 0.0, math.nan]))
def test_boolean(if_true, if_false, value):
    params = {"if_true": if_true, "if_false": if_false}
    column = np.array([math.nan if value is None else float(value)])
    assert_agrees(get_method("boolean"), column, value, params, {})


@given(options=st.dictionaries(st.text(min_size=1, max_size=5), scores_, min_size=1,
                               max_size=5), data=st.data())
def test_choice(options, data):
    value = data.draw(st.sampled_from([*options, None]))
    column = ChoiceColumn(np.array([-1 if value is None else 0], dtype=np.int32),
                          () if value is None else (value,))
    assert_agrees(get_method("choice"), column, value, {"options": options}, {})


@given(marks=st.lists(finite | awkward, min_size=1, max_size=6, unique=True),
       scores=st.lists(scores_, min_size=6, max_size=6), data=st.data())
def test_scale(marks, scores, data):
    assume(len(set(marks)) == len(marks))  # -0.0 and 0.0 are one mark
    params = {"levels": [{"mark": m, "label": f"n{k}", "score": s}
                         for k, (m, s) in enumerate(zip(marks, scores))]}
    value = data.draw(st.sampled_from([*marks, math.nan]))
    assert_agrees(get_method("scale"), np.array([value]), value, params, {})


@given(labels=st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E", "F"]), scores_,
                              min_size=1, max_size=6),
       need=st.sampled_from(["required", "optional"]), data=st.data())
def test_labels_with_max(labels, need, data):
    params = {"labels": labels, "combine": "max", "evidence": need}
    names = st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F", "Z"]), max_size=7)
    claimed, evidenced = data.draw(names), data.draw(names)
    # the layout a self-assessment's column has: the listed labels, then the others
    layout = tuple(dict.fromkeys([*labels, *claimed, *evidenced]))
    column = LabelsColumn(layout, np.array([[n in claimed for n in layout]]),
                          np.array([[n in evidenced for n in layout]]), np.array([True]))
    method = get_method("labels")
    assert method.alone(params)
    assert_agrees(method, column, (claimed, evidenced), params, {})


def test_labels_sum_is_left_to_the_column():
    assert not get_method("labels").alone({"labels": {"A": 1}, "combine": "sum",
                                           "evidence": "optional"})


@pytest.mark.parametrize("name", RELATIVE)
@settings(max_examples=300)
@given(direction=st.sampled_from(["higher", "lower"]), data=st.data(),
       others=st.lists(finite | awkward | st.just(math.nan), max_size=12))
def test_relative_methods_and_their_statistics(name, direction, data, others):
    method = get_method(name)
    params = {"direction": direction}
    value = data.draw(numbers(*others))
    values = [value, *others]
    with np.errstate(all="ignore"):
        stats = method.statistics(np.array(values), np.ones(len(values), dtype=bool), params)
    alone = method.statistics_one(values, params)
    assert {k: bits(v) for k, v in alone.items()} == {k: bits(v) for k, v in stats.items()}
    assert_agrees(method, np.array([value]), value, params, stats)


def test_every_method_scores_one_answer():
    assert all(callable(getattr(m, "score_one", None)) for m in METHODS.values())
    assert all(callable(getattr(m, "statistics_one", None)) for m in METHODS.values()
               if m.RELATIVE)


def assert_refuses_alike(method, column, value, params):
    bad, reason = method.invalid(column, params)
    assert method.invalid_one(value, params) == (reason if bad[0] else None)


@pytest.mark.parametrize("name", sorted(n for n, m in METHODS.items()
                                        if hasattr(m, "invalid") and m.KIND == "number"))
@given(direction=st.sampled_from(["higher", "lower"]), value=numbers(0.0))
def test_numbers_refused_alike(name, direction, value):
    method = get_method(name)
    assert_refuses_alike(method, np.array([value]), value, {"direction": direction})


@given(options=st.dictionaries(st.text(min_size=1, max_size=3), scores_, min_size=1,
                               max_size=4),
       other=st.text(max_size=3), data=st.data())
def test_choices_refused_alike(options, other, data):
    value = data.draw(st.sampled_from([*options, other, None]))
    column = ChoiceColumn(np.array([-1 if value is None else 0], dtype=np.int32),
                          () if value is None else (value,))
    assert_refuses_alike(get_method("choice"), column, value, {"options": options})


@given(marks=st.lists(finite | awkward, min_size=1, max_size=6, unique=True), data=st.data())
def test_marks_refused_alike(marks, data):
    params = {"levels": [{"mark": m, "label": f"n{k}", "score": 0.5}
                         for k, m in enumerate(marks)]}
    value = data.draw(numbers(*marks))
    assert_refuses_alike(get_method("scale"), np.array([value]), value, params)


def test_every_method_that_refuses_answers_refuses_one():
    assert all(callable(getattr(m, "invalid_one", None)) for m in METHODS.values()
               if hasattr(m, "invalid"))
