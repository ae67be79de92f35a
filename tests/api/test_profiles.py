"""Company profiles, the buyers' directory and matching through the API (SPEC §8)."""

from __future__ import annotations

import pytest

from spar import create_app
from spar.services import profiles, sirene, tokens
from spar.services.principal import OPERATOR

from ..local_servers import free_port, sirene_answer, sirene_server
from .conftest import CAST, SIRET_A
from .portal import Portal, profile_body

SOCIAL_SET = """\
spar: 1
id: social-test
version: 1
title: Services (test social)
category: services
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 50, input: price_eur,
     method: price_lowest_ratio}
  - {id: env, label: Véhicules propres, pillar: environmental, weight: 25,
     input: clean_vehicles, method: boolean}
  - {id: equality, label: Index égalité, pillar: social, weight: 25, input: egapro_index,
     method: linear, worst: 75, best: 100, minimum: 75}
"""


@pytest.fixture
def portal(client, callers, clock):
    portal = Portal(client, callers, clock)
    portal.criteria()
    return portal


def test_a_firm_saves_its_profile_and_its_history_is_kept(portal):
    portal.call("GET", "/api/v1/suppliers/me", "supplier", 404)
    created = portal.profile("supplier", visibility="private")
    assert (created["version"], created["visibility"], created["siret"]) == (1, "private",
                                                                             SIRET_A)
    assert created["standing_answers"] == {"co2e_kg": 2.0, "labels": ["EU Ecolabel"]}
    assert created["labels"] == ["EU Ecolabel"]
    again = portal.profile("supplier", expect=200, visibility="private")
    assert again["version"] == 1  # the same profile again changes nothing
    changed = portal.profile("supplier", expect=200, skills=["Reprographie"])
    assert (changed["version"], changed["visibility"]) == (2, "visible")
    assert portal.call("GET", "/api/v1/suppliers/me", "supplier", 200)["skills"] == \
        ["Reprographie"]
    history = portal.call("GET", "/api/v1/suppliers/me/history", "supplier", 200)
    assert [v["version"] for v in history["items"]] == [2, 1]
    assert history["items"][1]["profile"]["visibility"] == "private"


def test_the_profile_is_private_by_default(portal):
    body = profile_body()
    del body["visibility"]
    created = portal.call("PUT", "/api/v1/suppliers/me", "supplier", 201, json=body)
    assert created["visibility"] == "private"


@pytest.mark.parametrize(("answers", "evidence", "field", "words"), [
    ({"co2e_kg": "beaucoup"}, {}, "co2e_kg", "nombre"),
    ({"labels": 12}, {}, "labels", "liste"),
    ({"price_eur": 1000}, {}, "price_eur", "propre à chaque consultation"),
    ({"technical_mark": 3}, {}, "technical_mark", "propre à chaque consultation"),
    ({"effectif": 12}, {}, "effectif", "aucun jeu de critères"),
    ({"co2e_kg": 2}, {"co2e_kg": ["x"]}, "co2e_kg", "labels"),
    ({"co2e_kg": 2}, {"labels": ["EU Ecolabel"]}, "labels", "sans réponse"),
])
def test_a_malformed_standing_answer_is_refused_naming_input_and_reason(
        portal, answers, evidence, field, words):
    body = portal.call("PUT", "/api/v1/suppliers/me", "supplier", 422, json=profile_body(
        standing_answers=answers, standing_evidence=evidence))
    errors = body["errors"].get("standing_answers", {}) | body["errors"].get(
        "standing_evidence", {})
    assert words in " ".join(errors[field]), body
    portal.call("GET", "/api/v1/suppliers/me", "supplier", 404)


def test_an_answer_under_a_legal_minimum_is_kept_with_a_warning(portal):
    portal.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=SOCIAL_SET,
                content_type="application/yaml")
    saved = portal.profile("supplier", categories=["services"],
                           standing_answers={"egapro_index": 70, "clean_vehicles": "oui"},
                           standing_evidence={})
    assert saved["standing_answers"] == {"egapro_index": 70.0, "clean_vehicles": True}
    assert any("irrégulière" in w and "Index égalité" in w for w in saved["warnings"])


@pytest.mark.parametrize(("change", "field"), [
    ({"name": None}, "name"), ({"size": "enorme"}, "size"), ({"departement": "100"},
                                                             "departement"),
    ({"categories": ["food"]}, "categories"), ({"visibility": "public"}, "visibility"),
    ({"skills": ["x" * 81]}, "skills")])
def test_a_bad_profile_field_is_refused(portal, change, field):
    body = profile_body(**change)
    if body.get("name") is None:
        del body["name"]
    response = portal.call("PUT", "/api/v1/suppliers/me", "supplier", 422, json=body)
    assert field in str(response["errors"]), response


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("buyer", 403),
                                             ("auditor", 403), ("admin", 403)])
