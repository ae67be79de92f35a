"""The auditor's journeys in Debian's Chromium against the service under gunicorn: it
signs in, verifies the journal, verifies the reproducibility of a scored lot and
downloads every export; and the journal check, from the page, finds an offer edited
in the database. Every page checked with axe-core and photographed (desktop, 375 px)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from spar.db import make_engine
from spar.db.models import Offer
from tests.api.conftest import CRITERIA_YAML

from .steps import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REFERENCE = "NAV-CONTROLE"
#: A criteria set of its own: the other journeys' files upload theirs first, as new.
CRITERIA = CRITERIA_YAML.replace("id: fournitures-test", "id: controle-navigateur")
#: Enough for the offers to arrive before it on a busy machine, short enough to wait for.
DEADLINE_IN = timedelta(seconds=8)


@pytest.fixture(scope="module")
def scored(service):
    """A consultation of "metro" made through the API: two offers, the deadline passed for
    real, the technical marks given and lot 1 scored. Its offers' ids."""
    service.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=CRITERIA,
                 headers={"Content-Type": "application/yaml"})
    base = f"/api/v1/consultations/{REFERENCE}"
    deadline = datetime.now(timezone.utc) + DEADLINE_IN
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": REFERENCE, "title": "Mobilier des médiathèques",
        "criteria_set": "controle-navigateur", "criteria_version": 1,
        "deadline": deadline.isoformat(), "lots": [{"id": "1", "title": "Chaises",
                                                    "estimate": 30000}]})
    service.call("POST", f"{base}/publish", "buyer", 200)
    offers = []
    for who, price, co2, name in (("supplier_a", 11000, 2.5, "Papeterie Alpha"),
                                  ("supplier_b", 10000, 1.0, "Bureau Bêta")):
        offers.append(service.call("POST", f"{base}/offers", who, 201, json={
            "lot": "1", "answers": {"price_eur": price, "co2e_kg": co2,
                                    "labels": ["EU Ecolabel"]},
            "evidence": {"labels": ["EU Ecolabel"]}, "supplier_name": name,
            "sme": True}).json()["offer"])
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    for offer_id, mark in zip(offers, (2, 4)):
        service.call("PUT", f"/api/v1/offers/{offer_id}/marks/technical", "buyer", 200,
                     json={"mark": mark, "justification": "Mémoire technique lu et noté."})
    service.call("POST", f"{base}/lots/1/scoring", "buyer", 201)
    return offers


def auditor_signs_in(service, page, email: str) -> None:
    """Invited with ``spar user invite``, the auditor chooses its password and lands
    signed in."""
    link = service.spar("user", "invite", "--role", "auditor", "--email", email, "--org",
                        "metro").strip().splitlines()[-1]
    page.goto(link)
    page.get_by_label("Vos prénom et nom").fill("Dominique Contrôle")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


#: link name → (what the file must start with, the Content-Type the service gives it)
EXPORTS = {
    "Rapport d'analyse des offres (PDF)": (b"%PDF", "application/pdf"),
    "Détail des notes (XLSX)": (b"PK", "application/vnd.openxmlformats-officedocument."
                                       "spreadsheetml.sheet"),
    "Détail des notes (CSV)": (b"\xef\xbb\xbf", "text/csv"),
    "Données OCDS (JSON)": (b"{", "application/json"),
}


