"""The purchasing programme's rules on the fake unit of work: buyers edit their
organisation's items, firms say they are interested, a cancelled or published item is
history, and the firms interested are told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spar.db.models import Notice, ProgrammeInterest, ProgrammeItem
from spar.services import consultations, programme
from spar.services.errors import (Invalid, NotFound, NotYourOrganisation, ProgrammeItemClosed,
                                  RoleNotAllowed)


def _item(world, **changes):
    return {"title": " Papeterie 2027 ", "criteria_set": world.criteria.set_id,
            "version": world.criteria.version, "expected_publication": "2027-03", **changes}


def test_a_buyer_plans_a_purchase_in_its_organisation(world):
    uow = world.uow()
    view = programme.create(uow, world.buyer(), _item(world, description=" Ramettes "))
    assert (view["title"], view["description"], view["status"]) == \
        ("Papeterie 2027", "Ramettes", "planned")
    assert view["category"] == world.criteria.category  # taken from the criteria set
    assert view["organisation"] == {"id": "metro", "name": "Métropole"}
    assert view["interested"] == 0 and view["expected_publication_label"] == "mars 2027"
    assert uow.audit_actions() == ["programme.create"]


def test_every_problem_of_a_planned_purchase_is_named(world):
    uow = world.uow()
    with pytest.raises(Invalid) as refused:
        programme.create(uow, world.buyer(), _item(
            world, expected_publication="2026-01", estimate_min=5000, estimate_max=100,
            category="works"))
    assert set(refused.value.errors) == {"expected_publication", "estimate_max", "category"}
    assert "janvier 2026 est déjà passé" in refused.value.errors["expected_publication"]
    assert not uow.committed and world.database.all(ProgrammeItem) == []


@pytest.mark.parametrize("who", ["auditor", "supplier", "admin"])
def test_only_a_buyer_plans_a_purchase(world, who):
    with pytest.raises(RoleNotAllowed):
        programme.create(world.uow(), getattr(world, who)() if who != "admin" else world.admin,
                         _item(world))


def test_another_organisations_buyer_is_told_the_item_is_not_theirs(world):
    item = world.programme_item()
    with pytest.raises(NotYourOrganisation, match="autre organisation"):
        programme.update(world.uow(), world.buyer(world.other), item.id, _item(world))
    with pytest.raises(NotFound):
        programme.update(world.uow(), world.buyer(), 404, _item(world))


def test_an_update_changes_the_fields_and_is_audited_only_when_something_changed(world):
    item = world.programme_item()
    uow = world.uow()
    programme.update(uow, world.buyer(), item.id, _item(world, title="Papeterie 2027"))
    assert uow.audit_actions() == []  # the same fields: nothing to record
    view = programme.update(world.uow(), world.buyer(), item.id,
                            _item(world, expected_publication="2027-06"))
    assert view["expected_publication"] == "2027-06"
    assert world.uow().audit_actions() == ["programme.update"]


def test_cancelling_keeps_the_item_and_tells_each_interested_firm_once(world):
    item = world.programme_item()
    world.interest(item, "12345678200002", email="achats@example.fr")
    world.interest(item, "55210055400005")
    view = programme.cancel(world.uow(), world.buyer(), item.id)
    assert view["status"] == "cancelled" and view["cancelled_at"] is not None
    notices = world.database.all(Notice)
    assert sorted(n.siret for n in notices) == ["12345678200002", "55210055400005"]
    assert {n.kind for n in notices} == {"programme_cancelled"}
    assert programme.cancel(world.uow(), world.buyer(), item.id)["status"] == "cancelled"
    assert len(world.database.all(Notice)) == 2  # cancelling again tells no one again
    with pytest.raises(ProgrammeItemClosed, match="annulé"):
        programme.update(world.uow(), world.buyer(), item.id, _item(world))


def test_a_firm_says_it_is_interested_rewords_it_and_withdraws(world):
    item = world.programme_item()
    firm = world.supplier()
    interest, created = programme.express_interest(world.uow(), firm, item.id,
                                                   {"message": "Nous fabriquons."})
    assert created and interest["name"] == firm.name
    same, created = programme.express_interest(world.uow(), firm, item.id,
                                               {"message": "Nous fabriquons."})
    assert not created and same == interest
    assert len(world.database.all(ProgrammeInterest)) == 1  # saying it again adds nothing
    programme.express_interest(world.uow(), firm, item.id, {"message": "Et livrons."})
    assert programme.get(world.uow(), firm, item.id)["my_interest"]["message"] == "Et livrons."
    assert programme.get(world.uow(), world.buyer(), item.id)["interested"] == 1
    programme.withdraw_interest(world.uow(), firm, item.id)
    assert programme.get(world.uow(), world.buyer(), item.id)["interested"] == 0
    with pytest.raises(NotFound, match="pas signalé d'intérêt"):
        programme.withdraw_interest(world.uow(), firm, item.id)


def test_only_firms_say_they_are_interested_and_not_in_a_cancelled_item(world):
    item = world.programme_item(status="cancelled")
    with pytest.raises(RoleNotAllowed, match="entreprises"):
        programme.express_interest(world.uow(), world.buyer(), item.id, {})
    with pytest.raises(ProgrammeItemClosed):
        programme.express_interest(world.uow(), world.supplier(), item.id, {})


def test_the_buyer_sees_who_is_interested_with_visible_profiles_only(world):
    item = world.programme_item()
    world.interest(item, "12345678200002")
    world.interest(item, "55210055400005")
    world.profile("12345678200002", "visible")
    world.profile("55210055400005", "private")
    found = programme.interests(world.uow(), world.auditor(), item.id)
    assert found["total"] == 2
    assert [i["profile"] and i["profile"]["departement"] for i in found["items"]] == ["69", None]
    with pytest.raises(RoleNotAllowed):
        programme.interests(world.uow(), world.supplier(), item.id)


def test_the_programme_lists_planned_items_soonest_first_and_cancelled_on_request(world):
    world.programme_item(title="B", month="2027-05")
    world.programme_item(title="A", month="2027-02")
    world.programme_item(title="X", status="cancelled")
    listed = programme.list_items(world.uow(), world.anonymous)
    assert [i["title"] for i in listed["items"]] == ["A", "B"] and listed["total"] == 2
    cancelled = programme.list_items(world.uow(), world.anonymous, status="cancelled")
    assert [i["title"] for i in cancelled["items"]] == ["X"]
    with pytest.raises(Invalid) as refused:
        programme.list_items(world.uow(), world.anonymous, month="mars", status="gone")
    assert set(refused.value.errors) == {"month", "status"}


def _consultation_for(world, item_id, reference="2027-PAP"):
    return consultations.create(world.uow(), world.buyer(), {
        "reference": reference, "title": "Papeterie", "criteria_set": world.criteria.set_id,
        "criteria_version": world.criteria.version,
        "deadline": world.clock.now() + timedelta(days=20), "lots": [{"id": "1"}],
        "programme_item": item_id})


def test_publishing_the_consultation_of_a_planned_item_tells_the_interested_firms(world):
    item = world.programme_item()
    world.interest(item, "12345678200002")
    _consultation_for(world, item.id)
    assert item.consultation.reference == "2027-PAP" and item.status == "planned"
    consultations.publish(world.uow(), world.buyer(), "2027-PAP")
    assert item.status == "published"
    assert [n.kind for n in world.database.all(Notice)] == ["consultation_opened"]
    with pytest.raises(ProgrammeItemClosed, match="devenu la consultation 2027-PAP"):
        programme.cancel(world.uow(), world.buyer(), item.id)


def test_a_consultation_links_only_a_planned_item_of_its_organisation(world):
    theirs = world.programme_item(organisation=world.other)
    with pytest.raises(Invalid, match="inconnu dans votre organisation") as refused:
        _consultation_for(world, theirs.id)
    assert "programme_item" in refused.value.errors
    assert consultations.list_consultations(world.uow(), world.buyer()).total == 0
    cancelled = world.programme_item(status="cancelled")
    with pytest.raises(Invalid, match="annulé"):
        _consultation_for(world, cancelled.id)
