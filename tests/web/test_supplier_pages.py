"""The supplier's pages: submitting an offer (check, then confirm, then the receipt),
replacing it, its offers and receipts, its results beside the winner's and its letter;
the form prefilled from the company profile. Each through the pages as a browser would
post them, over the services the API uses."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from spar.db.models import Offer
from spar.services import accounts, profiles, tokens

from .conftest import PASSWORD, SIRET_A, Browser, email_of, text

REF = "2026-FOUR-001"
OFFER_PAGE = f"/consultations/{REF}/offre"
ANSWERS = {"lot": "1", "answers.price_eur": "11 500", "answers.co2e_kg": "2,5",
           "answers.labels.shown": "1", "answers.labels": ["EU Ecolabel"],
           "evidence.labels": ["EU Ecolabel"]}


@pytest.fixture
def consultation(flow):
    """The consultation of tests/api, open for ten days, with two lots."""
    flow.open(days=10)
    return REF


def offers_of(uow, siret: str) -> list[Offer]:
    with uow() as u:
        return list(u.session.execute(select(Offer).where(Offer.siret == siret)
                                      .order_by(Offer.id)).scalars())


def check(browser, data=ANSWERS, expect=200):
    response = browser.post(OFFER_PAGE, {**data, "action": "check"})
    assert response.status_code == expect, text(response)[:3000]
    return response


def hidden(response) -> dict:
    """The check step's form, as the browser would send it back (lists kept)."""
    html = response.get_data(as_text=True)
    form = html[html.index('action="' + OFFER_PAGE):]
    out: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        if name == "csrf_token":
            continue
        out.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 and k not in ("answers.labels", "evidence.labels") else v
            for k, v in out.items()}


def confirm(browser, data: dict, expect=303):
    response = browser.post(OFFER_PAGE, {**data, "action": "confirm"})
    assert response.status_code == expect, text(response)[:3000]
    return response


def submit(browser, data=ANSWERS) -> str:
    """Check then confirm; the receipt page's address."""
    return confirm(browser, hidden(check(browser, data))).headers["Location"]


# --- submitting -------------------------------------------------------------------------


def test_the_notice_offers_a_signed_in_company_to_submit(consultation, signed_in, browser):
    page = text(signed_in("supplier").get(f"/consultations/{REF}"))
    assert "Déposer une offre" in page
    assert "Se connecter pour déposer une offre" in text(browser.get(f"/consultations/{REF}"))
    buyer = text(signed_in("buyer").get(f"/consultations/{REF}"))
    assert "Déposer une offre" not in buyer and "Se connecter pour déposer" not in buyer