def test_an_auditor_verifies_the_journal_and_a_scoring_and_downloads_every_export(
        journey, service, scored):
    trip = journey("controleur-verifications-exports")
    page = trip.page
    auditor_signs_in(service, page, "camille.controle@metro.fr")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Mon bureau de contrôle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon bureau de contrôle")
    card = page.get_by_role("region", name="Mobilier des médiathèques")
    expect(card.get_by_role("table")).to_contain_text("Chaises")
    trip.check("bureau de contrôle")

    # the journal: every entry, and the whole check
    page.get_by_role("link", name="Journal d'audit et vérification de la chaîne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    expect(page.get_by_role("table")).to_contain_text("Offre déposée")
    trip.check("journal d'audit")
    page.get_by_label("Type d'action").select_option(label="Notations")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("status").first).to_contain_text("correspondant aux filtres")
    expect(page.get_by_role("table")).to_contain_text("Notation calculée")
    expect(page.get_by_role("table")).not_to_contain_text("Offre déposée")
    trip.check("journal filtré")
    page.get_by_role("button", name="Vérifier le journal").click()
    result = page.get_by_role("region", name="Vérification du journal : intact")
    expect(result).to_contain_text("Le journal est intact.")
    expect(result).to_be_focused()
    trip.check("journal vérifié")
    with page.expect_download() as kept:
        page.get_by_role("link", name="Télécharger le point de contrôle signé (JSON)").click()
    head = json.loads(kept.value.path().read_text())
    assert kept.value.suggested_filename.startswith("spar-point-de-controle-")
    assert head["size"] >= 1 and len(head["head"]) == 64 and head["signature"]
    # later, the kept checkpoint sent back: the log still holds it
    page.get_by_label("Point de contrôle conservé").set_input_files(kept.value.path())
    page.get_by_role("button", name="Vérifier le journal").click()
    expect(page.get_by_role("region", name="Vérification du journal : intact")).to_contain_text(
        "figure toujours dans le journal")

    # the reproducibility of the scored lot
    menu.get_by_role("link", name="Mon bureau de contrôle").click()
    page.get_by_role("link", name="Mobilier des médiathèques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mobilier des médiathèques")
    trip.check("consultation contrôlée")
    page.get_by_role("button", name="Vérifier la reproductibilité du lot 1").click()
    report = page.get_by_role("region", name="Reproductibilité — lot 1")
    expect(report).to_be_focused()
    expect(report.get_by_role("heading", level=3)).to_contain_text("reproduite à l'identique")
    trip.check("reproductibilité vérifiée")

    # every export, each of its kind
    for name, (magic, media_type) in EXPORTS.items():
        link = page.get_by_role("link", name=name, exact=True)
        with page.expect_download() as download:
            link.click()
        data = download.value.path().read_bytes()
        assert len(data) > 100 and data.startswith(magic), (name, data[:20])
        answer = page.request.get(link.get_attribute("href"))
        assert answer.ok and answer.headers["content-type"].startswith(media_type), name
        assert "attachment" in answer.headers["content-disposition"], name
    json.loads(page.request.get(page.get_by_role("link", name="Données OCDS (JSON)")
                                .get_attribute("href")).text())


def test_the_journal_check_finds_an_offer_edited_in_the_database(journey, service, scored):
    trip = journey("controleur-offre-alteree")
    page = trip.page
    auditor_signs_in(service, page, "sacha.controle@metro.fr")
    engine = make_engine(service.env["SPAR_DATABASE_URL"])
    table = Offer.__table__
    try:
        with engine.begin() as connection:
            answers = connection.execute(select(table.c.answers).where(
                table.c.public_id == scored[0])).scalar_one()
            connection.execute(update(table).where(table.c.public_id == scored[0]).values(
                answers={**answers, "price_eur": 9.99}))
        page.goto("/controle/journal")
        page.get_by_role("button", name="Vérifier le journal").click()
        result = page.get_by_role("region", name="Vérification du journal : altéré")
        expect(result).to_be_focused()
        expect(result).to_contain_text("1 enregistrement ne concorde pas avec le journal")
        row = result.get_by_role("row").filter(has_text=f"offre {scored[0]}")
        expect(row).to_contain_text("réponses ou justificatifs modifiés depuis le dépôt")
        trip.check("offre altérée trouvée")
    finally:  # the other journeys share this service's database
        with engine.begin() as connection:
            connection.execute(update(table).where(table.c.public_id == scored[0]).values(
                answers=answers))
        engine.dispose()
    page.get_by_role("button", name="Vérifier le journal").click()
    expect(page.get_by_role("region", name="Vérification du journal : intact")).to_be_visible()
