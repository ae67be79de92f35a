"""The purchasing programme through the API (SPEC §8): planned purchases, interest, and
the notice firms get when the consultation opens."""

from __future__ import annotations

import pytest

from .portal import Portal, item_body


@pytest.fixture
def portal(client, callers, clock):
    portal = Portal(client, callers, clock)
    portal.criteria()
    return portal


def test_anyone_reads_the_programme_soonest_first(portal):
    later = portal.item(expected_publication="2027-09", title="Plus tard")
    sooner = portal.item(expected_publication="2027-01", title="Bientôt")
    page = portal.call("GET", "/api/v1/programme", "anonymous", 200)
    assert [i["id"] for i in page["items"]] == [sooner["id"], later["id"]]
    assert (page["page"], page["per_page"], page["total"]) == (1, 20, 2)
    item = portal.call("GET", f"/api/v1/programme/{sooner['id']}", "anonymous", 200)
    assert item["expected_publication_label"] == "janvier 2027"
    assert item["organisation"] == {"id": "metro", "name": "metro"}
    assert "interested" not in item and "my_interest" not in item


def test_the_programme_filters_by_category_month_and_organisation(portal):
    portal.item()
    portal.item(expected_publication="2027-05")
    portal.criteria("other_buyer")  # the set is already published: nothing changes
    portal.item("other_buyer")
    assert portal.call("GET", "/api/v1/programme?month=2027-03", "anonymous", 200)["total"] == 2
    assert portal.call("GET", "/api/v1/programme?organisation=autre", "anonymous",
                       200)["total"] == 1
    assert portal.call("GET", "/api/v1/programme?category=works", "anonymous",
                       200)["total"] == 0
    assert portal.call("GET", "/api/v1/programme?per_page=1&page=2", "anonymous",
                       200)["items"][0]["expected_publication"] == "2027-03"
    for bad in ("month=2027-13", "category=food", "per_page=101", "page=0", "status=done"):
        body = portal.call("GET", f"/api/v1/programme?{bad}", "anonymous", 422)
        assert body["errors"], bad


def test_the_category_is_the_criteria_sets_by_default(portal):
    assert portal.item()["category"] == "supplies"
    body = portal.call("POST", "/api/v1/programme", "buyer", 422,
                       json=item_body(category="works"))
    assert "supplies" in body["errors"]["category"][0]


@pytest.mark.parametrize(("change", "field"), [
    ({"criteria_set": "inconnu"}, "criteria_set"),
    ({"expected_publication": "2026-11"}, "expected_publication"),  # the clock is 12/2026
    ({"expected_publication": "mars"}, "expected_publication"),
    ({"estimate_min": 9, "estimate_max": 1}, "estimate_max"),
    ({"estimate_min": -1}, "estimate_min"),
    ({"title": ""}, "title"),
])
def test_a_bad_item_is_refused_naming_the_field(portal, change, field):
    body = portal.call("POST", "/api/v1/programme", "buyer", 422, json=item_body(**change))
    assert field in str(body["errors"]), body
    assert portal.call("GET", "/api/v1/programme", "anonymous", 200)["total"] == 0


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("supplier", 403),
                                             ("auditor", 403), ("admin", 403)])
def test_only_buyers_publish_planned_purchases(portal, who, status):
    portal.call("POST", "/api/v1/programme", who, status, json=item_body())


def test_a_buyer_edits_its_organisations_items_only(portal):
    item = portal.item()
    changed = portal.call("PUT", f"/api/v1/programme/{item['id']}", "buyer", 200,
                          json=item_body(title="Papier 100 % recyclé", estimate_max=70000))
    assert (changed["title"], changed["estimate_max"]) == ("Papier 100 % recyclé", 70000)
    body = portal.call("PUT", f"/api/v1/programme/{item['id']}", "other_buyer", 403,
                       json=item_body())
    assert "autre organisation" in body["message"]
    portal.call("PUT", "/api/v1/programme/999", "buyer", 404, json=item_body())


def test_withdrawing_an_item_cancels_it_and_tells_the_interested_firms(portal):
    item = portal.item()
    portal.interest("supplier", item["id"])
    cancelled = portal.call("DELETE", f"/api/v1/programme/{item['id']}", "buyer", 200)
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert portal.call("GET", "/api/v1/programme", "anonymous", 200)["total"] == 0
    kept = portal.call("GET", "/api/v1/programme?status=cancelled", "anonymous", 200)
    assert [i["id"] for i in kept["items"]] == [item["id"]]
    notices = portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["items"]
    assert [n["kind"] for n in notices] == ["programme_cancelled"]
    assert "annulé" in notices[0]["body"]
    # again: nothing more happens
    portal.call("DELETE", f"/api/v1/programme/{item['id']}", "buyer", 200)
    assert portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["total"] == 1
    portal.call("PUT", f"/api/v1/programme/{item['id']}", "buyer", 409, json=item_body())
    portal.interest("supplier_b", item["id"], expect=409)


def test_a_firm_says_it_is_interested_and_can_reword_or_withdraw(portal):
    item = portal.item()
    first = portal.interest("supplier", item["id"], message="Nous livrons déjà la région",
                            contact_email="achats@canuts.example")
    assert first["contact_email"] == "achats@canuts.example"
    portal.interest("supplier", item["id"], expect=200, message="Nous livrons déjà la région",
                    contact_email="achats@canuts.example")
    portal.interest("supplier", item["id"], expect=200, message="Groupement possible")
    seen = portal.call("GET", f"/api/v1/programme/{item['id']}/interest", "buyer", 200)
    assert [i["message"] for i in seen["items"]] == ["Groupement possible"]
    mine = portal.call("GET", f"/api/v1/programme/{item['id']}", "supplier", 200)
    assert mine["my_interest"]["message"] == "Groupement possible"
    assert portal.call("GET", f"/api/v1/programme/{item['id']}", "buyer",
                       200)["interested"] == 1
    portal.call("DELETE", f"/api/v1/programme/{item['id']}/interest", "supplier", 200)
    portal.call("DELETE", f"/api/v1/programme/{item['id']}/interest", "supplier", 404)
    assert portal.call("GET", f"/api/v1/programme/{item['id']}/interest", "buyer",
                       200)["total"] == 0


