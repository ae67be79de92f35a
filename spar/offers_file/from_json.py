"""Offers from JSON: ``{"offers": [...]}`` or a bare list, each offer ``{id, lot, supplier,
answers, evidence}`` (SPEC §3)."""

from __future__ import annotations

import json
from typing import Any

from ..engine.answers import Lot
from ..engine.criteria import CriteriaSet
from .layout import EVIDENCE_PREFIX, evidence_inputs
from .problems import OffersFileError, OffersProblem
from .table import Table, lot_from_table, suggest

#: Keys of one offer in a JSON file.
OFFER_KEYS = ("id", "lot", "supplier", "answers", "evidence")
SUPPLIER_KEYS = ("name", "siret")
#: What a JSON offer's answers and evidence may name.
READABLE = {"answers": "réponses lues par les critères",
            "evidence": "justificatifs lus (réponses à labels)"}


def lot_from_json(data: bytes, criteria: CriteriaSet, lot: str | None,
                  estimate: float | None, file: str) -> Lot:
    """The lot of a JSON offers file; OffersFileError with every problem of its shape
    first, then those of its answers."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise OffersFileError(file, [OffersProblem("le fichier n'est pas en UTF-8", line)]
                              ) from None
    except json.JSONDecodeError as exc:
        raise OffersFileError(file, [OffersProblem(f"JSON invalide : {_json_reason(exc.msg)}",
                                                   exc.lineno, exc.colno)]) from None
    offers = document.get("offers") if isinstance(document, dict) else document
    if not isinstance(offers, list):
        raise OffersFileError(file, [OffersProblem(
            'un objet {"offers": [...]} ou une liste d\'offres est attendu')])
    problems = [OffersProblem(f"clé inconnue « {key} » ; seule « offers » est lue")
                for key in (document if isinstance(document, dict) else ()) if key != "offers"]
    readable = {"answers": list(criteria.inputs()), "evidence": evidence_inputs(criteria)}
    rows: list[dict[str, Any]] = []
    for k, offer in enumerate(offers, 1):
        where = f"offre n° {k}"
        if not isinstance(offer, dict):
            problems.append(OffersProblem(f"{where} : un objet est attendu"))
            continue
        problems.extend(OffersProblem(f"{where} : clé inconnue « {key} »"
                                      f"{suggest(key, OFFER_KEYS)} ; clés possibles : "
                                      + ", ".join(OFFER_KEYS))
                        for key in offer if key not in OFFER_KEYS)
        row: dict[str, Any] = {}
        for key in ("id", "lot"):
            value = offer.get(key)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (str, int))):
                problems.append(OffersProblem(f"{where} : « {key} » doit être un texte"))
            else:
                row[key] = value
        supplier = offer.get("supplier")
        if isinstance(supplier, str):
            row["supplier"] = supplier
        elif isinstance(supplier, dict):
            problems.extend(OffersProblem(f"{where} : clé inconnue « {key} » dans « supplier » "
                                          "; clés possibles : " + ", ".join(SUPPLIER_KEYS))
                            for key in supplier if key not in SUPPLIER_KEYS)
            row["supplier"], row["siret"] = supplier.get("name"), supplier.get("siret")
        elif supplier is not None:
            problems.append(OffersProblem(f"{where} : « supplier » doit être un objet "
                                          "{name, siret}"))
        for key, prefix in (("answers", ""), ("evidence", EVIDENCE_PREFIX)):
            values = offer.get(key)
            if values is None:
                continue
            if not isinstance(values, dict):
                problems.append(OffersProblem(f"{where} : « {key} » doit être un objet "
                                              "(réponse: valeur)"))
                continue
            known = readable[key]
            for name, value in values.items():
                if name in known:
                    row[prefix + name] = value
                else:
                    problems.append(OffersProblem(
                        f"{where} : {key} : réponse inconnue « {name} »{suggest(name, known)}"
                        f" ; {READABLE[key]} : " + (", ".join(known) or "aucune")))
        rows.append(row)
    if problems:
        raise OffersFileError(file, problems)
    names = list(dict.fromkeys(["id"] + [key for row in rows for key in row]))
    if all(row.get("lot") is None for row in rows):
        names = [n for n in names if n != "lot"]  # offers that say nothing of lots
    columns = {name: [row.get(name) for row in rows] for name in names}
    table = Table(names, [f"clé « {n} »" for n in names], None, columns, len(rows),
                   first_line=1, numbered="offre n°")
    return lot_from_table(table, criteria, lot, estimate, file)


def _json_reason(msg: str) -> str:
    """The French for the messages of :class:`json.JSONDecodeError` people meet most."""
    known = {
        "Expecting value": "valeur attendue",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendu",
        "Expecting property name enclosed in double quotes": "nom de clé entre guillemets "
                                                             "droits attendu",
        "Extra data": "texte en trop après la fin du document",
        "Unterminated string starting at": "texte non terminé",
        "Invalid control character at": "caractère de contrôle dans un texte",
        "Illegal trailing comma before end of object": "virgule en trop avant }",
        "Illegal trailing comma before end of array": "virgule en trop avant ]",
    }
    return known.get(msg, msg)
