"""Warnings (SPEC §2.2) are reported but do not refuse the file."""

from __future__ import annotations

from spar.criteria_file import check_criteria_text

from .conftest import replaced

CO2_LEAF = ("  - id: co2\n    label: Carbone\n    pillar: environmental\n    weight: 40\n"
            "    input: co2e_kg\n    method: linear\n    best: 1\n    worst: 5\n")
#: The same criterion as a group of one.
CO2_GROUP = ("  - id: env\n    label: Environnement\n    pillar: environmental\n    weight: 40\n"
             "    criteria:\n      - {id: co2, label: Carbone, weight: 1, input: co2e_kg, "
             "method: linear, best: 1, worst: 5}\n")
POLICY = "policy:\n  environmental_min_share: 50\n  social_min_share: 10\n  price_max_share: 50\n"


def test_policy_shares_give_warnings_at_the_policy_line():
    text = replaced("criteria:\n", POLICY + "criteria:\n")
    criteria, problems = check_criteria_text(text, "f.yaml")
    assert criteria is not None
    assert [(p.line, p.column, p.severity) for p in problems] == [
        (7, 28, "warning"), (8, 21, "warning"), (9, 20, "warning")]
    assert "environmental pèse 40" in problems[0].message
    assert "social pèse 0" in problems[1].message
    assert "prix pèse 60" in problems[2].message


def test_single_child_group_is_a_warning():
    text = replaced(CO2_LEAF, CO2_GROUP)
    criteria, problems = check_criteria_text(text, "f.yaml")
    assert criteria is not None
    assert [str(p) for p in problems] == [
        "f.yaml:18:7: warning: le groupe « env » n'a qu'un sous-critère"]


def test_warnings_and_errors_are_sorted_together():
    # the tree is checked before the ranking, so the group's warning (line 20) is found
    # before the tie-break's error (line 7): only sorting puts the error first
    text = replaced("criteria:\n", "ranking:\n  tie_break: [nowhere]\ncriteria:\n")
    text = replaced(CO2_LEAF, CO2_GROUP, text)
    criteria, problems = check_criteria_text(text, "f.yaml")
    assert criteria is None
    assert [(p.line, p.column, p.severity) for p in problems] == [
        (7, 15, "error"), (20, 7, "warning")]
    assert "« nowhere » n'existe pas" in problems[0].message
