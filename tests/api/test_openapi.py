"""The API keeps the contract it publishes at /openapi.json.

The document is valid OpenAPI 3.1 and documents every route; schemathesis then fuzzes
every operation in-process, as an anonymous caller, a buyer and a supplier, against a
small world (tests/api/world.py) whose references and offer ids it draws half of the
time, so that requests get past "not found" into the validation and the use cases.
No answer may be a 5xx, and each must be documented: status code, media type, body.
"""

from __future__ import annotations

import json
import re
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from spar import create_app

from .conftest import CRITERIA_YAML
from .world import CRITERIA_SET, build

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: Examples per operation and caller: the whole file stays around a minute on 2 cores.
EXAMPLES = 25
#: Stand-ins the world replaces with its offers' ids (unknown when the schema is loaded).
OFFER_ALIASES = ("offre-perdante", "offre-gagnante", "offre-scellee")


def _document() -> dict:
    """/openapi.json, read once at collection from an app that never opens its database."""
    app = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": tempfile.gettempdir(),
                      "TESTING": True})
    return app.test_client().get("/openapi.json").get_json()


def _config() -> SchemathesisConfig:
    known = {
        "references": ["2026-CLOS-001", "2026-OUVERT-001", "2026-BROUILLON-001",
                       "2026-AUTRE-001"],
        "offers": list(OFFER_ALIASES),
        "lots": ["1", "2"],
        "sets": [CRITERIA_SET],
        "criteria": ["technical", "env.co2", "price"],
    }
    parameters = {"reference": "references", "offer_id": "offers", "lot_id": "lots",
                  "set_id": "sets", "criterion": "criteria"}
    return SchemathesisConfig.from_dict({
        "seed": 20261201,
        "generation": {"max-examples": EXAMPLES},
        "dictionaries": {name: {"values": values} for name, values in known.items()},
        "parameters": {f"path.{name}": {"dictionary": dictionary, "probability": 0.5}
                       for name, dictionary in parameters.items()},
    })


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config())


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = build(database_url, str(tmp_path_factory.mktemp("instance")))
    world.aliases = dict(zip(OFFER_ALIASES,
                             (world.offer, world.winner_offer, world.open_offer)))
    yield world
    world.close()


@pytest.fixture(params=["anonymous", "buyer", "supplier"])
def caller(request, world) -> dict[str, str]:
    return world.headers[request.param]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented_and_none_is_a_server_error(case, world, caller):
    for name, value in (case.path_parameters or {}).items():
        case.path_parameters[name] = world.aliases.get(value, value)
    case.call_and_validate(app=world.app, headers=caller, checks=CHECKS)


def test_the_document_is_valid_openapi_3_1():
    assert DOCUMENT["openapi"] == "3.1.0"
    validate(DOCUMENT)


def test_every_route_of_the_api_is_documented_and_nothing_else(world):
    documented = {(method.upper(), path) for path, operations in DOCUMENT["paths"].items()
                  for method in operations if method != "parameters"}
    served = set()
    for rule in world.app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>:]+)>", r"{\1}", rule.rule)
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - documented == set(), "routes absentes de /openapi.json"
    assert documented - served == set(), "opérations documentées sans route"
    assert world.client.get("/openapi.json").get_json() == DOCUMENT


def test_every_secured_operation_says_so():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert {"bearerAuth": []} in operation.get("security", []), (method, path)


# --- what the fuzzing found: each answered 500 once --------------------------------

BIG = 2**70


def _criteria(old: str, new: str) -> dict:
    """The test criteria set, one line changed, as a YAML upload."""
    assert old in CRITERIA_YAML
    return {"data": CRITERIA_YAML.replace(old, new), "content_type": "application/yaml"}


def _consultation(**fields) -> dict:
    body = {"reference": "2026-LIMITE-001", "title": "Limites", "criteria_set": CRITERIA_SET,
            "criteria_version": 1, "deadline": "2027-06-01T12:00:00+02:00",
            "lots": [{"id": "1"}]}
    return {"json": {**body, **fields}}


