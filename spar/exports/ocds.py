"""The consultation as an OCDS 1.1 release package, with the lots, bids and award
criteria breakdown extensions.

One release per consultation (``ocid`` = prefix + reference) holding the tender
with its lots and each lot's ``awardCriteria`` (top-level criteria, their
percentage weights and minimum scores), the bids (status, value, rank, the lot)
with per-lot statistics including the abnormally-low counts (only the offers the
lot's abnormally-low rules flagged), and one pending award per scored lot for the
proposed winner. Everything is read from the stored scoring (SPEC §4.1). Bids and
parties are written one at a time, so the export streams. Validate with
:mod:`spar.exports.ocds_validation`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterator

from spar.engine.criteria import CriteriaSet, Group, Leaf
from spar.engine.methods import is_price
from spar.engine.policy import price_input
from spar.engine.scoring import RANKED
from spar.engine.text import fr_number, fr_percent

from .bundle import ConsultationExport, LotExport, abnormally_low, answer, exclusion_reasons
from .errors import ExportError
from .french import as_datetime, low_price_rule_text, method_text
from .json_stream import iter_json

#: A placeholder prefix, shaped like a registered one; the service passes its
#: ``SPAR_OCDS_PREFIX`` setting, which must be registered before publishing.
DEFAULT_PREFIX = "ocds-spar00"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_awardCriteriaBreakdown_extension/master/extension.json",
]
PROCUREMENT_CATEGORY = {"supplies": "goods", "services": "services", "works": "works"}
CURRENCY = "EUR"
BUYER_ID = "acheteur"
_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")


def ocid(reference: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The Open Contracting ID of a consultation; ExportError for a malformed prefix."""
    prefix = str(prefix).rstrip("-")
    if not _PREFIX.match(prefix):
        raise ExportError(f"préfixe ocid invalide « {prefix} » : attendu « ocds- » suivi de "
                          "6 lettres minuscules ou chiffres (préfixe enregistré auprès de l'OCP)")
    return f"{prefix}-{reference}"


def _when(value: Any) -> str | None:
    dt = as_datetime(value)
    return None if dt is None else dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def last_change(c: ConsultationExport) -> datetime:
    """When the exported content last changed: publication, scorings and review decisions."""
    moments = [c.published_at or c.deadline]
    for lot in c.lots:
        moments.append(lot.scored_at)
        moments += [as_datetime(r.get("at")) for r in lot.reviews.values()]
    return max(m for m in moments if m is not None)


# --------------------------------------------------------------------------- tender
def _leaves_under(group: Group) -> Iterator[Leaf]:
    for child in group.children:
        if isinstance(child, Group):
            yield from _leaves_under(child)
        else:
            yield child


def _criterion_type(node) -> str:
    leaves = list(_leaves_under(node)) if isinstance(node, Group) else [node]
    if all(is_price(leaf.method) for leaf in leaves):
        return "price"
    if all(leaf.pillar == "economic" for leaf in leaves):
        return "cost"
    return "quality"


def award_criteria(criteria: CriteriaSet) -> dict[str, Any]:
    """The award criteria breakdown: top-level criteria, percentage weights, minimum scores."""
    shares = criteria.shares()
    items = []
    for node in criteria.root.children:
        numbers = [{"number": round(shares[node.path] * 100, 6), "weight": "percentageExact"}]
        if node.eliminatory_below is not None:
            numbers.append({"number": round(node.eliminatory_below * shares[node.path]
                                            * criteria.points, 6), "threshold": "minimumScore"})
        if isinstance(node, Group):
            parts = []
            for sub in criteria.nodes():
                if sub.path.startswith(node.path + ".") and sub.path.count(".") == 1:
                    parts.append(f"{sub.label} {fr_percent(shares[sub.path])}")
            description = "Sous-critères : " + ", ".join(parts) + "."
            nested = [n for n in criteria.nodes() if n.path.startswith(node.path + ".")
                      and n.eliminatory_below is not None]
            for n in nested:
                description += (f" Note éliminatoire : {n.label} sous "
                                f"{fr_percent(n.eliminatory_below, 0)} de ses points.")
        else:
            description = f"Notation : {method_text(node)}."
        if node.eliminatory_below is not None:
            description += (f" Une note inférieure à {fr_percent(node.eliminatory_below, 0)} des "
                            "points de ce critère élimine l'offre.")
        items.append({"type": _criterion_type(node), "name": node.label,
                      "description": description, "numbers": numbers})
    return {
        "weightingDescription": (f"Note sur {fr_number(criteria.points, 0)} points ; jeu de "
                                 f"critères {criteria.id} version {criteria.version}, SHA-256 "
                                 f"{criteria.sha256}."),
        "criteria": items,
    }


