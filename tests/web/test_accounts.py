"""People's accounts (SPEC §7): a company registers with its SIRET, others are invited;
sign-in says nothing about which addresses exist; personal tokens act as their person;
the audit log names the person who acted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from spar.db.models import AuditEntry, Person
from spar.services import accounts, tokens
from spar.services.errors import Conflict, Invalid, NotFound, Unauthorized
from spar.services.principal import OPERATOR

from .conftest import CRITERIA_YAML, PASSWORD, SIRET_A, email_of, text


def test_a_company_registers_with_its_siret_and_lands_signed_in(browser, app):
    response = browser.post("/inscription", {
        "siret": "123 456 782 00002", "company_name": "Papeterie Alpha", "name": "Léa Martin",
        "email": "Lea@Alpha.fr", "password": PASSWORD, "password_confirmation": PASSWORD},
        form_page="/inscription")
    assert response.status_code == 302
    account = text(browser.get("/compte"))
    assert "Papeterie Alpha" in account and "12345678200002" in account
    assert "lea@alpha.fr" in account  # one address, one account: stored lower-cased


def test_registration_says_beside_each_field_what_is_wrong_and_keeps_the_rest(browser):
    response = browser.post("/inscription", {
        "siret": "12345678200003", "company_name": "Papeterie Alpha", "name": "",
        "email": "pas-une-adresse", "password": "court", "password_confirmation": "court"},
        form_page="/inscription")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text(response)
    assert page.startswith("Erreur : Inscrire mon entreprise")
    for anchor in ("#f-siret", "#f-name", "#f-email", "#f-password"):
        assert f'href="{anchor}"' in html, anchor
    assert "SIRET invalide" in page and "Trop court : 12 caractères au moins." in page
    assert 'value="Papeterie Alpha"' in html and 'value="12345678200003"' in html
    assert 'aria-invalid="true"' in html
    assert PASSWORD not in html and 'value="court"' not in html  # passwords never echoed


def test_several_people_of_one_company_share_its_siret(uow):
    for k in (1, 2):
        accounts.register_company(uow(), siret=SIRET_A, company_name="Alpha", name=f"P{k}",
                                  email=f"p{k}@alpha.fr", password=PASSWORD)
    with pytest.raises(Conflict) as refused:
        accounts.register_company(uow(), siret=SIRET_A, company_name="Alpha", name="P3",
                                  email="P1@alpha.fr", password=PASSWORD)
    assert refused.value.errors == {"email": ["Un compte existe déjà avec cette adresse."]}
    with uow() as u:
        assert {p.siret for p in u.session.execute(select(Person)).scalars()} == {SIRET_A}


def test_an_invitation_works_once_and_not_after_it_expires(uow, clock):
    _, secret = accounts.invite(uow(), OPERATOR, role="buyer", email="b@metro.fr",
                                organisation="metro", create_organisation_if_missing=True)
    assert accounts.read_invitation(uow(), secret)["organisation"] == "metro"
    with pytest.raises(Invalid) as refused:
        accounts.accept_invitation(uow(), secret, name="", password="x")
    assert set(refused.value.errors) == {"name", "password"}
    person = accounts.accept_invitation(uow(), secret, name="Bea", password=PASSWORD)
    assert person.role == "buyer" and person.organisation_id is not None
    with pytest.raises(Conflict):
        accounts.accept_invitation(uow(), secret, name="Bea", password=PASSWORD)
    _, late = accounts.invite(uow(), OPERATOR, role="auditor", email="a@metro.fr",
                              organisation="metro")
    clock.advance(days=accounts.INVITATION_DAYS, seconds=1)
    with pytest.raises(Conflict, match="expiré"):
        accounts.read_invitation(uow(), late)
    with pytest.raises(NotFound):
        accounts.read_invitation(uow(), "inv_inconnue")


@pytest.mark.parametrize(("options", "field"), [
    ({"role": "buyer"}, "organisation"),
    ({"role": "supplier", "siret": "123"}, "siret"),
    ({"role": "admin", "siret": SIRET_A}, "siret"),
    ({"role": "chef"}, "role"),
])
def test_an_invitation_names_what_is_missing(uow, options, field):
    with pytest.raises(Invalid) as refused:
        accounts.invite(uow(), OPERATOR, email="x@y.fr", **options)
    assert field in refused.value.errors


def test_sign_in_tells_no_one_which_addresses_exist(browser, people):
    unknown = browser.post("/connexion", {"email": "personne@nulle.part", "password": PASSWORD},
                           form_page="/connexion")
    wrong = browser.post("/connexion", {"email": people["buyer"].email, "password": "faux"},
                         form_page="/connexion")
    assert unknown.status_code == wrong.status_code == 401
    message = "Adresse électronique ou mot de passe incorrect."
    assert message in text(unknown) and message in text(wrong)
    assert 'value="personne@nulle.part"' in unknown.get_data(as_text=True)


def test_a_disabled_person_can_sign_in_no_more_nor_use_their_tokens(uow, people, signed_in):
    buyer = signed_in("buyer")
    me = accounts.check_credentials(uow(), people["buyer"].email, PASSWORD)
    principal = tokens.person_principal(me)
    _, secret = tokens.create_personal_token(uow(), principal, "tableur")
    assert tokens.authenticate(uow(), secret).person_id == me.id
    admin = tokens.person_principal(accounts.check_credentials(uow(), people["admin"].email,
                                                               PASSWORD))
    accounts.set_disabled(uow(), admin, me.id, True)
    with pytest.raises(Unauthorized, match="désactivé"):
        accounts.check_credentials(uow(), people["buyer"].email, PASSWORD)
    with pytest.raises(Unauthorized, match="désactivé"):
        tokens.authenticate(uow(), secret)
    assert buyer.get("/acheteur").status_code == 302  # the open session is closed too
    with pytest.raises(Conflict):
        accounts.set_disabled(uow(), admin, admin.person_id, True)


def test_a_personal_token_acts_as_its_person_on_the_api(client, people, signed_in, uow):
    buyer = signed_in("buyer")
    created = buyer.post("/compte/jetons", {"name": "Tableur des achats"}, form_page="/compte")
    assert created.status_code == 201
    secret = next(w for w in text(created).split() if w.startswith("spar_"))
    headers = {"Authorization": f"Bearer {secret}"}
    client.post("/api/v1/criteria-sets", data=CRITERIA_YAML, content_type="application/yaml",
                headers=headers)
    with uow() as u:
        entry = u.session.execute(select(AuditEntry).where(
            AuditEntry.action == "criteria_set.upload")).scalar_one()
    assert entry.role == "buyer" and entry.token_id is not None
    assert entry.details["person"] == {"id": people["buyer"].id,
                                       "email": people["buyer"].email}
    page = text(buyer.get("/compte"))
    assert "Tableur des achats" in page and secret not in page  # shown once only
    token_id = tokens.page_of_tokens(uow(), person_id=people["buyer"].id).items[0]["id"]
    assert signed_in("other_buyer").post(f"/compte/jetons/{token_id}/revoquer",
                                         form_page="/compte").status_code == 404
    buyer.post(f"/compte/jetons/{token_id}/revoquer", form_page="/compte")
    assert client.get("/api/v1/indicators?year=2026", headers=headers).status_code == 401


def test_the_audit_log_names_the_person_acting_in_a_browser(signed_in, people, uow):
    buyer = signed_in("buyer")
    buyer.post("/acheteur/criteres", {"text": CRITERIA_YAML}, form_page="/acheteur/criteres")
    with uow() as u:
        entry = u.session.execute(select(AuditEntry).where(
            AuditEntry.action == "criteria_set.upload")).scalar_one()
        opened = u.session.execute(select(AuditEntry).where(
            AuditEntry.action == "session.open")).scalars().all()
    assert entry.token_id is None and entry.role == "buyer"
    assert entry.details["person"]["email"] == email_of("buyer")
    assert len(opened) == 1


def test_changing_ones_password_closes_the_other_sessions(app, people, signed_in):
    here, elsewhere = signed_in("supplier"), signed_in("supplier")
    refused = here.post("/compte/mot-de-passe", {"current": "faux", "password": "x",
                                                 "password_confirmation": "y"},
                        form_page="/compte")
    assert refused.status_code == 422
    assert "Mot de passe actuel incorrect." in text(refused)
    new = "un tout autre mot de passe"
    changed = here.post("/compte/mot-de-passe", {"current": PASSWORD, "password": new,
                                                 "password_confirmation": new},
                        form_page="/compte")
    assert changed.status_code == 302
    assert here.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302
    elsewhere.sign_in(people["supplier"].email, new)