def test_a_bad_interest_is_refused(portal):
    item = portal.item()
    body = portal.call("POST", f"/api/v1/programme/{item['id']}/interest", "supplier", 422,
                       json={"message": "x", "contact_email": "pas une adresse"})
    assert "contact_email" in body["errors"]["json"]
    portal.call("POST", f"/api/v1/programme/{item['id']}/interest", "supplier", 422,
                json={"message": "x" * 1001})
    portal.call("POST", "/api/v1/programme/999/interest", "supplier", 404, json={})


def test_the_buyer_sees_who_is_interested_and_only_what_visible_profiles_show(portal):
    item = portal.item()
    portal.profile("supplier", size="micro", visibility="visible")
    portal.profile("supplier_b", name="Secret SARL", size="large", visibility="private")
    portal.interest("supplier", item["id"])
    portal.interest("supplier_b", item["id"], name="Entreprise B")
    seen = portal.call("GET", f"/api/v1/programme/{item['id']}/interest", "buyer", 200)
    by_name = {i["name"]: i for i in seen["items"]}
    assert by_name["supplier"]["profile"] == {"name": "Papeterie des Canuts",
                                              "size": "micro", "departement": "69"}
    assert by_name["Entreprise B"]["profile"] is None
    assert "Secret" not in str(seen)
    assert portal.call("GET", f"/api/v1/programme/{item['id']}/interest", "auditor",
                       200)["total"] == 2
    for who, status in (("other_buyer", 403), ("other_auditor", 403), ("supplier", 403),
                        ("anonymous", 401)):
        portal.call("GET", f"/api/v1/programme/{item['id']}/interest", who, status)


def test_publishing_the_consultation_links_it_and_tells_the_interested_firms(portal):
    item = portal.item()
    portal.interest("supplier", item["id"], contact_email="achats@canuts.example")
    portal.interest("supplier_b", item["id"])
    portal.interest("supplier_c", item["id"])
    portal.call("DELETE", f"/api/v1/programme/{item['id']}/interest", "supplier_c", 200)
    portal.consultation(item["id"], publish=False)
    assert portal.call("GET", f"/api/v1/programme/{item['id']}", "anonymous",
                       200)["status"] == "planned"
    assert portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["total"] == 0
    portal.call("POST", "/api/v1/consultations/2027-PAP-001/publish", "buyer", 200)
    published = portal.call("GET", f"/api/v1/programme/{item['id']}", "anonymous", 200)
    assert (published["status"], published["consultation"]) == ("published", "2027-PAP-001")
    (notice,) = portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["items"]
    assert notice["kind"] == "consultation_opened" and notice["consultation"] == "2027-PAP-001"
    assert "2027-PAP-001" in notice["body"] and "heure de Paris" in notice["body"]
    # no SMTP configured: on the page only
    assert notice["email"] == {"to": "achats@canuts.example", "status": "none",
                               "sent_at": None}
    assert portal.call("GET", "/api/v1/suppliers/me/notices", "supplier_b", 200)["total"] == 1
    assert portal.call("GET", "/api/v1/suppliers/me/notices", "supplier_c", 200)["total"] == 0
    # history now: neither edited, cancelled nor followed
    portal.call("PUT", f"/api/v1/programme/{item['id']}", "buyer", 409, json=item_body())
    portal.call("DELETE", f"/api/v1/programme/{item['id']}", "buyer", 409)
    portal.interest("supplier_c", item["id"], expect=409)


@pytest.mark.parametrize("case", ["other_organisation", "already_linked", "cancelled",
                                  "unknown"])
def test_a_consultation_cannot_carry_out_an_item_it_may_not(portal, case):
    item = portal.item()
    target = item["id"]
    if case == "other_organisation":
        portal.criteria("other_buyer")
        target = portal.item("other_buyer")["id"]
    elif case == "already_linked":
        portal.consultation(item["id"], reference="2027-PAP-000", publish=False)
    elif case == "cancelled":
        portal.call("DELETE", f"/api/v1/programme/{item['id']}", "buyer", 200)
    else:
        target = 999
    body = portal.consultation(target, publish=False, expect=422)
    assert body["errors"]["programme_item"], body
    portal.call("GET", "/api/v1/consultations/2027-PAP-001", "buyer", 404)


def test_programme_writes_are_in_the_audit_log(portal):
    item = portal.item()
    portal.interest("supplier", item["id"])
    portal.call("DELETE", f"/api/v1/programme/{item['id']}", "buyer", 200)
    entries, page = [], 1
    while True:  # every page of the log (SPEC §6.1: at most 100 a page)
        found = portal.call("GET", f"/api/v1/audit-log?per_page=100&page={page}", "admin", 200)
        entries += found["items"]
        if page * found["per_page"] >= found["total"]:
            break
        page += 1
    actions = [e["action"] for e in entries if e["target"] == f"programme:{item['id']}"]
    assert actions == ["programme.create", "programme.interest", "programme.cancel"]
    assert portal.call("GET", "/api/v1/audit-log?verify=true", "admin",
                       200)["chain"]["intact"]
