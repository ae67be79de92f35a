"""Consultations' rules on the fake unit of work: who creates, publishes and sees what,
the deadline, the states, and that a refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spar.db.models import Consultation
from spar.services import consultations
from spar.services.errors import (AlreadyPublished, DeadlinePassed, Forbidden, Invalid,
                                  NotFound, ReferenceTaken, RoleNotAllowed)


def _draft(world, **changes):
    data = {"reference": "2027-PAP-01", "title": "Papeterie",
            "criteria_set": world.criteria.set_id, "criteria_version": world.criteria.version,
            "deadline": world.clock.now() + timedelta(days=20),
            "lots": [{"id": "1", "title": "Papier"}, {"id": "2"}]}
    return {**data, **changes}


def test_a_buyer_creates_a_draft_in_its_organisation(world):
    uow = world.uow()
    view = consultations.create(uow, world.buyer(), _draft(world))
    assert view["state"] == "draft" and view["organisation"] == "metro"
    assert [lot["title"] for lot in view["lots"]] == ["Papier", "2"]
    assert uow.committed and uow.audit_actions() == ["consultation.create"]
    stored = world.database.all(Consultation)[-1]
    assert stored.organisation_id == world.metro.id and stored.published_at is None


@pytest.mark.parametrize("who", ["auditor", "supplier", "admin", "anonymous"])
def test_only_a_buyer_creates_a_consultation(world, who):
    caller = getattr(world, who)
    caller = caller() if callable(caller) else caller
    with pytest.raises(RoleNotAllowed, match="réservée aux acheteurs"):
        consultations.create(world.uow(), caller, _draft(world))


def test_every_problem_of_a_draft_is_named_and_nothing_is_written(world):
    before = len(world.database.all(Consultation))
    uow = world.uow()
    with pytest.raises(Invalid) as refused:
        consultations.create(uow, world.buyer(), _draft(
            world, reference="pas de blancs", deadline=world.clock.now() - timedelta(hours=1),
            criteria_version=99, lots=[{"id": "1"}, {"id": "1"}]))
    assert set(refused.value.errors) == {"reference", "deadline", "criteria_set", "lots"}
    assert refused.value.errors["lots"] == ["lot « 1 » en double"]
    assert "99" in refused.value.errors["criteria_set"][0]
    assert not uow.committed and len(world.database.all(Consultation)) == before


def test_a_reference_is_used_once(world):
    world.consultation("2027-PAP-01")
    uow = world.uow()
    with pytest.raises(ReferenceTaken) as refused:
        consultations.create(uow, world.buyer(), _draft(world))
    assert refused.value.errors == {"reference": ["déjà utilisée"]}
    assert not uow.committed


def test_publishing_opens_the_consultation_once(world):
    world.consultation("C-1", published=False)
    view = consultations.publish(world.uow(), world.buyer(), "C-1")
    assert view["state"] == "open" and view["published_at"] is not None
    with pytest.raises(AlreadyPublished):
        consultations.publish(world.uow(), world.buyer(), "C-1")


def test_a_consultation_whose_deadline_passed_cannot_be_published(world):
    world.consultation("C-1", published=False, days=1)
    world.clock.advance(days=2)
    uow = world.uow()
    with pytest.raises(DeadlinePassed, match="est passée"):
        consultations.publish(uow, world.buyer(), "C-1")
    assert not uow.committed


def test_another_organisations_buyer_is_told_the_consultation_does_not_exist(world):
    world.consultation("C-1", published=False)
    with pytest.raises(NotFound, match="C-1"):
        consultations.publish(world.uow(), world.buyer(world.other), "C-1")
    with pytest.raises(NotFound):
        consultations.get(world.uow(), world.auditor(world.other), "C-1")


def test_an_auditor_reads_but_never_publishes(world):
    world.consultation("C-1", published=False)
    assert consultations.get(world.uow(), world.auditor(), "C-1")["state"] == "draft"
    with pytest.raises(RoleNotAllowed):
        consultations.publish(world.uow(), world.auditor(), "C-1")


def test_a_firm_sees_a_consultation_only_once_published(world):
    world.consultation("DRAFT", published=False)
    world.consultation("OPEN")
    with pytest.raises(NotFound):
        consultations.get(world.uow(), world.supplier(), "DRAFT")
    with pytest.raises(NotFound):
        consultations.read_notice(world.uow(), world.supplier(), "DRAFT")
    assert consultations.get(world.uow(), world.supplier(), "OPEN")["state"] == "open"
    assert consultations.read_notice(world.uow(), world.anonymous, "OPEN")["buyer"] == {
        "slug": "metro", "name": "Métropole"}


def test_someone_signed_out_reads_notices_but_not_consultations(world):
    world.consultation("OPEN")
    with pytest.raises(Forbidden):
        consultations.get(world.uow(), world.anonymous, "OPEN")


def test_offer_counts_appear_to_the_buyer_only_after_the_deadline(world):
    consultation = world.consultation("C-1")
    world.offer(consultation, "o-1")
    world.offer(consultation, "o-2", siret="55210055400005")
    world.offer(consultation, "o-old", superseded=True)
    assert "offers" not in consultations.get(world.uow(), world.buyer(), "C-1")["lots"][0]
    world.after_deadline()
    lots = consultations.get(world.uow(), world.buyer(), "C-1")["lots"]
    assert [lot["offers"] for lot in lots] == [2, 0]
    assert "offers" not in consultations.get(world.uow(), world.supplier(), "C-1")["lots"][0]


def test_the_states_follow_publication_deadline_and_scoring(world):
    consultation = world.consultation("C-1", published=False)
    state = lambda: consultations.get(world.uow(), world.buyer(), "C-1")["state"]  # noqa: E731
    assert state() == "draft"
    consultation.published_at = world.clock.now()
    assert state() == "open"
    world.after_deadline()
    assert state() == "closed"
    world.scoring(consultation, [world.offer(consultation, "o-1")])
    assert state() == "scored"


def test_the_list_shows_drafts_only_to_their_organisation(world):
    world.consultation("DRAFT", published=False)
    world.consultation("OTHER-DRAFT", published=False, organisation=world.other)
    world.consultation("OPEN")
    refs = lambda who, **kw: [c["reference"] for c in consultations.list_consultations(  # noqa
        world.uow(), who, **kw).items]
    assert refs(world.anonymous) == ["OPEN"]
    assert sorted(refs(world.buyer())) == ["DRAFT", "OPEN"]
    assert refs(world.buyer(), organisation_only=True, state="draft") == ["DRAFT"]
    assert refs(world.buyer(world.other), organisation_only=True) == ["OTHER-DRAFT"]


def test_open_consultations_come_soonest_deadline_first(world):
    world.consultation("LATE", days=30)
    world.consultation("SOON", days=3)
    found = consultations.list_consultations(world.uow(), world.supplier(), state="open")
    assert [c["reference"] for c in found.items] == ["SOON", "LATE"]
    assert found.total == 2


def test_the_list_refuses_an_unknown_state_and_an_organisation_filter_without_one(world):
    with pytest.raises(Invalid) as refused:
        consultations.list_consultations(world.uow(), world.buyer(), state="ouvert")
    assert "state" in refused.value.errors
    with pytest.raises(Forbidden, match="organisation"):
        consultations.list_consultations(world.uow(), world.supplier(), organisation_only=True)
    with pytest.raises(Invalid) as bounds:
        consultations.list_consultations(world.uow(), world.buyer(), page=0)
    assert "page" in bounds.value.errors


def test_the_list_finds_words_in_title_or_reference(world):
    world.consultation("2027-PAP")
    world.consultation("2027-ENCRE")
    found = consultations.list_consultations(world.uow(), world.anonymous, q="  encre ")
    assert [c["reference"] for c in found.items] == ["2027-ENCRE"]
