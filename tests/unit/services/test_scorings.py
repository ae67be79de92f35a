"""Scoring a lot and reading its ranking on the fake unit of work: after the deadline,
by the buyers of the consultation's organisation, with their marks; a firm sees its
own lines and the winner's, nothing of the other bidders."""

from __future__ import annotations

import pytest

from spar.db.models import Scoring
from spar.services import marks, scorings
from spar.services.errors import NotFound, NothingToScore, OffersSealed, RoleNotAllowed

from .conftest import SIRET_A, SIRET_B

SIRET_C = "73282932000009"


@pytest.fixture
def bids(world):
    """Three firms' offers on lot 1, one of them sent twice."""
    consultation = world.consultation("C-1")
    world.offer(consultation, "o-a-old", siret=SIRET_A, price=2000.0, superseded=True)
    world.offer(consultation, "o-a", siret=SIRET_A, price=1000.0)
    world.offer(consultation, "o-b", siret=SIRET_B, price=1100.0)
    world.offer(consultation, "o-c", siret=SIRET_C, price=1300.0)
    return consultation


def test_nobody_scores_before_the_deadline(world, bids):
    uow = world.uow()
    with pytest.raises(OffersSealed, match="notation impossible"):
        scorings.run(uow, world.buyer(), "C-1", "1")
    assert world.database.all(Scoring) == []


def test_a_lot_without_offers_has_nothing_to_score(world, bids):
    world.after_deadline()
    with pytest.raises(NothingToScore, match="lot 2"):
        scorings.run(world.uow(), world.buyer(), "C-1", "2")
    with pytest.raises(NotFound, match="lots : 1, 2"):
        scorings.run(world.uow(), world.buyer(), "C-1", "9")


@pytest.mark.parametrize("who", ["auditor", "supplier"])
def test_only_a_buyer_scores(world, bids, who):
    world.after_deadline()
    with pytest.raises(RoleNotAllowed):
        scorings.run(world.uow(), getattr(world, who)(), "C-1", "1")


def test_another_organisation_is_told_the_consultation_does_not_exist(world, bids):
    world.after_deadline()
    with pytest.raises(NotFound, match="C-1"):
        scorings.run(world.uow(), world.buyer(world.other), "C-1", "1")


def test_a_run_scores_the_current_offers_with_the_buyers_marks_and_is_stored(world, bids):
    world.after_deadline()
    marks.put_mark(world.uow(), world.buyer(), "o-b", "technical", 4, "Très complet.")
    uow = world.uow()
    result = scorings.run(uow, world.buyer(), "C-1", "1")
    ranked = {o["id"]: o for o in result["offers"]}
    assert set(ranked) == {"o-a", "o-b", "o-c"}  # the replaced offer does not count
    stored = world.database.all(Scoring)[-1]
    assert stored.inputs["marks"]["o-b"]["technical"]["mark"] == 4
    assert any("o-a" in w and "comptée 0" in w for w in stored.inputs["warnings"])
    assert result["scoring"]["id"] == stored.public_id and stored.result == {
        k: v for k, v in result.items() if k != "scoring"}
    assert uow.audit_actions()[-1] == "scoring.run"


def test_a_firm_sees_its_own_lines_and_the_winners_only(world, bids):
    world.after_deadline()
    result = scorings.run(world.uow(), world.buyer(), "C-1", "1")
    winner = next(o["id"] for o in result["offers"] if o["rank"] == 1)
    loser = SIRET_C if winner != "o-c" else SIRET_B
    seen = scorings.ranking(world.uow(), world.supplier(loser), "C-1", "1")
    ids = [o["id"] for o in seen["offers"]]
    assert winner in ids and len(ids) == 2 and seen["warnings"] == []
    assert "sensitivity" not in seen
    shown = next(o for o in seen["offers"] if o["id"] == winner)
    assert "review" not in shown and set(shown.get("supplier", {})) <= {"name"}
    whole = scorings.ranking(world.uow(), world.auditor(), "C-1", "1")
    assert len(whole["offers"]) == 3


def test_a_firm_without_an_offer_and_a_lot_not_scored_are_told_so(world, bids):
    world.after_deadline()
    with pytest.raises(NotFound, match="pas encore été noté"):
        scorings.ranking(world.uow(), world.buyer(), "C-1", "1")
    scorings.run(world.uow(), world.buyer(), "C-1", "1")
    with pytest.raises(NotFound, match="pas remis d'offre"):
        scorings.ranking(world.uow(), world.supplier("40483304800022"), "C-1", "1")
    with pytest.raises(RoleNotAllowed):
        scorings.sensitivity(world.uow(), world.supplier(), "C-1", "1")
