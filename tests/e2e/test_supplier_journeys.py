"""A company's journeys through its offers, in Debian's Chromium against the service under
gunicorn: it registers with its SIRET, self-assesses, submits an offer (check, confirm,
receipt downloaded), replaces it; the submission done with the keyboard alone; results
read beside the winner's once scored; another company refused the first one's receipt
and results. Every page checked with axe-core and photographed (desktop and 375 px)."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.api.conftest import CRITERIA_YAML

from .steps import PASSWORD, field, tab_to
from .conftest import SIRET_A, SIRET_B

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

#: Companies of these journeys alone (the other journeys use SIRET_A…C).
SIRET_DEPOT = "44306184100047"
SIRET_CLAVIER = "81202356200018"
SIRET_ABSENTE = "53000089200014"


def _criteria(service) -> None:
    response = service.call("POST", "/api/v1/criteria-sets", "buyer", None, data=CRITERIA_YAML,
                            headers={"Content-Type": "application/yaml"})
    assert response.status_code in (200, 201), response.text


def _consultation(service, reference: str, deadline: datetime, title: str) -> str:
    _criteria(service)
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": reference, "title": title, "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": deadline.isoformat(),
        "lots": [{"id": "1", "title": "Papeterie", "estimate": 25000},
                 {"id": "2", "title": "Consommables", "estimate": 8000}]})
    service.call("POST", f"/api/v1/consultations/{reference}/publish", "buyer", 200)
    return reference


@pytest.fixture(scope="module")
def open_consultation(service):
    return _consultation(service, "NAV-DEPOT", datetime.now(timezone.utc).replace(
        microsecond=0) + timedelta(days=20), "Fournitures de bureau des écoles")


def register(page, siret: str, company: str, email: str) -> None:
    page.goto("/inscription")
    page.get_by_label("Numéro SIRET de l'entreprise").fill(siret)
    page.get_by_label("Raison sociale").fill(company)
    page.get_by_label("Vos prénom et nom").fill(f"Contact {company}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte de mon entreprise").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def join(page, service, siret: str, email: str, company: str) -> None:
    """A person of an existing company, invited with ``spar user invite``."""
    link = service.spar("user", "invite", "--role", "supplier", "--email", email, "--siret",
                        siret).strip().splitlines()[-1]
    page.goto(link)
    page.get_by_label("Vos prénom et nom").fill(f"Contact {company}")
    raison = page.get_by_label("Raison sociale")
    if raison.count():
        raison.fill(company)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_company_self_assesses_submits_and_replaces_its_offer(journey, open_consultation,
                                                                tmp_path):
    trip = journey("entreprise-depot-offre")
    page = trip.page
    register(page, SIRET_DEPOT, "Delta Bureautique", "lea@delta.fr")
    page.goto(f"/consultations/{open_consultation}")
    trip.check("avis de la consultation")
    page.get_by_role("link", name="Estimer la note de mon offre").click()
    field(page, "Prix (EUR HT)").fill("12 400")
    field(page, "Empreinte carbone (kgCO2e)").fill("2,8")
    page.get_by_role("checkbox", name="FSC", exact=True).check()
    page.get_by_role("button", name="Évaluer mon offre").click()
    region = page.get_by_role("region", name="Score indicatif")
    expect(region.get_by_role("heading", name="Ce qui vous ferait gagner le plus de points")
           ).to_be_visible()
    expect(region.get_by_role("listitem").first).to_be_visible()
    trip.check("auto-évaluation et conseils")

    page.goto(f"/consultations/{open_consultation}")
    page.get_by_role("link", name="Déposer une offre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer une offre")
    trip.check("formulaire de dépôt")
    page.get_by_role("radio", name="Lot 1 : Papeterie").check()
    field(page, "Prix (EUR HT)").fill("12 400")
    field(page, "Empreinte carbone (kgCO2e)").fill("2,8")
    page.get_by_role("checkbox", name="EU Ecolabel", exact=True).check()
    page.get_by_role("checkbox", name="justificatif joint pour EU Ecolabel").check()
    page.get_by_role("radio", name="3 — Satisfaisant").check()
    page.get_by_role("button", name="Vérifier mon offre").click()
    answers = page.get_by_role("table", name="Vos réponses, telles qu'elles seront envoyées")
    expect(answers.get_by_role("row").filter(has_text="Prix")).to_contain_text("12 400")
    expect(page.get_by_text("Lot 1 : Papeterie")).to_be_visible()
    trip.check("vérifier mon offre")
    page.get_by_role("button", name="Corriger mon offre").click()
    expect(field(page, "Prix (EUR HT)")).to_have_value("12 400")
    expect(page.get_by_role("checkbox", name="EU Ecolabel", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="Lot 1 : Papeterie")).to_be_checked()
    page.get_by_role("button", name="Vérifier mon offre").click()
    page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("Offre déposée")
    expect(page.get_by_text(SIRET_DEPOT)).to_be_visible()
    trip.check("accusé de réception")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'accusé de réception (JSON)").click()
    saved = tmp_path / "accuse.json"
    download.value.save_as(saved)
    receipt = json.loads(saved.read_text())
    assert receipt["siret"] == SIRET_DEPOT and receipt["consultation"] == open_consultation
    expect(page.get_by_text(receipt["content_sha256"])).to_be_visible()
    first = receipt["offer"]

    page.get_by_role("link", name="Remplacer mon offre").click()
    page.get_by_role("radio", name="Lot 1 : Papeterie").check()
    field(page, "Prix (EUR HT)").fill("11 900")
    page.get_by_role("button", name="Vérifier mon offre").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"l'offre {first} ne sera plus prise en compte")
    trip.check("vérifier le remplacement")
    page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    expect(page.get_by_text(f"cette offre remplace l'offre {first}")).to_be_visible()
    trip.check("accusé de réception du remplacement")
    page.get_by_role("link", name="Mes offres", exact=True).first.click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text=first)).to_contain_text("Remplacée")
    expect(rows.filter(has_text="En vigueur")).to_have_count(1)
    trip.check("mes offres")


def test_an_offer_can_be_submitted_with_the_keyboard_alone(journey, open_consultation):
    trip = journey("entreprise-depot-clavier")
    page = trip.page
    register(page, SIRET_CLAVIER, "Epsilon Papiers", "noe@epsilon.fr")
    page.goto(f"/consultations/{open_consultation}")
    tab_to(page, 'a[href$="/offre"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déposer une offre")
    tab_to(page, '[name="lot"][value="1"]')
    page.keyboard.press("Space")
    tab_to(page, '[name="answers.price_eur"]')
    page.keyboard.type("9 800")
    tab_to(page, '[name="answers.co2e_kg"]')
    page.keyboard.type("1,2")
    tab_to(page, '[name="answers.labels"][value="EU Ecolabel"]')
    page.keyboard.press("Space")
    tab_to(page, '[name="evidence.labels"][value="EU Ecolabel"]')
    page.keyboard.press("Space")
    tab_to(page, 'button[value="check"]')
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vérifier mon offre avant de la déposer")
    tab_to(page, 'button[value="confirm"]')
    expect(page.get_by_role("button", name="Confirmer le dépôt")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    expect(page.get_by_text(SIRET_CLAVIER)).to_be_visible()
    trip.check("accusé de réception au clavier")


def test_results_beside_the_winners_and_another_company_refused(journey, service):
    """A consultation that closes in a few seconds: A and B answer (through the API),
    the buyer marks and scores; A reads its results and letter, B is refused A's pages."""
    trip = journey("entreprise-resultats")
    page = trip.page
    join(page, service, SIRET_A, "results-a@alpha.fr", "Papeterie Alpha")
    other = journey("autre-entreprise-refusee")
    other_page = other.page
    join(other_page, service, SIRET_B, "results-b@beta.fr", "Bureau Bêta")
    deadline = datetime.now(timezone.utc) + timedelta(seconds=12)
    reference = _consultation(service, "NAV-RESULTATS", deadline, "Fournitures notées")
    offers = {}
    for who, price, co2 in (("supplier_a", 11500, 2.0), ("supplier_b", 10400, 1.0)):
        offers[who] = service.call("POST", f"/api/v1/consultations/{reference}/offers", who,
                                   201, json={"lot": "1", "answers": {
                                       "price_eur": price, "co2e_kg": co2,
                                       "labels": ["EU Ecolabel"]},
                                       "evidence": {"labels": ["EU Ecolabel"]}}).json()["offer"]
    page.goto(f"/mes-offres/{offers['supplier_a']}")
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    response = page.goto(f"/mes-resultats/{reference}")
    assert response.status == 409
    expect(page.get_by_role("alert")).to_contain_text("il n'y a pas encore de résultats")
    trip.check("résultats avant la date limite")
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds() + 1))
    for offer, mark in ((offers["supplier_a"], 3), (offers["supplier_b"], 4)):
        service.call("PUT", f"/api/v1/offers/{offer}/marks/technical", "buyer", 200,
                     json={"mark": mark, "justification": "Mémoire technique lu."})
    service.call("POST", f"/api/v1/consultations/{reference}/lots/1/scoring", "buyer", 201)
    page.goto("/mes-offres")
    page.get_by_role("link", name=re.compile("Voir mes résultats : Fournitures notées")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes résultats")
    expect(page.get_by_text("Offre classée première : Bureau Bêta")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    trip.check("mes résultats")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger ma lettre de résultat (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    response = other_page.goto(f"/mes-offres/{offers['supplier_a']}")
    assert response.status == 404
    expect(other_page.get_by_role("heading", level=1)).to_be_visible()
    expect(other_page.get_by_text(SIRET_A)).to_have_count(0)
    other.check("accusé d'une autre entreprise refusé")
    response = other_page.goto(f"/mes-offres/{offers['supplier_a']}/accuse-de-reception.json")
    assert response.status == 404
    # B's own results: it won; of A it learns nothing
    other_page.goto(f"/mes-resultats/{reference}")
    expect(other_page.get_by_text("Votre offre est classée première.")).to_be_visible()
    expect(other_page.get_by_text(offers["supplier_a"])).to_have_count(0)
    other.check("ses propres résultats")

    # a company that did not answer has neither results nor a letter here
    absent = journey("entreprise-sans-offre-refusee")
    register(absent.page, SIRET_ABSENTE, "Zêta Services", "ana@zeta.fr")
    for path in (f"/mes-resultats/{reference}", f"/mes-resultats/{reference}/lettre.pdf"):
        response = absent.page.goto(path)
        assert response.status == 404, path
    expect(absent.page.get_by_role("heading", level=1)).to_be_visible()
    expect(absent.page.get_by_text("Bureau Bêta")).to_have_count(0)
    absent.page.goto(f"/mes-resultats/{reference}")
    absent.check("résultats d'une consultation sans offre refusés")


def test_the_forms_start_from_the_company_profile(journey, service, open_consultation):
    """Answering with the SIRET alone: the standing answers of A's profile (saved through
    the API) start its self-assessment and its offer form; a change stays in the offer."""
    service.call("PUT", "/api/v1/suppliers/me", "supplier_a", None, json={
        "name": "Papeterie Alpha", "size": "small", "departement": "69",
        "standing_answers": {"labels": ["FSC"], "co2e_kg": 1.5},
        "standing_evidence": {"labels": ["FSC"]}}).raise_for_status()
    trip = journey("entreprise-profil-prerempli")
    page = trip.page
    join(page, service, SIRET_A, "profil-a@alpha.fr", "Papeterie Alpha")
    page.goto(f"/auto-evaluation/fournitures-test/1?consultation={open_consultation}")
    expect(page.get_by_text("Réponses reprises du profil de votre entreprise")).to_be_visible()
    expect(field(page, "Empreinte carbone (kgCO2e)")).to_have_value("1,5")
    expect(page.get_by_role("checkbox", name="FSC", exact=True)).to_be_checked()
    trip.check("auto-évaluation préremplie")
    page.goto(f"/consultations/{open_consultation}/offre")
    expect(field(page, "Empreinte carbone (kgCO2e)")).to_have_value("1,5")
    expect(page.get_by_role("checkbox", name="justificatif joint pour FSC")).to_be_checked()
    trip.check("dépôt prérempli")
    page.get_by_role("radio", name="Lot 2 : Consommables").check()
    field(page, "Prix (EUR HT)").fill("4 200")
    field(page, "Empreinte carbone (kgCO2e)").fill("1,1")
    page.get_by_role("button", name="Vérifier mon offre").click()
    page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    profile = service.call("GET", "/api/v1/suppliers/me", "supplier_a", 200).json()
    assert profile["standing_answers"]["co2e_kg"] == 1.5  # the profile did not change
