"""Looking a SIRET up in the SIRENE directory, through the public *API Recherche
d'entreprises* (``SPAR_SIRENE_URL``, e.g. ``https://recherche-entreprises.api.gouv.fr``).

``GET {SPAR_SIRENE_URL}/search?q=<SIRET>`` answers, for a SIRET, the legal unit holding
that establishment (its documented shape, abridged)::

    {"results": [{"siren": "356000000", "nom_complet": "LA POSTE",
                  "nom_raison_sociale": "LA POSTE",
                  "categorie_entreprise": "GE",           # PME | ETI | GE, or null
                  "tranche_effectif_salarie": "53",       # INSEE headcount band, or null
                  "etat_administratif": "A",
                  "siege": {"siret": "35600000000048", "adresse": "…", "code_postal": "…",
                            "commune": "75115", "departement": "75",
                            "libelle_commune": "PARIS 15", "etat_administratif": "A", …},
                  "matching_etablissements": [{"siret": "…", "adresse": "…",
                                               "commune": "…", "code_postal": "…",
                                               "etat_administratif": "A", …}],
                  …}],
     "total_results": 1, "page": 1, "per_page": 10, "total_pages": 1}

For a direct SIRET search only the establishment asked for is in
``matching_etablissements``. The service answers 429 above its rate limit.

Only name, address, département and size are taken. Size follows the French categories
(décret 2008-1354): ``GE`` and ``ETI`` are ``large``; within a ``PME`` (or when the
category is not given) the headcount band decides: under 10 employees ``micro``, under
50 ``small``, under 250 ``medium``, else ``large``. An unknown band leaves the size to
the firm.

Lookups are cached in the process (a day for a firm found, an hour for a SIRET not
found; failures are not cached). When the directory does not answer in time, or
answers nonsense, :class:`SireneUnavailableError` says so in French: the callers carry
on with the Luhn check alone.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

from ..config import DEFAULTS
from .errors import ServiceError

FOUND_TTL = 24 * 3600.0
NOT_FOUND_TTL = 3600.0
CACHE_SIZE = 10_000
#: What the body of an answer may weigh at most (a SIRET's answer is a few kB).
MAX_BODY = 1_000_000

#: INSEE headcount bands (``tranche_effectif_salarie``) → the size below 250 employees;
#: every other band is 250 or more.
BANDS = {"NN": "micro", "00": "micro", "01": "micro", "02": "micro", "03": "micro",
         "11": "small", "12": "small", "21": "medium", "22": "medium", "31": "medium"}
LARGE_BANDS = {"32", "41", "42", "51", "52", "53"}


class SireneUnavailableError(ServiceError):
    """The directory did not answer usefully; the SIRET is checked by its Luhn key only.
    Callers carry on without it: it says why, it is not a failure of the request."""


@dataclass(frozen=True)
class Company:
    """What the directory says of an establishment."""

    siret: str
    name: str
    address: str | None
    departement: str | None
    size: str | None  # micro | small | medium | large, None when the directory cannot say
    category: str | None  # PME | ETI | GE as INSEE classes the legal unit
    active: bool

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "source": "sirene"}


def size_from(category: str | None, band: str | None) -> str | None:
    """The profile size from INSEE's company category and headcount band."""
    if category in ("GE", "ETI") or band in LARGE_BANDS:
        return "large"
    return BANDS.get(band or "")


def departement_from(place: Mapping[str, Any]) -> str | None:
    """The département of an establishment: given for the head office, otherwise read
    from the INSEE code of its commune (``2A004`` → 2A, ``97411`` → 974)."""
    if place.get("departement"):
        return str(place["departement"])
    commune = str(place.get("commune") or "")
    if len(commune) == 5:
        return commune[:3] if commune.startswith("97") else commune[:2]
    return None


def company_from(payload: Any, siret: str) -> Company | None:
    """The establishment ``siret`` in an answer of ``/search``; None when the directory
    does not know it; ValueError when the answer is not shaped as documented."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("results"), list):
        raise ValueError("réponse sans liste « results »")
    for result in payload["results"]:
        if not isinstance(result, Mapping):
            raise ValueError("résultat qui n'est pas un objet")
        places = [result.get("siege")] + list(result.get("matching_etablissements") or [])
        for place in places:
            if isinstance(place, Mapping) and place.get("siret") == siret:
                name = result.get("nom_complet") or result.get("nom_raison_sociale")
                if not isinstance(name, str) or not name.strip():
                    raise ValueError("établissement sans nom")
                return Company(
                    siret=siret, name=name.strip(),
                    address=place.get("adresse") or None,
                    departement=departement_from(place),
                    size=size_from(result.get("categorie_entreprise"),
                                   result.get("tranche_effectif_salarie")),
                    category=result.get("categorie_entreprise"),
                    active=place.get("etat_administratif", "A") == "A")
    return None


_cache: dict[tuple[str, str], tuple[float, Company | None]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def lookup(settings: Mapping[str, Any], siret: str) -> Company | None:
    """The directory's record of ``siret`` (a Luhn-valid SIRET), None when it has none;
    SireneUnavailableError when it cannot be asked (not configured, down, slow,
    saturated, or answering nonsense)."""
    base = (settings.get("SIRENE_URL") or "").rstrip("/")
    if not base:
        raise SireneUnavailableError("annuaire SIRENE non configuré (SPAR_SIRENE_URL) : "
                                     "le SIRET est vérifié par sa clé de Luhn seulement")
    key = (base, siret)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
    company = _ask(base, siret, float(settings.get("SIRENE_TIMEOUT") or DEFAULTS["SIRENE_TIMEOUT"]))
    with _lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = (now + (FOUND_TTL if company else NOT_FOUND_TTL), company)
    return company


def _down(reason: str) -> SireneUnavailableError:
    return SireneUnavailableError(
        f"l'annuaire des entreprises (SIRENE) {reason} : le SIRET est vérifié par sa clé de "
        "Luhn seulement ; indiquez le nom et la taille de l'entreprise vous-même",
        {"sirene": [reason]})


def _ask(base: str, siret: str, timeout: float) -> Company | None:
    url = f"{base}/search?{urlencode({'q': siret})}"
    request = urllib.request.Request(url, headers={
        "Accept": "application/json", "User-Agent": "spar (achats responsables ; SIRET)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 429:
            raise _down("est saturé (trop de demandes), réessayez dans un instant") from None
        raise _down(f"a répondu par une erreur {exc.code}") from None
    except (TimeoutError, socket.timeout):
        raise _down(f"n'a pas répondu en {timeout:g} s") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise _down(f"n'a pas répondu en {timeout:g} s") from None
        raise _down("est injoignable") from None
    if len(body) > MAX_BODY:
        raise _down("a envoyé une réponse trop volumineuse")
    try:
        return company_from(json.loads(body), siret)
    except (ValueError, UnicodeDecodeError):
        raise _down("a envoyé une réponse illisible") from None
