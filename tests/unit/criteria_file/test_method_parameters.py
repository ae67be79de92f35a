"""Bad method parameters and ranking paths (SPEC §2.2), located at the parameter."""

from __future__ import annotations

from .conftest import problems_of, replaced

LINEAR = "    method: linear\n    best: 1\n    worst: 5\n"


def with_co2(method_lines: str) -> str:
    return replaced(LINEAR, method_lines)


def test_best_equal_to_worst():
    assert problems_of(with_co2("    method: linear\n    best: 1\n    worst: 1\n")) == [
        "f.yaml:19:11: error: best et worst doivent être différents"]


def test_steps_not_ascending():
    text = with_co2("    method: steps\n    steps: [{at: 5, score: 1}, {at: 2, score: 0.5}]\n")
    assert problems_of(text) == [
        "f.yaml:19:12: error: les seuils `at` doivent être strictement croissants"]


def test_score_outside_zero_one():
    assert problems_of(with_co2("    method: choice\n    options: {a: 1.5, b: -0.1}\n")) == [
        "f.yaml:19:18: error: doit être ≤ 1, pas 1.5",
        "f.yaml:19:26: error: doit être ≥ 0, pas -0.1",
    ]


def test_step_score_outside_zero_one():
    text = with_co2("    method: steps\n    steps:\n      - {at: 1, score: 2}\n")
    assert problems_of(text) == ["f.yaml:20:24: error: doit être ≤ 1, pas 2"]


def test_empty_options():
    assert problems_of(with_co2("    method: choice\n    options: {}\n")) == [
        "f.yaml:19:14: error: la liste ne peut pas être vide"]


def test_missing_required_parameter():
    assert problems_of(with_co2("    method: choice\n")) == [
        "f.yaml:13:5: error: paramètre obligatoire « options » manquant"]


def test_parameter_of_another_method_is_an_unknown_key():
    (problem,) = problems_of(with_co2("    method: boolean\n    best: 1\n"))
    assert problem.startswith("f.yaml:19:5: error: clé inconnue « best »")


def test_unknown_tie_break_path_lists_the_paths():
    text = replaced("worst: 5\n", "worst: 5\nranking:\n  tie_break: [co2, env]\n")
    assert problems_of(text) == [
        "f.yaml:22:20: error: le critère « env » n'existe pas ; chemins possibles : co2, price"]


def test_abnormally_low_rule_on_an_input_nobody_reads():
    text = replaced("worst: 5\n", "worst: 5\nreview:\n  abnormally_low: {input: prix, "
                                  "method: mean_ratio}\n")
    assert problems_of(text) == [
        "f.yaml:22:27: error: la réponse « prix » n'est lue par aucun critère"]


def test_abnormally_low_parameters_below_their_minimum_are_located():
    text = BASE_WITH_REVIEW.format(rule="[{input: price_eur, method: mean_minus_std, k: -1}, "
                                        "{input: price_eur, method: two_pass_mean, high: -0.5}]")
    assert problems_of(text) == ["f.yaml:22:66: error: doit être ≥ 0, pas -1",
                                 "f.yaml:22:119: error: doit être ≥ 0, pas -0.5"]


BASE_WITH_REVIEW = replaced("    worst: 5\n", "    worst: 5\nreview:\n  abnormally_low: {rule}\n")