def test_only_a_firm_has_a_profile(portal, who, status):
    portal.call("GET", "/api/v1/suppliers/me", who, status)
    portal.call("PUT", "/api/v1/suppliers/me", who, status, json=profile_body())
    portal.call("GET", "/api/v1/suppliers/me/matches", who, status)


def test_the_directory_shows_visible_profiles_only_with_every_filter(portal):
    portal.profile("supplier")  # Papeterie, small, 69, EU Ecolabel
    portal.profile("supplier_b", name="Bureau Vert", size="medium", departement="38",
                   skills=["Mobilier de bureau"], standing_answers={"labels": ["FSC"]},
                   standing_evidence={})
    portal.profile("supplier_c", name="Secret Papier", visibility="private")

    def names(query=""):
        page = portal.call("GET", f"/api/v1/suppliers?{query}", "buyer", 200)
        return [p["name"] for p in page["items"]]

    assert names() == ["Bureau Vert", "Papeterie des Canuts"]
    assert names("skill=PAPÉTERIE") == ["Papeterie des Canuts"]  # case and accents ignored
    assert names("skill=bureau") == ["Bureau Vert", "Papeterie des Canuts"]
    assert names("label=eu ecolabel") == ["Papeterie des Canuts"]
    assert names("label=eu") == []  # a label is matched whole
    assert names("departement=38&size=medium&category=supplies") == ["Bureau Vert"]
    assert names("category=works") == []
    assert names("skill=%25") == []  # a LIKE wildcard is a plain character
    seen = portal.call("GET", "/api/v1/suppliers", "buyer", 200)
    assert "Secret" not in str(seen) and "visibility" not in seen["items"][0]
    portal.call("GET", "/api/v1/suppliers?size=huge", "buyer", 422)
    for who, status in (("supplier", 403), ("anonymous", 401), ("admin", 403)):
        portal.call("GET", "/api/v1/suppliers", who, status)


def test_a_buyer_finds_the_visible_firms_for_a_planned_purchase_best_first(portal):
    item = portal.item()
    portal.profile("supplier")  # co2 2 kg, EU Ecolabel with evidence
    portal.profile("supplier_b", name="Bureau Vert", size="large",
                   standing_answers={"co2e_kg": 1, "labels": ["FSC"]}, standing_evidence={})
    portal.profile("supplier_c", name="Secret Papier", visibility="private",
                   standing_answers={"co2e_kg": 0.5, "labels": ["EU Ecolabel"]})
    page = portal.call("GET", f"/api/v1/programme/{item['id']}/matches", "buyer", 200)
    # CO2 is 60 % of the environment's 40 points, the ecolabel 40 %: 40 points in all.
    # Canuts: (5-2)/4.5 × 24 + 16 = 32; Bureau Vert: (5-1)/4.5 × 24 + FSC without
    # evidence 0 = 21.33…
    assert [(m["name"], round(m["score"], 2), m["max_score"]) for m in page["items"]] == [
        ("Papeterie des Canuts", 32.0, 40.0), ("Bureau Vert", 21.33, 40.0)]
    assert set(page["items"][0]) >= {"siret", "name", "size", "score", "max_score"}
    assert "Secret" not in str(page)
    assert portal.call("GET", f"/api/v1/programme/{item['id']}/matches?per_page=1&page=2",
                       "buyer", 200)["items"][0]["name"] == "Bureau Vert"
    portal.call("GET", f"/api/v1/programme/{item['id']}/matches", "auditor", 200)
    for who, status in (("other_buyer", 403), ("supplier", 403), ("anonymous", 401)):
        portal.call("GET", f"/api/v1/programme/{item['id']}/matches", who, status)


def test_a_profile_made_private_leaves_the_matches_at_once(portal):
    item = portal.item()
    portal.profile("supplier")
    assert portal.call("GET", f"/api/v1/programme/{item['id']}/matches", "buyer",
                       200)["total"] == 1
    portal.profile("supplier", expect=200, visibility="private")
    assert portal.call("GET", f"/api/v1/programme/{item['id']}/matches", "buyer",
                       200)["total"] == 0
    assert portal.call("GET", "/api/v1/suppliers", "buyer", 200)["total"] == 0


