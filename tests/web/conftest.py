"""Fixtures for the pages: the app of tests/api on a clock the tests move, people of
every role who sign in through the sign-in page, and browsers (Flask test clients)
that carry their cookie and send each form's CSRF token as a browser would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from spar.services import accounts
from spar.services.principal import OPERATOR
from tests.api.conftest import (CRITERIA_YAML, SIRET_A, SIRET_B, T0, Flow,  # noqa: F401
                                app, callers, client, clock, flow, uow)

PASSWORD = "un mot de passe assez long"
#: Every kind of person: name → (role, organisation, SIRET, company).
PEOPLE = {
    "admin": ("admin", None, None, None),
    "buyer": ("buyer", "metro", None, None),
    "auditor": ("auditor", "metro", None, None),
    "other_buyer": ("buyer", "autre", None, None),
    "other_auditor": ("auditor", "autre", None, None),
    "supplier": ("supplier", None, SIRET_A, "Papeterie Alpha"),
    "supplier_b": ("supplier", None, SIRET_B, "Bureau Bêta"),
}

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def email_of(name: str) -> str:
    return f"{name.replace('_', '-')}@exemple.fr"


class Browser:
    """A test client that signs in, posts forms with their CSRF token and reads pages."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, url: str = "/inscription") -> str:
        match = CSRF.search(self.get(url).get_data(as_text=True))
        assert match, f"pas de jeton CSRF sur {url}"
        return match.group(1)

    def post(self, url: str, data: dict | None = None, *, form_page: str | None = None,
             csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token(form_page or "/inscription"))
        return self.client.post(url, data=data, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD, expect: int = 302):
        response = self.post("/connexion", {"email": email, "password": password},
                             form_page="/connexion")
        assert response.status_code == expect, response.get_data(as_text=True)[:3000]
        return response


def text(response) -> str:
    """A page's text, tags removed and spaces folded (for reading assertions)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@dataclass
class Person:
    name: str
    role: str
    email: str
    id: int


@pytest.fixture
def people(app, uow) -> dict[str, Person]:
    """One person per entry of PEOPLE, with PASSWORD; companies registered with their
    SIRET, the others invited."""
    out = {}
    for name, (role, organisation, siret, company) in PEOPLE.items():
        if role == "supplier":
            person = accounts.register_company(uow(), siret=siret, company_name=company,
                                               name=f"Contact {company}", email=email_of(name),
                                               password=PASSWORD)
        else:
            _, secret = accounts.invite(uow(), OPERATOR, role=role, email=email_of(name),
                                        organisation=organisation,
                                        create_organisation_if_missing=True)
            person = accounts.accept_invitation(uow(), secret, name=name.title(),
                                                password=PASSWORD)
        out[name] = Person(name, role, person.email, person.id)
    return out


@pytest.fixture
def browser(app):
    """An anonymous browser."""
    return Browser(app)


@pytest.fixture
def signed_in(app, people):
    """``signed_in("buyer")``: a browser where that person is signed in."""

    def make(name: str) -> Browser:
        browser = Browser(app)
        browser.sign_in(people[name].email)
        return browser

    return make
