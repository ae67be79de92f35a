"""spar db upgrade, token, audit verify/rescore and model train --from-reviews."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from spar import create_app
from spar.db import make_engine
from spar.services import demo
from tests.conftest import CRITERIA_DIR, ROOT


def test_db_upgrade_reports_the_revision(run):
    from alembic.script import ScriptDirectory

    from spar.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"révision {head}" in result.output


def test_token_create_prints_the_secret_on_its_last_line_and_revoke_works(run):
    created = run("token", "create", "--role", "buyer", "--org", "metropole")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("spar_")
    listed = run("token", "list")
    assert "buyer" in listed.output and secret not in listed.output
    revoked = run("token", "revoke", secret[:12])  # ids depend on what ran before
    assert revoked.exit_code == 0 and "révoqué" in revoked.output


def test_a_token_created_to_expire_says_until_when(run):
    created = run("token", "create", "--role", "auditor", "--org", "metropole", "--expires",
                  "2099-06-30")
    assert created.exit_code == 0, created.output
    assert "valable jusqu'au 01/07/2099 00:00 (heure de Paris)" in created.output
    prefix = created.stdout.strip().splitlines()[-1][:12]
    (line,) = [l for l in run("token", "list").output.splitlines() if prefix in l]
    assert "actif" in line and "jusqu'au 01/07/2099 00:00" in line


def test_a_token_cannot_be_created_already_expired(run):
    result = run("token", "create", "--role", "admin", "--expires", "2001-01-01T10:00")
    assert result.exit_code == 1 and "dans le futur" in result.output
    result = run("token", "create", "--role", "admin", "--expires", "demain")
    assert result.exit_code == 2 and "90j" in result.output


def test_token_expiry_durations_and_dates():
    from spar.cli.tokens import expiry

    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert expiry("90j", now) == expiry("90d", now) == now + timedelta(days=90)
    assert expiry("12h", now) == now + timedelta(hours=12)
    assert expiry("30min", now) == now + timedelta(minutes=30)
    assert expiry("2027-06-30", now) == datetime(2027, 6, 30, 22, 0, tzinfo=timezone.utc)
    assert expiry("2027-01-15T18:00", now) == datetime(2027, 1, 15, 17, 0, tzinfo=timezone.utc)


def test_token_create_refuses_a_bad_siret_without_a_traceback(run):
    result = run("token", "create", "--role", "supplier", "--siret", "12345678901234")
    assert result.exit_code == 1
    assert "SIRET" in result.output and "Traceback" not in result.output


def _seed(database_url):
    app = create_app({"DATABASE_URL": database_url})
    seeded = demo.seed(app.extensions["spar.db"].sessions, app.config, CRITERIA_DIR,
                       datetime.now(timezone.utc))
    app.extensions["spar.db"].engine.dispose()
    return seeded


def test_demo_seeds_scored_consultations_once(run, empty_database):
    seeded = _seed(empty_database)
    assert not seeded["already"]
    assert set(seeded["tokens"]) == {"admin", "buyer", "auditor", "supplier"}
    assert "DEMO-OUVERTE" in seeded["consultations"]
    assert len(seeded["consultations"]) >= 6
    assert _seed(empty_database)["already"]


def test_audit_verify_passes_then_names_the_altered_entry(run, empty_database):
    _seed(empty_database)
    ok = run("audit", "verify")
    assert ok.exit_code == 0, ok.output
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET details = :d WHERE id = 5"),
                           {"d": '{"forged": true}'})
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert "n° 5" in broken.output


def test_audit_verify_finds_a_removed_entry(run, empty_database):
    _seed(empty_database)
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = 3"))
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert "entrée 3 manquante" in broken.output


def test_audit_rescore_reproduces_every_stored_scoring_after_a_restart(run, empty_database):
    seeded = _seed(empty_database)
    reference = next(r for r in seeded["consultations"] if r != "DEMO-OUVERTE")
    result = run("audit", "rescore", reference)
    assert result.exit_code == 0, result.output
    assert "reproduite à l'identique" in result.output


def test_audit_rescore_reports_a_tampered_result_field_by_field(run, empty_database):
    seeded = _seed(empty_database)
    reference = next(r for r in seeded["consultations"] if r != "DEMO-OUVERTE")
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        row = connection.execute(text("SELECT id, result FROM scorings ORDER BY id LIMIT 1")
                                 ).first()
    import json

    doc = row.result if isinstance(row.result, dict) else json.loads(row.result)
    doc["offers"][0]["total"] += 1.0
    with engine.begin() as connection:
        connection.execute(text("UPDATE scorings SET result = :r WHERE id = :i"),
                           {"r": json.dumps(doc), "i": row.id})
    engine.dispose()
    result = run("audit", "rescore", reference)
    assert result.exit_code == 1
    assert "offers[0].total" in result.output


def test_audit_rescore_with_another_review_model_names_both_versions_and_fails(
        run, empty_database, monkeypatch, other_model):
    seeded = _seed(empty_database)
    reference = next(r for r in seeded["consultations"] if r != "DEMO-OUVERTE")
    directory, version = other_model
    monkeypatch.setenv("SPAR_MODEL_DIR", str(directory))
    result = run("audit", "rescore", reference)
    assert result.exit_code == 1
    assert "ÉCARTS" in result.output and "reproduite" not in result.output
    (line,) = [x for x in result.output.splitlines() if "Modèle de revue différent" in x]
    assert f"recalculée avec le modèle « {version} »" in line
    shipped = json.loads((ROOT / "models" / "review" / "metadata.json").read_text())
    assert f"notation faite avec le modèle « {shipped['model_version']} »" in line
    assert f"review.model_version : conservé '{shipped['model_version']}'" in result.output


def test_retraining_from_reviews_says_how_many_decisions_are_missing(run):
    result = run("model", "train", "--from-reviews", "-o", "unused")
    assert result.exit_code == 1
    assert "Pas assez de décisions" in result.output


def test_export_every_format_of_a_scored_demo_consultation(run, empty_database, tmp_path):
    seeded = _seed(empty_database)
    reference = next(r for r in seeded["consultations"] if r != "DEMO-OUVERTE")
    for fmt, magic in (("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF"),
                       ("json", b"{"), ("ocds", b"{")):
        out = tmp_path / f"export.{fmt}"
        result = run("export", reference, "--format", fmt, "--output", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)


def test_export_of_an_unknown_consultation_is_a_clean_error(run):
    result = run("export", "NOPE", "--format", "csv")
    assert result.exit_code == 1
    assert "inconnue" in result.output


def test_report_indicators_of_the_demo_organisation(run, empty_database):
    _seed(empty_database)
    # the demo publishes its consultations 30 days before now
    year = str((datetime.now(timezone.utc) - timedelta(days=30)).year)
    result = run("report", "indicators", "--org", "metropole-exemple", "--year", year,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    figures = json.loads(result.stdout)
    assert figures["consultations"] >= 6
    assert figures["with_environmental_share"] == 1.0
    assert figures["awards"] >= 6


def test_report_indicators_as_a_table_and_a_pdf(run, empty_database, tmp_path):
    _seed(empty_database)
    year = str((datetime.now(timezone.utc) - timedelta(days=30)).year)
    table = run("report", "indicators", "--org", "metropole-exemple", "--year", year)
    assert table.exit_code == 0, table.output
    assert "Indicateurs SPAR" in table.output and "avec un critère environnemental : 100,0" \
        in table.output
    pdf = tmp_path / "indicateurs.pdf"
    assert run("report", "indicators", "--org", "metropole-exemple", "--year", year,
               "--format", "pdf", "-o", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
