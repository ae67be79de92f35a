"""Notices e-mailed through a real SMTP server (aiosmtpd) started by the tests: sent after
the publication commits, retried when the server is down, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from spar import create_app
from spar.db.models import Notice
from spar.services import mail, tokens
from spar.services.principal import OPERATOR
from spar.services.unit_of_work import UnitOfWork

from ..local_servers import free_port, smtp_server, wait_for
from .conftest import CAST
from .portal import Portal

ADDRESS = "achats@canuts.example"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def mail_app(empty_database, clock, tmp_path, smtp_port):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                      "CLOCK": clock, "TESTING": True, "SMTP_TIMEOUT": 2.0,
                      "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
                      "MAIL_FROM": "Métropole <achats@metropole.example>"})
    yield app
    app.extensions["spar.db"].engine.dispose()


def unit(app, clock) -> UnitOfWork:
    return UnitOfWork(app.extensions["spar.db"].sessions, clock, app.config)


@pytest.fixture
def portal(mail_app, clock):
    headers = {}
    for name in ("buyer", "supplier", "supplier_b"):
        role, org, siret = CAST[name]
        _, secret = tokens.create_token(unit(mail_app, clock), OPERATOR, role, organisation=org,
                                        siret=siret, name=name,
                                        create_organisation_if_missing=True)
        headers[name] = {"Authorization": f"Bearer {secret}"}
    portal = Portal(mail_app.test_client(), headers, clock)
    portal.criteria()
    return portal


def notices(app, clock) -> list[Notice]:
    with unit(app, clock) as u:
        return list(u.session.execute(select(Notice).order_by(Notice.id)).scalars())


def test_interested_firms_get_an_email_when_the_consultation_opens(portal, mail_app, clock,
                                                                   smtp_port):
    with smtp_server(smtp_port) as (mailbox, _):
        item = portal.item()
        portal.interest("supplier", item["id"], contact_email=ADDRESS)
        portal.interest("supplier_b", item["id"])  # no address: its page only
        portal.consultation(item["id"])
        wait_for(lambda: mailbox.messages, what="e-mail reçu")
        wait_for(lambda: notices(mail_app, clock)[0].email_status == "sent",
                 what="avis marqué envoyé")
    (message,) = mailbox.messages
    assert message["to"] == [ADDRESS] and message["from"] == "achats@metropole.example"
    assert message["subject"] == "Consultation ouverte : Papier recyclé 2027"
    assert "2027-PAP-001" in message["body"] and "heure de Paris" in message["body"]
    sent, page_only = notices(mail_app, clock)
    assert (sent.email_attempts, sent.email_sent_at is not None) == (1, True)
    assert (page_only.email_status, page_only.email_to) == ("none", None)
    seen = portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["items"][0]
    assert seen["email"]["status"] == "sent"


def test_a_server_that_is_down_leaves_the_notice_pending_then_it_is_sent(
        portal, mail_app, clock, smtp_port):
    item = portal.item()
    portal.interest("supplier", item["id"], contact_email=ADDRESS)
    portal.consultation(item["id"])  # no SMTP server listening yet
    notice = wait_for(lambda: [n for n in notices(mail_app, clock) if n.email_attempts][0:1],
                      what="tentative enregistrée")[0]
    assert notice.email_status == "pending" and "injoignable" in notice.email_last_error
    assert notice.email_next_attempt_at == clock.now() + timedelta(minutes=1)
    # the notice is on the firm's page whatever happens to the e-mail
    assert portal.call("GET", "/api/v1/suppliers/me/notices", "supplier", 200)["total"] == 1
    with smtp_server(smtp_port) as (mailbox, _):
        assert mail.deliver_pending(unit(mail_app, clock)) == {"sent": 0, "retry": 0,
                                                                "failed": 0}  # not yet due
        clock.advance(minutes=2)
        assert mail.deliver_pending(unit(mail_app, clock))["sent"] == 1
    assert len(mailbox.messages) == 1
    (notice,) = notices(mail_app, clock)
    assert (notice.email_status, notice.email_attempts, notice.email_last_error) == (
        "sent", 2, None)


def test_attempts_stop_after_the_last_one(portal, mail_app, clock):
    item = portal.item()
    portal.interest("supplier", item["id"], contact_email=ADDRESS)
    portal.consultation(item["id"])
    wait_for(lambda: notices(mail_app, clock)[0].email_attempts == 1, what="1re tentative")
    for _ in range(mail.MAX_ATTEMPTS - 1):
        clock.advance(hours=3)
        mail.deliver_pending(unit(mail_app, clock))
    (notice,) = notices(mail_app, clock)
    assert (notice.email_status, notice.email_attempts) == ("failed", mail.MAX_ATTEMPTS)
    clock.advance(days=1)
    assert mail.deliver_pending(unit(mail_app, clock))["failed"] == 0


def test_a_permanent_refusal_is_not_retried(portal, mail_app, clock, smtp_port):
    with smtp_server(smtp_port, refuse={ADDRESS}) as (mailbox, _):
        item = portal.item()
        portal.interest("supplier", item["id"], contact_email=ADDRESS)
        portal.consultation(item["id"])
        notice = wait_for(lambda: [n for n in notices(mail_app, clock)
                                   if n.email_status == "failed"][0:1], what="refus")[0]
    assert notice.email_attempts == 1 and "550" in notice.email_last_error
    assert mailbox.messages == []


def test_a_notice_claimed_by_a_running_delivery_is_not_sent_twice(portal, mail_app, clock,
                                                                   smtp_port):
    item = portal.item()
    portal.interest("supplier", item["id"], contact_email=ADDRESS)
    mail_app.config["SMTP_URL"] = None  # publish without e-mail, then claim by hand
    portal.consultation(item["id"])
    mail_app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    with unit(mail_app, clock) as u:
        notice = u.session.execute(select(Notice)).scalar_one()
        notice.email_to, notice.email_status = ADDRESS, "sending"
        notice.email_next_attempt_at = clock.now() + mail.LEASE
        u.commit()
    with smtp_server(smtp_port) as (mailbox, _):
        assert mail.deliver_pending(unit(mail_app, clock))["sent"] == 0
        clock.advance(minutes=16)  # the claim expired: that delivery died
        assert mail.deliver_pending(unit(mail_app, clock))["sent"] == 1
    assert len(mailbox.messages) == 1


@pytest.mark.parametrize(("url", "words"), [("http://mail.example", "schéma"),
                                            ("smtp://", "nom du serveur"),
                                            ("smtp://h:port", "port")])
def test_a_bad_smtp_url_is_named(url, words):
    with pytest.raises(mail.SmtpUrlError) as error:
        mail.parse_smtp_url(url)
    assert words in str(error.value)


def test_the_smtp_password_never_shows():
    server = mail.parse_smtp_url("smtp+starttls://robot:s3cr%C3%A9t@mail.example")
    assert (server.port, server.security, server.password) == (587, "starttls", "s3crét")
    assert "s3cr" not in repr(server)