def _assessment(**fields) -> dict:
    return {"json": {"criteria_set": CRITERIA_SET, "version": 1, "answers": {"price_eur": 1},
                     **fields}}


def _raw_json(text: str) -> dict:
    return {"data": text, "content_type": "application/json"}


EDGES = {
    "criteria version beyond int32": (
        "GET", f"/api/v1/criteria-sets/{CRITERIA_SET}/versions/{BIG}", "anonymous", {}, 404),
    "token id beyond int32": ("DELETE", f"/api/v1/tokens/{BIG}", "admin", {}, 404),
    "criteria_version beyond int32": (
        "POST", "/api/v1/consultations", "buyer", _consultation(criteria_version=BIG), 422),
    "self-assessment version beyond int32": (
        "POST", "/api/v1/self-assessment", "anonymous", _assessment(version=BIG), 422),
    "audit token_id beyond int32": (
        "GET", f"/api/v1/audit-log?token_id={BIG}", "auditor", {}, 422),
    "uploaded version beyond int32": (
        "POST", "/api/v1/criteria-sets", "buyer", _criteria("version: 1", f"version: {2**40}"),
        422),
    "deadline at the end of the calendar": (
        "POST", "/api/v1/consultations", "buyer", _consultation(deadline="9999-12-31T23:59:59"),
        422),
    "audit since at the start of the calendar": (
        "GET", "/api/v1/audit-log?since=0001-01-01T00:00:00%2B14:00", "auditor", {}, 422),
    "answer beyond any float": (
        "POST", "/api/v1/self-assessment", "anonymous",
        _assessment(answers={"price_eur": 10**400}), 422),
    "NUL in a path": ("GET", "/api/v1/consultations/2026-CLOS-001%00", "buyer", {}, 404),
    "NUL in a query": ("GET", "/api/v1/audit-log?consultation=a%00", "auditor", {}, 422),
    "NUL in a body": (
        "POST", "/api/v1/self-assessment", "anonymous", _assessment(criteria_set="a\x00"), 422),
    "NUL in a token name": (
        "POST", "/api/v1/tokens", "admin",
        {"json": {"role": "buyer", "organisation": "metro", "name": "a\x00"}}, 422),
    "lone surrogate in a body": (  # it only travels escaped
        "POST", "/api/v1/consultations", "buyer",
        _raw_json(json.dumps(_consultation(title="t@")["json"]).replace("@", "\\ud800")), 422),
    "NaN in a body": (
        "POST", "/api/v1/self-assessment", "anonymous",
        _raw_json('{"criteria_set": "%s", "version": 1, "answers": {"price_eur": NaN}}'
                  % CRITERIA_SET), 400),
    "JSON nested too deep": (
        "POST", "/api/v1/self-assessment", "anonymous",
        _raw_json('{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}"), 400),
    "YAML nested too deep": (
        "POST", "/api/v1/criteria-sets", "buyer",
        {"data": "[" * 20_000 + "]" * 20_000, "content_type": "application/yaml"}, 422),
    "YAML lone surrogate": (
        "POST", "/api/v1/criteria-sets", "buyer",
        _criteria("title: Fournitures (test)", 'title: "Fourn\\uD800itures"'), 422),
    "YAML NUL": (
        "POST", "/api/v1/criteria-sets", "buyer",
        _criteria("title: Fournitures (test)", 'title: "Fourn\\0itures"'), 422),
    "criteria id longer than its column": (
        "POST", "/api/v1/criteria-sets", "buyer",
        _criteria("id: fournitures-test", "id: " + "a" * 101), 422),
}


@pytest.fixture
def edge_world(flow, callers):
    flow.upload_criteria()
    return flow


@pytest.mark.parametrize(("method", "url", "who", "kwargs", "status"), EDGES.values(),
                         ids=EDGES.keys())
def test_edge_inputs_are_refused_with_a_documented_error(edge_world, method, url, who, kwargs,
                                                         status):
    response = edge_world.call(method, url, who, status, **dict(kwargs))
    body = response.get_json()
    assert body["code"] == status and body["message"], body