def _value(amount: float | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": float(amount), "currency": CURRENCY}


def _tender(c: ConsultationExport, tenderers: int) -> dict[str, Any]:
    criteria = award_criteria(c.criteria)
    lots = []
    for lot in c.lots:
        entry: dict[str, Any] = {"id": lot.lot_id, "title": lot.title, "awardCriteria": criteria}
        if lot.estimate is not None:
            entry["value"] = _value(lot.estimate)
        lots.append(entry)
    tender: dict[str, Any] = {
        "id": c.reference,
        "title": c.title,
        "mainProcurementCategory": PROCUREMENT_CATEGORY[c.category],
        "procuringEntity": {"id": BUYER_ID, "name": c.buyer},
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": criteria["weightingDescription"],
        "tenderPeriod": {"startDate": _when(c.published_at), "endDate": _when(c.deadline)},
        "numberOfTenderers": tenderers,
        "lots": lots,
    }
    estimates = [lot.estimate for lot in c.lots]
    if estimates and all(e is not None for e in estimates):
        tender["value"] = _value(sum(estimates))
    return tender


# --------------------------------------------------------------------------- bids
def bid_id(lot: LotExport, entry) -> str:
    return f"{lot.lot_id}-{entry['id']}"


def party_id(lot: LotExport, entry) -> str:
    """``FR-RCS-<SIREN>-<establishment>`` from the SIRET, else one id per offer."""
    siret = lot.supplier(entry)["siret"]
    if siret:
        digits = re.sub(r"\D", "", str(siret))
        if len(digits) == 14:
            return f"FR-RCS-{digits[:9]}-{digits[9:]}"
    return f"offre-{bid_id(lot, entry)}"


def _price(entry, criteria: CriteriaSet) -> float | None:
    value = answer(entry, price_input(criteria))
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _valid(lot: LotExport, entry) -> bool:
    return entry["status"] == RANKED and not lot.rejected(entry)


def _tenderer_name(lot: LotExport, entry) -> str:
    return lot.supplier(entry)["name"] or f"offre {entry['id']}"


def _bids(c: ConsultationExport) -> Iterator[dict[str, Any]]:
    for lot in c.lots:
        if not lot.scored:
            continue
        for entry in lot.entries:
            bid: dict[str, Any] = {
                "id": bid_id(lot, entry),
                "submissionType": "bid",
                "status": "valid" if _valid(lot, entry) else "disqualified",
                "tenderers": [{"id": party_id(lot, entry), "name": _tenderer_name(lot, entry)}],
                "relatedLots": [lot.lot_id],
                "hasRank": bool(entry["rank"]),
                "rank": entry["rank"] or None,
            }
            price = _price(entry, c.criteria)
            if price is not None:
                bid["value"] = _value(price)
            reasons = [r["message"] for r in exclusion_reasons(entry)]
            if lot.rejected(entry):
                reasons.append("offre rejetée comme anormalement basse après examen"
                               if abnormally_low(entry) else "offre rejetée après examen")
            if reasons:
                bid["description"] = " ; ".join(reasons)
            yield bid


def _low_price_note(criteria: CriteriaSet) -> str:
    """Which rules the abnormally-low count is of — they alone count, not the review model
    nor the audit sample, which ask for a look without saying anything of the price."""
    rules = " ; ".join(low_price_rule_text(r.method, dict(r.params))
                       for r in criteria.low_price_rules) or "aucune règle"
    return (f"offres signalées comme anormalement basses par les règles du jeu de critères "
            f"({rules}), soumises à l'examen de l'acheteur ; les signalements du modèle de "
            "revue et du tirage au sort de contrôle n'en sont pas")


def _statistics(c: ConsultationExport) -> list[dict[str, Any]]:
    out = []
    for lot in c.lots:
        if not lot.scored:
            continue
        entries = lot.entries
        n = len(entries)
        valid = [entry for entry in entries if _valid(lot, entry)]
        sme = [lot.supplier(entry)["sme"] for entry in entries]
        # only the lot's abnormally-low rules make an offer abnormally low: the review
        # model and the audit sample ask for a look, they say nothing of the price
        low = [entry for entry in entries if abnormally_low(entry)]
        figures: list[tuple[str, float, str | None, str | None]] = [
            ("bids", n, None, None),
            ("validBids", len(valid), None, None),
            ("disqualifiedBids", n - len(valid), None,
             "offres irrégulières, éliminées ou rejetées après examen"),
            ("bidders", len({party_id(lot, entry) for entry in entries}), None, None),
            ("abnormallyLowBids", len(low), None, _low_price_note(c.criteria)),
            ("tendersAbnormallyLow", sum(1 for entry in low if lot.rejected(entry)), None,
             "offres rejetées comme anormalement basses après examen"),
        ]
        known = [s for s in sme if s is not None]
        if known:
            figures.append(("smeBids", sum(known), None,
                            f"statut PME connu pour {len(known)} offre(s) sur {n}"))
        prices = [p for p in (_price(entry, c.criteria) for entry in valid) if p is not None]
        if prices:
            figures.append(("lowestValidBidValue", min(prices), CURRENCY, None))
            figures.append(("highestValidBidValue", max(prices), CURRENCY, None))
        for measure, value, currency, notes in figures:
            stat: dict[str, Any] = {"id": f"{lot.lot_id}-{measure}", "measure": measure,
                                    "value": value, "relatedLot": lot.lot_id,
                                    "date": _when(lot.scored_at)}
            if currency:
                stat["currency"] = currency
            if notes:
                stat["notes"] = notes
            out.append(stat)
    return out


# --------------------------------------------------------------------------- parties, awards
def _parties(c: ConsultationExport) -> Iterator[dict[str, Any]]:
    yield {"id": BUYER_ID, "name": c.buyer, "roles": ["buyer", "procuringEntity"]}
    awarded = {party_id(lot, entry) for lot in c.lots for entry in lot.winners}
    seen: set[str] = set()
    for lot in c.lots:
        for entry in lot.entries:
            pid = party_id(lot, entry)
            if pid in seen:
                continue
            seen.add(pid)
            name = lot.supplier(entry)["name"]
            party: dict[str, Any] = {"id": pid, "name": _tenderer_name(lot, entry),
                                     "roles": ["tenderer", "supplier"] if pid in awarded
                                     else ["tenderer"]}
            if pid.startswith("FR-RCS-"):
                party["identifier"] = {"scheme": "FR-RCS", "id": pid.split("-")[2],
                                       "legalName": name}
            yield party


def _tenderer_count(c: ConsultationExport) -> int:
    return len({party_id(lot, entry) for lot in c.lots for entry in lot.entries})


def _awards(c: ConsultationExport) -> list[dict[str, Any]]:
    out = []
    for lot in c.lots:
        if not lot.winners:
            continue
        award: dict[str, Any] = {
            "id": f"{lot.lot_id}-attribution",
            "title": f"Lot {lot.lot_id} : attributaire pressenti",
            "status": "pending",
            "date": _when(lot.scored_at),
            "suppliers": [{"id": party_id(lot, entry), "name": _tenderer_name(lot, entry)}
                          for entry in lot.winners],
            "relatedBids": [bid_id(lot, entry) for entry in lot.winners],
            "relatedLots": [lot.lot_id],
        }
        if len(lot.winners) == 1:
            price = _price(lot.winners[0], c.criteria)
            if price is not None:
                award["value"] = _value(price)
        out.append(award)
    return out


def ocds_release_package(consultation: ConsultationExport, ocid_prefix: str = DEFAULT_PREFIX,
                         package_uri: str | None = None) -> Iterator[bytes]:
    """The OCDS 1.1 release package of the consultation as JSON chunks.

    ``package_uri`` is where the package can be fetched (the export URL); by default
    a URN naming the ocid.
    """
    c = consultation
    the_ocid = ocid(c.reference, ocid_prefix)
    date = _when(last_change(c))
    awards = _awards(c)
    release: dict[str, Any] = {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{date.replace(':', '').replace('-', '')}",
        "date": date,
        "tag": ["tender", "award"] if awards else ["tender"],
        "initiationType": "tender",
        "language": "fr",
        "parties": _parties(c),
        "buyer": {"id": BUYER_ID, "name": c.buyer},
        "tender": _tender(c, _tenderer_count(c)),
        "bids": {"statistics": _statistics(c), "details": _bids(c)},
    }
    if awards:
        release["awards"] = awards
    return iter_json({
        "uri": package_uri or f"urn:spar:ocds:{the_ocid}",
        "version": "1.1",
        "extensions": EXTENSIONS,
        "publishedDate": date,
        "publisher": {"name": c.buyer},
        "releases": [release],
    })
