"""Marks and review decisions on the fake unit of work: sealed offers until the deadline,
only the buyers of the consultation's organisation, a written justification, the
history kept, and a decision recorded with what it was based on."""

from __future__ import annotations

import pytest

from spar.db.models import Mark, ReviewDecision
from spar.services import marks, reviews
from spar.services.errors import (Invalid, NotFound, NotScored, OfferSuperseded, OffersSealed,
                                  RoleNotAllowed)


@pytest.fixture
def closed(world):
    """A consultation past its deadline with two offers on lot 1."""
    consultation = world.consultation("C-1")
    world.offer(consultation, "o-1")
    world.offer(consultation, "o-2", siret="55210055400005", price=1500.0)
    world.after_deadline()
    return consultation


def _mark(world, who=None, offer="o-1", path="technical", mark=3, justification="Complet."):
    return marks.put_mark(world.uow(), who or world.buyer(), offer, path, mark, justification)


def test_offers_are_sealed_until_the_deadline(world):
    consultation = world.consultation("C-1")
    world.offer(consultation, "o-1")
    with pytest.raises(OffersSealed, match="scellées"):
        _mark(world)


def test_a_mark_is_recorded_with_its_level_and_the_next_one_keeps_it_in_history(world, closed):
    first = _mark(world, mark=2, justification="Moyen.")
    assert first["level"] == "Moyen" and first["history"][0]["current"]
    second = _mark(world, mark=4, justification="  Très complet.  ")
    assert second["justification"] == "Très complet."
    assert [(h["mark"], h["current"]) for h in second["history"]] == [(2, False), (4, True)]
    stored = [m for m in world.database.all(Mark) if m.superseded_at is None]
    assert [m.mark for m in stored] == [4.0]


def test_a_mark_needs_a_written_justification(world, closed):
    uow = world.uow()
    with pytest.raises(Invalid) as refused:
        marks.put_mark(uow, world.buyer(), "o-1", "technical", 3, "   ")
    assert refused.value.errors == {"justification": ["obligatoire"]}
    assert not uow.committed and world.database.all(Mark) == []


def test_a_mark_outside_the_scale_is_refused_with_why(world, closed):
    with pytest.raises(Invalid) as refused:
        _mark(world, mark=7)
    assert "7" in refused.value.message and "mark" in refused.value.errors


def test_only_buyer_assessed_criteria_take_a_mark(world, closed):
    with pytest.raises(Invalid, match="technical"):
        _mark(world, path="price")
    with pytest.raises(NotFound, match="inconnu"):
        _mark(world, path="nowhere")


def test_a_replaced_offer_takes_no_mark(world):
    consultation = world.consultation("C-1")
    world.offer(consultation, "o-old", superseded=True)
    world.after_deadline()
    with pytest.raises(OfferSuperseded, match="en vigueur"):
        _mark(world, offer="o-old")


def test_another_organisation_is_told_the_offer_does_not_exist(world, closed):
    with pytest.raises(NotFound, match="o-1"):
        _mark(world, who=world.buyer(world.other))
    with pytest.raises(NotFound, match="o-404"):
        _mark(world, offer="o-404")


@pytest.mark.parametrize("who", ["auditor", "supplier"])
def test_only_a_buyer_marks(world, closed, who):
    with pytest.raises(RoleNotAllowed):
        _mark(world, who=getattr(world, who)())


def test_an_offer_in_no_scoring_has_nothing_to_review(world, closed):
    with pytest.raises(NotScored, match="notez d'abord le lot 1"):
        reviews.get(world.uow(), world.buyer(), "o-1")


def test_the_review_shows_what_the_stored_scoring_says(world, closed):
    offers = [world.offer(closed, "o-3", lot="2")]
    world.scoring(closed, offers, lot="2", reviews={
        "o-3": {"flagged": True, "reasons": [{"rule": "abnormally_low"}],
                "model_score": 0.8, "model_version": "m-1"}})
    view = reviews.get(world.uow(), world.buyer(), "o-3")
    assert (view["flagged"], view["to_review"], view["rank"]) == (True, True, 1)
    assert view["reasons"] == [{"rule": "abnormally_low"}] and view["decisions"] == []


def test_a_decision_needs_a_comment_and_records_what_it_was_based_on(world, closed):
    world.scoring(closed, world.offers_of(closed), reviews={
        "o-1": {"flagged": True, "model_version": "m-1", "reasons": ["prix bas"]}})
    with pytest.raises(Invalid) as refused:
        reviews.decide(world.uow(), world.buyer(), "o-1", "cleared", " ")
    assert refused.value.errors == {"comment": ["obligatoire"]}
    uow = world.uow()
    view = reviews.decide(uow, world.buyer(), "o-1", "cleared", "Prix justifié par le devis.")
    assert [d["decision"] for d in view["decisions"]] == ["cleared"]
    decision = world.database.all(ReviewDecision)[-1]
    assert decision.sampling_probability == 1.0  # flagged: a fair label
    assert decision.reasons == ["prix bas"] and decision.features
    assert uow.audit_actions()[-1] == "review.decide"


def test_a_decision_on_an_offer_the_buyer_chose_is_not_a_fair_label(world, closed):
    world.scoring(closed, world.offers_of(closed))
    reviews.decide(world.uow(), world.buyer(), "o-2", "cleared", "Vu à la demande.")
    assert world.database.all(ReviewDecision)[-1].sampling_probability == 0.0


@pytest.mark.parametrize("who", ["auditor", "supplier"])
def test_only_a_buyer_reviews(world, closed, who):
    world.scoring(closed, world.offers_of(closed))
    with pytest.raises(RoleNotAllowed):
        reviews.decide(world.uow(), getattr(world, who)(), "o-1", "cleared", "vu")
    with pytest.raises(RoleNotAllowed):
        reviews.get(world.uow(), getattr(world, who)(), "o-1")


def test_a_retraining_learns_the_latest_decision_on_each_fairly_drawn_offer(world, closed):
    world.scoring(closed, world.offers_of(closed), reviews={
        "o-1": {"flagged": True, "model_version": "m-1"}})
    reviews.decide(world.uow(), world.buyer(), "o-1", "needs_information", "Devis demandé.")
    reviews.decide(world.uow(), world.buyer(), "o-1", "rejected", "Devis insuffisant.")
    reviews.decide(world.uow(), world.buyer(), "o-2", "cleared", "Vu à la demande.")
    learned = reviews.reviewed_offers(world.uow())
    assert [(r.offer, r.decision, r.sampling_probability) for r in learned] == \
        [("o-1", "rejected", 1.0)]  # o-2 was chosen by the buyer: not a fair label
