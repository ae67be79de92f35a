"""The SIRENE look-up against a local HTTP server answering like the real directory, and
against one that is down, slow, saturated or answering nonsense."""

from __future__ import annotations

import time

import pytest

from spar.services import sirene
from spar.services.sirene import SireneUnavailableError, lookup, size_from

from ..local_servers import free_port, sirene_answer, sirene_server

SIRET = "12345678200002"


@pytest.fixture(autouse=True)
def fresh_cache():
    sirene.clear_cache()
    yield
    sirene.clear_cache()


@pytest.fixture
def directory():
    with sirene_server() as (directory, url):
        directory.url = url
        yield directory


def settings(url: str, timeout: float = 2.0) -> dict:
    return {"SIRENE_URL": url, "SIRENE_TIMEOUT": timeout}


def test_a_known_siret_gives_name_address_departement_and_size(directory):
    directory.known[SIRET] = sirene_answer(SIRET, band="11")
    company = lookup(settings(directory.url), SIRET)
    assert company.name == "ATELIER DU MARAIS"
    assert company.address == "12 RUE DES CANUTS 69004 LYON"
    assert (company.departement, company.size, company.active) == ("69", "small", True)
    assert directory.requests == [SIRET]


def test_an_establishment_that_is_not_the_head_office_is_found_too(directory):
    directory.known[SIRET] = sirene_answer(SIRET, head_office=False, commune="2A004")
    company = lookup(settings(directory.url), SIRET)
    assert company.address.startswith("12 RUE DES CANUTS")
    assert company.departement == "2A"  # from the commune's INSEE code


def test_an_unknown_siret_is_none_and_is_cached(directory):
    assert lookup(settings(directory.url), SIRET) is None
    assert lookup(settings(directory.url), SIRET) is None
    assert directory.requests == [SIRET]


def test_a_found_company_is_asked_once(directory):
    directory.known[SIRET] = sirene_answer(SIRET)
    for _ in range(3):
        assert lookup(settings(directory.url), SIRET).name == "ATELIER DU MARAIS"
    assert directory.requests == [SIRET]


def test_a_directory_that_is_down_is_said_in_french():
    with pytest.raises(SireneUnavailableError) as error:
        lookup(settings(f"http://127.0.0.1:{free_port()}"), SIRET)
    assert "injoignable" in error.value.message and "Luhn" in error.value.message


def test_a_slow_directory_times_out_quickly(directory):
    directory.delay = 2.0
    started = time.monotonic()
    with pytest.raises(SireneUnavailableError) as error:
        lookup(settings(directory.url, timeout=0.3), SIRET)
    assert time.monotonic() - started < 1.5
    assert "n'a pas répondu en 0.3 s" in error.value.message


def test_a_failure_is_not_cached(directory):
    directory.status = 503
    with pytest.raises(SireneUnavailableError):
        lookup(settings(directory.url), SIRET)
    directory.status = 200
    directory.known[SIRET] = sirene_answer(SIRET)
    assert lookup(settings(directory.url), SIRET).name == "ATELIER DU MARAIS"


def test_a_saturated_directory_says_to_try_again(directory):
    directory.status = 429
    with pytest.raises(SireneUnavailableError) as error:
        lookup(settings(directory.url), SIRET)
    assert "saturé" in error.value.message


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b'{"resultats": []}',
                                  b'{"results": [{"siege": {"siret": "12345678200002"}}]}'])
def test_nonsense_is_unavailable_not_a_crash(directory, body):
    directory.raw = body
    with pytest.raises(SireneUnavailableError) as error:
        lookup(settings(directory.url), SIRET)
    assert "illisible" in error.value.message


def test_without_a_directory_the_luhn_check_is_all():
    with pytest.raises(SireneUnavailableError) as error:
        lookup({}, SIRET)
    assert "SPAR_SIRENE_URL" in error.value.message


@pytest.mark.parametrize(("category", "band", "size"), [
    ("PME", "00", "micro"), ("PME", "03", "micro"), ("PME", "NN", "micro"),
    ("PME", "11", "small"), ("PME", "12", "small"), ("PME", "21", "medium"),
    ("PME", "31", "medium"), ("PME", "32", "large"), ("ETI", "22", "large"),
    ("GE", None, "large"), (None, "41", "large"), ("PME", None, None), (None, None, None),
])
def test_size_follows_the_french_categories(category, band, size):
    assert size_from(category, band) == size
