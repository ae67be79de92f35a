"""Sealed offers on the fake unit of work: a firm reads its own at any time; the buyers
and auditors of the consultation's organisation read them once the deadline passed;
anyone else is told they do not exist."""

from __future__ import annotations

import pytest

from spar.services import offers
from spar.services.errors import Forbidden, NotFound, RoleNotAllowed, SealedUntilDeadline

from .conftest import SIRET_A, SIRET_B


@pytest.fixture
def sent(world):
    consultation = world.consultation("C-1")
    first = world.offer(consultation, "o-a1", siret=SIRET_A, superseded=True)
    second = world.offer(consultation, "o-a2", siret=SIRET_A, price=900.0)
    first.superseded_by = second.id
    world.offer(consultation, "o-b", siret=SIRET_B, lot="2")
    return consultation


def test_a_firm_reads_its_own_offers_at_any_time_replaced_ones_included(world, sent):
    mine = offers.list_offers(world.uow(), world.supplier(SIRET_A), "C-1")
    assert [(o["id"], o["current"]) for o in mine] == [("o-a1", False), ("o-a2", True)]
    assert offers.receipt(world.uow(), world.supplier(SIRET_A), "o-a2")["replaces"] == "o-a1"


def test_another_firm_is_told_the_offer_does_not_exist(world, sent):
    with pytest.raises(NotFound, match="o-a2"):
        offers.receipt(world.uow(), world.supplier(SIRET_B), "o-a2")
    assert [o["id"] for o in offers.list_offers(world.uow(), world.supplier(SIRET_B),
                                                 "C-1")] == ["o-b"]


def test_the_buyer_reads_nothing_before_the_deadline(world, sent):
    uow = world.uow()
    with pytest.raises(SealedUntilDeadline, match="scellées"):
        offers.list_offers(uow, world.buyer(), "C-1")
    with pytest.raises(Forbidden):
        offers.receipt(world.uow(), world.auditor(), "o-a2")
    assert world.uow().audit_actions() == []  # nothing was read


def test_after_the_deadline_the_buyer_reads_the_current_offers_and_it_is_logged(world, sent):
    world.after_deadline()
    seen = offers.list_offers(world.uow(), world.buyer(), "C-1")
    assert [o["id"] for o in seen] == ["o-a2", "o-b"] and seen[0]["marks"] == {}
    assert world.uow().audit_actions() == ["offers.read"]
    assert offers.receipt(world.uow(), world.auditor(), "o-b")["lot"] == "2"


def test_another_organisation_never_reads_them(world, sent):
    world.after_deadline()
    with pytest.raises(NotFound):
        offers.list_offers(world.uow(), world.buyer(world.other), "C-1")
    with pytest.raises(NotFound):
        offers.receipt(world.uow(), world.auditor(world.other), "o-a2")
    with pytest.raises(RoleNotAllowed):
        offers.receipt(world.uow(), world.admin, "o-a2")
