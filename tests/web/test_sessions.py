"""Sessions (SPEC §7): secure HTTP-only cookies, closed by signing out on every instance,
expired after inactivity with the time shown first, and a rate-limited sign-in."""

from __future__ import annotations

import pytest

from spar import create_app
from tests.conftest import REDIS_URL

from .conftest import PASSWORD, Browser, text


def test_the_session_cookie_is_secure_and_http_only(browser, people):
    response = browser.sign_in(people["buyer"].email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("spar_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert people["buyer"].email not in cookie  # the cookie names a session, not a person


def test_signing_out_closes_the_session_even_for_a_copied_cookie(app, people, signed_in):
    buyer = signed_in("buyer")
    copy = Browser(app)
    cookie = buyer.client.get_cookie("spar_session")
    copy.client.set_cookie("spar_session", cookie.value)
    assert copy.get("/acheteur").status_code == 200
    buyer.post("/deconnexion", form_page="/acheteur")
    assert buyer.get("/acheteur").status_code == 302
    assert copy.get("/acheteur").status_code == 302  # the server forgot the session


def test_a_page_shows_when_an_idle_session_will_close(signed_in, clock):
    page = text(signed_in("supplier").get("/compte"))
    closing = clock.now().astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    closing = (closing + __import__("datetime").timedelta(minutes=30)).strftime("%H:%M")
    assert f"Sans activité, votre session se fermera à {closing}." in page
    assert "Prolonger la session" in page


def test_an_idle_session_expires_with_a_page_that_says_so(signed_in, clock):
    buyer = signed_in("buyer")
    clock.advance(minutes=29)
    assert buyer.get("/acheteur").status_code == 200  # activity: the session goes on
    clock.advance(minutes=29)
    assert buyer.get("/acheteur").status_code == 200
    clock.advance(minutes=31)
    expired = buyer.get("/acheteur/criteres")
    assert expired.status_code == 401
    page = text(expired)
    assert "Votre session a expiré" in page
    assert 'href="/connexion?next=/acheteur/criteres"' in expired.get_data(as_text=True)
    assert buyer.get("/acheteur").status_code == 302  # then simply signed out


def test_extending_the_session_answers_the_script_with_the_new_end(signed_in, clock):
    buyer = signed_in("buyer")
    clock.advance(minutes=20)
    answer = buyer.post("/compte/session", form_page="/compte",
                        headers={"Accept": "application/json"})
    body = answer.get_json()
    assert answer.status_code == 200 and body["expires_at"].startswith("2026-12-01T09:50")
    assert "votre session se fermera à 10:50" in body["message"]  # Paris time


def test_sign_in_is_rate_limited_per_account(app, people):
    app.config["SIGN_IN_LIMIT"] = 3
    app.extensions.pop("spar.sign_in_limiters", None)
    browser = Browser(app)
    for _ in range(3):
        browser.sign_in(people["buyer"].email, "mauvais", expect=401)
    refused = browser.sign_in(people["buyer"].email, PASSWORD, expect=401)
    assert "Trop de tentatives de connexion" in text(refused)
    browser.sign_in(people["auditor"].email)  # one account's attempts; others still sign in
    for _ in range(30 - 5):  # the address's allowance: 10 × the account's
        Browser(app).sign_in(people["supplier"].email, "mauvais", expect=401)
    assert "Trop de tentatives" in text(Browser(app).sign_in(people["supplier_b"].email,
                                                             PASSWORD, expect=401))


@pytest.mark.redis
def test_sign_in_attempts_are_counted_in_redis_across_instances(empty_database, clock,
                                                                tmp_path, people):
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter("spar:rate:sign-in:*"):  # only this test's counters
        server.delete(key)
    config = {"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path), "CLOCK": clock,
              "TESTING": True, "REDIS_URL": REDIS_URL, "SIGN_IN_LIMIT": 2}
    first, second = create_app(config), create_app(config)
    try:
        Browser(first).sign_in(people["auditor"].email, "mauvais", expect=401)
        Browser(second).sign_in(people["auditor"].email, "mauvais", expect=401)
        refused = Browser(first).sign_in(people["auditor"].email, PASSWORD, expect=401)
        assert "Trop de tentatives" in text(refused)
        Browser(second).sign_in(people["buyer"].email)  # the address may sign others in
    finally:
        for app in (first, second):
            app.extensions["spar.db"].engine.dispose()
