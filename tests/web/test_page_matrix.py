"""Who may open which page: every page (and every form's target) asked by every kind of
person. Allowed, or sent to sign in, or refused with a 403 page — and a refused page
shows nothing of what it would have shown, and a refused form writes nothing.

The world is built once for the module: a criteria set, an open consultation and a
draft of "metro", a pending invitation, people of every role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from spar import create_app
from spar.db.models import Base
from spar.services import accounts, consultations, criteria_sets, jobs, marks, offers
from spar.services import profiles, programme, scorings, tokens
from spar.services.clock import FixedClock
from spar.services.principal import OPERATOR
from spar.services.unit_of_work import UnitOfWork
from tests.api.world import clear

from .conftest import CRITERIA_YAML, PASSWORD, PEOPLE, T0, Browser, email_of

WHO = ("anonymous", *PEOPLE)
SIGN_IN = "sign in"  # a redirect to the sign-in page, coming back here after
ELSEWHERE = "redirect"  # a redirect somewhere else (a signed-in person on the sign-in page)
SET = "fournitures-test"
OPEN, DRAFT = "2026-OUVERT-1", "2026-BROUILLON-1"
#: Past its deadline with two offers, marked and scored: the evaluation pages' consultation.
SCORED = "2026-NOTE-1"
EVALUATION = f"/evaluation/{SCORED}"
EVAL_LOT = f"{EVALUATION}/lots/1"
SIGNED_IN = ("admin", "buyer", "auditor", "other_buyer", "other_auditor", "supplier",
             "supplier_b")


def only(refused="forbidden", **allowed) -> dict[str, object]:
    """Anonymous people sent to sign in, the named people their answer, others 403."""
    out = {who: 403 for who in WHO}
    out["anonymous"] = SIGN_IN
    out.update(allowed)
    return out


def everyone(answer=200) -> dict[str, object]:
    return {who: answer for who in WHO}


@dataclass(frozen=True)
class Page:
    path: str
    expected: dict[str, object]
    #: Text shown only to those allowed: a refusal must not contain it.
    marker: str = ""
    method: str = "GET"
    data: dict = field(default_factory=dict)
    label: str = ""
    #: The page changes the browser (language, sign-out): use a browser of its own.
    fresh: bool = False


ORG_READERS = dict(buyer=200, auditor=200)
INTEREST_MESSAGE = "Intéressés, message de la matrice"
VISIBLE_FIRM, PRIVATE_FIRM = "Alpha visible SARL", "Bêta secrète SARL"
PAGES = [
    Page("/", everyone(), "Consultations ouvertes"),
    Page("/consultations", everyone(), "Consultation ouverte"),
    Page(f"/consultations?state=draft", everyone(), label="drafts"),
    Page(f"/consultations/{OPEN}", everyone(), "Critères de notation"),
    Page(f"/consultations/{DRAFT}", {**everyone(404), **ORG_READERS}, "Brouillon de test"),
    Page(f"/criteres/{SET}/1.yaml", everyone(), "Fournitures (test)"),
    Page("/criteres/inconnu/1.yaml", everyone(404)),
    Page("/auto-evaluation", everyone(), "Sur un jeu de critères publié"),
    Page(f"/auto-evaluation/{SET}/1", everyone(), "Évaluer mon offre"),
    Page(f"/auto-evaluation/{SET}/1?consultation={DRAFT}", {**everyone(404), **ORG_READERS},
         "Brouillon de test", label="draft"),
    Page("/connexion", {**everyone(ELSEWHERE), "anonymous": 200}, "Pas encore de compte"),
    Page("/inscription", everyone(), "Créer le compte de mon entreprise"),
    Page("/invitation/{invitation}", everyone(), "invite-moi@exemple.fr"),
    Page("/invitation/inv_inconnue", everyone(404)),
    Page("/docs", everyone(), "swagger-ui"),
    Page("/langue/en?next=/", everyone(ELSEWHERE), fresh=True),
    Page("/compte", only(**{who: 200 for who in SIGNED_IN}), "Jetons d'accès à l'API"),
    Page("/acheteur", only(buyer=200, other_buyer=200), "Mon bureau d'acheteur</h1>"),
    Page("/acheteur/consultations/nouvelle", only(buyer=200, other_buyer=200),
         "Enregistrer le brouillon"),
    Page("/acheteur/criteres", only(buyer=200, other_buyer=200),
         "Vérifier et publier le jeu de critères"),
    # exports (OPEN is past its deadline and scored): the organisation's readers every
    # format, a company its own letter only, and only when it sent an offer
    Page(f"/consultations/{OPEN}/exports/csv",
         only(buyer=200, auditor=200, other_buyer=404, other_auditor=404, supplier=403, supplier_b=403),
         "justification de l'acheteur"),
    Page(f"/consultations/{OPEN}/exports/letter",
         only(buyer=422, auditor=422, other_buyer=404, other_auditor=404, supplier=200, supplier_b=404),
         "%PDF", label="the supplier's"),
    # a company's offers: the supplier's own offer of OPEN, now closed and scored; the
    # other company must learn nothing of it
    Page(f"/consultations/{OPEN}/offre", only(supplier=409, supplier_b=409),
         "ne reçoit plus d'offres", label="after the deadline"),
    Page("/mes-offres", only(supplier=200, supplier_b=200), "Mes offres</h1>"),
    Page("/mes-offres/{offer}", only(supplier=200, supplier_b=404), "Accusé de réception"),
    Page("/mes-offres/{offer}/accuse-de-reception.json", only(supplier=200, supplier_b=404),
         "content_sha256"),
    Page(f"/mes-resultats/{OPEN}", only(supplier=200, supplier_b=404), "Votre offre o-"),
    Page(f"/mes-resultats/{OPEN}/lettre.pdf", only(supplier=200, supplier_b=404), "%PDF"),
    Page(f"/mes-resultats/{DRAFT}", only(supplier=404, supplier_b=404), label="draft"),
    Page("/controle", only(auditor=200, other_auditor=200), "Mon bureau de contrôle</h1>"),
    Page("/controle?state=closed&page=2", only(auditor=200, other_auditor=200),
         label="state, page"),
    Page(f"/controle/consultations/{OPEN}", only(auditor=200, other_auditor=404),
         "Consultation ouverte"),
    Page(f"/controle/consultations/{DRAFT}", only(auditor=200, other_auditor=404),
         "Brouillon de test", label="draft"),
    Page("/controle/journal", only(auditor=200, other_auditor=200, admin=200),
         "Vérifier le journal"),
    Page("/controle/journal/point-de-controle", only(auditor=200, other_auditor=200,
                                                     admin=200), '"signature"'),
    Page("/administration", only(admin=200), "Créer l'organisation"),
    Page("/administration/personnes", only(admin=200), email_of("supplier_b")),
    Page("/administration/invitations", only(admin=200), "invite-moi@exemple.fr"),
    Page("/administration/jetons", only(admin=200), "Créer le jeton"),
    # the evaluation of a consultation past its deadline (its organisation's buyers and
    # auditors; another organisation's buyer is told it does not exist)
    Page(EVALUATION, only(buyer=200, auditor=200, other_buyer=404, other_auditor=404), "Évaluation : Notée"),
    Page(f"/evaluation/{OPEN}", only(buyer=200, auditor=200, other_buyer=404, other_auditor=404),
         "Les lots de la consultation", label="no offers"),
    Page(EVAL_LOT, only(buyer=200, auditor=200, other_buyer=404, other_auditor=404), "Offres du lot 1"),
    Page(f"{EVAL_LOT}/offres/{{scored_offer}}", only(buyer=200, auditor=200, other_buyer=404, other_auditor=404),
         "Réponses de l'entreprise"),
    Page(f"{EVAL_LOT}/classement", only(buyer=200, auditor=200, other_buyer=404, other_auditor=404),
         "Classement</h1>"),
    Page(f"{EVAL_LOT}/revue", only(buyer=200, auditor=200, other_buyer=404, other_auditor=404),
         "Revue des offres du lot 1"),
    Page(f"{EVAL_LOT}/robustesse", only(buyer=200, auditor=200, other_buyer=404, other_auditor=404),
         "Poids effectifs et poids annoncés"),
    Page(f"{EVAL_LOT}/travaux/{{job}}", only(buyer=200, other_buyer=404),
         "Notation du lot 1"),
    # the forms' targets, with a valid CSRF token: refusals write nothing
    Page("/compte/jetons", only(**{who: 201 for who in SIGNED_IN}), method="POST",
         data={"name": "essai"}),
    Page("/compte/jetons/{token}/revoquer",
         only(**{**{who: 404 for who in SIGNED_IN}, "buyer": ELSEWHERE}), method="POST",
         label="the buyer's"),
    Page("/compte/mot-de-passe", only(**{who: 422 for who in SIGNED_IN}), method="POST",
         data={"current": "faux"}),
    Page("/compte/session", only(**{who: ELSEWHERE for who in SIGNED_IN}), method="POST"),
    Page("/deconnexion", everyone(ELSEWHERE), method="POST", fresh=True),
    Page("/connexion", everyone(401), method="POST", data={"email": "x@y.fr",
                                                           "password": "faux"}),
    Page("/inscription", everyone(422), method="POST", data={"siret": "1"}),
    Page(f"/auto-evaluation/{SET}/1", everyone(), "Score indicatif", method="POST",
         data={"answers.price_eur": "10 000", "answers.co2e_kg": "1,5"}),
    Page("/invitation/{invitation}", everyone(422), method="POST", data={"name": ""}),
    Page(f"/consultations/{OPEN}/offre", only(supplier=409, supplier_b=409), method="POST",
         data={"action": "confirm", "lot": "1", "idempotency_key": "k1",
               "answers.price_eur": "9 000"}, label="after the deadline"),
    Page("/acheteur/consultations/nouvelle", only(buyer=422, other_buyer=422), method="POST",
         data={"reference": ""}),
    Page(f"/acheteur/consultations/{DRAFT}/publier", only(buyer=ELSEWHERE,
                                                           other_buyer=404),
         method="POST", label="past deadline"),
    Page("/acheteur/criteres", only(buyer=422, other_buyer=422), method="POST",
         data={"text": "spar: 1\n"}),
    Page(f"{EVAL_LOT}/offres/{{scored_offer}}/note", only(buyer=422, other_buyer=404),
         method="POST", data={"criterion": "technical", "marks.technical.mark": "2",
                              "marks.technical.justification": ""}),
    Page(f"{EVAL_LOT}/revue/{{scored_offer}}", only(buyer=422, other_buyer=404), method="POST",
         data={"decisions.{scored_offer}.decision": "cleared",
               "decisions.{scored_offer}.comment": ""}),
    Page(f"/evaluation/{OPEN}/lots/1/notation", only(buyer=ELSEWHERE, other_buyer=404),
         method="POST", label="no offers"),
    # the auditor's checks read and compare; they write nothing
    Page(f"/controle/consultations/{OPEN}/reproductibilite",
         only(auditor=200, other_auditor=404), "Reproductibilité", method="POST"),
    Page("/controle/journal/verification", only(auditor=200, other_auditor=200, admin=200),
         "Le journal est intact", method="POST"),
    Page("/administration/organisations", only(admin=422), method="POST",
         data={"slug": "Pas Bon", "name": "x"}),
    Page("/administration/personnes/{person}/desactiver", only(admin=ELSEWHERE),
         method="POST", label="self"),
    Page("/administration/invitations", only(admin=422), method="POST",
         data={"email": "x", "role": "buyer"}),
    Page("/administration/invitations/999999/annuler", only(admin=404), method="POST"),
    Page("/administration/jetons", only(admin=422), method="POST", data={"role": "buyer"}),
    Page("/administration/jetons/999999/revoquer", only(admin=404), method="POST"),
    # the SME portal (SPEC §8): the programme, a firm's own pages, buyer sourcing
    Page("/programme", everyone(), "Papier recyclé du matrice"),
    Page("/programme/{item}", everyone(), "Papier recyclé du matrice"),
    Page("/programme/999999", everyone(404)),
    Page("/acheteur/programme", only(buyer=200, other_buyer=200),
         "Programme de mon organisation</h1>"),
    Page("/acheteur/programme/nouveau", only(buyer=200, other_buyer=200),
         "Publier dans le programme"),
    Page("/acheteur/programme/{item}", only(buyer=200, auditor=200), INTEREST_MESSAGE),
    Page("/acheteur/programme/{item}/modifier", only(buyer=200), "Enregistrer les modifications"),
    Page("/acheteur/programme/{item}/entreprises", only(buyer=200, auditor=200),
         VISIBLE_FIRM),
    Page("/acheteur/entreprises", only(buyer=200, other_buyer=200), VISIBLE_FIRM),
    Page("/entreprise", only(supplier=200, supplier_b=200), "Mes avis"),
    Page("/entreprise/profil", only(supplier=200, supplier_b=200), "Enregistrer mon profil"),
    Page("/entreprise/profil/historique", only(supplier=200, supplier_b=200),
         "Historique du profil</h1>"),
    Page("/entreprise/avis", only(supplier=200, supplier_b=200), "Mes avis</h1>"),
    Page("/entreprise/achats-correspondants", only(supplier=200, supplier_b=200),
         "Achats prévus qui me correspondent</h1>"),
    Page("/indicateurs?year=2027", only(buyer=200, auditor=200, other_buyer=200,
                                        other_auditor=200),
         "Part des PME</h2>"),
    Page("/indicateurs/2027.pdf", only(buyer=200, auditor=200, other_buyer=200,
                                       other_auditor=200), "%PDF"),
    Page("/programme/{item}/interet", only(supplier=422, supplier_b=422), method="POST",
         data={"message": "x", "contact_email": "pas une adresse"}),
    Page("/programme/{other_item}/interet/retirer", only(supplier=ELSEWHERE,
                                                         supplier_b=ELSEWHERE),
         method="POST", label="not interested"),
    Page("/acheteur/programme/nouveau", only(buyer=422, other_buyer=422), method="POST",
         data={"title": ""}),
    Page("/acheteur/programme/{item}/modifier", only(buyer=422), method="POST",
         data={"title": ""}),
    Page("/acheteur/programme/{cancelled_item}/annuler", only(buyer=ELSEWHERE), method="POST",
         label="already cancelled"),
    Page("/entreprise/profil", only(supplier=422, supplier_b=422), method="POST",
         data={"name": "", "departement": "999"}),
]

CASES = [pytest.param(page, who, id=f"{page.method} {page.path}"
                      f"{' (' + page.label + ')' if page.label else ''} as {who}")
         for page in PAGES for who in WHO]


class World:
    def __init__(self, database_url: str, instance: str):
        clear(database_url)
        self.clock = FixedClock(T0)
        self.app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance,
                               "CLOCK": self.clock, "TESTING": True,
                               "SELF_ASSESSMENT_LIMIT": 100_000, "SIGN_IN_LIMIT": 100_000})
        uow = lambda: UnitOfWork(self.app.extensions["spar.db"].sessions, self.clock,  # noqa
                                 self.app.config)
        self.ids = {}
        for name, (role, organisation, siret, company) in PEOPLE.items():
            if role == "supplier":
                person = accounts.register_company(
                    uow(), siret=siret, company_name=company, name=name, email=email_of(name),
                    password=PASSWORD)
            else:
                _, secret = accounts.invite(uow(), OPERATOR, role=role, email=email_of(name),
                                            organisation=organisation,
                                            create_organisation_if_missing=True)
                person = accounts.accept_invitation(uow(), secret, name=name,
                                                    password=PASSWORD)
            self.ids[name] = person.id
        buyer = tokens.person_principal(accounts.check_credentials(
            uow(), email_of("buyer"), PASSWORD))
        criteria_sets.upload(uow(), buyer, text=CRITERIA_YAML)
        for reference, title, publish in ((OPEN, "Consultation ouverte", True),
                                          (DRAFT, "Brouillon de test", False)):
            consultations.create(uow(), buyer, {
                "reference": reference, "title": title, "criteria_set": SET,
                "criteria_version": 1, "deadline": T0 + timedelta(days=1),
                "lots": [{"id": "1", "title": "Lot unique"}]})
            if publish:
                consultations.publish(uow(), buyer, reference)
        self._portal(uow, buyer)
        supplier = tokens.person_principal(accounts.check_credentials(
            uow(), email_of("supplier"), PASSWORD))
        receipt, _ = offers.submit(uow(), supplier, OPEN, {
            "lot": "1", "answers": {"price_eur": 10000, "co2e_kg": 1.5, "labels": ["FSC"]},
            "evidence": {"labels": ["FSC"]}})
        consultations.create(uow(), buyer, {
            "reference": SCORED, "title": "Notée", "criteria_set": SET, "criteria_version": 1,
            "deadline": T0 + timedelta(days=1), "lots": [{"id": "1", "title": "Papeterie"}]})
        consultations.publish(uow(), buyer, SCORED)
        offer_ids = []
        for name, price in (("supplier", 12000), ("supplier_b", 10000)):
            company = tokens.person_principal(accounts.check_credentials(
                uow(), email_of(name), PASSWORD))
            scored_receipt, _ = offers.submit(uow(), company, SCORED, {
                "lot": "1", "answers": {"price_eur": price, "co2e_kg": 2.0,
                                        "labels": ["EU Ecolabel"]},
                "evidence": {"labels": ["EU Ecolabel"]}})
            offer_ids.append(scored_receipt["offer"])
        self.clock.advance(days=2)  # the draft can no longer be published: nothing changes
        scorings.run(uow(), buyer, OPEN, "1")
        for offer_id, level in zip(offer_ids, (2, 4)):
            marks.put_mark(uow(), buyer, offer_id, "technical", level, "Mémoire lu.")
        scorings.run(uow(), buyer, SCORED, "1")
        job = jobs.create(uow(), buyer, "scoring", {"reference": SCORED, "lot": "1"}, 2)
        _, self.invitation = accounts.invite(uow(), OPERATOR, role="auditor",
                                             email="invite-moi@exemple.fr",
                                             organisation="metro")
        token, _ = tokens.create_personal_token(uow(), buyer, "jeton de l'acheteur")
        self.names = {"invitation": self.invitation, "token": token.id,
                      "person": self.ids["admin"], "offer": receipt["offer"],
                      "scored_offer": offer_ids[0], "job": job.id, **self.portal}
        self.browsers = {who: self.browser(who) for who in WHO}
        self.engine = self.app.extensions["spar.db"].engine

    def _portal(self, uow, buyer) -> None:
        """Two planned purchases and a cancelled one; ``supplier`` is interested in the
        first and has a visible profile, ``supplier_b`` a private one."""
        item = {"title": "Papier recyclé du matrice", "criteria_set": SET, "version": 1,
                "expected_publication": "2027-06", "estimate_min": 1000.0,
                "estimate_max": 2000.0}
        self.portal = {name: programme.create(uow(), buyer, {**item, "title": title})["id"]
                       for name, title in (("item", item["title"]),
                                           ("other_item", "Autre achat"),
                                           ("cancelled_item", "Achat annulé"))}
        programme.cancel(uow(), buyer, self.portal["cancelled_item"])
        firm = {"size": "small", "departement": "69", "categories": ["supplies"],
                "skills": ["papeterie"], "standing_answers": {"co2e_kg": 2}}
        for who, name, visibility in (("supplier", VISIBLE_FIRM, "visible"),
                                      ("supplier_b", PRIVATE_FIRM, "private")):
            principal = tokens.person_principal(accounts.check_credentials(
                uow(), email_of(who), PASSWORD))
            profiles.save_profile(uow(), principal, {**firm, "name": name,
                                                     "visibility": visibility})
            if who == "supplier":
                programme.express_interest(uow(), principal, self.portal["item"],
                                           {"message": INTEREST_MESSAGE})

    def browser(self, who: str) -> Browser:
        browser = Browser(self.app)
        if who != "anonymous":
            browser.sign_in(email_of(who))
        return browser

    def snapshot(self) -> dict[str, list[tuple]]:
        out = {}
        with self.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                if table.name in ("web_sessions",):  # activity times move on every request
                    continue
                rows = connection.execute(select(table).order_by(*table.primary_key.columns))
                out[table.name] = [tuple(row) for row in rows]
        return out


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    built = World(database_url, str(tmp_path_factory.mktemp("instance")))
    yield built
    built.engine.dispose()


def form_data(page: Page, world) -> dict:
    """The form's fields, named with the world's ids (``decisions.{scored_offer}``)."""
    return {key.format(**world.names): value for key, value in page.data.items()}


@pytest.mark.parametrize(("page", "who"), CASES)
def test_page_access(world, page, who):
    expected = page.expected[who]
    browser = world.browser(who) if page.fresh else world.browsers[who]
    path = page.path.format(**world.names)
    refused = expected in (403, 404, SIGN_IN)
    before = world.snapshot() if page.method == "POST" and refused else None
    if page.method == "GET":
        response = browser.get(path)
    else:
        response = browser.post(path, form_data(page, world))
    body = response.get_data().decode(errors="replace")  # a PDF is not UTF-8
    if expected == SIGN_IN:
        assert response.status_code == 302, (response.status_code, body[:500])
        assert response.headers["Location"].startswith("/connexion?next=")
    elif expected == ELSEWHERE:
        assert response.status_code == 302, (response.status_code, body[:500])
        assert not response.headers["Location"].startswith("/connexion")
    else:
        assert response.status_code == expected, (response.status_code, body[:3000])
    if refused:
        if page.marker:
            assert page.marker not in body, "une page refusée montre son contenu"
        if response.status_code in (403, 404):
            assert "Traceback" not in body and "<h1>" in body
    elif page.marker and response.status_code == 200:
        assert page.marker in body
    if before is not None:
        assert world.snapshot() == before, "un envoi refusé a modifié la base"


def test_every_form_needs_its_csrf_token(world):
    for page in PAGES:
        if page.method != "POST":
            continue
        browser = world.browsers["admin" if "administration" in page.path else "buyer"]
        path = page.path.format(**world.names)
        before = world.snapshot()
        response = browser.post(path, form_data(page, world), csrf=False)
        assert response.status_code == 400, (path, response.status_code)
        assert "Ce formulaire a expiré" in response.get_data(as_text=True)
        assert world.snapshot() == before, path


def test_the_matrix_covers_every_page(world):
    routes = {(method, rule.rule) for rule in world.app.url_map.iter_rules()
              # machine-readable routes, not pages: the API, its document, assets, metrics
              if not rule.rule.startswith(("/api/", "/openapi.json", "/assets/", "/static/",
                                           "/metrics"))
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    adapter = world.app.url_map.bind("localhost")
    covered = set()
    for page in PAGES:
        path = page.path.format(**world.names).split("?")[0]
        rule, _ = adapter.match(path, method=page.method, return_rule=True)
        covered.add((page.method, rule.rule))
        assert set(page.expected) == set(WHO), page
    assert routes - covered == set()


def test_an_auditor_is_refused_every_write_but_its_own_account(world):
    # its own account, and the self-assessment, which stores nothing
    own = ("/compte", "/deconnexion", "/connexion", "/inscription", "/invitation/",
           "/auto-evaluation/",
           # its checks: POST forms for long work, they change nothing (test_auditor_pages)
           "/controle/")
    for page in PAGES:
        if page.method == "POST" and not page.path.startswith(own):
            assert page.expected["auditor"] in (403, SIGN_IN), page.path


PORTAL_READS = [page for page in PAGES if page.method == "GET" and
                page.path.startswith(("/programme", "/acheteur/programme", "/acheteur/entreprises"))]


@pytest.mark.parametrize("who", WHO)
def test_a_private_profile_reaches_no_one_else(world, who):
    """The private profile's name is on no programme or sourcing page, whoever asks (its
    own firm sees it only on its own pages)."""
    for page in PORTAL_READS:
        body = world.browsers[who].get(page.path.format(**world.names)).get_data(as_text=True)
        assert PRIVATE_FIRM not in body, (page.path, who)
