"""The sensitivity section of the RAO, read defensively from whatever dict it is given.

The dict comes from :func:`spar.engine.sensitivity.analyse_result`; this module
relies only on a few well-known keys (``fragile``, ``warnings``, ``stability``,
``effective_weights``, ``assumptions``) and shows any list of per-criterion
records as a table of its scalar fields, so a new field never breaks the RAO.
"""

from __future__ import annotations

from typing import Any, Mapping

from reportlab.platypus import Flowable

from spar.engine.text import fr_number, fr_percent

from .pdf_layout import CONTENT_WIDTH, para, table

#: Field → column title; other fields keep their own name.
FIELD_LABELS = {
    "criterion": "critère", "label": "libellé", "pillar": "pilier",
    "declared_share": "part déclarée", "effective_share": "part effective",
    "declared_points": "points déclarés", "smallest_change_points": "plus petit changement (points)",
    "fragile": "fragile", "divergent": "écart notable", "spread": "écart de points",
    "decrease": "en baisse", "increase": "en hausse",
}
_MAX_ROWS = 40
_MAX_COLUMNS = 7


def _value(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return fr_percent(value) if key.endswith("share") else fr_number(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{FIELD_LABELS.get(k, k)} {_value(k, v)}" for k, v in value.items()
                         if not isinstance(v, (Mapping, list)))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _records(title: str, records: Any) -> list[Flowable]:
    """A table of a list of dicts, limited to readable size; nothing if it is not one."""
    if not isinstance(records, list) or not records or \
            not all(isinstance(r, Mapping) for r in records):
        return []
    keys: list[str] = []
    for record in records:
        for key, value in record.items():
            if key not in keys and not isinstance(value, list):
                keys.append(key)
    keys = keys[:_MAX_COLUMNS]
    rows = [[FIELD_LABELS.get(k, k) for k in keys]]
    rows += [[_value(k, r.get(k)) for k in keys] for r in records[:_MAX_ROWS]]
    out: list[Flowable] = [para(title, "h3"),
                           table(rows, [CONTENT_WIDTH / len(keys)] * len(keys))]
    if len(records) > _MAX_ROWS:
        out.append(para(f"{len(records) - _MAX_ROWS} ligne(s) de plus dans l'export JSON.",
                        "note"))
    return out


def sensitivity_section(sensitivity: Mapping[str, Any]) -> list[Flowable]:
    """Flowables for the sensitivity analysis of one lot."""
    out: list[Flowable] = [para("Sensibilité du classement", "h2")]
    stability = sensitivity.get("stability")
    stability = stability if isinstance(stability, Mapping) else {}
    fragile = stability.get("fragile", sensitivity.get("fragile"))
    if fragile is not None:
        out.append(para("Décision fragile : " + ("OUI — un faible changement de pondération "
                                                 "changerait l'attributaire" if fragile
                                                 else "non"), "body"))
    smallest = stability.get("smallest_change_points")
    if isinstance(smallest, (int, float)):
        out.append(para(f"Plus petit changement de poids qui change l'attributaire : "
                        f"{fr_number(smallest)} point(s).", "body"))
    for warning in sensitivity.get("warnings") or []:
        out.append(para(str(warning), "body"))
    out += _records("Stabilité par critère", stability.get("criteria"))
    effective = sensitivity.get("effective_weights")
    if isinstance(effective, Mapping):
        out += _records("Poids effectifs des critères de premier niveau", effective.get("criteria"))
        out += _records("Poids effectifs par pilier", effective.get("pillars"))
    if not stability:
        out += _records("Détail", sensitivity.get("criteria"))
    for assumption in sensitivity.get("assumptions") or []:
        out.append(para(str(assumption), "note"))
    return out
