"""People's journeys through the pages, in Debian's Chromium against the service under
gunicorn: found by the accessible names of SPEC §7, every page checked with axe-core
(no serious or critical violation) and photographed at desktop width and at 375 px."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.api.conftest import CRITERIA_YAML

from .steps import PASSWORD, accept, field, invite, tab_to
from .conftest import SIRET_C

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

BAD_CRITERIA = CRITERIA_YAML.replace("id: fournitures-test", "id: parcours-navigateur").replace(
    "weight: 40, input: price_eur", "weight: 0, input: price_eur").replace(
    "method: linear", "method: lineaire")
GOOD_CRITERIA = CRITERIA_YAML.replace("id: fournitures-test", "id: parcours-navigateur")


def sign_in(page, email: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.fixture(scope="module")
def published(service):
    """A consultation open for offers, made through the API, for the companies."""
    criteria = service.call("POST", "/api/v1/criteria-sets", "buyer", None, data=CRITERIA_YAML,
                            headers={"Content-Type": "application/yaml"})
    assert criteria.status_code in (200, 201), criteria.text
    deadline = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=20)).replace(
        microsecond=0)
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": "NAV-OUVERTE", "title": "Fournitures pour les écoles",
        "criteria_set": "fournitures-test", "criteria_version": 1,
        "deadline": deadline.isoformat(), "lots": [{"id": "1", "title": "Papeterie",
                                                    "estimate": 25000}]})
    service.call("POST", "/api/v1/consultations/NAV-OUVERTE/publish", "buyer", 200)
    return "NAV-OUVERTE"


def test_a_company_registers_with_its_siret_and_self_assesses(journey, published):
    trip = journey("entreprise-inscription-auto-evaluation")
    page = trip.page
    page.goto("/")
    trip.check("accueil")
    page.get_by_role("link", name="Inscrire mon entreprise avec son SIRET").click()
    trip.check("inscription")
    page.get_by_label("Numéro SIRET de l'entreprise").fill("732 829 320 00008")  # bad key
    page.get_by_label("Raison sociale").fill("Gamma Fournitures")
    page.get_by_label("Vos prénom et nom").fill("Inès Gamma")
    page.get_by_label("Adresse électronique").fill("ines@gamma.fr")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte de mon entreprise").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("SIRET invalide")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Raison sociale")).to_have_value("Gamma Fournitures")
    trip.check("inscription refusée : SIRET")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Numéro SIRET de l'entreprise")).to_be_focused()
    page.get_by_label("Numéro SIRET de l'entreprise").fill(SIRET_C)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte de mon entreprise").click()
    expect(page.get_by_role("status").first).to_contain_text("Gamma Fournitures")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    trip.check("choisir quoi évaluer")
    page.get_by_role("link", name=re.compile("S'auto-évaluer : Fournitures pour les écoles")
                     ).click()
    trip.check("auto-évaluation vide")
    field(page, "Prix (EUR HT)").fill("11 500")
    field(page, "Prix (EUR HT) : meilleure offre concurrente attendue").fill("10 000")
    field(page, "Empreinte carbone (kgCO2e)").fill("3,2")
    page.get_by_role("checkbox", name="FSC", exact=True).check()
    page.get_by_role("radio", name="3 — Satisfaisant").check()
    page.get_by_role("button", name="Évaluer mon offre").click()
    region = page.get_by_role("region", name="Score indicatif")
    expect(region).to_contain_text("points sur 100")
    expect(region.get_by_role("heading", name="Ce qui vous ferait gagner le plus de points")
           ).to_be_visible()
    expect(region.get_by_role("listitem").filter(has_text="justificatif du label « FSC »")
           ).to_be_visible()
    expect(region.get_by_role("img")).to_be_visible()  # the pillar bars, with their table
    expect(field(page, "Prix (EUR HT)")).to_have_value("11 500")
    trip.check("score indicatif")
    field(page, "Prix (EUR HT)").fill("beaucoup")
    page.get_by_role("button", name="Évaluer mon offre").click()
    expect(page.get_by_role("alert")).to_contain_text("Un nombre est attendu, pas « beaucoup »")
    trip.check("auto-évaluation refusée")


def test_the_self_assessment_can_be_done_with_the_keyboard_alone(journey, published):
    trip = journey("entreprise-clavier-seul")
    page = trip.page
    page.goto(f"/auto-evaluation/fournitures-test/1?consultation={published}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, '[name="answers.price_eur"]')
    page.keyboard.type("9 800")
    tab_to(page, '[name="answers.co2e_kg"]')
    page.keyboard.type("1,2")
    tab_to(page, '[name="answers.labels"][value="EU Ecolabel"]')
    page.keyboard.press("Space")
    tab_to(page, '[name="evidence.labels"][value="EU Ecolabel"]')
    page.keyboard.press("Space")
    tab_to(page, 'button[type="submit"]:not(.button-link)')
    expect(page.get_by_role("button", name="Évaluer mon offre")).to_be_focused()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    region = page.get_by_role("region", name="Score indicatif")
    expect(region).to_be_focused()  # read first, without hunting for it
    expect(region).to_contain_text("Ce qui vous ferait gagner le plus de points")
    trip.check("score indicatif au clavier")


def test_a_buyer_uploads_criteria_then_creates_and_publishes_a_consultation(journey, service):
    trip = journey("acheteur-criteres-consultation")
    page = trip.page
    accept(page, invite(service, "buyer", "camille@metro.fr", "--org", "metro"), "Camille Achat")
    expect(page.get_by_role("heading", name="Mon bureau d'acheteur")).to_be_visible()
    trip.check("bureau d'acheteur")
    page.get_by_role("link", name="Publier un jeu de critères").click()
    trip.check("publier un jeu de critères")
    page.get_by_label("Fichier de critères (YAML)").set_input_files(files=[{
        "name": "ecoles.yaml", "mimeType": "application/yaml",
        "buffer": BAD_CRITERIA.encode()}])
    page.get_by_role("button", name="Vérifier et publier le jeu de critères").click()
    expect(page.get_by_role("alert")).to_contain_text("problème(s)")
    problems = page.get_by_role("table", name=re.compile("ligne par ligne"))
    weight_row = problems.get_by_role("row").filter(has_text="weight: 0, input: price_eur")
    expect(weight_row).to_contain_text("doit être > 0")
    expect(page.get_by_role("link", name=re.compile(r"ecoles\.yaml:\d+:\d+")).first
           ).to_be_visible()
    expect(field(page, "Ou le contenu du fichier, collé ici")).to_have_value(
        re.compile("lineaire"))
    trip.check("jeu de critères refusé")
    field(page, "Ou le contenu du fichier, collé ici").fill(GOOD_CRITERIA)
    page.get_by_role("button", name="Vérifier et publier le jeu de critères").click()
    expect(page.get_by_role("status").first).to_contain_text("est publié")
    expect(page.get_by_label("Jeu de critères")).to_have_value("parcours-navigateur@1")
    trip.check("nouvelle consultation")
    page.get_by_label("Référence").fill("NAV-2027-01")
    page.get_by_label("Intitulé", exact=True).fill("Papier recyclé pour les écoles")
    page.get_by_label("Date limite : jour").fill(
        (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%d"))
    page.get_by_label("Date limite : heure (Paris)").fill("12:00")
    field(page, "Numéro du lot").fill("1")
    field(page, "Intitulé du lot").fill("Ramettes A4")
    field(page, "Estimation en euros hors taxes").fill("18 500")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papier recyclé pour les écoles")
    expect(page.get_by_text(re.compile(r"18\s500,00\s€"))).to_be_visible()
    trip.check("brouillon à relire")
    page.get_by_role("button", name="Publier la consultation").click()
    expect(page.get_by_role("status").first).to_contain_text("est publiée")
    expect(page.get_by_role("button", name="Publier la consultation")).to_have_count(0)
    trip.check("consultation publiée")
    page.get_by_role("link", name="Consultations", exact=True).first.click()
    expect(page.get_by_role("link", name="Papier recyclé pour les écoles")).to_be_visible()
    trip.check("liste des consultations")


def test_an_admin_invites_an_auditor_who_accepts(journey, service, chromium):
    trip = journey("admin-invite-controleur")
    page = trip.page
    accept(page, invite(service, "admin", "alex@metro.fr"), "Alex Admin")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    trip.check("administration")
    page.get_by_role("link", name="Invitations").click()
    trip.check("invitations")
    page.get_by_label("Adresse électronique").fill("dominique@metro.fr")
    page.get_by_role("radio", name="Contrôleur").check()
    field(page, "Organisation").select_option("metro")
    page.get_by_role("button", name="Créer l'invitation").click()
    link = page.locator("code.secret").inner_text()
    assert link.startswith(service.url + "/invitation/inv_")
    trip.check("invitation créée")
    auditor = journey("controleur-accepte")
    auditor.page.goto(link)
    expect(auditor.page.get_by_text("Vous êtes invité(e) comme contrôleur")).to_be_visible()
    auditor.check("activer mon compte")
    auditor.page.get_by_label("Vos prénom et nom").fill("Dominique Contrôle")
    auditor.page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    auditor.page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    auditor.page.get_by_role("button", name="Activer mon compte").click()
    expect(auditor.page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(auditor.page.get_by_text("Contrôleur", exact=False).first).to_be_visible()
    auditor.check("contrôleur connecté")
    auditor.page.goto(link)
    expect(auditor.page.get_by_role("heading", level=1)).to_have_text(
        "Cette invitation ne peut plus servir")
    auditor.check("invitation déjà utilisée")
    page.goto("/administration/invitations")
    expect(page.get_by_role("row").filter(has_text="dominique@metro.fr")).to_contain_text(
        "Acceptée")


def test_a_company_is_refused_the_buyers_pages(journey, service):
    trip = journey("entreprise-refusee")
    page = trip.page
    page.goto("/acheteur")
    expect(page).to_have_url(re.compile(r"/connexion\?next=/acheteur$"))
    trip.check("connexion demandée")
    page.goto(invite(service, "supplier", "zoe@alpha.fr", "--siret", "12345678200002"))
    page.get_by_label("Vos prénom et nom").fill("Zoé Alpha")
    page.get_by_label("Raison sociale").fill("Papeterie Alpha")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    for path in ("/acheteur", "/acheteur/consultations/nouvelle", "/administration"):
        response = page.goto(path)
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
        expect(page.get_by_role("link", name="Mon bureau d'acheteur")).to_have_count(0)
    trip.check("accès refusé")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    trip.check("déconnectée")
