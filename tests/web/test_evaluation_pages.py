"""The evaluation pages (SPEC §7): a buyer, after the deadline, reads the offers table,
enters marks with a written justification, runs the scoring (a background job for a large
lot, whose progress only its starter sees), reads the ranking, decides the review queue's
offers and reads the robustness view; the organisation's auditors read the same pages
without a single form that writes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from spar.db.models import Job, Mark, ReviewDecision, Scoring

from .conftest import text

REF = "2026-FOUR-001"
EVAL = f"/evaluation/{REF}"
LOT = f"{EVAL}/lots/1"


@pytest.fixture
def offers(flow, people):
    """A published consultation with three offers on lot 1 (one abnormally low); the
    deadline not yet passed. Offers' ids by supplier."""
    flow.open()
    return {"supplier": flow.submit("supplier", 12000, co2=3.0)["id"],
            "supplier_b": flow.submit("supplier_b", 7000, co2=1.0)["id"],
            "supplier_c": flow.submit("supplier_c", 11000, co2=2.0, labels=["FSC"])["id"]}


@pytest.fixture
def closed(flow, offers):
    flow.close()
    return offers


def count(uow, model) -> int:
    with uow() as unit:
        return unit.session.execute(select(func.count()).select_from(model)).scalar_one()


def mark_form(browser, offer: str, level: str, justification: str, path: str = "technical"):
    return browser.post(f"{LOT}/offres/{offer}/note", {
        "criterion": path, f"marks.{path}.mark": level,
        f"marks.{path}.justification": justification}, form_page=f"{LOT}/offres/{offer}")


def test_the_desk_leads_to_the_consultation_and_its_lots(signed_in, closed):
    buyer = signed_in("buyer")
    desk = buyer.get("/acheteur").get_data(as_text=True)
    assert f'href="{EVAL}"' in desk and "Évaluer les offres" in desk
    page = buyer.get(EVAL)
    assert page.status_code == 200
    body = text(page)
    assert "Évaluation : Fournitures de bureau 2027" in body
    assert "12 000,00 €" in body.replace("\u202f", " ").replace("\xa0", " ")
    assert "Lot 1 Papeterie" in body and "Pas encore notée" in body
    html = page.get_data(as_text=True)
    assert f'href="{LOT}"' in html
    for name, fmt in (("Rapport d'analyse des offres (PDF)", "pdf"),
                      ("Détail des notes (XLSX)", "xlsx"), ("Détail des notes (CSV)", "csv"),
                      ("Données OCDS (JSON)", "ocds")):
        assert name in body and f'href="/consultations/{REF}/exports/{fmt}"' in html


def test_the_offers_table_has_headers_and_french_numbers(signed_in, closed):
    page = signed_in("buyer").get(LOT)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<th scope="col">Entreprise</th>' in html and "<caption>" in html
    body = text(page).replace("\u202f", " ").replace("\xa0", " ")
    assert "7 000,00 €" in body and "Entreprise supplier_b" in body
    assert body.count("à noter") == 3
    assert "Lancer la notation" in body


def test_before_the_deadline_offers_stay_sealed_and_marks_are_refused(signed_in, offers, uow):
    buyer = signed_in("buyer")
    lot = text(buyer.get(LOT))
    assert "Offres scellées" in lot and "Entreprise supplier" not in lot
    assert "Lancer la notation" not in lot
    page = buyer.get(f"{LOT}/offres/{offers['supplier']}")
    assert page.status_code == 409 and "offres scellées jusqu'à la date limite" in text(page)
    refused = mark_form(buyer, offers["supplier"], "3", "Très bon mémoire.")
    assert refused.status_code == 409 and "scellées" in text(refused)
    assert count(uow, Mark) == 0


