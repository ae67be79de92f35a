"""The SME portal's part of the access matrix's world: "metro" has two planned purchases
(``supplier`` follows the second), ``supplier`` a visible profile, ``supplier_b`` a
private one; ``supplier_c`` has no profile."""

from __future__ import annotations

from .portal import item_body, profile_body


def build_portal(world) -> None:
    world.item = world.call("POST", "/api/v1/programme", "buyer", 201,
                            json=item_body(expected_publication="2027-06")).get_json()["id"]
    world.followed_item = world.call("POST", "/api/v1/programme", "buyer", 201,
                                     json=item_body(title="Suivi")).get_json()["id"]
    world.call("PUT", "/api/v1/suppliers/me", "supplier", 201, json=profile_body())
    world.call("PUT", "/api/v1/suppliers/me", "supplier_b", 201,
               json=profile_body(name="Secret SARL", visibility="private"))
    world.call("POST", f"/api/v1/programme/{world.followed_item}/interest", "supplier", 201,
               json={"message": "Intéressés", "contact_email": "achats@canuts.example"})


def fresh_item(world) -> int:
    """A new planned purchase of "metro" (to edit or withdraw)."""
    return world.call("POST", "/api/v1/programme", "buyer", 201,
                      json=item_body(title=f"Achat {world.unique()}")).get_json()["id"]


def portal_names(world) -> dict:
    return {"item": world.item, "followed_item": world.followed_item}
