"""The SME portal's journeys (SPEC §8) in Debian's Chromium against the service under
gunicorn, every page checked with axe-core and photographed at desktop width and 375 px:
a firm registers, fills its profile, finds a matching planned purchase, says it is
interested and is told on its page when the buyer publishes the consultation; a buyer
finds firms for a planned purchase."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from stdnum import luhn

from tests.api.conftest import CRITERIA_YAML

from .steps import PASSWORD, accept, field, invite

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PARIS = ZoneInfo("Europe/Paris")
ITEM_TITLE = "Papier recyclé des écoles (portail)"
PRIVATE_FIRM = "Gamma Discrète SAS"


def new_siret(siren: str = "44200123") -> str:
    """A SIRET no other journey uses: its SIREN and itself with right Luhn keys."""
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


def month_ahead(months: int) -> str:
    now = datetime.now(PARIS)
    index = now.year * 12 + now.month - 1 + months
    return f"{index // 12}-{index % 12 + 1:02d}"


@pytest.fixture(scope="module")
def programme(service):
    """The tests' criteria set, a planned purchase of "metro", and three firms' profiles:
    two visible, one private."""
    criteria = service.call("POST", "/api/v1/criteria-sets", "buyer", None, data=CRITERIA_YAML,
                            headers={"Content-Type": "application/yaml"})
    assert criteria.status_code in (200, 201), criteria.text
    item = service.call("POST", "/api/v1/programme", "buyer", 201, json={
        "title": ITEM_TITLE, "criteria_set": "fournitures-test", "version": 1,
        "expected_publication": month_ahead(3), "estimate_min": 40000, "estimate_max": 60000,
        "description": "Ramettes A4 et A3 recyclées pour les écoles, livraisons groupées."}
    ).json()
    firm = {"size": "small", "departement": "69", "categories": ["supplies"],
            "skills": ["papeterie"]}
    for who, name, answers, visibility in (
            ("supplier_a", "Alpha Papiers Verts", {"co2e_kg": 0.8, "labels": ["EU Ecolabel"]},
             "visible"),
            ("supplier_b", "Bêta Bureautique", {"co2e_kg": 4.5}, "visible"),
            ("supplier_c", PRIVATE_FIRM, {"co2e_kg": 0.5, "labels": ["EU Ecolabel"]},
             "private")):
        evidence = {"labels": answers["labels"]} if "labels" in answers else {}
        response = service.call("PUT", "/api/v1/suppliers/me", who, None, json={
            **firm, "name": name, "standing_answers": answers, "standing_evidence": evidence,
            "visibility": visibility})
        assert response.status_code in (200, 201), response.text
    return item


def test_a_firm_finds_a_planned_purchase_and_is_told_when_it_opens(journey, service,
                                                                    programme):
    trip = journey("portail-entreprise-interet-avis")
    page = trip.page
    page.goto("/")
    expect(page.get_by_role("heading", name="Programme des achats")).to_be_visible()
    expect(page.get_by_role("link", name=ITEM_TITLE).first).to_be_visible()
    trip.check("accueil avec le programme")
    page.get_by_role("link", name="Inscrire mon entreprise avec son SIRET").click()
    page.get_by_label("Numéro SIRET de l'entreprise").fill(new_siret())
    page.get_by_label("Raison sociale").fill("Delta Papeterie Solidaire")
    page.get_by_label("Vos prénom et nom").fill("Léa Delta")
    page.get_by_label("Adresse électronique").fill("lea@portail-delta.fr")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte de mon entreprise").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.get_by_role("link", name="Mon entreprise", exact=True).first.click()
    expect(page.get_by_role("heading", name="Mon entreprise", level=1)).to_be_visible()
    trip.check("mon entreprise, sans profil")
    page.get_by_role("link", name="Remplir mon profil").first.click()
    expect(page.get_by_role("radio", name=re.compile("^Privé"))).to_be_checked()
    trip.check("profil vide, privé par défaut")
    page.get_by_role("radio", name=re.compile("^Petite entreprise")).check()
    field(page, "Département").fill("69")
    page.get_by_role("checkbox", name="Fournitures", exact=True).check()
    field(page, "Savoir-faire (mots-clés)").fill("papeterie\nreprographie")
    field(page, "Empreinte carbone (kgCO2e)").fill("beaucoup")
    page.get_by_role("checkbox", name="EU Ecolabel", exact=True).check()
    page.get_by_role("radio", name=re.compile("^Visible des acheteurs")).check()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Empreinte carbone (kgCO2e)")
    expect(summary).to_contain_text("beaucoup")
    expect(field(page, "Département")).to_have_value("69")
    expect(page.get_by_role("radio", name=re.compile("^Visible des acheteurs"))).to_be_checked()
    trip.check("profil refusé : réponse mal formée")
    field(page, "Empreinte carbone (kgCO2e)").fill("1,2")
    page.get_by_role("checkbox", name=re.compile("justificatif détenu pour EU Ecolabel")).check()
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_role("status").first).to_contain_text("version 1")
    expect(page.get_by_text("Visible des acheteurs", exact=True)).to_be_visible()
    trip.check("profil enregistré")

    page.get_by_role("link", name=re.compile("achats? correspondants?")).first.click()
    match = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=ITEM_TITLE))
    expect(match).to_contain_text(re.compile(r"Score indicatif hors prix : \d+,\d\d sur"))
    trip.check("achats qui me correspondent")
    match.get_by_role("link", name=ITEM_TITLE).click()
    expect(page.get_by_role("heading", name=ITEM_TITLE)).to_be_visible()
    expect(page.get_by_text(re.compile(r"entre 40\s000,00\s€ et 60\s000,00\s€ HT"))).to_be_visible()
    trip.check("achat prévu")
    field(page, "Votre message à l'acheteur").fill("Papier 100 % recyclé, livré en vélo-cargo.")
    page.get_by_role("button", name="Je suis intéressé").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre intérêt est enregistré")
    expect(page.get_by_role("button", name="Retirer mon intérêt")).to_be_visible()
    trip.check("intérêt signalé")

    # the buyer sees the firm, creates the consultation from the item and publishes it
    desk = journey("portail-acheteur-publie-achat-prevu")
    buyer = desk.page
    accept(buyer, invite(service, "buyer", "dominique.programme@metro.fr", "--org", "metro"),
           "Dominique Achat")
    buyer.get_by_role("link", name="Mon programme", exact=True).click()
    desk.check("programme de mon organisation")
    buyer.get_by_role("link", name=ITEM_TITLE).click()
    interested = buyer.get_by_role("table", name=re.compile("signalé (son|leur) intérêt"))
    expect(interested).to_contain_text("Papier 100 % recyclé, livré en vélo-cargo.")
    desk.check("entreprises intéressées")
    buyer.get_by_role("link", name="Créer la consultation").click()
    expect(buyer.get_by_label("Intitulé", exact=True)).to_have_value(ITEM_TITLE)
    expect(buyer.get_by_label("Jeu de critères")).to_have_value("fournitures-test@1")
    buyer.get_by_label("Référence").fill("PORTAIL-2027-01")
    buyer.get_by_label("Date limite : jour").fill(
        (datetime.now(PARIS) + timedelta(days=40)).strftime("%Y-%m-%d"))
    field(buyer, "Numéro du lot").fill("1")
    field(buyer, "Intitulé du lot").fill("Ramettes")
    desk.check("consultation préremplie depuis l'achat prévu")
    buyer.get_by_role("button", name="Enregistrer le brouillon").click()
    buyer.get_by_role("button", name="Publier la consultation").click()
    expect(buyer.get_by_role("status").first).to_contain_text("est publiée")

    # the firm is told on its page, and goes on to self-assess for that consultation
    page.get_by_role("link", name="Mon entreprise", exact=True).first.click()
    notice = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=f"Consultation ouverte : {ITEM_TITLE}"))
    expect(notice).to_contain_text("PORTAIL-2027-01")
    trip.check("avis : la consultation est ouverte")
    notice.get_by_role("link", name="Voir la consultation PORTAIL-2027-01").click()
    expect(page.get_by_role("heading", name=ITEM_TITLE, level=1)).to_be_visible()
    page.get_by_role("link", name="Estimer la note de mon offre").click()
    expect(page.get_by_role("button", name="Évaluer mon offre")).to_be_visible()
    expect(page.get_by_text("PORTAIL-2027-01").first).to_be_visible()
    trip.check("auto-évaluation de la consultation")


def test_a_buyer_finds_firms_for_a_planned_purchase(journey, service, programme):
    trip = journey("portail-acheteur-sourcing")
    page = trip.page
    accept(page, invite(service, "buyer", "eve@metro.fr", "--org", "metro"), "Ève Achat")
    page.get_by_role("link", name="Mon programme", exact=True).click()
    page.get_by_role("link", name="Annoncer un achat prévu").click()
    field(page, "Intitulé").fill("Enveloppes et papier à en-tête")
    page.get_by_label("Jeu de critères prévu").select_option("fournitures-test@1")
    field(page, "Mois de publication prévu").fill(month_ahead(4))
    field(page, "Estimation basse").fill("30 000")
    field(page, "Estimation haute").fill("20 000")
    page.get_by_role("button", name="Publier dans le programme").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Estimation haute : L'estimation haute est inférieure à l'estimation basse")
    expect(field(page, "Intitulé")).to_have_value("Enveloppes et papier à en-tête")
    trip.check("achat prévu refusé")
    field(page, "Estimation haute").fill("45 000")
    page.get_by_role("button", name="Publier dans le programme").click()
    expect(page.get_by_role("status").first).to_contain_text("est publié dans le programme")
    trip.check("achat prévu publié")
    page.get_by_role("link", name="Trouver des entreprises pour cet achat").click()
    ranking = page.get_by_role("table", name=re.compile("par score indicatif"))
    rows = ranking.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Alpha Papiers Verts")  # the best answers
    expect(rows.nth(1)).to_contain_text(re.compile(r"\d+,\d\d sur \d+,\d\d"))
    firms = ranking.get_by_role("rowheader").all_inner_texts()
    assert [n for n, f in enumerate(firms) if "Bêta Bureautique" in f][0] > 0, firms
    expect(page.get_by_text(PRIVATE_FIRM)).to_have_count(0)
    trip.check("entreprises pour l'achat prévu")
    page.get_by_role("link", name="Trouver des entreprises").first.click()
    field(page, "Label").fill("EU Ecolabel")
    page.get_by_role("button", name="Chercher").click()
    results = page.get_by_role("table", name=re.compile("profil visible"))
    expect(results).to_contain_text("Alpha Papiers Verts")
    expect(results).not_to_contain_text("Bêta Bureautique")
    expect(page.get_by_text(PRIVATE_FIRM)).to_have_count(0)
    trip.check("annuaire filtré par label")
    field(page, "Département").fill("999")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("alert")).to_contain_text("Département")
    trip.check("annuaire : département inconnu")
    page.get_by_role("link", name="Indicateurs", exact=True).click()
    page.get_by_role("textbox", name="Année").fill(month_ahead(4)[:4])
    page.get_by_role("button", name="Afficher").click()
    interest = page.get_by_role("table", name="Entreprises intéressées par achat prévu")
    expect(interest).to_contain_text("Enveloppes et papier à en-tête")
    trip.check("indicateurs de l'année")
