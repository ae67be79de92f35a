"""Building blocks of the SME portal's API tests: a planned purchase, a profile, the
consultation that carries an item out."""

from __future__ import annotations

from datetime import timedelta

from .conftest import CRITERIA_YAML

SET = "fournitures-test"
MONTH = "2027-03"


def item_body(**changes) -> dict:
    body = {"title": "Papier recyclé des services", "criteria_set": SET, "version": 1,
            "expected_publication": MONTH, "estimate_min": 40000, "estimate_max": 60000,
            "description": "Accord-cadre de deux ans, livraisons groupées."}
    body.update(changes)
    return body


def profile_body(**changes) -> dict:
    body = {"name": "Papeterie des Canuts", "size": "small", "departement": "69",
            "categories": ["supplies"], "skills": ["Papeterie", "fournitures de bureau"],
            "standing_answers": {"co2e_kg": 2, "labels": ["EU Ecolabel"]},
            "standing_evidence": {"labels": ["EU Ecolabel"]}, "visibility": "visible"}
    body.update(changes)
    return body


class Portal:
    """Drives the portal through the API, asserting each step's status."""

    def __init__(self, client, callers, clock):
        self.client, self.callers, self.clock = client, callers, clock

    def call(self, method: str, url: str, who: str, expect: int | None = None, **kwargs):
        response = self.client.open(url, method=method, headers={
            **self.callers[who], **kwargs.pop("headers", {})}, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, url, who, response.get_json())
        return response.get_json()

    def criteria(self, who: str = "buyer") -> None:
        """Publish the tests' criteria set (a second upload of it changes nothing)."""
        response = self.client.post("/api/v1/criteria-sets", data=CRITERIA_YAML,
                                    content_type="application/yaml", headers=self.callers[who])
        assert response.status_code in (200, 201), response.get_json()

    def item(self, who: str = "buyer", **changes) -> dict:
        return self.call("POST", "/api/v1/programme", who, 201, json=item_body(**changes))

    def profile(self, who: str, expect: int = 201, **changes) -> dict:
        return self.call("PUT", "/api/v1/suppliers/me", who, expect, json=profile_body(**changes))

    def interest(self, who: str, item_id: int, expect: int = 201, **body) -> dict:
        return self.call("POST", f"/api/v1/programme/{item_id}/interest", who, expect,
                         json={"message": "Intéressés", **body})

    def consultation(self, item_id: int | None, reference: str = "2027-PAP-001",
                     publish: bool = True, expect: int = 201) -> dict:
        deadline = self.clock.now() + timedelta(days=40)
        body = {"reference": reference, "title": "Papier recyclé 2027", "criteria_set": SET,
                "criteria_version": 1, "deadline": deadline.isoformat(),
                "lots": [{"id": "1", "title": "Papier", "estimate": 50000}]}
        if item_id is not None:
            body["programme_item"] = item_id
        created = self.call("POST", "/api/v1/consultations", "buyer", expect, json=body)
        if publish and expect == 201:
            self.call("POST", f"/api/v1/consultations/{reference}/publish", "buyer", 200)
        return created
