"""The SME portal's pages (SPEC §8): the public programme and a firm's interest, the
buyer's editor, the company profile with its notices and matches, buyer sourcing — each
read as a person reads it, and what a buyer must never see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from spar.services import accounts, criteria_sets, profiles, programme, tokens

from .conftest import CRITERIA_YAML, PASSWORD, SIRET_A, email_of, text

ITEM = {"title": "Papier recyclé des services", "criteria_set": "fournitures-test",
        "version": 1, "expected_publication": "2027-03", "estimate_min": 40000.0,
        "estimate_max": 60000.0, "description": "Accord-cadre de deux ans."}
PROFILE = {"name": "Papeterie Alpha", "size": "small", "departement": "69",
           "categories": ["supplies"], "skills": ["papeterie", "fournitures de bureau"],
           "standing_answers": {"co2e_kg": 2, "labels": ["EU Ecolabel"]},
           "standing_evidence": {"labels": ["EU Ecolabel"]}, "visibility": "visible"}


@pytest.fixture
def who(uow, people):
    """``who("buyer")``: the principal of a person of the tests, to drive the services."""

    def principal_of(name: str):
        return tokens.person_principal(accounts.check_credentials(uow(), email_of(name),
                                                                  PASSWORD))

    return principal_of


@pytest.fixture
def portal(uow, who):
    """The tests' criteria set and two planned purchases of "metro"."""
    buyer = who("buyer")
    criteria_sets.upload(uow(), buyer, text=CRITERIA_YAML)
    first = programme.create(uow(), buyer, ITEM)
    second = programme.create(uow(), buyer, {**ITEM, "title": "Enveloppes des collèges",
                                             "expected_publication": "2027-05",
                                             "estimate_min": None, "estimate_max": 9000.0})
    return {"first": first["id"], "second": second["id"]}


def profile_of(uow, who, person: str, **changes):
    return profiles.save_profile(uow(), who(person), {**PROFILE, **changes})[0]


# --- the public programme ----------------------------------------------------------------


def test_anyone_reads_the_programme_with_its_estimates_in_french(browser, portal):
    page = text(browser.get("/programme"))
    assert "2 achats prévus" in page
    assert "Papier recyclé des services" in page and "mars 2027" in page
    assert "entre 40 000,00 € et 60 000,00 € HT" in page
    assert "jusqu'à 9 000,00 € HT" in page
    detail = text(browser.get(f"/programme/{portal['first']}"))
    assert "Accord-cadre de deux ans." in detail and "Prévu" in detail
    assert "Jeu de critères « fournitures-test », version 1" in detail
    assert "Connectez-vous pour signaler l'intérêt" in detail
    assert "Je suis intéressé" not in detail  # the form is for signed-in firms


def test_the_programme_filters_by_month_and_category_and_pages(browser, portal, uow, who):
    assert "1 achat prévu" in text(browser.get("/programme?month=2027-05"))
    assert "Enveloppes des collèges" in text(browser.get("/programme?month=2027-05"))
    assert "Aucun achat prévu ne correspond" in text(browser.get("/programme?category=works"))
    refused = text(browser.get("/programme?month=mars"))
    assert "« mars » n'est pas un mois (AAAA-MM) : le filtre est ignoré." in refused
    assert "2 achats prévus" in refused
    for k in range(21):
        programme.create(uow(), who("buyer"), {**ITEM, "title": f"Achat {k:02d}"})
    first, second = browser.get("/programme"), browser.get("/programme?page=2")
    assert "Page 1 sur 2" in text(first) and 'rel="next"' in first.get_data(as_text=True)
    assert "de 21 à 23" in text(second)


def test_the_home_page_shows_the_programme(browser, portal):
    page = text(browser.get("/"))
    assert "Programme des achats" in page and "Papier recyclé des services" in page