def test_a_mark_is_chosen_among_the_levels_with_a_written_justification(signed_in, closed,
                                                                        uow):
    buyer = signed_in("buyer")
    offer = closed["supplier"]
    form = buyer.get(f"{LOT}/offres/{offer}").get_data(as_text=True)
    for level in ("Absent (0)", "Moyen (2)", "Très satisfaisant (4)"):
        assert level in form
    assert "Enregistrer la note" in form
    # no justification: refused beside the field, the chosen level kept
    refused = mark_form(buyer, offer, "3", "   ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-marks-technical-justification-error"' in html
    assert re.search(r'value="3" checked', html)
    assert "Le formulaire contient des erreurs" in html
    # a mark off the scale: the API's words, beside the level
    off_scale = mark_form(buyer, offer, "7", "Mémoire complet.")
    assert off_scale.status_code == 422
    assert 'id="f-marks-technical-mark-error"' in off_scale.get_data(as_text=True)
    assert count(uow, Mark) == 0
    saved = mark_form(buyer, offer, "3", "Mémoire technique complet et précis.")
    assert saved.status_code == 302
    page = text(buyer.get(saved.headers["Location"]))
    assert "Note enregistrée : Satisfaisant (3)" in page
    assert "Mémoire technique complet et précis." in page
    assert "Satisfaisant (3)" in text(buyer.get(LOT))
    assert count(uow, Mark) == 1


def test_a_small_lot_is_scored_at_once_then_ranked_with_pillar_bars(signed_in, closed,
                                                                    flow, uow):
    buyer = signed_in("buyer")
    for offer, level in zip(closed.values(), ("2", "4", "3")):
        assert mark_form(buyer, offer, level, "Mémoire lu.").status_code == 302
    assert text(buyer.get(f"{LOT}/classement")).count("pas encore noté") >= 1
    done = buyer.post(f"{LOT}/notation", form_page=LOT)
    assert done.status_code == 302 and done.headers["Location"].endswith("/classement")
    page = buyer.get(done.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Classement</h1>" in html
    assert '<svg class="ranking-bars"' in html and "bar-economic" in html
    body = text(page).replace("\u202f", " ").replace("\xa0", " ")
    assert "Le lot 1 est noté : 3 offre(s) classée(s)" in body
    stored = flow.call("GET", f"/api/v1/consultations/{REF}/lots/1/ranking", "buyer",
                       200).get_json()
    winner = stored["offers"][0]
    assert winner["supplier"]["name"] in body
    total = f"{winner['total']:.2f}".replace(".", ",")
    assert total in body
    assert count(uow, Scoring) == 1


def test_a_large_lot_is_scored_in_the_background_its_progress_shown_to_its_starter(
        app, signed_in, closed, flow, uow, people):
    from spar.jobs.runner import execute

    app.config["JOB_SCORING_THRESHOLD"] = 2
    buyer = signed_in("buyer")
    started = buyer.post(f"{LOT}/notation", form_page=LOT)
    assert started.status_code == 302 and "/travaux/j-" in started.headers["Location"]
    progress = started.headers["Location"]
    job_id = progress.rsplit("/", 1)[-1]
    with uow() as unit:
        job = unit.session.get(Job, job_id)
        assert job.person_id == people["buyer"].id and job.created_by is None
    waiting = buyer.get(progress)
    body = text(waiting)
    assert waiting.status_code == 200 and "En attente" in body
    assert "Actualiser l'avancement" in body and "<progress" in waiting.get_data(as_text=True)
    # no one else follows it, not even with the organisation's API token
    assert signed_in("other_buyer").get(progress).status_code == 404
    assert signed_in("auditor").get(progress).status_code == 403
    flow.call("GET", f"/api/v1/jobs/{job_id}", "buyer", 404)
    assert execute(app, job_id) == "done"
    finished = text(buyer.get(progress))
    assert "Terminée" in finished and "Voir le classement" in finished
    assert count(uow, Scoring) == 1
    assert buyer.get(f"{LOT}/travaux/j-inconnu").status_code == 404
    assert buyer.get(f"{EVAL}/lots/2/travaux/{job_id}").status_code == 404


def test_the_review_queue_puts_the_abnormally_low_offer_first_and_records_a_decision(
        signed_in, closed, flow, uow):
    buyer = signed_in("buyer")
    flow.score()
    page = buyer.get(f"{LOT}/revue")
    body = text(page)
    assert page.status_code == 200
    first = body.index("1. Entreprise supplier_b")
    assert "anormalement basse" in body[first:] and "justifier son prix" in body[first:]
    assert "Enregistrer la décision" in body
    offer = closed["supplier_b"]
    target = f"{LOT}/revue/{offer}"
    refused = buyer.post(target, {f"decisions.{offer}.decision": "cleared",
                                  f"decisions.{offer}.comment": ""}, form_page=f"{LOT}/revue")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'id="f-decisions-{offer}-comment-error"' in html
    assert re.search(r'value="cleared" checked', html)
    assert count(uow, ReviewDecision) == 0
    saved = buyer.post(target, {f"decisions.{offer}.decision": "needs_information",
                                f"decisions.{offer}.comment": "Devis détaillé demandé."},
                       form_page=f"{LOT}/revue")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#offre-{offer}")
    after = text(buyer.get(saved.headers["Location"]))
    assert "Demande de précisions à l'entreprise — Devis détaillé demandé." in after
    assert count(uow, ReviewDecision) == 1
    queue = flow.call("GET", f"/api/v1/consultations/{REF}/lots/1/review-queue", "buyer",
                      200).get_json()
    assert queue["items"][0]["decision"]["decision"] == "needs_information"


def test_the_robustness_view_draws_and_tabulates_the_weights(signed_in, closed, flow):
    flow.score()
    page = signed_in("buyer").get(f"{LOT}/robustesse")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg class="weight-bars"' in html
    body = text(page)
    assert "Poids effectifs et poids annoncés" in body and "Part effective" in body
    assert "Performance environnementale" in body
    assert "Décision stable" in body or "Décision fragile" in body


def test_the_auditor_reads_every_page_without_a_form_that_writes(signed_in, closed, flow,
                                                                 uow):
    flow.mark(closed["supplier"], 2)
    flow.score()
    auditor = signed_in("auditor")
    offer = closed["supplier_b"]
    for path in (EVAL, LOT, f"{LOT}/offres/{offer}", f"{LOT}/classement", f"{LOT}/revue",
                 f"{LOT}/robustesse"):
        page = auditor.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert "Lecture seule" in html
        for button in ("Enregistrer la note", "Lancer la notation", "Enregistrer la décision"):
            assert button not in html, (path, button)
        # only the page's own forms: signing out and keeping the session alive
        assert html.count('method="post"') == 2, path
    before = (count(uow, Mark), count(uow, Scoring), count(uow, ReviewDecision))
    for path, data in ((f"{LOT}/notation", {}),
                       (f"{LOT}/offres/{offer}/note", {"criterion": "technical",
                                                       "marks.technical.mark": "4",
                                                       "marks.technical.justification": "x"}),
                       (f"{LOT}/revue/{offer}", {f"decisions.{offer}.decision": "cleared",
                                                 f"decisions.{offer}.comment": "x"})):
        assert auditor.post(path, data, form_page=LOT).status_code == 403, path
    assert (count(uow, Mark), count(uow, Scoring), count(uow, ReviewDecision)) == before


def test_strangers_see_nothing(signed_in, closed, flow):
    flow.score()
    offer = closed["supplier"]
    for path in (EVAL, LOT, f"{LOT}/offres/{offer}", f"{LOT}/classement", f"{LOT}/revue",
                 f"{LOT}/robustesse"):
        other = signed_in("other_buyer").get(path)
        assert other.status_code == 404, path
        assert "Entreprise supplier" not in other.get_data(as_text=True)
        supplier = signed_in("supplier").get(path)
        assert supplier.status_code == 403, path
        assert "Entreprise supplier_b" not in supplier.get_data(as_text=True)
    assert signed_in("buyer").get(f"{EVAL}/lots/9").status_code == 404
    assert signed_in("buyer").get(f"{LOT}/offres/o-inconnue").status_code == 404


def test_the_robustness_view_names_the_smallest_change_that_gives_the_lot_away(signed_in,
                                                                               flow):
    flow.open()
    cheap = flow.submit("supplier", 10000, co2=4.5)["id"]  # cheaper, far more carbon
    green = flow.submit("supplier_b", 11000, co2=0.5)["id"]
    flow.close()
    for offer in (cheap, green):
        flow.mark(offer, 3)
    stored = flow.score()
    winner = next(o for o in stored["offers"] if o["rank"] == 1)
    loser = next(o for o in stored["offers"] if o["rank"] == 2)
    page = text(signed_in("buyer").get(f"{LOT}/robustesse"))
    assert f"Attributaire : {winner['supplier']['name']}." in page
    assert "le plus petit changement qui change l'attributaire est une" in page
    assert f"le lot irait alors à {loser['supplier']['name']}" in page
    assert "Chaque changement de poids qui donnerait le lot à une autre offre" in page


def test_a_job_of_a_person_disabled_since_fails_and_says_why(app, signed_in, closed, uow,
                                                              people):
    from spar.jobs.runner import execute
    from spar.services import accounts
    from spar.services.principal import OPERATOR

    app.config["JOB_SCORING_THRESHOLD"] = 2
    buyer = signed_in("buyer")
    progress = buyer.post(f"{LOT}/notation", form_page=LOT).headers["Location"]
    accounts.set_disabled(uow(), OPERATOR, people["buyer"].id, True)
    assert execute(app, progress.rsplit("/", 1)[-1]) == "failed"
    with uow() as unit:
        job = unit.session.get(Job, progress.rsplit("/", 1)[-1])
        assert "désactivé" in job.error
    assert count(uow, Scoring) == 0


def test_the_pages_read_in_english_too(signed_in, closed, flow):
    flow.score()
    buyer = signed_in("buyer")
    buyer.get("/langue/en?next=/")
    for path, words in ((EVAL, "Evaluation"), (LOT, "Run the scoring"),
                        (f"{LOT}/classement", "<h1>Ranking</h1>"),
                        (f"{LOT}/revue", "Record the decision"),
                        (f"{LOT}/robustesse", "Effective and declared weights")):
        page = buyer.get(path)
        assert page.status_code == 200, path
        assert words in page.get_data(as_text=True), path


def test_the_lot_says_when_marks_changed_after_its_scoring(signed_in, closed, flow, clock):
    buyer = signed_in("buyer")
    flow.score()
    assert "Notes modifiées" not in text(buyer.get(LOT))
    clock.advance(minutes=5)
    assert mark_form(buyer, closed["supplier"], "1", "Mémoire relu : insuffisant.") \
        .status_code == 302
    assert "Notes modifiées" in text(buyer.get(LOT))
    clock.advance(minutes=5)
    flow.score()
    assert "Notes modifiées" not in text(buyer.get(LOT))
