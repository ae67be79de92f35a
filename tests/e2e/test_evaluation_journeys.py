"""The evaluation in the browser, against the service under gunicorn with a real clock: a
consultation made through the API closes a few seconds after its offers arrive; a buyer
enters marks with their justification, runs the scoring (here a background job, whose
page follows its progress), reads the ranking and the robustness view and decides the
review of the abnormally low offer; an auditor of the organisation reads the same pages
without a form. Every page passes axe-core and is photographed at 1280 and 375 px."""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.api.conftest import CRITERIA_YAML

from .steps import accept, invite
from .conftest import _gunicorns

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REFERENCE = "NAV-EVAL-1"
#: Time to submit the offers and let the buyer sign in before the deadline.
DEADLINE_IN = timedelta(seconds=20)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """A service of its own where a lot of more than two offers is scored as a background
    job, as a very large lot would be: the job's page is part of the journey."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "SPAR_JOB_SCORING_THRESHOLD", "2")
        with _gunicorns(tmp_path_factory.mktemp("evaluation"), instances=1,
                        workers=2) as (running,):
            patch.delitem(os.environ, "SPAR_JOB_SCORING_THRESHOLD")
            yield running


def offer(price: float, co2: float, name: str) -> dict:
    return {"lot": "1", "answers": {"price_eur": price, "co2e_kg": co2,
                                    "labels": ["EU Ecolabel"]},
            "evidence": {"labels": ["EU Ecolabel"]}, "supplier_name": name}


@pytest.fixture(scope="module")
def closing(service):
    """A consultation whose three offers are in and whose deadline is a few seconds away;
    returns the deadline."""
    criteria = service.call("POST", "/api/v1/criteria-sets", "buyer", None, data=CRITERIA_YAML,
                            headers={"Content-Type": "application/yaml"})
    assert criteria.status_code in (200, 201), criteria.text
    deadline = datetime.now(timezone.utc) + DEADLINE_IN
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": REFERENCE, "title": "Papier pour les écoles",
        "criteria_set": "fournitures-test", "criteria_version": 1,
        "deadline": deadline.isoformat(), "lots": [{"id": "1", "title": "Ramettes A4",
                                                    "estimate": 12000}]})
    service.call("POST", f"/api/v1/consultations/{REFERENCE}/publish", "buyer", 200)
    base = f"/api/v1/consultations/{REFERENCE}/offers"
    service.call("POST", base, "supplier_a", 201, json=offer(12000, 3.0, "Papeterie Alpha"))
    service.call("POST", base, "supplier_b", 201, json=offer(6500, 1.0, "Bureau Bêta"))
    service.call("POST", base, "supplier_c", 201, json=offer(11000, 2.0, "Gamma Fournitures"))
    return deadline


def wait_for(deadline: datetime) -> None:
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.5)


def mark(page, level: str, justification: str) -> None:
    page.get_by_role("radio", name=level).check()
    page.get_by_label("Justification écrite").fill(justification)
    page.get_by_role("button", name="Enregistrer la note").click()


def test_a_buyer_marks_scores_reads_the_ranking_and_decides_a_review(journey, service,
                                                                     closing):
    trip = journey("acheteur-evaluation")
    page = trip.page
    accept(page, invite(service, "buyer", "dominique.evaluation@metro.fr", "--org", "metro"),
           "Dominique Achat")
    expect(page.get_by_role("heading", name="Mon bureau d'acheteur")).to_be_visible()

    # before the deadline the offers are sealed
    page.goto(f"/evaluation/{REFERENCE}/lots/1")
    expect(page.get_by_text("Offres scellées")).to_be_visible()
    expect(page.get_by_role("button", name="Lancer la notation")).to_have_count(0)
    trip.check("lot scelle")

    wait_for(closing)
    page.goto("/acheteur")
    trip.check("bureau avec une consultation close")
    page.get_by_role("link", name=re.compile("Évaluer les offres : Papier pour les écoles")
                     ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Papier pour les écoles")
    expect(page.get_by_role("link", name="Rapport d'analyse des offres (PDF)")).to_be_visible()
    trip.check("consultation a evaluer")
    page.get_by_role("link", name="Lot 1", exact=True).click()
    table = page.get_by_role("table", name=re.compile("Offres du lot 1"))
    expect(table.get_by_role("columnheader", name="Entreprise")).to_be_visible()
    expect(table).to_contain_text(re.compile(r"6\s500,00\s€"))
    trip.check("offres du lot")

    # marks: one refused for want of a justification, then each offer marked
    for name, level in (("Papeterie Alpha", "Moyen (2)"), ("Bureau Bêta", "Très satisfaisant (4)"),
                        ("Gamma Fournitures", "Satisfaisant (3)")):
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        if name == "Papeterie Alpha":
            trip.check("offre a noter")
            page.get_by_role("radio", name=level).check()
            page.get_by_role("button", name="Enregistrer la note").click()
            summary = page.get_by_role("alert")
            expect(summary).to_contain_text("Justification écrite")
            expect(page.get_by_role("radio", name=level)).to_be_checked()
            trip.check("note refusee sans justification")
        mark(page, level, f"Mémoire technique de {name} lu en entier.")
        expect(page.get_by_role("status").first).to_contain_text("Note enregistrée")
        if name == "Papeterie Alpha":
            trip.check("note enregistree")
        page.get_by_role("link", name="Offres et notes").click()
    expect(table.get_by_text("à noter")).to_have_count(0)

    # the scoring: a background job here, its progress on a page of its own
    page.get_by_role("button", name="Lancer la notation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notation du lot 1")
    trip.check("notation en cours")
    expect(page.get_by_role("link", name="Voir le classement")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("status")).to_contain_text("Terminée")
    trip.check("notation terminee")
    page.get_by_role("link", name="Voir le classement").click()
    expect(page.get_by_role("heading", name="Classement", level=1)).to_be_visible()
    ranking = page.get_by_role("table", name=re.compile("Offres classées"))
    expect(ranking.get_by_role("row").nth(1)).to_contain_text("Bureau Bêta")
    expect(page.get_by_role("img", name=re.compile("découpé par pilier"))).to_be_visible()
    trip.check("classement")

    page.get_by_role("link", name="Robustesse").click()
    expect(page.get_by_role("img", name=re.compile("Part annoncée et part effective"))
           ).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("de premier niveau"))).to_be_visible()
    trip.check("robustesse")

    # the review: the abnormally low offer first, its reason in plain words
    page.get_by_role("link", name="Revue des offres").click()
    first = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile(r"^1\. Bureau Bêta")))
    expect(first).to_contain_text("anormalement basse")
    expect(first).to_contain_text("justifier son prix")
    trip.check("revue des offres")
    first.get_by_role("radio", name="Demande de précisions à l'entreprise").check()
    first.get_by_label("Commentaire").fill("Décomposition du prix demandée le jour même.")
    first.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("status").first).to_contain_text("Décision enregistrée")
    expect(page.get_by_text("Décomposition du prix demandée le jour même.")).to_be_visible()
    trip.check("decision enregistree")

    page.get_by_role("link", name=re.compile("l'offre en détail")).first.click()
    expect(page.get_by_role("img", name=re.compile("Points de l'offre par pilier"))
           ).to_be_visible()
    trip.check("offre notee en detail")


def test_an_auditor_reads_the_evaluation_without_a_form(journey, service, closing):
    wait_for(closing)
    reference_lot = f"/evaluation/{REFERENCE}/lots/1"
    ranking = service.call("GET", f"/api/v1/consultations/{REFERENCE}/lots/1/ranking",
                           "auditor", None)
    if ranking.status_code == 404:  # run alone: the buyer's journey did not score it
        service.call("POST", f"/api/v1/consultations/{REFERENCE}/lots/1/scoring", "buyer",
                     None, headers={"Prefer": "respond-async"})
        for _ in range(120):
            ranking = service.call("GET", f"/api/v1/consultations/{REFERENCE}/lots/1/ranking",
                                   "auditor", None)
            if ranking.status_code == 200:
                break
            time.sleep(0.5)
    assert ranking.status_code == 200, ranking.text
    trip = journey("controleur-evaluation")
    page = trip.page
    accept(page, invite(service, "auditor", "claude@metro.fr", "--org", "metro"),
           "Claude Contrôle")
    for path, name in ((f"/evaluation/{REFERENCE}", "consultation"),
                       (f"{reference_lot}/classement", "classement"),
                       (f"{reference_lot}/revue", "revue")):
        page.goto(path)
        expect(page.get_by_text("Lecture seule")).to_be_visible()
        for button in ("Lancer la notation", "Enregistrer la note", "Enregistrer la décision"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)
        trip.check(f"controleur {name}")