def test_a_firm_says_it_is_interested_then_withdraws(signed_in, portal, uow, who):
    firm = signed_in("supplier")
    url = f"/programme/{portal['first']}"
    assert "Je suis intéressé" in text(firm.get(url))
    response = firm.post(f"{url}/interet", {"message": "Nous livrons en vélo-cargo.",
                                            "contact_email": "achats@alpha.example"},
                         form_page=url)
    assert response.status_code == 302
    page = text(firm.get(url))
    assert "Vous avez signalé votre intérêt" in page and "Nous livrons en vélo-cargo." in page
    assert "Vous êtes intéressé" in text(firm.get("/programme"))
    seen = programme.interests(uow(), who("buyer"), portal["first"])["items"]
    assert [(i["siret"], i["message"]) for i in seen] == [(who("supplier").siret,
                                                           "Nous livrons en vélo-cargo.")]
    assert firm.post(f"{url}/interet/retirer", form_page=url).status_code == 302
    assert "Votre intérêt est retiré" in text(firm.get(url))
    assert programme.interests(uow(), who("buyer"), portal["first"])["total"] == 0


def test_a_bad_interest_is_refused_beside_its_field_and_kept(signed_in, portal):
    firm = signed_in("supplier")
    url = f"/programme/{portal['first']}"
    long_message = "trop long " * 120
    response = firm.post(f"{url}/interet", {"message": long_message,
                                            "contact_email": "pas-une-adresse"},
                         form_page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#f-message"' in html and 'href="#f-contact_email"' in html
    assert "Not a valid email address" in html or "adresse" in text(response).lower()
    assert "pas-une-adresse" in html and "trop long trop long" in html


# --- the buyer's editor ----------------------------------------------------------------


def test_a_buyer_announces_a_purchase_errors_beside_fields_values_kept(signed_in, portal):
    buyer = signed_in("buyer")
    form = "/acheteur/programme/nouveau"
    response = buyer.post(form, {"title": "Mobilier scolaire", "criteria": "fournitures-test@1",
                                 "expected_publication": "2026-01", "estimate_min": "90 000",
                                 "estimate_max": "50 000"}, form_page=form)
    assert response.status_code == 422
    page = text(response)
    assert "Estimation haute : L'estimation haute est inférieure à l'estimation basse." in page
    html = response.get_data(as_text=True)
    assert 'value="Mobilier scolaire"' in html and 'value="90 000"' in html
    response = buyer.post(form, {"title": "Mobilier scolaire", "criteria": "fournitures-test@1",
                                 "expected_publication": "2026-01", "estimate_min": "deux"},
                          form_page=form)
    assert response.status_code == 422
    assert "Estimation basse :" in text(response) and 'value="deux"' in \
        response.get_data(as_text=True)
    response = buyer.post(form, {"title": "Mobilier scolaire", "criteria": "fournitures-test@1",
                                 "expected_publication": "2026-01"}, form_page=form)
    assert "Mois de publication prévu : Janvier 2026 est déjà passé." in text(response)
    response = buyer.post(form, {"title": "Mobilier scolaire", "criteria": "fournitures-test@1",
                                 "expected_publication": "2027-09", "estimate_min": "50 000",
                                 "estimate_max": "90 000,50"}, form_page=form)
    assert response.status_code == 302, text(response)
    page = text(buyer.get(response.headers["Location"]))
    assert "Mobilier scolaire" in page and "entre 50 000,00 € et 90 000,50 € HT" in page
    assert "Mobilier scolaire" in text(buyer.get("/acheteur/programme"))


def test_a_buyer_edits_then_cancels_an_item_and_the_other_organisation_cannot(
        signed_in, portal, uow, who):
    url = f"/acheteur/programme/{portal['first']}"
    other = signed_in("other_buyer")
    assert other.get(url).status_code == 403
    assert other.get(f"{url}/modifier").status_code == 403
    assert other.post(f"{url}/annuler", form_page="/acheteur/programme").status_code == 403
    assert programme.get(uow(), who("buyer"), portal["first"])["status"] == "planned"
    buyer = signed_in("buyer")
    assert 'value="40000"' in buyer.get(f"{url}/modifier").get_data(as_text=True)
    response = buyer.post(f"{url}/modifier", {**{k: str(v) for k, v in ITEM.items()
                                                if k not in ("criteria_set", "version")},
                                              "criteria": "fournitures-test@1",
                                              "title": "Papier recyclé (modifié)",
                                              "estimate_min": "", "estimate_max": ""},
                          form_page=f"{url}/modifier")
    assert response.status_code == 302, text(response)
    assert "non communiquée" in text(buyer.get(url))
    assert buyer.post(f"{url}/annuler", form_page=url).status_code == 302
    page = text(buyer.get(url))
    assert "Annulé" in page and "Annuler l'achat prévu" not in page
    assert "Papier recyclé (modifié)" not in text(buyer.get("/programme"))
    assert "Achats annulés" in text(buyer.get("/acheteur/programme"))
    refused = buyer.get(f"{url}/modifier")
    assert refused.status_code == 302
    assert "ne peut plus être modifié : il est annulé" in text(buyer.get(refused.headers[
        "Location"]))


def test_the_buyer_sees_who_is_interested_and_creates_the_consultation(
        signed_in, portal, uow, who, clock):
    firm = signed_in("supplier")
    item_url = f"/programme/{portal['first']}"
    firm.post(f"{item_url}/interet", {"message": "Prêts à répondre."}, form_page=item_url)
    buyer = signed_in("buyer")
    page = buyer.get(f"/acheteur/programme/{portal['first']}")
    assert "Prêts à répondre." in text(page) and "Papeterie Alpha" in text(page)
    create = re.search(r'href="(/acheteur/consultations/nouvelle\?[^"]+)"',
                       page.get_data(as_text=True)).group(1).replace("&amp;", "&")
    form = buyer.get(create).get_data(as_text=True)
    assert f'name="programme_item" value="{portal["first"]}"' in form
    assert 'value="Papier recyclé des services"' in form
    deadline = (clock.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    response = buyer.post("/acheteur/consultations/nouvelle", {
        "programme_item": str(portal["first"]), "reference": "2027-PAP-1",
        "title": "Papier recyclé des services", "criteria": "fournitures-test@1",
        "deadline_date": deadline, "deadline_time": "12:00", "lots.0.id": "1",
        "lots.0.title": "Papier", "lots.0.estimate": "50 000"}, form_page=create)
    assert response.status_code == 302, text(response)
    assert programme.get(uow(), who("buyer"), portal["first"])["consultation"] == "2027-PAP-1"
    # the second time, the item is already linked: the error is beside the item
    again = buyer.post("/acheteur/consultations/nouvelle", {
        "programme_item": str(portal["first"]), "reference": "2027-PAP-2", "title": "Bis",
        "criteria": "fournitures-test@1", "deadline_date": deadline, "deadline_time": "12:00",
        "lots.0.id": "1"}, form_page=create)
    assert again.status_code == 422
    assert "Achat prévu réalisé : L'achat prévu" in text(again)
    assert "déjà lié à la consultation 2027-PAP-1" in text(again)
    buyer.post("/acheteur/consultations/2027-PAP-1/publier",
               form_page="/consultations/2027-PAP-1")
    assert programme.get(uow(), who("buyer"), portal["first"])["status"] == "published"
    overview = text(firm.get("/entreprise"))
    assert "Consultation ouverte : Papier recyclé des services" in overview
    assert "Voir la consultation 2027-PAP-1" in overview
    assert "Consultation 2027-PAP-1" in text(firm.get(item_url))


# --- the company's own pages -------------------------------------------------------------


def test_a_firm_fills_its_profile_private_by_default(signed_in, portal, uow, who):
    firm = signed_in("supplier")
    form = firm.get("/entreprise/profil").get_data(as_text=True)
    assert 'value="private" checked' in form  # private unless the firm says otherwise
    assert "Empreinte carbone (kgCO2e)" in form and "EU Ecolabel" in form
    assert "Prix" not in text(firm.get("/entreprise/profil"))  # a tender's own answer
    filled = {"name": "Papeterie Alpha", "size": "small", "departement": "69",
              "categories": "supplies", "skills": "papeterie, reprographie",
              "answers.co2e_kg": "1,5", "answers.labels.shown": "1",
              "answers.labels": "EU Ecolabel", "evidence.labels": "EU Ecolabel",
              "visibility": "private"}
    for _ in range(2):  # saved again unchanged, the profile keeps one version
        response = firm.post("/entreprise/profil", filled, form_page="/entreprise/profil")
        assert response.status_code == 302, text(response)
    assert profiles.history(uow(), who("supplier"))["total"] == 1
    saved = profiles.get_profile(uow(), who("supplier"))
    assert saved["visibility"] == "private" and saved["standing_answers"]["co2e_kg"] == 1.5
    assert saved["skills"] == ["papeterie", "reprographie"]
    page = text(firm.get("/entreprise"))
    assert "Privé" in page and "aucun acheteur ne voit votre profil" in page
    # a private profile reaches no buyer: not in the directory, not in a match
    buyer = signed_in("buyer")
    assert "Papeterie Alpha" not in text(buyer.get("/acheteur/entreprises"))
    assert "Papeterie Alpha" not in text(
        buyer.get(f"/acheteur/programme/{portal['first']}/entreprises"))
    # …but the firm sees how it would score
    assert "Papier recyclé des services" in text(firm.get("/entreprise/achats-correspondants"))


def test_a_malformed_standing_answer_is_refused_with_the_input_and_kept(signed_in, portal, uow,
                                                                        who):
    firm = signed_in("supplier")
    response = firm.post("/entreprise/profil", {
        "name": "Papeterie Alpha", "size": "small", "departement": "999",
        "answers.co2e_kg": "beaucoup", "answers.labels.shown": "1",
        "visibility": "visible"}, form_page="/entreprise/profil")
    assert response.status_code == 422
    page, html = text(response), response.get_data(as_text=True)
    assert "Département :" in page
    assert 'value="beaucoup"' in html and 'value="999"' in html
    assert 'value="visible" checked' in html
    # the département comes first (the schema); once right, the answer is checked
    response = firm.post("/entreprise/profil", {
        "name": "Papeterie Alpha", "size": "small", "departement": "69",
        "answers.co2e_kg": "beaucoup", "answers.labels.shown": "1",
        "visibility": "visible"}, form_page="/entreprise/profil")
    assert response.status_code == 422
    page = text(response)
    assert "Empreinte carbone (kgCO2e) :" in page and "beaucoup" in page
    assert 'href="#f-answers-co2e_kg"' in response.get_data(as_text=True)
    with pytest.raises(Exception):
        profiles.get_profile(uow(), who("supplier"))  # nothing saved


def test_the_profile_history_keeps_every_version(signed_in, portal, uow, who):
    profile_of(uow, who, "supplier")
    profile_of(uow, who, "supplier", departement="38")
    page = text(signed_in("supplier").get("/entreprise/profil/historique"))
    assert "Version 2" in page and "Version 1" in page
    assert page.index("Version 2") < page.index("Version 1")
    assert "38" in page and "69" in page


def test_the_firm_sees_its_matches_with_score_and_hints(signed_in, portal, uow, who):
    profile_of(uow, who, "supplier", standing_answers={"co2e_kg": 4}, standing_evidence={})
    page = text(signed_in("supplier").get("/entreprise/achats-correspondants"))
    assert "2 achats prévus" in page
    assert re.search(r"Score indicatif hors prix : \d+,\d\d sur \d+,\d\d", page)
    assert "Ce qui vous ferait gagner le plus de points" in page


# --- buyer sourcing --------------------------------------------------------------------


def test_the_directory_finds_visible_profiles_by_filter(signed_in, portal, uow, who):
    profile_of(uow, who, "supplier")
    profile_of(uow, who, "supplier_b", name="Bureau Bêta", size="micro", departement="38",
               skills=["mobilier"], standing_answers={"co2e_kg": 1}, standing_evidence={})
    buyer = signed_in("buyer")
    assert "2 entreprises trouvées" in text(buyer.get("/acheteur/entreprises"))
    page = text(buyer.get("/acheteur/entreprises?label=eu+ecolabel"))
    assert "1 entreprise trouvée" in page and "Papeterie Alpha" in page
    page = text(buyer.get("/acheteur/entreprises?skill=MOBIL&size=micro&departement=38"))
    assert "1 entreprise trouvée" in page and "Bureau Bêta" in page
    refused = buyer.get("/acheteur/entreprises?departement=999")
    assert refused.status_code == 422
    assert "Département : Code de département inconnu" in text(refused)
    assert 'value="999"' in refused.get_data(as_text=True)


def test_a_buyer_sees_matching_firms_best_first(signed_in, portal, uow, who):
    profile_of(uow, who, "supplier", standing_answers={"co2e_kg": 0.5,
                                                       "labels": ["EU Ecolabel"]})
    profile_of(uow, who, "supplier_b", name="Bureau Bêta", standing_answers={"co2e_kg": 5},
               standing_evidence={})
    page = text(signed_in("buyer").get(f"/acheteur/programme/{portal['first']}/entreprises"))
    assert "2 entreprises" in page
    assert page.index("Papeterie Alpha") < page.index("Bureau Bêta")
    scores = re.findall(r"(\d+,\d\d) sur (\d+,\d\d)", page)
    assert len(scores) == 2 and scores[0][1] == scores[1][1]
    best, worst = (float(s.replace(",", ".")) for s, _ in scores)
    assert best > worst
    assert signed_in("auditor").get(
        f"/acheteur/programme/{portal['first']}/entreprises").status_code == 200
    assert signed_in("other_buyer").get(
        f"/acheteur/programme/{portal['first']}/entreprises").status_code == 403


# --- the SIRENE directory on the profile page ------------------------------------------


def test_the_profile_page_says_what_the_directory_knows_of_the_siret(app, signed_in, portal):
    from spar.services import sirene

    from ..local_servers import free_port, sirene_answer, sirene_server

    firm = signed_in("supplier")
    assert "Annuaire des entreprises (SIRENE)" not in text(firm.get("/entreprise/profil"))
    sirene.clear_cache()
    try:
        with sirene_server() as (directory, url):
            app.config.update(SIRENE_URL=url, SIRENE_TIMEOUT=1.0)
            directory.known[SIRET_A] = sirene_answer(SIRET_A, name="PAPETERIE DES CANUTS",
                                                     band="03")
            response = firm.get("/entreprise/profil")
            page = text(response)
            assert "l'annuaire indique : PAPETERIE DES CANUTS" in page
            assert "Micro-entreprise" in page
            assert 'value="PAPETERIE DES CANUTS"' in response.get_data(as_text=True)
        sirene.clear_cache()
        app.config["SIRENE_URL"] = f"http://127.0.0.1:{free_port()}"
        page = text(firm.get("/entreprise/profil"))
        assert "injoignable" in page and "Votre SIRET reste valable" in page
    finally:
        sirene.clear_cache()


# --- indicators ----------------------------------------------------------------------------


def test_the_indicators_page_shows_the_portal_figures(signed_in, portal, uow, who):
    programme.express_interest(uow(), who("supplier"), portal["first"], {"message": "Oui"})
    programme.express_interest(uow(), who("supplier_b"), portal["first"], {"message": "Aussi"})
    buyer = signed_in("buyer")
    page = text(buyer.get("/indicateurs?year=2027"))
    assert "Indicateurs 2027" in page
    assert "2 marques d'intérêt sur 2 achats prévus pour 2027 ; 1 ont intéressé" in page
    assert re.search(r"Papier recyclé des services 2027-03 Prévu 2\b", page)
    assert "Part des PME" in page and "Aucun lot de ces consultations n'est encore noté." in page
    refused = buyer.get("/indicateurs?year=deux-mille")
    assert refused.status_code == 422
    assert "« deux-mille » n'est pas une année entre 2000 et 2100" in text(refused)
    pdf = buyer.get("/indicateurs/2027.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert signed_in("auditor").get("/indicateurs?year=2027").status_code == 200
    assert signed_in("supplier").get("/indicateurs").status_code == 403


def test_a_profile_saved_unchanged_from_its_page_keeps_its_version(signed_in, portal, uow,
                                                                    who):
    profile_of(uow, who, "supplier", skills=["papeterie"], standing_answers={"co2e_kg": 2},
               standing_evidence={})
    response = signed_in("supplier").post("/entreprise/profil", {
        "name": "Papeterie Alpha", "size": "small", "departement": "69",
        "categories": "supplies", "skills": "papeterie", "answers.co2e_kg": "2",
        "answers.labels.shown": "1", "visibility": "visible"}, form_page="/entreprise/profil")
    assert response.status_code == 302, text(response)
    assert profiles.history(uow(), who("supplier"))["total"] == 1
