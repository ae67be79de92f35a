"""The auditor's desk: what an auditor reads of its organisation (and nothing of
another's), the reproducibility check, the audit log's filters, its chain check, the
signed checkpoint — and that none of these checks changes a stored record."""

from __future__ import annotations

import json
import re
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import select, text as sql

from spar.db.models import Base

from .conftest import text


@pytest.fixture
def scored(flow, people):
    """A consultation of "metro" closed with two offers on lot 1, marked and scored; lot 2
    without offers; and an open consultation of the same organisation."""
    flow.open()
    alpha = flow.submit("supplier", 11000, 2.5)
    beta = flow.submit("supplier_b", 10000, 1.0)
    flow.close()
    flow.mark(alpha["offer"], 2)
    flow.mark(beta["offer"], 4)
    result = flow.score()
    return {"reference": flow.reference, "offers": [alpha["offer"], beta["offer"]],
            "scoring": result["scoring"]["id"]}


def snapshot(app) -> dict[str, list[dict]]:
    """Every stored row but the sessions (whose activity time moves on each request)."""
    engine = app.extensions["spar.db"].engine
    with engine.connect() as connection:
        return {table.name: [dict(row._mapping) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables if table.name != "web_sessions"}


def test_the_desk_lists_the_organisations_consultations_with_lots_and_scorings(
        signed_in, scored):
    auditor = signed_in("auditor")
    page = auditor.get("/controle")
    assert page.status_code == 200
    body = text(page)
    assert "Fournitures de bureau 2027" in body and scored["reference"] in body
    assert "Notée (1)" in body  # the states, with their counts
    # lot 1 with its one stored scoring, lot 2 not scored yet
    assert scored["scoring"] in body and "pas encore notée" in body
    html = page.get_data(as_text=True)
    assert f'href="/evaluation/{scored["reference"]}/lots/1"' in html
    assert f'href="/controle/consultations/{scored["reference"]}"' in html
    # one state at a time
    assert scored["reference"] not in text(auditor.get("/controle?state=open"))
    assert scored["reference"] in text(auditor.get("/controle?state=scored"))
    # an unknown state shows them all rather than failing
    assert scored["reference"] in text(auditor.get("/controle?state=inconnu"))


def test_the_consultation_page_shows_each_lots_stored_scorings(signed_in, scored):
    page = signed_in("auditor").get(f"/controle/consultations/{scored['reference']}")
    assert page.status_code == 200
    body = text(page)
    assert "Lot 1 : Papeterie" in body and "2 offres en vigueur" in body
    assert scored["scoring"] in body and "en vigueur" in body
    assert "Aucune notation conservée pour ce lot." in body  # lot 2
    html = page.get_data(as_text=True)
    assert html.count(">Vérifier la reproductibilité<") == 2  # the lot's and the whole
    assert f'href="/evaluation/{scored["reference"]}"' in html
    assert f'/controle/journal?consultation={scored["reference"]}' in html
    for name, fmt in (("Rapport d'analyse des offres (PDF)", "pdf"),
                      ("Détail des notes (XLSX)", "xlsx"), ("Détail des notes (CSV)", "csv"),
                      ("Données OCDS (JSON)", "ocds")):
        link = re.search(f'href="/consultations/{scored["reference"]}/exports/{fmt}" '
                         'download>([^<]+)</a>', html)
        assert link and unescape(link.group(1)) == name, name


def test_the_auditor_downloads_every_export_from_its_desk(signed_in, scored):
    auditor = signed_in("auditor")
    desk = auditor.get("/controle").get_data(as_text=True)
    for fmt, media_type, magic in (("pdf", "application/pdf", b"%PDF"),
                                   ("xlsx", "application/vnd.openxmlformats-officedocument"
                                            ".spreadsheetml.sheet", b"PK"),
                                   ("csv", "text/csv", b"\xef\xbb\xbf"),
                                   ("ocds", "application/json", b"{")):
        url = f"/consultations/{scored['reference']}/exports/{fmt}"
        assert f'href="{url}"' in desk
        download = auditor.get(url)
        assert download.status_code == 200, fmt
        assert download.mimetype == media_type, (fmt, download.mimetype)
        assert download.get_data().startswith(magic), fmt


def test_another_organisations_auditor_sees_nothing_of_it(signed_in, scored):
    other = signed_in("other_auditor")
    reference = scored["reference"]
    desk = other.get("/controle")
    assert desk.status_code == 200
    assert reference not in desk.get_data(as_text=True)
    assert "Aucune consultation dans cet état." in text(desk)
    refused = other.get(f"/controle/consultations/{reference}")
    assert refused.status_code == 404 and scored["scoring"] not in text(refused)
    refused = other.post(f"/controle/consultations/{reference}/reproductibilite",
                         form_page="/controle")
    assert refused.status_code == 404 and scored["scoring"] not in text(refused)
    log = other.get("/controle/journal")
    assert reference not in log.get_data(as_text=True)
    assert "Fournitures" not in text(log) and "offer:" not in text(log)
    filtered = other.get(f"/controle/journal?consultation={reference}")
    assert filtered.status_code == 200 and "0 entrées" in text(filtered)


def test_a_buyer_is_refused_the_desk(signed_in, scored):
    buyer = signed_in("buyer")
    for url in ("/controle", f"/controle/consultations/{scored['reference']}",
                "/controle/journal"):
        refused = buyer.get(url)
        assert refused.status_code == 403
        assert "Fournitures de bureau 2027" not in text(refused)
        assert scored["scoring"] not in text(refused)


def test_reproducibility_reproduced_and_nothing_stored_changes_but_the_logs_record(
        app, signed_in, scored):
    auditor = signed_in("auditor")
    reference = scored["reference"]
    before = snapshot(app)
    answer = auditor.post(f"/controle/consultations/{reference}/reproductibilite",
                          {"lot": "1"}, form_page=f"/controle/consultations/{reference}")
    assert answer.status_code == 200
    body = text(answer)
    assert f"Notation {scored['scoring']} du lot 1 — reproduite à l'identique" in body
    assert "La notation conservée est reproduite à l'identique." in body
    after = snapshot(app)
    # every stored record exactly as it was; the log only gained the line saying who
    # compared what (the API and the command line record it alike)
    for table in before:
        if table != "audit_log":
            assert after[table] == before[table], table
    assert after["audit_log"][:len(before["audit_log"])] == before["audit_log"]
    added = after["audit_log"][len(before["audit_log"]):]
    assert [row["action"] for row in added] == ["audit.rescore"]
    # the whole consultation: lot 2 has nothing stored, lot 1 its one scoring
    whole = text(auditor.post(f"/controle/consultations/{reference}/reproductibilite",
                              form_page=f"/controle/consultations/{reference}"))
    assert "La notation conservée est reproduite à l'identique." in whole
    verified = auditor.post("/controle/journal/verification", form_page="/controle/journal")
    assert "Le journal est intact." in text(verified)


def test_reproducibility_of_an_unknown_lot_or_consultation_is_a_page_not_a_failure(
        signed_in, scored):
    auditor = signed_in("auditor")
    reference = scored["reference"]
    unknown = auditor.post(f"/controle/consultations/{reference}/reproductibilite",
                           {"lot": "9"}, form_page="/controle")
    assert unknown.status_code == 404
    assert "lot « 9 » inconnu" in text(unknown) and "lots : 1, 2" in text(unknown)
    missing = auditor.post("/controle/consultations/NULLE-PART/reproductibilite",
                           form_page="/controle")
    assert missing.status_code == 404 and "NULLE-PART" in text(missing)


def test_reproducibility_names_each_difference_of_a_tampered_result(app, signed_in, scored):
    engine = app.extensions["spar.db"].engine
    with engine.begin() as connection:
        row = connection.execute(sql("SELECT id, result FROM scorings")).one()
        doc = row.result if isinstance(row.result, dict) else json.loads(row.result)
        stored_total = doc["offers"][0]["total"]
        doc["offers"][0]["total"] = stored_total + 1.0
        connection.execute(sql("UPDATE scorings SET result = :r WHERE id = :i"),
                           {"r": json.dumps(doc), "i": row.id})
    reference = scored["reference"]
    answer = signed_in("auditor").post(f"/controle/consultations/{reference}/reproductibilite",
                                       {"lot": "1"},
                                       form_page=f"/controle/consultations/{reference}")
    body = text(answer)
    assert "ne se reproduisent pas à l'identique" in body
    assert "reproduite à l'identique" not in body.replace("pas à l'identique", "")
    row = re.search(r"offers\[0\]\.total (\S+) (\S+) valeur", body)
    assert row, body
    assert float(row.group(1)) == stored_total + 1.0 and float(row.group(2)) == stored_total
    assert "résultat stocké modifié après écriture" in body


def test_reproducibility_names_both_review_models_when_they_differ(
        signed_in, scored, monkeypatch, other_model):
    directory, version = other_model
    monkeypatch.setenv("SPAR_MODEL_DIR", str(directory))
    reference = scored["reference"]
    body = text(signed_in("auditor").post(
        f"/controle/consultations/{reference}/reproductibilite", {"lot": "1"},
        form_page=f"/controle/consultations/{reference}"))
    assert "Modèle de revue différent" in body
    assert f"le recalcul « {version} »" in body
    assert "review.model_version" in body


def test_the_journal_filters_by_consultation_kind_and_days(signed_in, scored, clock):
    auditor = signed_in("auditor")
    reference = scored["reference"]
    everything = text(auditor.get("/controle/journal"))
    assert "Offre déposée" in everything and "Notation calculée" in everything
    offers = text(auditor.get("/controle/journal?action=offer"))
    assert "2 entrées correspondant aux filtres" in offers
    assert "Notation calculée" not in offers
    marks = auditor.get(f"/controle/journal?action=mark&consultation={reference}")
    assert "2 entrées correspondant aux filtres" in text(marks)
    # the offers were made on T0; the marks and the scoring 30 days later (Paris days)
    day = clock.now().date().isoformat()
    later = text(auditor.get(f"/controle/journal?since={day}&action=offer"))
    assert "0 entrées correspondant aux filtres" in later
    earlier = text(auditor.get(f"/controle/journal?until={day}&action=scoring"))
    assert "1 entrée correspondant aux filtres" in earlier
    none = text(auditor.get("/controle/journal?consultation=INCONNUE"))
    assert "0 entrées correspondant aux filtres" in none


def test_the_journal_says_what_is_wrong_with_a_filter(signed_in, scored):
    refused = signed_in("auditor").get("/controle/journal?since=hier&action=rien"
                                       "&until=2026-01-01")
    assert refused.status_code == 422
    body = text(refused)
    assert "Du (jour) : Date attendue au format AAAA-MM-JJ, pas « hier »." in body
    assert "Type d'action : Type d'action inconnu." in body
    backwards = signed_in("auditor").get("/controle/journal?since=2026-02-01&until=2026-01-01")
    assert backwards.status_code == 422
    assert "Le dernier jour précède le premier." in text(backwards)


def test_the_journal_is_paginated(signed_in, scored, flow):
    ranking = f"/api/v1/consultations/{scored['reference']}/lots/1/ranking"
    for _ in range(51):  # each read of the ranking is an entry
        flow.call("GET", ranking, "auditor", 200)
    auditor = signed_in("auditor")
    first = auditor.get("/controle/journal")
    assert "Page 1 sur 2" in text(first) and "de 1 à 50" in text(first)
    assert 'href="/controle/journal?page=2" rel="next"' in first.get_data(as_text=True)
    second = auditor.get("/controle/journal?page=2")
    assert "Page 2 sur 2" in text(second) and "de 51 à" in text(second)
    filtered = auditor.get("/controle/journal?action=ranking")
    assert 'href="/controle/journal?page=2&amp;action=ranking" rel="next"' in \
        filtered.get_data(as_text=True)


def test_verifying_the_journal_says_it_is_intact_and_changes_nothing(app, signed_in, scored):
    auditor = signed_in("auditor")
    before = snapshot(app)
    answer = auditor.post("/controle/journal/verification", form_page="/controle/journal")
    assert answer.status_code == 200
    body = text(answer)
    assert "Vérification du journal : intact" in body
    assert "Le journal est intact." in body
    assert "2 offre(s), 2 note(s), 1 notation(s), 0 décision(s) de revue, 1 jeu(x) de " \
           "critères" in body
    assert "clé de démonstration" in body  # the tests sign with the public demo key
    assert snapshot(app) == before


def test_an_edited_offer_is_reported_by_the_journal_check(app, signed_in, scored):
    engine = app.extensions["spar.db"].engine
    with engine.begin() as connection:
        row = connection.execute(sql("SELECT id, public_id, answers FROM offers ORDER BY id "
                                     "LIMIT 1")).one()
        answers = row.answers if isinstance(row.answers, dict) else json.loads(row.answers)
        answers["price_eur"] = 1.0
        connection.execute(sql("UPDATE offers SET answers = :a WHERE id = :i"),
                           {"a": json.dumps(answers), "i": row.id})
    answer = signed_in("auditor").post("/controle/journal/verification",
                                       form_page="/controle/journal")
    body = text(answer)
    assert "Vérification du journal : altéré" in body
    assert "1 enregistrement ne concorde pas avec le journal" in body
    assert f"offre {row.public_id} n° " in body
    assert "réponses ou justificatifs modifiés depuis le dépôt" in body
    assert "La chaîne est conforme" in body  # the log itself was not touched


def test_an_edited_entry_is_named_with_what_is_wrong(app, signed_in, scored):
    engine = app.extensions["spar.db"].engine
    with engine.begin() as connection:
        entry = connection.execute(sql("SELECT id FROM audit_log WHERE action = 'mark.set' "
                                       "ORDER BY id LIMIT 1")).scalar_one()
        connection.execute(sql("UPDATE audit_log SET target = 'offer:x/technical' "
                               "WHERE id = :i"), {"i": entry})
    body = text(signed_in("admin").post("/controle/journal/verification",
                                        form_page="/controle/journal"))
    assert f"Entrée n° {entry} (Note enregistrée, " in body
    assert "contenu modifié après écriture" in body
    assert f"Les {entry - 1} entrées qui la précèdent sont intactes." in body


def test_the_signed_checkpoint_downloads_and_later_finds_a_removed_tail(app, signed_in, scored):
    auditor = signed_in("auditor")
    download = auditor.get("/controle/journal/point-de-controle")
    assert download.status_code == 200
    assert download.mimetype == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    assert download.headers["Cache-Control"] == "no-store"
    kept = download.get_data()
    head = json.loads(kept)
    assert {"size", "head", "signature", "key_id", "timestamp"} <= set(head)

    def verify(data: bytes, name: str = "point.json"):
        return auditor.post("/controle/journal/verification",
                            {"kept": (BytesIO(data), name)}, form_page="/controle/journal",
                            content_type="multipart/form-data")

    intact = text(verify(kept))
    assert "Le journal est intact." in intact
    assert f"Le point de contrôle conservé ({head['size']} entrées) figure toujours" in intact
    refused = verify(b"pas du json")
    assert refused.status_code == 422
    assert "Ce fichier n'est pas un point de contrôle" in text(refused)
    shapeless = verify(b'{"size": "dix"}')
    assert shapeless.status_code == 422 and "size (entier)" in text(shapeless)
    # the tail removed behind the service's back: the kept head says so
    engine = app.extensions["spar.db"].engine
    with engine.begin() as connection:
        connection.execute(sql("DELETE FROM audit_log WHERE id >= :i"),
                           {"i": head["size"] - 1})
    truncated = text(verify(kept))
    assert "Vérification du journal : altéré" in truncated
    assert "journal tronqué" in truncated


def test_the_admin_reads_the_journal_of_every_organisation(signed_in, scored):
    admin = signed_in("admin")
    page = admin.get("/controle/journal")
    assert page.status_code == 200
    assert "de toutes les organisations" in text(page)
    assert "Journal d'audit" in page.get_data(as_text=True)  # in its menu too
    assert admin.get("/controle").status_code == 403  # the desk is the auditor's


def test_the_api_filters_the_log_by_kind_of_action(flow, scored):
    found = flow.call("GET", "/api/v1/audit-log", "auditor", 200,
                      query_string={"action": "offer"}).get_json()
    assert [e["action"] for e in found["items"]] == ["offer.submit", "offer.submit"]
    exact = flow.call("GET", "/api/v1/audit-log", "auditor", 200,
                      query_string={"action": "scoring.run"}).get_json()
    assert exact["total"] == 1
    refused = flow.call("GET", "/api/v1/audit-log", "auditor", 422,
                        query_string={"action": "Offer%"}).get_json()
    assert "action" in json.dumps(refused["errors"])
