"""The criteria sets shipped in criteria/ are valid, lawful and usable by suppliers."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from spar.criteria_file import check_criteria_text, criteria_json_schema, load_criteria
from spar.engine.low_price import RULES
from spar.engine.methods import METHODS, PRICE_METHODS
from tests.conftest import CRITERIA_DIR

SET_FILES = sorted(CRITERIA_DIR.glob("*.yaml"))
REQUESTED = ("restauration-scolaire", "travaux-rehabilitation", "collecte-dechets-proprete",
             "fournitures-bureau", "equipements-informatiques")


def _sets():
    return [load_criteria(path) for path in SET_FILES]


def _rules(criteria) -> list[dict]:
    raw = criteria.document["review"]["abnormally_low"]
    return raw if isinstance(raw, list) else [raw]


def test_the_requested_sets_are_shipped():
    assert {p.stem for p in SET_FILES} >= set(REQUESTED)


def test_supplies_services_and_works_are_all_covered():
    assert {c.category for c in _sets()} == {"supplies", "services", "works"}


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_set_loads_without_error_or_warning(path):
    criteria, problems = check_criteria_text(path.read_text(encoding="utf-8"), str(path))
    # a set scoring the price with price_min_max is told, once per such criterion, what
    # the DAJ's price fiche says of it; nothing else
    cautions = [p for p in problems if p.severity == "warning"
                and p.message == METHODS["price_min_max"].CAUTION]
    assert [str(p) for p in problems if p not in cautions] == []
    assert criteria is not None
    assert len(cautions) == sum(leaf.method == "price_min_max" for leaf in criteria.leaves)


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_set_id_is_its_file_name(path):
    assert load_criteria(path).id == path.stem


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_set_validates_against_the_editor_schema(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in
              jsonschema.Draft202012Validator(criteria_json_schema()).iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_price_weighs_between_30_and_60_percent(path):
    criteria = load_criteria(path)
    shares = criteria.shares()
    price = sum(shares[leaf.path] for leaf in criteria.leaves if leaf.method in PRICE_METHODS)
    assert 0.30 <= price <= 0.60


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_set_has_an_environmental_criterion(path):
    assert load_criteria(path).pillar_shares()["environmental"] > 0


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_set_has_a_policy_a_tie_break_and_an_abnormally_low_rule(path):
    criteria = load_criteria(path)
    assert criteria.document.get("policy")
    assert criteria.tie_break
    assert criteria.low_price_rules


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_every_leaf_tells_suppliers_what_to_answer(path):
    short = [leaf.path for leaf in load_criteria(path).leaves
             if not leaf.help or len(leaf.help) < 80]
    assert short == []


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.stem)
def test_description_is_one_paragraph(path):
    description = load_criteria(path).document.get("description", "")
    assert description and "\n" not in description


def test_every_scoring_method_is_used_by_some_set():
    used = {leaf.method for c in _sets() for leaf in c.leaves}
    assert set(METHODS) - used == set()


def test_every_abnormally_low_rule_is_used_by_some_set():
    used = {rule.method for c in _sets() for rule in c.low_price_rules}
    assert set(RULES) - used == set()


def test_one_set_lists_two_abnormally_low_rules():
    assert any(len(_rules(c)) == 2 for c in _sets())


def test_sets_use_eliminatory_marks_required_answers_and_raw_bounds():
    nodes = [n for c in _sets() for n in c.nodes()]
    leaves = [leaf for c in _sets() for leaf in c.leaves]
    assert any(n.eliminatory_below is not None for n in nodes)
    assert any(leaf.required for leaf in leaves)
    assert any(leaf.minimum is not None for leaf in leaves)
    assert any(leaf.maximum is not None for leaf in leaves)


def test_most_sets_score_out_of_100_and_one_out_of_20():
    points = [c.points for c in _sets()]
    assert points.count(20) == 1
    assert points.count(100) == len(points) - 1
