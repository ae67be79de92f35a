"""Who may call what: every endpoint of SPEC §6, asked by every kind of caller.

The world (tests/api/world.py) is built once for the module through the API. A refused
call (any 4xx) must leave every table exactly as it was, audit log included; every
answer, allowed or not, must be what /openapi.json declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import pytest
import yaml

from .conftest import CRITERIA_YAML, SIRET_A, SIRET_B
from .contract import Contract
from .portal import item_body, profile_body
from .portal_world import build_portal, fresh_item, portal_names
from .world import CRITERIA_SET, World, build

#: Every kind of caller. ``supplier`` has offers in the closed consultation and loses
#: its lot; ``supplier_c`` never submitted anything there.
CALLERS = ("anonymous", "admin", "buyer", "auditor", "supplier", "supplier_c", "other_buyer",
           "other_auditor")


def only(refused: int = 403, **allowed: int) -> dict[str, int]:
    """Anonymous callers 401, the named callers their status, everyone else ``refused``."""
    out = {who: refused for who in CALLERS}
    out["anonymous"] = 401
    out.update(allowed)
    return out


def everyone(status: int = 200) -> dict[str, int]:
    return {who: status for who in CALLERS}


@dataclass(frozen=True)
class Endpoint:
    method: str
    #: ``{closed}``, ``{open}``, ``{draft}``, ``{offer}``, ``{open_offer}`` name the
    #: world's things; ``{fresh_draft}`` and ``{fresh_token}`` make a new one per call.
    path: str
    expected: dict[str, int]
    #: world → keyword arguments of the request (body, content type, headers).
    body: Callable[[World], dict] = field(default=lambda world: {})
    label: str = ""


def new_criteria_yaml(world: World) -> dict:
    text = CRITERIA_YAML.replace("\nversion: 1\n", f"\nversion: {world.unique() + 1}\n")
    return {"data": text, "content_type": "application/yaml"}


def new_criteria_json(world: World) -> dict:
    document = yaml.safe_load(CRITERIA_YAML)
    document["version"] = world.unique() + 1
    return {"json": document}


def new_consultation(world: World) -> dict:
    deadline = world.clock.now() + timedelta(days=60)
    return {"json": {"reference": f"2026-NOUV-{world.unique():04d}", "title": "Nouvelle",
                     "criteria_set": CRITERIA_SET, "criteria_version": 1,
                     "deadline": deadline.isoformat(),
                     "lots": [{"id": "1", "title": "Lot unique"}]}}


def new_offer(world: World) -> dict:
    return {"headers": {"Idempotency-Key": f"cle-{world.unique()}"},
            "json": {"lot": "1", "answers": {"price_eur": 11500, "co2e_kg": 2.5,
                                             "labels": ["EU Ecolabel"]},
                     "evidence": {"labels": ["EU Ecolabel"]}}}


def same_mark(world: World) -> dict:  # the mark the world gave: the ranking stays put
    return {"json": {"mark": 2, "justification": "Mémoire technique complet."}}


def decision(world: World) -> dict:
    return {"json": {"decision": "cleared", "comment": "Prix justifié par le devis détaillé."}}


def self_assessment(world: World) -> dict:
    return {"json": {"criteria_set": CRITERIA_SET, "version": 1,
                     "answers": {"price_eur": 10000, "co2e_kg": 1.5, "labels": ["FSC"],
                                 "technical_mark": 3},
                     "assumptions": {"price_eur": 9000}}}


def new_organisation(world: World) -> dict:
    return {"json": {"slug": f"commune-{world.unique()}", "name": "Commune nouvelle"}}


def new_token(world: World) -> dict:
    return {"json": {"role": "auditor", "organisation": "metro", "name": "contrôle interne"}}


def export_job(world: World) -> dict:
    return {"json": {"format": "csv"}}


def training(world: World) -> dict:
    return {"json": {"budget": 0.1}}


CONSULTATION_READERS = dict(buyer=200, auditor=200, other_buyer=404, other_auditor=404)
CLOSED = "/api/v1/consultations/{closed}"
OPEN = "/api/v1/consultations/{open}"

ENDPOINTS = [
    Endpoint("GET", "/api/v1/healthz", everyone()),
    Endpoint("GET", "/api/v1/readyz", everyone()),
    Endpoint("GET", "/api/v1/criteria-sets", everyone()),
    Endpoint("GET", f"/api/v1/criteria-sets/{CRITERIA_SET}/versions/1", everyone()),
    Endpoint("POST", "/api/v1/criteria-sets", only(buyer=201, other_buyer=201, admin=201),
             new_criteria_yaml, "yaml"),
    Endpoint("POST", "/api/v1/criteria-sets", only(buyer=201, other_buyer=201, admin=201),
             new_criteria_json, "json"),
    Endpoint("POST", "/api/v1/consultations", only(buyer=201, other_buyer=201),
             new_consultation),
    Endpoint("GET", "/api/v1/consultations", everyone()),
    Endpoint("GET", "/api/v1/consultations?state=draft&per_page=100", everyone(),
             label="drafts"),
    Endpoint("GET", "/api/v1/consultations?state=lost", everyone(422), label="bad state"),
    Endpoint("GET", CLOSED, only(**CONSULTATION_READERS, supplier=200, supplier_c=200)),
    Endpoint("GET", "/api/v1/consultations/{draft}",
             only(**CONSULTATION_READERS, supplier=404, supplier_c=404)),
    Endpoint("POST", "/api/v1/consultations/{fresh_draft}/publish",
             only(buyer=200, other_buyer=404)),
    Endpoint("POST", "/api/v1/consultations/{closed}/publish", only(buyer=409, other_buyer=404)),
    Endpoint("POST", OPEN + "/offers", only(supplier=201, supplier_c=201), new_offer),
    Endpoint("POST", CLOSED + "/offers", only(supplier=409, supplier_c=409), new_offer,
             "late"),
    Endpoint("POST", "/api/v1/consultations/{draft}/offers", only(supplier=404, supplier_c=404),
             new_offer, "draft"),
    Endpoint("GET", OPEN + "/offers",
             only(buyer=403, auditor=403, other_buyer=404, other_auditor=404, supplier=200,
                  supplier_c=200), label="sealed"),
    Endpoint("GET", CLOSED + "/offers",
             only(**CONSULTATION_READERS, supplier=200, supplier_c=200)),
    Endpoint("GET", "/api/v1/offers/{offer}/receipt",
             only(**CONSULTATION_READERS, supplier=200, supplier_c=404)),
    Endpoint("GET", "/api/v1/offers/{open_offer}/receipt",
             only(buyer=403, auditor=403, other_buyer=404, other_auditor=404, supplier=200,
                  supplier_c=404), label="sealed"),
    Endpoint("PUT", "/api/v1/offers/{offer}/marks/technical", only(buyer=200, other_buyer=404),
             same_mark),
    Endpoint("PUT", "/api/v1/offers/{open_offer}/marks/technical",
             only(buyer=409, other_buyer=404), same_mark, "sealed"),
    Endpoint("POST", CLOSED + "/lots/1/scoring", only(buyer=201, other_buyer=404)),
    Endpoint("POST", OPEN + "/lots/1/scoring", only(buyer=409, other_buyer=404),
             label="sealed"),
    Endpoint("GET", CLOSED + "/lots/1/ranking",
             only(**CONSULTATION_READERS, supplier=200, supplier_c=404)),
    Endpoint("GET", CLOSED + "/lots/1/sensitivity", only(**CONSULTATION_READERS)),
    Endpoint("GET", CLOSED + "/lots/1/review-queue", only(**CONSULTATION_READERS)),
    Endpoint("GET", OPEN + "/lots/1/review-queue",
             only(buyer=404, auditor=404, other_buyer=404, other_auditor=404),
             label="not scored"),
    Endpoint("GET", CLOSED + "/rescore", only(**CONSULTATION_READERS)),
    Endpoint("GET", "/api/v1/offers/{offer}/review", only(buyer=200, other_buyer=404)),
    Endpoint("POST", "/api/v1/offers/{offer}/review", only(buyer=201, other_buyer=404),
             decision),
    *[Endpoint("GET", CLOSED + f"/export?format={fmt}", only(**CONSULTATION_READERS))
      for fmt in ("csv", "xlsx", "pdf", "json", "ocds")],
    *[Endpoint("GET", CLOSED + f"/export?format={fmt}&supplier={SIRET_A}",
               only(**CONSULTATION_READERS, supplier=200, supplier_c=404))
      for fmt in ("letter", "letter-json")],
    Endpoint("GET", OPEN + "/export?format=csv",
             only(buyer=409, auditor=409, other_buyer=404, other_auditor=404), label="sealed"),
    Endpoint("POST", "/api/v1/self-assessment", everyone(), self_assessment),
    Endpoint("GET", "/api/v1/audit-log", only(auditor=200, other_auditor=200, admin=200)),
    Endpoint("GET", "/api/v1/audit-log?verify=true",
             only(auditor=200, other_auditor=200, admin=200), label="verify"),
    Endpoint("GET", "/api/v1/audit-log/checkpoint",
             only(auditor=200, other_auditor=200, admin=200)),
    Endpoint("GET", "/api/v1/indicators?year=2026",
             only(buyer=200, auditor=200, other_buyer=200, other_auditor=200)),
    Endpoint("POST", "/api/v1/organisations", only(admin=201), new_organisation),
    Endpoint("POST", "/api/v1/tokens", only(admin=201), new_token),
    Endpoint("DELETE", "/api/v1/tokens/{fresh_token}", only(admin=200)),
    Endpoint("POST", CLOSED + "/exports",
             only(buyer=202, auditor=202, other_buyer=404, other_auditor=404), export_job),
    Endpoint("POST", OPEN + "/exports",
             only(buyer=409, auditor=409, other_buyer=404, other_auditor=404), export_job,
             "sealed"),
    Endpoint("POST", "/api/v1/review-model/trainings", only(admin=202), training),
    Endpoint("GET", "/api/v1/jobs/{job}", only(404, buyer=200)),
    Endpoint("GET", "/api/v1/jobs/{export_job}/result", only(404, auditor=200)),
]

# --- the SME portal (SPEC §8) -----------------------------------------------------------
# ``supplier`` has a visible profile and follows {followed_item}; ``supplier_c`` has no
# profile (its GET rows come before its PUT, which creates one). Private profiles, the
# self-assessment and sealed offers never reaching a buyer are checked below the matrix.

PROGRAMME = "/api/v1/programme"
ITEM = PROGRAMME + "/{item}"
ITEM_READERS = dict(buyer=200, auditor=200, other_buyer=403, other_auditor=403)


def new_item(world: World) -> dict:
    return {"json": item_body(title=f"Achat prévu {world.unique()}")}


def interest(world: World) -> dict:
    return {"json": {"message": "Nous suivrons cette consultation."}}


def own_profile(world: World) -> dict:  # ``supplier``'s profile as the world saved it
    return {"json": profile_body()}


PORTAL_ENDPOINTS = [
    Endpoint("GET", PROGRAMME, everyone()),
    Endpoint("GET", ITEM, everyone()),
    Endpoint("POST", PROGRAMME, only(buyer=201, other_buyer=201), new_item),
    Endpoint("PUT", PROGRAMME + "/{fresh_item}", only(buyer=200, other_buyer=403), new_item),
    Endpoint("DELETE", PROGRAMME + "/{fresh_item}", only(buyer=200, other_buyer=403)),
    Endpoint("GET", ITEM + "/interest", only(**ITEM_READERS)),
    Endpoint("POST", ITEM + "/interest", only(supplier=201, supplier_c=201), interest),
    Endpoint("DELETE", PROGRAMME + "/{followed_item}/interest",
             only(supplier=200, supplier_c=404)),
    Endpoint("GET", ITEM + "/matches", only(**ITEM_READERS)),
    Endpoint("GET", "/api/v1/suppliers", only(buyer=200, other_buyer=200)),
    Endpoint("GET", "/api/v1/suppliers/me", only(supplier=200, supplier_c=404)),
    Endpoint("GET", "/api/v1/suppliers/me/matches", only(supplier=200, supplier_c=404)),
    Endpoint("GET", "/api/v1/suppliers/me/history", only(supplier=200, supplier_c=404)),
    Endpoint("GET", "/api/v1/suppliers/me/notices", only(supplier=200, supplier_c=200)),
    Endpoint("GET", "/api/v1/suppliers/me/sirene", only(supplier=200, supplier_c=200)),
    Endpoint("PUT", "/api/v1/suppliers/me", only(supplier=200, supplier_c=201), own_profile),
]
ENDPOINTS += PORTAL_ENDPOINTS

CASES = [pytest.param(endpoint, who, id=f"{endpoint.method} {endpoint.path}"
                      f"{' (' + endpoint.label + ')' if endpoint.label else ''} as {who}")
         for endpoint in ENDPOINTS for who in CALLERS]


class Names(dict):
    """What a path template names, made on demand for the ``fresh_`` things."""

    def __init__(self, world: World):
        super().__init__(closed=world.closed, open=world.open, draft=world.draft,
                         offer=world.offer, open_offer=world.open_offer, job=world.job,
                         export_job=world.export_job, **portal_names(world))
        self.world = world

    def __missing__(self, key):
        if key == "fresh_draft":
            return self.world.consultation(publish=False)
        if key == "fresh_token":
            return self.world.token()
        if key == "fresh_item":
            return fresh_item(self.world)
        raise KeyError(key)


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = build(database_url, str(tmp_path_factory.mktemp("instance")))
    build_portal(world)
    yield world
    world.close()


@pytest.fixture(scope="module")
def contract(world):
    return Contract(world.app)


@pytest.mark.parametrize(("endpoint", "who"), CASES)
def test_access(world, contract, endpoint, who):
    expected = endpoint.expected[who]
    path = endpoint.path.format_map(Names(world))
    kwargs = endpoint.body(world)
    before = world.snapshot() if expected >= 400 else None
    response = world.call(endpoint.method, path, who, **kwargs)
    assert response.status_code == expected, (endpoint.method, path, who,
                                              response.get_json(silent=True))
    if before is not None:
        assert world.snapshot() == before, "un appel refusé a modifié la base"
        body = response.get_json()
        assert body["code"] == expected and body["status"] and body["message"], body
        assert isinstance(body["errors"], dict), body
        if expected == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    contract.check(endpoint.method, path, response)


def test_the_matrix_covers_every_route_of_the_api(world):
    routes = {(method, rule.rule) for rule in world.app.url_map.iter_rules()
              if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    adapter = world.app.url_map.bind("localhost")
    covered = set()
    for endpoint in ENDPOINTS:
        path = endpoint.path.format_map(Names(world)).split("?")[0]
        rule, _ = adapter.match(path, method=endpoint.method, return_rule=True)
        covered.add((endpoint.method, rule.rule))
        assert set(endpoint.expected) == set(CALLERS), endpoint
    assert routes - covered == set()


def test_an_auditor_is_refused_every_write():
    writes = [e for e in ENDPOINTS if e.method not in ("GET", "HEAD")]
    open_to_all = {"/api/v1/self-assessment"}
    # asking for an export in the background reads the records; the job is the caller's
    reads_by_post = {CLOSED + "/exports", OPEN + "/exports"}
    for endpoint in writes:
        if endpoint.path not in open_to_all | reads_by_post:
            assert endpoint.expected["auditor"] == 403, endpoint
            assert endpoint.expected["other_auditor"] == 403, endpoint


# --- what each caller sees, beyond the status ---------------------------------------


def items(world, path: str, who: str) -> list[dict]:
    """Every item of a paginated list, page after page (SPEC §6.1)."""
    out, page = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        body = world.call("GET", f"{path}{separator}page={page}&per_page=100", who,
                          200).get_json()
        assert set(body) >= {"items", "page", "per_page", "total"}, body
        assert body["page"] == page and body["per_page"] == 100
        out.extend(body["items"])
        if page * 100 >= body["total"]:
            assert len(out) == body["total"]
            return out
        page += 1


def test_a_supplier_lists_only_its_own_offers(world):
    mine = items(world, f"/api/v1/consultations/{world.closed}/offers", "supplier")
    assert {o["supplier"]["siret"] for o in mine} == {SIRET_A}
    assert world.offer in {o["id"] for o in mine}
    assert items(world, f"/api/v1/consultations/{world.closed}/offers", "supplier_c") == []


@pytest.mark.parametrize("who", CALLERS)
def test_the_consultation_list_shows_drafts_only_to_their_organisation(world, who):
    seen = {c["reference"]: c for c in items(world, "/api/v1/consultations", who)}
    organisation = {"buyer": "metro", "auditor": "metro", "other_buyer": "autre",
                    "other_auditor": "autre"}.get(who)
    assert {world.closed, world.open} <= set(seen)
    assert (world.draft in seen) == (organisation == "metro")
    assert (world.other_draft in seen) == (organisation == "autre")
    for reference, notice in seen.items():
        if notice["state"] == "draft":
            assert notice["buyer"]["slug"] == organisation, (who, reference)
    assert seen[world.closed]["state"] == "scored" and seen[world.open]["state"] == "open"
    assert all("offers" not in lot for lot in seen[world.closed]["lots"])


def test_a_losing_supplier_sees_its_lines_and_the_winners_only(world):
    seen = world.call("GET", f"/api/v1/consultations/{world.closed}/lots/1/ranking",
                      "supplier", 200).get_json()
    assert [o["id"] for o in seen["offers"]] == [world.offer, world.winner_offer]
    winner = seen["offers"][1]
    assert "review" not in winner and set(winner["supplier"]) == {"name"}
    assert seen["warnings"] == []


def test_a_candidates_letter_is_its_own_whatever_it_asks(world):
    letter = world.call("GET", f"/api/v1/consultations/{world.closed}/export"
                        f"?format=letter-json&supplier={SIRET_B}", "supplier", 200).get_json()
    assert letter["supplier"]["siret"] == SIRET_A


def test_an_auditor_reads_only_its_organisations_audit_entries(world):
    def consultations(who):
        return {e["consultation"] for e in items(world, "/api/v1/audit-log", who)}

    metro = consultations("auditor")
    autre = consultations("other_auditor")
    assert world.closed in metro and "2026-AUTRE-001" not in metro
    assert "2026-AUTRE-001" in autre and world.closed not in autre
    assert consultations("admin") >= metro | autre


def test_offers_are_unsealed_for_the_buyer_with_their_marks(world):
    offers = items(world, f"/api/v1/consultations/{world.closed}/offers", "buyer")
    marks = {o["id"]: o["marks"]["technical"]["mark"] for o in offers}
    assert marks == {world.offer: 2, world.winner_offer: 4}


def test_a_revoked_token_is_refused(world):
    token = world.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "buyer", "organisation": "metro"}).get_json()
    world.headers["revoked"] = {"Authorization": f"Bearer {token['secret']}"}
    world.call("GET", "/api/v1/indicators?year=2026", "revoked", 200)
    world.call("DELETE", f"/api/v1/tokens/{token['id']}", "admin", 200)
    body = world.call("GET", "/api/v1/indicators?year=2026", "revoked", 401).get_json()
    assert "révoqué" in body["message"]


# --- the SME portal: what never reaches a buyer ------------------------------------------

BUYER_VIEWS = ("/api/v1/suppliers", "/api/v1/suppliers?category=supplies",
               "/api/v1/suppliers?label=EU%20Ecolabel", "/api/v1/suppliers?skill=papeterie",
               "/api/v1/programme/{item}/matches", "/api/v1/programme/{followed_item}/matches",
               "/api/v1/programme/{item}/interest", "/api/v1/programme/{followed_item}/interest",
               "/api/v1/indicators?year=2026", "/api/v1/programme", "/api/v1/programme/{item}")


def buyers_see(world) -> str:
    """Everything the buyers and auditors of both organisations read in the portal."""
    seen = []
    for path in BUYER_VIEWS:
        for who in ("buyer", "auditor", "other_buyer"):
            response = world.call("GET", path.format_map(Names(world)), who)
            seen.append(response.get_data(as_text=True))
    return "\n".join(seen)


def test_a_private_profile_never_reaches_a_buyer(world):
    # supplier_b's profile is private; it even follows an item, with a name of its own
    world.call("POST", f"/api/v1/programme/{world.item}/interest", "supplier_b", None,
               json={"message": "Discret", "name": "Entreprise B"})
    seen = buyers_see(world)
    assert "Secret SARL" not in seen and SIRET_B in seen  # its interest, not its profile
    interest = world.call("GET", f"/api/v1/programme/{world.item}/interest", "buyer",
                          200).get_json()
    mine = [i for i in interest["items"] if i["siret"] == SIRET_B]
    assert mine and mine[0]["profile"] is None
    # the firm itself sees its private profile and its matches
    assert world.call("GET", "/api/v1/suppliers/me", "supplier_b", 200).get_json()["name"] == \
        "Secret SARL"
    assert world.call("GET", "/api/v1/suppliers/me/matches", "supplier_b", 200).get_json()[
        "total"] >= 1


def test_a_self_assessment_never_reaches_a_buyer(world):
    before = world.snapshot()
    world.call("POST", "/api/v1/self-assessment", "supplier", 200, json={
        "criteria_set": CRITERIA_SET, "version": 1,
        "answers": {"price_eur": 7777.77, "co2e_kg": 0.777, "labels": ["FSC"]}})
    assert world.snapshot() == before  # nothing stored, nothing to leak
    seen = buyers_see(world)
    assert "7777.77" not in seen and "0.777" not in seen


def test_a_sealed_offer_never_reaches_a_buyer_through_the_portal(world):
    # the open consultation's offer (11000 €) is sealed: not even counted in the indicators
    figures = world.call("GET", "/api/v1/indicators?year=2026", "buyer", 200).get_json()
    assert figures["sme"]["offers"]["total"] == 2  # the closed consultation's two offers
    assert "11000" not in buyers_see(world)