def test_a_firm_sees_the_planned_purchases_that_match_it_with_hints(portal):
    item = portal.item()
    portal.item(title="Travaux ailleurs", category="supplies", expected_publication="2027-08")
    portal.call("GET", "/api/v1/suppliers/me/matches", "supplier", 404)
    portal.profile("supplier", visibility="private")
    portal.profile("supplier_b", name="Bureau Vert", standing_answers={"co2e_kg": 1},
                   standing_evidence={})
    page = portal.call("GET", "/api/v1/suppliers/me/matches", "supplier", 200)
    assert page["total"] == 2
    first = page["items"][0]
    assert first["item"]["id"] == item["id"]
    assert (round(first["score"], 2), first["max_score"], first["competitors"]) == \
        (32.0, 40.0, 1)
    assert first["hints"][0]["criterion"] == "env.co2"
    assert first["hints"][0]["message"].startswith("Empreinte carbone : réduire de 2 à 0,5")
    # the firm's private profile was scored for itself only
    matches = portal.call("GET", f"/api/v1/programme/{item['id']}/matches", "buyer", 200)
    assert [m["name"] for m in matches["items"]] == ["Bureau Vert"]
    # a firm of another category sees nothing
    portal.profile("supplier_c", categories=["works"])
    assert portal.call("GET", "/api/v1/suppliers/me/matches", "supplier_c", 200)["total"] == 0


def test_the_forms_are_prefilled_with_the_answers_a_set_reads(portal, uow):
    portal.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=SOCIAL_SET,
                content_type="application/yaml")
    portal.profile("supplier", standing_answers={"co2e_kg": 2, "labels": ["EU Ecolabel"],
                                                 "egapro_index": 88})
    firm = tokens.authenticate(uow(), portal.callers["supplier"]["Authorization"][7:])
    assert profiles.standing_answers_for(uow(), firm, "social-test", 1) == {
        "answers": {"egapro_index": 88.0}, "evidence": {}}
    assert profiles.standing_answers_for(uow(), firm, "fournitures-test", 1) == {
        "answers": {"co2e_kg": 2.0, "labels": ["EU Ecolabel"]},
        "evidence": {"labels": ["EU Ecolabel"]}}


# --- SIRENE -------------------------------------------------------------------------------


@pytest.fixture
def directory_app(empty_database, clock, tmp_path):
    sirene.clear_cache()
    with sirene_server() as (directory, url):
        app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                          "CLOCK": clock, "TESTING": True, "SIRENE_URL": url,
                          "SIRENE_TIMEOUT": 1.0})
        yield app, directory
        app.extensions["spar.db"].engine.dispose()
    sirene.clear_cache()


def _portal(app, clock) -> Portal:
    from spar.services.unit_of_work import UnitOfWork

    headers = {}
    for name in ("buyer", "supplier"):
        role, org, siret = CAST[name]
        _, secret = tokens.create_token(
            UnitOfWork(app.extensions["spar.db"].sessions, clock, app.config), OPERATOR, role,
            organisation=org, siret=siret, name=name, create_organisation_if_missing=True)
        headers[name] = {"Authorization": f"Bearer {secret}"}
    portal = Portal(app.test_client(), headers, clock)
    portal.criteria()
    return portal


def test_the_directory_fills_name_address_and_size(directory_app, clock):
    app, directory = directory_app
    directory.known[SIRET_A] = sirene_answer(SIRET_A, name="PAPETERIE DES CANUTS", band="03")
    portal = _portal(app, clock)
    looked_up = portal.call("GET", "/api/v1/suppliers/me/sirene", "supplier", 200)
    assert looked_up["status"] == "found"
    company = looked_up["company"]
    assert (company["name"], company["size"], company["departement"]) == (
        "PAPETERIE DES CANUTS", "micro", "69")
    body = profile_body()
    for key in ("name", "size", "departement"):
        del body[key]
    saved = portal.call("PUT", "/api/v1/suppliers/me", "supplier", 201, json=body)
    assert (saved["name"], saved["size"], saved["departement"], saved["notes"]) == (
        "PAPETERIE DES CANUTS", "micro", "69", [])
    assert saved["address"] == "12 RUE DES CANUTS 69004 LYON"


def test_when_the_directory_is_down_the_profile_is_saved_on_the_luhn_check(
        directory_app, clock):
    app, directory = directory_app
    app.config["SIRENE_URL"] = f"http://127.0.0.1:{free_port()}"
    portal = _portal(app, clock)
    body = portal.call("GET", "/api/v1/suppliers/me/sirene", "supplier", 200)
    assert (body["status"], body["company"]) == ("unavailable", None)
    assert "injoignable" in body["message"]
    saved = portal.profile("supplier", address=None)
    assert saved["name"] == "Papeterie des Canuts"
    assert "injoignable" in saved["notes"][0]
    refused = profile_body()
    del refused["name"]
    body = portal.call("PUT", "/api/v1/suppliers/me", "supplier", 422, json=refused)
    assert "injoignable" in body["errors"]["name"][0]


def test_a_siret_the_directory_does_not_know_is_said(directory_app, clock):
    app, _ = directory_app
    portal = _portal(app, clock)
    body = portal.call("GET", "/api/v1/suppliers/me/sirene", "supplier", 200)
    assert body["status"] == "not_found" and "inconnu de l'annuaire" in body["message"]