def test_check_then_confirm_stores_the_offer_and_shows_its_receipt(consultation, signed_in,
                                                                    uow, flow):
    supplier = signed_in("supplier")
    form = supplier.get(OFFER_PAGE)
    assert form.status_code == 200
    assert "Vérifier mon offre" in text(form)
    checked = check(supplier)
    shown = text(checked)
    assert "Confirmer le dépôt" in shown and "Corriger mon offre" in shown
    assert "11 500" in shown and "EU Ecolabel" in shown
    assert "Lot 1 : Papeterie" in shown
    assert offers_of(uow, SIRET_A) == []  # nothing stored yet
    where = confirm(supplier, hidden(checked)).headers["Location"]
    assert re.match(r"^/mes-offres/o-[0-9a-f]+\?depot=nouveau$", where)
    [offer] = offers_of(uow, SIRET_A)
    assert offer.answers == {"price_eur": 11500.0, "co2e_kg": 2.5, "labels": ["EU Ecolabel"]}
    page = supplier.get(where)
    body = text(page)
    assert "Accusé de réception" in body and "Offre déposée" in body
    assert offer.public_id in body and SIRET_A in body
    assert offer.content_hash in body
    assert "1 décembre 2026 à 10:00" in body  # 09:00 UTC, said in Paris time
    api = flow.call("GET", f"/api/v1/offers/{offer.public_id}/receipt", "supplier", 200
                    ).get_json()
    assert api["audit_entry_hash"] and api["audit_entry_hash"] in body
    download = supplier.get(f"/mes-offres/{offer.public_id}/accuse-de-reception.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(download.get_data()) == api


def test_a_double_confirmation_replays_the_first(consultation, signed_in, uow):
    supplier = signed_in("supplier")
    sent = hidden(check(supplier))
    first = confirm(supplier, sent).headers["Location"]
    again = confirm(supplier, sent).headers["Location"]
    assert len(offers_of(uow, SIRET_A)) == 1
    assert again.split("?")[0] == first.split("?")[0]
    assert again.endswith("depot=deja-recu")
    assert "n'a été enregistrée qu'une fois" in text(supplier.get(again))


def test_going_back_to_correct_keeps_every_value(consultation, signed_in):
    supplier = signed_in("supplier")
    sent = hidden(check(supplier))
    back = supplier.post(OFFER_PAGE, {**sent, "action": "edit"})
    assert back.status_code == 200
    html = back.get_data(as_text=True)
    assert 'value="11 500"' in html and 'value="2,5"' in html
    assert re.search(r'name="answers.labels" value="EU Ecolabel" checked', html)
    assert re.search(r'name="evidence.labels" value="EU Ecolabel" checked', html)
    assert re.search(r'name="lot" value="1" checked', html)


def test_a_wrong_answer_is_said_beside_its_field_and_every_value_kept(consultation, signed_in,
                                                                       uow):
    supplier = signed_in("supplier")
    response = check(supplier, {**ANSWERS, "answers.price_eur": "beaucoup"}, expect=422)
    html = response.get_data(as_text=True)
    field = html[html.index('id="f-answers-price_eur-error"'):][:400]
    assert "Un nombre est attendu, pas « beaucoup »" in field  # the API's words
    assert 'value="beaucoup"' in html and 'value="2,5"' in html
    assert "Vérifier mon offre" in html and "Confirmer le dépôt" not in html
    no_lot = check(supplier, {k: v for k, v in ANSWERS.items() if k != "lot"}, expect=422)
    assert 'id="f-lot-error"' in no_lot.get_data(as_text=True)
    unknown = check(supplier, {**ANSWERS, "lot": "9"}, expect=422)
    assert "lot" in text(unknown).lower() and 'id="f-lot-error"' in unknown.get_data(
        as_text=True)
    assert offers_of(uow, SIRET_A) == []


def test_replacing_an_offer_says_the_earlier_one_is_superseded(consultation, signed_in, uow):
    supplier = signed_in("supplier")
    first = submit(supplier).split("?")[0]
    first_id = first.rsplit("/", 1)[1]
    checked = check(supplier, {**ANSWERS, "answers.price_eur": "10 900"})
    assert (f"En confirmant, cette nouvelle offre la remplace : l'offre {first_id} ne sera "
            "plus prise en compte") in text(checked)
    second = confirm(supplier, hidden(checked)).headers["Location"]
    receipt = text(supplier.get(second))
    assert f"cette offre remplace l'offre {first_id}" in receipt
    old = text(supplier.get(first))
    assert "Offre remplacée" in old and "remplacée : elle ne sera pas notée" in old
    stored = offers_of(uow, SIRET_A)
    assert [o.superseded_at is None for o in stored] == [False, True]


def test_after_the_deadline_the_offer_is_refused_and_nothing_stored(consultation, signed_in,
                                                                    uow, clock):
    sent = hidden(check(signed_in("supplier")))  # checked before the deadline, confirmed after
    clock.advance(days=11)
    supplier = signed_in("supplier")  # the idle session closed meanwhile
    refused = confirm(supplier, sent, expect=409)
    body = text(refused)
    assert "ne reçoit plus d'offres" in body and "est passée" in body
    assert "Rien n'a été enregistré" in body
    assert offers_of(uow, SIRET_A) == []
    form = supplier.get(OFFER_PAGE)
    assert form.status_code == 409 and "Vérifier mon offre" not in text(form)


def test_a_late_second_click_on_an_offer_stored_in_time_replays_its_receipt(
        consultation, signed_in, uow, clock):
    sent = hidden(check(signed_in("supplier")))
    first = confirm(signed_in("supplier"), sent).headers["Location"]
    clock.advance(days=11)
    late = confirm(signed_in("supplier"), sent).headers["Location"]
    assert late.split("?")[0] == first.split("?")[0] and late.endswith("depot=deja-recu")
    assert len(offers_of(uow, SIRET_A)) == 1


def test_only_companies_submit(consultation, signed_in, browser):
    assert signed_in("buyer").get(OFFER_PAGE).status_code == 403
    assert browser.get(OFFER_PAGE).headers["Location"].startswith("/connexion?next=")


# --- my offers --------------------------------------------------------------------------


def test_my_offers_lists_current_and_replaced_offers_page_by_page(consultation, signed_in,
                                                                  flow):
    made = [flow.submit("supplier", 12000 + k)["offer"] for k in range(21)]
    made.append(flow.submit("supplier", 9000, lot="2")["offer"])
    flow.submit("supplier_b", 9500)
    supplier = signed_in("supplier")
    first = supplier.get("/mes-offres")
    page1 = text(first)
    assert "Offres 1 à 20 sur 22" in page1 and "Page suivante" in page1
    assert made[20] in page1 and "En vigueur" in page1 and "Remplacée" in page1
    page2 = text(supplier.get("/mes-offres?page=2"))
    assert "Offres 21 à 22 sur 22" in page2
    # by lot, the latest first: lot 2's offer came last but lot 1 is listed first
    assert made[21] in page2 and made[0] in page2
    other = text(signed_in("supplier_b").get("/mes-offres"))
    assert "Offres 1 à 1 sur 1" in other and made[0] not in other


# --- results ----------------------------------------------------------------------------


@pytest.fixture
def scored(consultation, flow):
    """Three offers on lot 1, scored: A (the page's company, second), B (wins), C (the
    cheapest, third for its poor technical and environmental value): the lowest price, on
    which every price score is computed, is C's — a value neither A nor B may learn."""
    a = flow.submit("supplier", 11500, co2=2.0)["offer"]
    b = flow.submit("supplier_b", 10400, co2=1.0)["offer"]
    c = flow.submit("supplier_c", 7413, co2=3.0, labels=())["offer"]
    flow.close()
    for offer, mark in ((a, 3), (b, 4), (c, 0)):
        flow.mark(offer, mark)
    flow.score()
    return {"a": a, "b": b, "c": c}


def _mentions_c(body: str) -> list[str]:
    return [s for s in ("7413", "7 413", "7\u202f413", "7\u00a0413", "Entreprise supplier_c",
                        "73282932000009") if s in body]


def test_a_supplier_reads_its_results_beside_the_winners_and_nothing_else(scored, signed_in):
    supplier = signed_in("supplier")
    response = supplier.get(f"/mes-resultats/{REF}")
    assert response.status_code == 200, text(response)[:2000]
    body = text(response)
    assert "Mes résultats" in body and f"Votre offre {scored['a']}" in body
    assert "Offre classée première : Entreprise supplier_b" in body
    assert "classée 2" in body
    assert response.get_data(as_text=True).count('role="img"') == 2  # own bars, winner's
    assert "note calculée par rapport aux autres offres" in body
    assert _mentions_c(response.get_data(as_text=True)) == []
    letter = supplier.get(f"/mes-resultats/{REF}/lettre.pdf")
    assert letter.status_code == 200 and letter.get_data().startswith(b"%PDF")
    assert letter.headers["Content-Disposition"].startswith("attachment;")


def test_the_ranking_api_no_longer_quotes_other_bidders_values(scored, flow):
    # price_lowest_ratio's arithmetic quoted the lowest price: C's, neither A's nor the
    # winner's
    ranking = flow.call("GET", f"/api/v1/consultations/{REF}/lots/1/ranking", "supplier", 200)
    body = ranking.get_data(as_text=True)
    assert _mentions_c(body) == []
    lines = {(o["id"], line["criterion"]): line for o in ranking.get_json()["offers"]
             for line in o["breakdown"]}
    assert lines[(scored["a"], "price")]["explanation"].startswith(
        "price_lowest_ratio : note calculée par rapport aux autres offres")
    assert lines[(scored["b"], "price")]["explanation"].startswith("price_lowest_ratio :")
    assert lines[(scored["a"], "env.co2")]["explanation"].startswith("linear:")  # its own
    # the buyer still reads the whole arithmetic
    whole = flow.call("GET", f"/api/v1/consultations/{REF}/lots/1/ranking", "buyer", 200)
    assert "7413" in [line for o in whole.get_json()["offers"] for line in o["breakdown"]
                   if line["criterion"] == "price" and o["id"] == scored["a"]][0][
        "explanation"]


def test_another_company_sees_nothing_of_a_suppliers_offers(scored, signed_in, flow, uow):
    receipt = flow.call("GET", f"/api/v1/offers/{scored['a']}/receipt", "supplier", 200
                        ).get_json()
    other = signed_in("supplier_b")
    for path in (f"/mes-offres/{scored['a']}",
                 f"/mes-offres/{scored['a']}/accuse-de-reception.json"):
        response = other.get(path)
        assert response.status_code == 404
        assert receipt["content_sha256"] not in response.get_data(as_text=True)
    # B won: it sees its own results, never A's lines
    results = other.get(f"/mes-resultats/{REF}")
    assert results.status_code == 200
    assert scored["a"] not in results.get_data(as_text=True)
    assert "Votre offre est classée première" in text(results)
    assert other.get(f"/mes-resultats/{REF}/lettre.pdf").status_code == 200  # its own


def test_results_wait_for_the_deadline(consultation, signed_in, flow):
    flow.submit("supplier", 11500)
    response = signed_in("supplier").get(f"/mes-resultats/{REF}")
    assert response.status_code == 409
    assert "il n'y a pas encore de résultats" in text(response)
    assert signed_in("supplier").get(f"/mes-resultats/{REF}/lettre.pdf").status_code == 409


def test_a_third_bidder_reads_its_rank_and_of_the_others_only_the_winner(scored, app, uow):
    accounts.register_company(uow(), siret="73282932000009", company_name="Gamma",
                              name="Contact Gamma", email="gamma@exemple.fr",
                              password=PASSWORD)
    gamma = Browser(app)
    gamma.sign_in("gamma@exemple.fr")
    body = gamma.get(f"/mes-resultats/{REF}").get_data(as_text=True)
    assert "classée 3" in body and "Entreprise supplier_b" in body
    assert "11 500" not in body and "11\u202f500" not in body and scored["a"] not in body


def test_a_company_that_did_not_answer_has_no_results_nor_letter(scored, uow, app):
    accounts.register_company(uow(), siret="35600000000048", company_name="Delta",
                              name="Contact Delta", email="delta@exemple.fr",
                              password=PASSWORD)
    delta = Browser(app)
    delta.sign_in("delta@exemple.fr")
    assert delta.get(f"/mes-resultats/{REF}").status_code == 404
    assert delta.get(f"/mes-resultats/{REF}/lettre.pdf").status_code == 404


# --- prefill from the profile -----------------------------------------------------------


@pytest.fixture
def profile(consultation, uow, people):
    who = tokens.person_principal(accounts.check_credentials(uow(), email_of("supplier"),
                                                              PASSWORD))
    profiles.save_profile(uow(), who, {
        "name": "Papeterie Alpha", "size": "small", "departement": "69",
        "standing_answers": {"labels": ["FSC"], "co2e_kg": 1.5},
        "standing_evidence": {"labels": ["FSC"]}})
    return who


def test_the_forms_start_from_the_company_profile(profile, signed_in, browser):
    supplier = signed_in("supplier")
    for url in ("/auto-evaluation/fournitures-test/1", OFFER_PAGE):
        html = supplier.get(url).get_data(as_text=True)
        assert "Réponses reprises du profil de votre entreprise" in html, url
        assert re.search(r'name="answers.labels" value="FSC" checked', html), url
        assert re.search(r'name="evidence.labels" value="FSC" checked', html), url
        assert 'value="1,5"' in html, url
    # anyone else finds an empty form
    anonymous = browser.get("/auto-evaluation/fournitures-test/1").get_data(as_text=True)
    assert "Réponses reprises" not in anonymous and 'value="1,5"' not in anonymous
    other = signed_in("supplier_b").get(OFFER_PAGE).get_data(as_text=True)
    assert "Réponses reprises" not in other and 'value="1,5"' not in other


def test_a_changed_answer_goes_in_the_offer_not_the_profile(profile, signed_in, uow):
    supplier = signed_in("supplier")
    submit(supplier, {**ANSWERS, "answers.co2e_kg": "3"})
    [offer] = offers_of(uow, SIRET_A)
    assert offer.answers["co2e_kg"] == 3.0
    assert profiles.get_profile(uow(), profile)["standing_answers"]["co2e_kg"] == 1.5
