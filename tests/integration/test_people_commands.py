"""``spar user invite|list`` and the demo's people, the way an operator meets them."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from spar import create_app
from spar.services import accounts, demo
from spar.services.unit_of_work import UnitOfWork
from tests.conftest import CRITERIA_DIR


def test_user_invite_prints_a_single_use_link_on_its_last_line(run, monkeypatch):
    monkeypatch.setenv("SPAR_BASE_URL", "https://achats.exemple.fr/")
    result = run("user", "invite", "--role", "auditor", "--email", "Claire@Metro.fr",
                 "--org", "metro")
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"https://achats\.exemple\.fr/invitation/inv_[\w-]{40,}", link)
    assert "heure de Paris" in result.stderr
    listed = run("user", "list")
    assert "claire@metro.fr" not in listed.output  # not a person until they accept
    again = run("user", "invite", "--role", "supplier", "--email", "x@y.fr", "--siret", "1")
    assert again.exit_code == 1 and "SIRET" in again.output and "Traceback" not in again.output


def test_the_demo_seeds_people_of_every_role_who_can_sign_in(empty_database):
    app = create_app({"DATABASE_URL": empty_database})
    try:
        seeded = demo.seed(app.extensions["spar.db"].sessions, app.config, CRITERIA_DIR,
                           datetime.now(timezone.utc))
        people = seeded["people"]
        assert sorted(p["role"] for p in people) == ["admin", "auditor", "buyer", "supplier",
                                                      "supplier"]
        uow = lambda: UnitOfWork(app.extensions["spar.db"].sessions, None, app.config)  # noqa
        sirets = set()
        for person in people:
            signed = accounts.check_credentials(uow(), person["email"], person["password"])
            assert signed.role == person["role"]
            if signed.role == "supplier":
                sirets.add(signed.siret)
        assert len(sirets) == 2  # two companies, each with offers in the demo
        assert len({p["password"] for p in people}) == 5
        assert demo.seed(app.extensions["spar.db"].sessions, app.config, CRITERIA_DIR,
                         datetime.now(timezone.utc))["people"] == []
    finally:
        app.extensions["spar.db"].engine.dispose()
