"""SPEC §2.3 step 1: a malformed answer is an error naming the offer and the input."""

from __future__ import annotations

import numpy as np
import pytest

from spar.engine.answers import lot_from_columns, lot_from_offers
from spar.engine.errors import AnswerProblem, AnswersError

from .builders import SCALE_LEAF, one_leaf, offers, values_lot


def problems_of(crit, values) -> list[AnswerProblem]:
    with pytest.raises(AnswersError) as info:
        values_lot(crit, values)
    return info.value.problems


@pytest.mark.parametrize("raw, expected", [
    ("oui", 1.0), ("non", 0.0), ("yes", 1.0), ("no", 0.0), ("1", 1.0), ("0", 0.0),
    ("true", 1.0), ("false", 0.0), (True, 1.0), (False, 0.0), (1, 1.0), (0, 0.0),
    (" OUI ", 1.0), ("Non", 0.0), ("TRUE", 1.0),
])
def test_boolean_spellings(raw, expected):
    lot = values_lot(one_leaf("method: boolean"), [raw])
    assert lot.columns["v"][0] == expected


@pytest.mark.parametrize("raw", ["peut-être", 2, "2", [True]])
def test_boolean_other_answers_are_errors(raw):
    (problem,) = problems_of(one_leaf("method: boolean"), [True, raw])
    assert (problem.offer, problem.input) == ("B", "v")
    assert "oui ou non" in problem.reason


@pytest.mark.parametrize("raw, expected", [
    ("12 000,50", 12000.5), ("12\u00a0000,50", 12000.5), ("12\u202f000", 12000.0),
    ("0,5", 0.5), ("1.25", 1.25), (" 42 ", 42.0), (7, 7.0), (2.5, 2.5),
])
def test_numbers_written_the_french_way(raw, expected):
    lot = values_lot(one_leaf("method: linear, best: 1, worst: 0"), [raw])
    assert lot.columns["v"][0] == expected


@pytest.mark.parametrize("raw, why", [
    ("douze", "un nombre est attendu"),
    ("1.000,50", "ambigu"),
    ("inf", "non fini"),
    (True, "booléen"),
    ([1, 2], "liste"),
    ({"eur": 3}, "objet"),
])
def test_malformed_numbers_are_errors(raw, why):
    (problem,) = problems_of(one_leaf("method: linear, best: 1, worst: 0"), [1, raw])
    assert (problem.offer, problem.input) == ("B", "v")
    assert why in problem.reason


def test_list_answers_from_every_offer_are_errors_not_a_matrix():
    problems = problems_of(one_leaf("method: linear, best: 1, worst: 0"), [[1], [2]])
    assert [p.offer for p in problems] == ["A", "B"]


@pytest.mark.parametrize("method", ["price_lowest_ratio", "price_linear_gap", "price_min_max"])
@pytest.mark.parametrize("price", [0, -5, "-1,5"])
def test_price_must_be_positive(method, price):
    (problem,) = problems_of(one_leaf(f"method: {method}"), [100, price])
    assert (problem.offer, problem.input) == ("B", "v")
    assert "strictement positif" in problem.reason


def test_relative_higher_refuses_negative_values():
    (problem,) = problems_of(one_leaf("method: relative"), [3, -1])
    assert problem.offer == "B" and "négatif" in problem.reason


def test_relative_lower_refuses_zero():
    (problem,) = problems_of(one_leaf("method: relative, direction: lower"), [3, 0])
    assert problem.offer == "B" and "strictement positif" in problem.reason


def test_choice_unknown_answer_names_offer_input_and_options():
    crit = one_leaf("method: choice, options: {électrique: 1, diesel: 0}")
    (problem,) = problems_of(crit, ["diesel", "vapeur"])
    assert (problem.offer, problem.input) == ("B", "v")
    assert "« électrique », « diesel »" in problem.reason
    assert str(problem).startswith("offre B, réponse « v » : réponse inconnue")


def test_choice_answer_must_be_text_or_number():
    crit = one_leaf("method: choice, options: {oui: 1}")
    (problem,) = problems_of(crit, [["oui"]])
    assert problem.offer == "A"


def test_scale_mark_not_on_the_scale_is_an_error():
    (problem,) = problems_of(one_leaf(SCALE_LEAF), [2, 5])
    assert (problem.offer, problem.input) == ("B", "v")
    assert "hors de l'échelle" in problem.reason and "0, 1, 2, 3, 4" in problem.reason


def test_scale_half_mark_is_an_error():
    (problem,) = problems_of(one_leaf(SCALE_LEAF), ["2,5"])
    assert problem.offer == "A"


def test_labels_answer_must_be_a_list():
    (problem,) = problems_of(one_leaf("method: labels, labels: {FSC: 1}"), [12])
    assert problem.offer == "A" and "liste de labels" in problem.reason


def test_every_problem_is_reported_at_once():
    crit = one_leaf("method: price_lowest_ratio")
    problems = problems_of(crit, ["x", 100, -1, "y"])
    assert sorted(p.offer for p in problems) == ["A", "C", "D"]


