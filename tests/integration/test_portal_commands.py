"""The SME portal from the command line: the demo's programme and profiles, the yearly
indicators' report, and ``spar notices``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from spar import create_app
from spar.db.models import CompanyProfile
from spar.services import demo, matching, tokens
from spar.services.unit_of_work import UnitOfWork
from tests.conftest import CRITERIA_DIR

from ..local_servers import free_port, smtp_server


@pytest.fixture
def seeded(empty_database):
    app = create_app({"DATABASE_URL": empty_database})
    result = demo.seed(app.extensions["spar.db"].sessions, app.config, CRITERIA_DIR,
                       datetime.now(timezone.utc))
    yield app, result
    app.extensions["spar.db"].engine.dispose()


def test_the_demo_seeds_a_programme_and_profiles_that_match(seeded):
    app, result = seeded
    unit = lambda: UnitOfWork(app.extensions["spar.db"].sessions, None, app.config)  # noqa: E731
    assert len(result["portal"]["programme"]) == 12 and result["portal"]["profiles"] == 20
    with unit() as u:
        profiles = u.session.execute(select(CompanyProfile)).scalars().all()
    assert {p.size for p in profiles} == {"micro", "small", "medium", "large"}
    assert sum(p.visibility == "visible" for p in profiles) >= 15
    buyer = tokens.authenticate(unit(), result["tokens"]["buyer"])
    for item_id in result["portal"]["programme"]:
        best = matching.item_matches(unit(), buyer, item_id)["items"][0]
        assert best["score"] > 0, item_id
    supplier = tokens.authenticate(unit(), result["tokens"]["supplier"])
    mine = matching.supplier_matches(unit(), supplier)
    assert mine["total"] >= 2 and mine["items"][0]["hints"]


def test_the_indicators_report_shows_the_portals_figures(seeded, run):
    import re

    year = datetime.now(timezone.utc).year
    result = run("report", "indicators", "--org", "metropole-exemple", "--year", str(year))
    assert result.exit_code == 0, result.output
    assert "Part des PME, offres reçues" in result.output
    assert "Délai date limite → notation" in result.output
    # the programme spreads over this year and the next: each year shows its items
    items = followed = 0
    for y in (year, year + 1):
        output = run("report", "indicators", "--org", "metropole-exemple", "--year",
                     str(y)).output
        found = re.search(r"Achats prévus : (\d+), dont (\d+) suivis", output)
        items, followed = items + int(found[1]), followed + int(found[2])
    assert (items, followed) == (12, 2)
    pdf = run("report", "indicators", "--org", "metropole-exemple", "--format", "pdf",
              "--output", "/dev/null")
    assert pdf.exit_code == 0, pdf.output


def test_notices_send_says_what_it_sent(run, monkeypatch):
    monkeypatch.delenv("SPAR_SMTP_URL", raising=False)
    refused = run("notices", "send")
    assert refused.exit_code == 1 and "SPAR_SMTP_URL" in refused.output
    port = free_port()
    monkeypatch.setenv("SPAR_SMTP_URL", f"smtp://127.0.0.1:{port}")
    with smtp_server(port):
        sent = run("notices", "send")
    assert sent.exit_code == 0, sent.output
    assert "Avis envoyés : 0" in sent.output
    assert "à envoyer" in run("notices", "status").output
