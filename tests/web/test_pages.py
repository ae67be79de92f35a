"""What the pages show and do, read as a person reads them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spar.db.models import Base, Consultation, CriteriaSetRecord

from .conftest import CRITERIA_YAML, text

TEMPLATES = Path(__file__).resolve().parents[2] / "spar" / "web" / "templates"
STATIC = Path(__file__).resolve().parents[2] / "spar" / "web" / "static"


def _open(flow, reference="2026-FOUR-001", publish=True, days=10):
    flow.reference = reference
    return flow.open(days=days, publish=publish)


# --- public pages --------------------------------------------------------------------


def test_the_home_page_lists_the_open_consultations(browser, flow):
    _open(flow)
    page = text(browser.get("/"))
    assert "Fournitures de bureau 2027" in page and "Consultations ouvertes" in page
    assert "Inscrire mon entreprise avec son SIRET" in page


def test_the_list_filters_and_pages_the_french_way(browser, flow, clock):
    flow.upload_criteria()
    for k in range(23):
        flow.call("POST", "/api/v1/consultations", "buyer", 201, json={
            "reference": f"R-{k:02d}", "title": f"Achat numéro {k}",
            "criteria_set": "fournitures-test", "criteria_version": 1,
            "deadline": (clock.now() + timedelta(days=5 + k)).isoformat(),
            "lots": [{"id": "1"}]})
        flow.call("POST", f"/api/v1/consultations/R-{k:02d}/publish", "buyer", 200)
    first = browser.get("/consultations?state=open")
    page = text(first)
    assert "23 consultations trouvées — de 1 à 20" in page and "Page 1 sur 2" in page
    assert "6 décembre 2026 à 10:00" in page  # T0 + 5 days, in Paris time
    assert 'href="/consultations?page=2&amp;state=open"' in first.get_data(as_text=True)
    assert "de 21 à 23" in text(browser.get("/consultations?state=open&page=2"))
    assert "1 consultation trouvée" in text(browser.get("/consultations?q=num%C3%A9ro+7"))
    assert "Aucune consultation ne correspond" in text(browser.get("/consultations?q=zzz"))
    assert browser.get("/consultations?page=abc&state=perdu").status_code == 200


def test_a_notice_shows_each_criterion_share_and_how_it_is_scored(browser, flow):
    _open(flow)
    response = browser.get(f"/consultations/{flow.reference}")
    page = text(response)
    assert "Date limite de remise des offres 11 décembre 2026 à 13:00 (heure de Paris)" in page
    assert "12 000,00 €" in page  # lot 1's estimate
    assert "Empreinte carbone (kgCO2e)" in page
    assert "24,0 %" in page  # co2: 40 % × 60 %
    assert "linéaire : 5 kgCO2e = 0, 0,5 kgCO2e = 1" in page  # the exports' wording
    assert "justificatif exigé" in page and "Compare les offres entre elles" in page
    assert "une offre qui obtient moins de 20 % des points de ce critère est éliminée" in page
    html = response.get_data(as_text=True)
    assert 'href="/criteres/fournitures-test/1.yaml"' in html
    download = browser.get("/criteres/fournitures-test/1.yaml")
    assert download.get_data(as_text=True) == CRITERIA_YAML
    assert "attachment" in download.headers["Content-Disposition"]


def test_a_draft_is_seen_only_by_its_organisation(browser, flow, signed_in):
    _open(flow, publish=False)
    assert browser.get(f"/consultations/{flow.reference}").status_code == 404
    assert signed_in("other_buyer").get(f"/consultations/{flow.reference}").status_code == 404
    seen = signed_in("auditor").get(f"/consultations/{flow.reference}")
    assert "Brouillon" in text(seen) and "Publier la consultation" not in text(seen)
    assert "Publier la consultation" in text(signed_in("buyer").get(
        f"/consultations/{flow.reference}"))


def test_an_unknown_page_is_a_page_and_an_unknown_api_address_json(browser):
    page = browser.get("/nulle-part")
    assert page.status_code == 404 and "Page introuvable" in text(page)
    api = browser.get("/api/v1/nulle-part")
    assert api.status_code == 404 and api.get_json()["code"] == 404


def test_an_unexpected_error_is_a_page_without_a_trace(app, browser, monkeypatch):
    from spar.services import consultations

    def broken(*args, **kwargs):
        raise RuntimeError("détail interne à ne pas montrer")

    monkeypatch.setattr(consultations, "list_consultations", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = browser.get("/consultations")
    assert response.status_code == 500
    page = text(response)
    assert "Le service a rencontré un problème" in page
    assert "détail interne" not in page and "Traceback" not in page


def test_the_pages_switch_to_english(browser, flow):
    _open(flow)
    browser.get("/langue/en?next=/consultations")
    page = browser.get(f"/consultations/{flow.reference}")
    assert '<html lang="en">' in page.get_data(as_text=True)
    assert "Award criteria" in text(page) and "Deadline for offers" in text(page)
    assert "€12,000.00" in text(page) and "11 December 2026 at 13:00" in text(page)
    assert browser.get("/langue/de").status_code == 422
    assert browser.get("/langue/fr?next=//ailleurs.example").headers["Location"] == "/"


def test_the_api_documentation_works_offline(browser):
    html = browser.get("/docs").get_data(as_text=True)
    assert "cdn" not in html.lower() and "http" not in html.replace("http-equiv", "")
    for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', html):
        assert browser.get(asset).status_code == 200, asset
    assert (STATIC / "vendor" / "swagger-ui" / "LICENSE").exists()


def test_no_page_has_inline_scripts_or_styles():
    """The service's content security policy is default-src 'self'."""
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template
        assert not re.search(r"\sstyle=", html) and "<style" not in html, template
        assert not re.search(r"\son[a-z]+=", html), template  # no inline event handlers


