"""Access tokens: optional expiry, and secrets compared by hash in constant time."""

from __future__ import annotations

from datetime import timedelta


def test_an_expiring_token_works_until_its_expiry(flow, clock):
    expires = clock.now() + timedelta(days=1)
    created = flow.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "auditor", "organisation": "metro", "expires_at": expires.isoformat()}
    ).get_json()
    assert created["expires_at"] == expires.isoformat()
    auditor = {"Authorization": f"Bearer {created['secret']}"}
    assert flow.client.get("/api/v1/audit-log", headers=auditor).status_code == 200
    clock.advance(days=1)
    refused = flow.client.get("/api/v1/audit-log", headers=auditor)
    assert refused.status_code == 401
    assert refused.get_json()["message"] == "jeton d'accès expiré"


def test_a_token_cannot_expire_in_the_past(flow, clock):
    body = flow.call("POST", "/api/v1/tokens", "admin", 422, json={
        "role": "auditor", "organisation": "metro",
        "expires_at": (clock.now() - timedelta(minutes=1)).isoformat()}).get_json()
    assert body["errors"] == {"expires_at": ["date passée"]}


def test_an_expiry_without_offset_is_paris_time(flow):
    created = flow.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "admin", "expires_at": "2027-01-15T18:00:00"}).get_json()
    assert created["expires_at"] == "2027-01-15T17:00:00+00:00"


def test_a_secret_sharing_a_tokens_prefix_is_still_refused(flow):
    secret = flow.callers["buyer"]["Authorization"].split()[1]
    forged = secret[:12] + ("A" if secret[12] != "A" else "B") + secret[13:]
    response = flow.client.get("/api/v1/audit-log", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "jeton d'accès inconnu"
