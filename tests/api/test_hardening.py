"""Bad input never costs a worker, and every answer carries the security headers."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from spar.serving.headers import POLICY


def test_a_criteria_set_with_an_alias_is_a_located_422(flow):
    body = flow.call("POST", "/api/v1/criteria-sets", "buyer", 422, data="a: &x [*x]\n",
                     content_type="application/yaml").get_json()
    assert body["errors"]["criteria"] == [{
        "line": 1, "column": 8, "severity": "error", "path": "",
        "message": "alias YAML « *x » refusé : recopiez la valeur (ni ancres ni alias dans "
                   "un fichier de critères)"}]


def test_json_sent_as_text_plain_is_a_415(flow):
    flow.open()
    body = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 415,
                     data=json.dumps({"lot": "1", "answers": {"price_eur": 1}}),
                     content_type="text/plain").get_json()
    assert body["code"] == 415 and "text/plain" in body["message"]
    assert body["errors"] == {"content_type": ["attendu : application/json"]}


def test_a_criteria_set_in_an_unknown_type_is_a_415_naming_what_is_accepted(flow):
    body = flow.call("POST", "/api/v1/criteria-sets", "buyer", 415, data="spar: 1",
                     content_type="text/plain").get_json()
    assert "application/yaml" in body["message"] and "application/json" in body["message"]


def test_a_post_without_a_body_needs_no_content_type(flow):
    flow.open(publish=False)
    flow.call("POST", f"/api/v1/consultations/{flow.reference}/publish", "buyer", 200)


def test_json_nested_beyond_the_limit_is_refused_with_its_path(flow):
    flow.open()
    deep: dict = {}
    inner = deep
    for _ in range(70):
        inner["x"] = {}
        inner = inner["x"]
    body = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 422,
                     json={"lot": "1", "answers": deep}).get_json()
    (path, problems), = body["errors"]["json"].items()
    assert path.startswith("answers.x.x") and "64 niveaux" in problems[0]


def test_json_deeper_than_the_parser_reads_is_a_400(flow):
    flow.open()
    body = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 400,
                     data="[" * 100_000 + "]" * 100_000,
                     content_type="application/json").get_json()
    assert body["message"] == "corps JSON illisible"


def test_a_chunked_body_over_the_limit_is_a_413_not_truncated(flow, app):
    """What gunicorn hands over for ``Transfer-Encoding: chunked``: no Content-Length, a
    stream the server ends (a real socket: tests/e2e/test_operations.py)."""
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = flow.client.post(
        "/api/v1/criteria-sets", headers=flow.callers["buyer"],
        content_type="application/yaml", input_stream=io.BytesIO(b"# " + b"x" * 15_000),
        environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.get_json()["code"] == 413
    assert flow.call("GET", "/api/v1/criteria-sets", "anonymous", 200).get_json()["items"] == []


def test_a_chunked_body_within_the_limit_is_read_whole(flow, app):
    from tests.api.conftest import CRITERIA_YAML

    app.config["MAX_CONTENT_LENGTH"] = len(CRITERIA_YAML.encode()) + 10
    response = flow.client.post(
        "/api/v1/criteria-sets", headers=flow.callers["buyer"],
        content_type="application/yaml", input_stream=io.BytesIO(CRITERIA_YAML.encode()),
        environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 201, response.get_json()


def test_every_answer_carries_the_security_headers(client):
    for path in ("/", "/api/v1/healthz", "/api/v1/nowhere", "/openapi.json"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == POLICY, path
        assert "frame-ancestors 'none'" in POLICY and "default-src 'self'" in POLICY
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_the_home_page_has_no_inline_script_or_style(client):
    page = client.get("/").get_data(as_text=True)
    assert "<style" not in page and " style=" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts and all(' src="/assets/' in attributes and not body.strip()
                           for attributes, body in scripts)
    (sheet,) = [line.split('href="')[1].split('"')[0] for line in page.splitlines()
                if 'rel="stylesheet"' in line]
    assert client.get(sheet).status_code == 200


def test_hsts_is_sent_over_https_only_and_behind_a_trusted_proxy(empty_database, tmp_path):
    from spar import create_app

    direct = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path)})
    assert "Strict-Transport-Security" in direct.test_client().get(
        "/api/v1/healthz", base_url="https://spar.example").headers
    assert "Strict-Transport-Security" not in direct.test_client().get(
        "/api/v1/healthz", headers={"X-Forwarded-Proto": "https"}).headers  # not trusted
    proxied = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                          "PROXY_FIX": 1})
    response = proxied.test_client().get("/api/v1/healthz",
                                         headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    for app in (direct, proxied):
        app.extensions["spar.db"].engine.dispose()


def test_the_api_documentation_page_gets_the_same_strict_policy(client):
    """Swagger UI is vendored and started from a file: /docs needs no exception."""
    response = client.get("/docs")
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "http" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in response.get_data(as_text=True)


def test_sealed_and_personal_answers_are_never_stored_by_a_cache(flow):
    flow.open()
    offer = flow.submit("supplier", 10000)
    flow.close()
    flow.mark(offer["id"], 3)
    flow.score()
    base = f"/api/v1/consultations/{flow.reference}"
    private = [("GET", f"{base}/offers", "buyer"), ("GET", f"{base}/lots/1/ranking", "buyer"),
               ("GET", f"{base}/lots/1/ranking", "supplier"),
               ("GET", f"{base}/export?format=csv", "auditor"),
               ("GET", "/api/v1/audit-log", "auditor"),
               ("POST", "/api/v1/tokens", "admin"),
               ("POST", "/api/v1/self-assessment", "anonymous")]
    bodies = {"/api/v1/tokens": {"role": "auditor", "organisation": "metro"},
              "/api/v1/self-assessment": {"criteria_set": "fournitures-test", "version": 1,
                                          "answers": {"price_eur": 1000}}}
    for method, path, who in private:
        response = flow.call(method, path, who, json=bodies.get(path))
        assert response.status_code < 300, (path, response.get_json())
        assert response.headers["Cache-Control"] == "no-store", (method, path, who)
        assert "Authorization" in response.headers.get("Vary", "")
    public = flow.call("GET", "/api/v1/criteria-sets", "anonymous", 200)
    assert "no-store" not in public.headers.get("Cache-Control", "")


def test_one_json_line_per_request_without_the_token(flow, caplog):
    from spar.serving.request_log import JsonFormatter

    flow.open()
    secret = flow.callers["supplier"]["Authorization"].split()[1]
    with caplog.at_level(logging.INFO, logger="spar.request"):
        response = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers",
                             "supplier", 201, headers={"X-Request-ID": "lb-1234"},
                             json={"lot": "1", "answers": {"price_eur": 9876.5},
                                   "evidence": {}})
    (record,) = [r for r in caplog.records if r.name == "spar.request"]
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["request_id"] == "lb-1234" == response.headers["X-Request-ID"]
    assert entry["role"] == "supplier" and entry["status"] == 201
    assert entry["route"] == "/api/v1/consultations/<reference>/offers"
    assert entry["duration_ms"] >= 0 and isinstance(entry["token_id"], int)
    assert secret not in line and "9876" not in line


def test_a_request_id_that_could_forge_a_log_line_is_replaced(client):
    forged = "x\"} {\"level\": \"error"
    response = client.get("/api/v1/healthz", headers={"X-Request-ID": forged})
    assert len(response.headers["X-Request-ID"]) == 32


def test_database_errors_are_logged_without_their_parameters():
    from spar.serving.request_log import redact

    message = ("(psycopg.errors.UniqueViolation) duplicate key value\n"
               "[SQL: INSERT INTO offers (answers) VALUES (%(answers)s)]\n"
               "[parameters: {'answers': '{\"price_eur\": 9876.5}'}]\n"
               "(Background on this error at: https://sqlalche.me/e/20/gkpj)")
    cleaned = redact(message)
    assert "9876" not in cleaned and "[SQL: INSERT INTO offers" in cleaned
    assert "Bearer [secret hidden]" == redact("Bearer spar_abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize("path", ["/metrics"])
def test_metrics_count_requests_by_route(client, path):
    client.get("/api/v1/criteria-sets")
    client.get("/api/v1/criteria-sets")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    line = [l for l in text.splitlines() if l.startswith("spar_http_requests_total{")
            and 'route="/api/v1/criteria-sets"' in l and 'status="200"' in l]
    assert line and float(line[0].rsplit(" ", 1)[1]) >= 2
    assert "spar_http_request_duration_seconds_bucket" in text