# --- the self-assessment -------------------------------------------------------------


def _assess(browser, data: dict):
    url = "/auto-evaluation/fournitures-test/1"
    return browser.post(url, data, form_page=url)


def test_a_form_is_generated_from_the_criteria_set(browser, flow):
    flow.upload_criteria()
    html = browser.get("/auto-evaluation/fournitures-test/1").get_data(as_text=True)
    assert '<label for="f-answers-price_eur">Prix (EUR HT)' in html
    assert '<label for="f-answers-co2e_kg">Empreinte carbone (kgCO2e)' in html
    assert "meilleure offre concurrente attendue" in html  # price compares the offers
    assert 'name="answers.labels" value="EU Ecolabel"' in html
    assert 'name="evidence.labels" value="EU Ecolabel"' in html
    assert "Valeur technique : la note que vous visez" in html
    assert "4 — Très satisfaisant" in html
    assert "Évaluer mon offre" in html


def test_self_assessing_shows_the_score_bars_and_hints_and_stores_nothing(browser, flow,
                                                                          app):
    flow.upload_criteria()
    engine = app.extensions["spar.db"].engine

    def rows():
        with engine.connect() as connection:
            return {t.name: connection.execute(select(func.count()).select_from(t)).scalar()
                    for t in Base.metadata.sorted_tables if t.name != "web_sessions"}

    before = rows()
    response = _assess(browser, {"answers.price_eur": "10 000", "assumptions.price_eur": "9 000",
                                 "answers.co2e_kg": "2,5", "answers.labels": ["FSC"],
                                 "answers.technical_mark": "3"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text(response)
    assert 'aria-labelledby="score-title"' in html and "Score indicatif" in page
    # price 9000/10000 × 40 + co2 (5 − 2.5)/4.5 × 24 + FSC without evidence 0 + tech 0.75 × 20
    total = 0.9 * 40 + (2.5 / 4.5) * 24 + 0 + 15
    assert f"{total:.2f}".replace(".", ",") + " points sur 100" in page
    assert html.count('<rect class="bar-') == 3  # the social pillar has no criterion here
    assert "Points par pilier" in page  # the bars' text equivalent
    assert "Ce qui vous ferait gagner le plus de points" in page
    assert "Écolabel : joindre le justificatif du label « FSC »" in page
    assert 'value="10 000"' in html and 'value="FSC" checked' in html  # kept as typed
    assert rows() == before


def test_a_wrong_answer_is_shown_beside_its_field_with_the_apis_words(browser, flow, client):
    flow.upload_criteria()
    response = _assess(browser, {"answers.price_eur": "beaucoup", "answers.co2e_kg": "2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    api = client.post("/api/v1/self-assessment", json={
        "criteria_set": "fournitures-test", "version": 1,
        "answers": {"price_eur": "beaucoup", "co2e_kg": "2"}}).get_json()
    (reason,) = api["errors"]["answers"]["price_eur"]
    assert reason in html.replace("&#34;", '"').replace("&#39;", "'").lower() or \
        reason[:1].upper() + reason[1:] in html
    assert 'href="#f-answers-price_eur"' in html and 'aria-invalid="true"' in html
    assert 'value="beaucoup"' in html and 'value="2"' in html


def test_the_self_assessment_shares_the_apis_rate_limit(app, browser, flow):
    flow.upload_criteria()
    app.extensions["spar.rate_limiter"].limit = 1
    assert _assess(browser, {"answers.price_eur": "1"}).status_code == 200
    refused = _assess(browser, {"answers.price_eur": "1"})
    assert refused.status_code == 429 and "trop de demandes" in text(refused)


# --- the buyer's desk --------------------------------------------------------------


def test_a_buyer_creates_a_draft_and_publishes_it(signed_in, flow, app):
    flow.upload_criteria()
    buyer = signed_in("buyer")
    form = "/acheteur/consultations/nouvelle"
    assert 'value="fournitures-test@1"' in buyer.get(form).get_data(as_text=True)
    more = buyer.post(form, {"action": "add_lot", "lots.0.id": "1", "lots.1.id": "",
                             "lots.2.id": "", "title": "Papier"}, form_page=form)
    assert 'name="lots.3.id"' in more.get_data(as_text=True)
    assert 'value="Papier"' in more.get_data(as_text=True)
    created = buyer.post(form, {
        "reference": "2027-PAP-01", "title": "Papier recyclé", "criteria": "fournitures-test@1",
        "deadline_date": "2027-01-15", "deadline_time": "12:00",
        "lots.0.id": "1", "lots.0.title": "Ramettes", "lots.0.estimate": "45 000,50",
        "lots.1.id": "", "lots.1.title": "", "lots.1.estimate": ""}, form_page=form)
    assert created.status_code == 302
    notice = buyer.get(created.headers["Location"])
    assert "45 000,50 €" in text(notice) and "15 janvier 2027 à 12:00" in text(notice)
    published = buyer.post("/acheteur/consultations/2027-PAP-01/publier",
                           form_page="/acheteur")
    page = text(buyer.get(published.headers["Location"]))
    assert "est publiée" in page and "Ouverte" in page
    assert "Publier la consultation" not in page
    desk = text(buyer.get("/acheteur"))
    assert "Papier recyclé" in desk


def test_a_refused_consultation_says_what_is_wrong_beside_each_field(signed_in, flow, app):
    flow.upload_criteria()
    buyer = signed_in("buyer")
    form = "/acheteur/consultations/nouvelle"
    response = buyer.post(form, {
        "reference": "mauvaise référence", "title": "", "criteria": "",
        "deadline_date": "2020-01-01", "deadline_time": "12:00",
        "lots.0.id": "1", "lots.0.estimate": "beaucoup", "lots.1.id": "1"}, form_page=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for anchor in ("f-title", "f-criteria", "f-lots-0-estimate"):
        assert f'href="#{anchor}"' in html, anchor
    page = text(response)
    assert "Jeu de critères : Champ obligatoire." in page
    assert "Lot 1 : estimation : Un nombre est attendu, pas « beaucoup »." in page
    assert "Intitulé : Longueur attendue entre 1 et 300." in page  # the API's own words
    assert 'value="mauvaise référence"' in html
    with app.extensions["spar.db"].sessions() as session:
        assert session.execute(select(func.count(Consultation.id))).scalar() == 0


def test_a_bad_criteria_file_comes_back_with_each_problem_beside_its_line(signed_in, app):
    buyer = signed_in("buyer")
    bad = CRITERIA_YAML.replace("weight: 40, input: price_eur", "weight: -4, input: price_eur"
                                ).replace("method: linear", "method: lineaire")
    response = buyer.post("/acheteur/criteres", {"text": bad}, form_page="/acheteur/criteres")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text(response)
    assert "problème(s)" in page
    assert '<tr id="ligne-7" class="has-problem">' in html  # the price's weight
    assert '<tr id="ligne-6">' in html
    assert "criteres.yaml:7:56" in page and "doit être > 0, pas -4" in page
    assert "criteres.yaml:16:18" in page and "« lineaire » inconnue" in page
    assert "lineaire" in html  # the text comes back, to correct it in place
    with app.extensions["spar.db"].sessions() as session:
        assert session.execute(select(func.count(CriteriaSetRecord.id))).scalar() == 0
    good = buyer.post("/acheteur/criteres", {"text": CRITERIA_YAML},
                      form_page="/acheteur/criteres")
    assert good.status_code == 302
    assert good.headers["Location"].endswith("criteria=fournitures-test@1")


def test_a_criteria_file_upload_reads_the_file_and_its_name(signed_in):
    import io

    buyer = signed_in("buyer")
    response = buyer.post("/acheteur/criteres", {
        "file": (io.BytesIO(b"spar: 1\nid: x\n"), "mon-jeu.yaml")},
        form_page="/acheteur/criteres", content_type="multipart/form-data")
    assert response.status_code == 422 and "mon-jeu.yaml:" in text(response)


# --- administration ------------------------------------------------------------------


def test_an_admin_invites_a_buyer_whose_link_works_once(app, signed_in, people):
    admin = signed_in("admin")
    created = admin.post("/administration/invitations", {
        "email": "nouvel-acheteur@metro.fr", "role": "buyer", "organisation": "metro"},
        form_page="/administration/invitations")
    assert created.status_code == 201
    link = re.search(r"http://localhost(/invitation/inv_[\w-]+)",
                     created.get_data(as_text=True)).group(1)
    from .conftest import Browser

    newcomer = Browser(app)
    assert "comme acheteur de metro" in text(newcomer.get(link))
    accepted = newcomer.post(link, {"name": "Noé", "password": "un long mot de passe",
                                    "password_confirmation": "un long mot de passe"},
                             form_page=link)
    assert accepted.headers["Location"] == "/acheteur"
    assert newcomer.get(link).status_code == 409
    assert "En attente" not in text(admin.get("/administration/invitations"))


@pytest.mark.parametrize("path", ["/administration/personnes", "/administration/jetons",
                                  "/administration"])
def test_administration_pages_list_what_they_manage(signed_in, people, path):
    page = text(signed_in("admin").get(path))
    assert {"/administration/personnes": people["supplier"].email,
            "/administration/jetons": "Créer le jeton",
            "/administration": "metro"}[path] in page