def test_answer_no_criterion_reads_is_an_error():
    crit = one_leaf("method: boolean")
    with pytest.raises(AnswersError) as info:
        lot_from_offers(crit, offers({"v": True, "prix": 3}))
    (problem,) = info.value.problems
    assert problem.input == "prix" and "aucun critère" in problem.reason


def test_duplicate_offer_ids_are_an_error():
    crit = one_leaf("method: boolean")
    with pytest.raises(AnswersError) as info:
        lot_from_offers(crit, [{"id": "A", "answers": {}}, {"id": "A", "answers": {}}])
    assert "double" in info.value.problems[0].reason


@pytest.mark.parametrize("offer, why", [
    ("A", "une offre doit être un objet"),
    ({"id": "A", "answers": ["v"]}, "« answers » doit être un objet"),
    ({"id": "A", "answers": {}, "evidence": "v"}, "« evidence » doit être un objet"),
])
def test_offers_of_the_wrong_shape_are_errors(offer, why):
    with pytest.raises(AnswersError) as info:
        lot_from_offers(one_leaf("method: boolean"), [offer])
    assert info.value.problems[0].reason.startswith(why)


def test_numpy_columns_are_read_like_plain_values():
    crit = one_leaf("method: boolean")
    lot = lot_from_columns(crit, ["A", "B"], {"v": np.array([True, False])})
    assert list(lot.columns["v"]) == [1.0, 0.0]
    crit = one_leaf("method: choice, options: {'1': 1, '2': 0.5}")
    lot = lot_from_columns(crit, ["A", "B"], {"v": np.array([2, 1])})
    assert [lot.columns["v"].value_at(i) for i in range(2)] == ["2", "1"]


def test_column_of_another_length_is_an_error():
    with pytest.raises(AnswersError) as info:
        lot_from_columns(one_leaf("method: boolean"), ["A", "B"], {"v": [True]})
    (problem,) = info.value.problems
    assert problem.input == "v" and "1 réponses pour 2 offres" in problem.reason


def test_missing_answer_is_not_an_error():
    lot = values_lot(one_leaf("method: linear, best: 1, worst: 0"), [None, "", float("nan")])
    assert np.isnan(lot.columns["v"]).all()


def test_offer_without_id_is_named_by_its_position():
    crit = one_leaf("method: boolean")
    lot = lot_from_offers(crit, [{"answers": {"v": True}}, {"id": None, "answers": {}}])
    assert lot.offer_ids == ("#1", "#2")


NUMBERS = [0, 1, -1, 7, 2 ** 53 + 1, 2 ** 62 + 3, 2 ** 63 - 1, -2 ** 63, 2 ** 63, 2 ** 64 + 5,
           10 ** 400, 0.0, -0.0, 1.5, -2.25, 1e-310, 1e308, float("inf"), float("-inf"),
           float("nan"), True, False, None, "12,5", " 3 ", "", "x", [1], {"a": 1},
           np.float64(2.5), np.int64(3)]


@pytest.mark.parametrize("raw", NUMBERS, ids=repr)
def test_one_number_is_read_as_in_a_column_of_several(raw):
    from spar.engine.answers import _number_column

    alone, beside = [], []
    one = _number_column([raw], ("a",), "v", alone)
    # beside another plain number: the array path for numbers, the parser for the rest
    two = _number_column([raw, 0.0], ("a", "b"), "v", beside)
    assert one.dtype == two.dtype == np.float64 and one.shape == (1,)
    assert one.tobytes() == two[:1].tobytes()  # to the bit, NaN and -0.0 included
    assert alone == beside


@pytest.mark.parametrize("raw", [*NUMBERS, "oui", "Non", " VRAI ", "o", "électrique",
                                 "ÉLECTRIQUE", "diesel", [], ["oui"]], ids=repr)
def test_one_yes_no_or_choice_is_read_as_in_a_column_of_several(raw):
    from spar.engine.answers import _boolean_column, _choice_column

    options = ["électrique", "diesel", "1", "2.5"]
    for read in (_boolean_column, lambda *a: _choice_column(*a, options)):
        alone, beside = [], []
        one = read([raw], ("a",), "v", alone)
        two = read([raw, "oui"], ("a", "b"), "v", beside)  # the table of distinct answers
        if isinstance(one, np.ndarray):
            assert one.dtype == two.dtype and one.tobytes() == two[:1].tobytes()
        else:
            assert one.codes.dtype == two.codes.dtype
            assert one.value_at(0) == two.value_at(0)
        assert alone == beside


def test_a_mark_off_the_scale_is_found_as_np_isin_finds_it():
    from spar.engine.methods import scale

    params = {"levels": [{"mark": m, "label": str(m), "score": 0.5}
                         for m in (0, 1, 2.5, -0.0, 4)]}
    values = np.array([0, -0.0, 1, 1.0000001, 2.5, 3, 4, 5, np.nan, -1, np.inf])
    bad, _ = scale.invalid(values, params)
    marks = np.array([float(lv["mark"]) for lv in params["levels"]])
    assert (bad == ~(np.isin(values, marks) | np.isnan(values))).all()
