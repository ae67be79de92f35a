"""Company profiles on the fake unit of work: a firm's own, checked against the published
criteria sets, every saved state kept; only visible ones reach the buyers' directory."""

from __future__ import annotations

import pytest

from spar.db.models import CompanyProfile, CompanyProfileVersion
from spar.services import profiles
from spar.services.errors import Invalid, NotFound, RoleNotAllowed

from .conftest import SIRET_A, SIRET_B


def _profile(**changes):
    return {"name": "Papeterie Durand", "size": "small", "departement": "69",
            "categories": ["supplies"], "skills": ["Ramettes  recyclées", "ramettes recyclées"],
            "standing_answers": {"labels": ["FSC"]}, "visibility": "visible", **changes}


def _save(world, siret=SIRET_A, **changes):
    return profiles.save_profile(world.uow(), world.supplier(siret), _profile(**changes))


def test_a_firm_saves_its_profile_and_each_saved_state_is_kept(world):
    view, created = _save(world)
    assert created and view["version"] == 1 and view["labels"] == ["FSC"]
    assert view["skills"] == ["Ramettes recyclées"]  # one keyword, however typed
    again, created = _save(world)
    assert not created and again["version"] == 1  # the same profile: nothing new
    changed, _ = _save(world, departement="2a")
    assert changed["version"] == 2 and changed["departement"] == "2A"
    history = profiles.history(world.uow(), world.supplier())
    assert [v["version"] for v in history["items"]] == [2, 1] and history["total"] == 2
    assert world.uow().audit_actions() == ["profile.save", "profile.save"]


def test_every_problem_of_a_profile_is_named_and_nothing_is_written(world):
    with pytest.raises(Invalid) as refused:
        profiles.save_profile(world.uow(), world.supplier(), _profile(
            name=" ", size="huge", departement="99", categories=["supplies", "food"]))
    assert set(refused.value.errors) == {"name", "size", "departement", "categories"}
    assert world.database.all(CompanyProfile) == []


def test_standing_answers_are_only_those_a_published_set_reads_ahead_of_a_tender(world):
    with pytest.raises(Invalid) as refused:
        _save(world, standing_answers={"price_eur": 100, "turnover": 3, "labels": ["FSC"]},
              standing_evidence={"co2e_kg": "bilan.pdf"})
    problems = refused.value.errors["standing_answers"]
    assert "prix ou note de l'acheteur" in problems["price_eur"][0]
    assert "aucun jeu de critères publié" in problems["turnover"][0]
    assert "co2e_kg" in refused.value.errors["standing_evidence"]
    assert world.database.all(CompanyProfileVersion) == []


def test_a_profile_is_the_firms_own(world):
    with pytest.raises(RoleNotAllowed, match="entreprises"):
        profiles.save_profile(world.uow(), world.buyer(), _profile())
    with pytest.raises(NotFound, match="pas encore de profil"):
        profiles.get_profile(world.uow(), world.supplier())


def test_the_directory_shows_visible_profiles_only_to_buyers(world):
    _save(world, SIRET_A, name="Bois Dupont", standing_answers={"labels": ["EU Ecolabel"]})
    _save(world, SIRET_B, name="Atelier Privé", visibility="private")
    search = lambda **kw: [p["name"] for p in profiles.search(  # noqa: E731
        world.uow(), world.buyer(), **kw)["items"]]
    assert search() == ["Bois Dupont"]
    assert search(label="eu ÉCOLABEL") == ["Bois Dupont"]  # case and accents aside
    assert search(skill="recycl") == ["Bois Dupont"]  # part of a keyword
    assert search(label="FSC") == [] and search(size="large") == []
    assert "visibility" not in profiles.search(world.uow(), world.buyer())["items"][0]
    with pytest.raises(RoleNotAllowed, match="annuaire"):
        profiles.search(world.uow(), world.supplier())
    with pytest.raises(Invalid) as refused:
        profiles.search(world.uow(), world.buyer(), departement="00", size="huge")
    assert set(refused.value.errors) == {"departement", "size"}


def test_the_standing_answers_a_set_reads_prefill_its_form(world):
    _save(world, standing_answers={"labels": ["FSC"], "co2e_kg": 1.5})
    found = profiles.standing_answers_for(world.uow(), world.supplier(),
                                          world.criteria.set_id, world.criteria.version)
    assert found["answers"] == {"labels": ["FSC"], "co2e_kg": 1.5}
    with pytest.raises(NotFound):
        profiles.standing_answers_for(world.uow(), world.supplier(), "nope", 1)
