"""Re-run every stored scoring of a consultation and compare, field by field."""

from __future__ import annotations

import math
from typing import Any, Iterator

from ..pipeline import evaluate_inputs
from . import audit
from .criteria_sets import criteria_of
from .permissions import require
from .principal import Principal
from .scorings import stored_scorings


def differences(stored: Any, fresh: Any, path: str = "") -> Iterator[dict[str, Any]]:
    """Every leaf-level difference between two JSON documents, with its path.

    Numbers are compared exactly: a stored scoring must come out bit for bit.
    """
    if isinstance(stored, dict) and isinstance(fresh, dict):
        for key in sorted(set(stored) | set(fresh), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in stored:
                yield {"path": sub, "stored": None, "recomputed": fresh[key], "problem": "ajouté"}
            elif key not in fresh:
                yield {"path": sub, "stored": stored[key], "recomputed": None,
                       "problem": "manquant"}
            else:
                yield from differences(stored[key], fresh[key], sub)
    elif isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            yield {"path": path, "stored": len(stored), "recomputed": len(fresh),
                   "problem": "nombre d'éléments différent"}
        for k, (a, b) in enumerate(zip(stored, fresh)):
            yield from differences(a, b, f"{path}[{k}]")
    elif isinstance(stored, float) and isinstance(fresh, float):
        if not (stored == fresh or (math.isnan(stored) and math.isnan(fresh))):
            yield {"path": path, "stored": stored, "recomputed": fresh, "problem": "valeur"}
    elif stored != fresh or type(stored) is not type(fresh) and not (
            isinstance(stored, (int, float)) and isinstance(fresh, (int, float))):
        yield {"path": path, "stored": stored, "recomputed": fresh, "problem": "valeur"}


def rescore(uow, principal: Principal, reference: str, lot_id: str | None = None
            ) -> list[dict[str, Any]]:
    """One report per stored scoring: its id, whether it reproduces, and the differences.

    The stored inputs are scored and reviewed again with today's engine and review
    model, through the same pipeline as the scoring itself, and every field is
    compared. A review model other than the one the scoring used is a difference in
    its own right, reported first with both versions (``model_version``), and so are
    the scores and flags it changes: nothing is left out of the comparison.
    """
    require(principal, "scoring.reproduce")
    reports = []
    with uow:
        for lot, scoring in stored_scorings(uow.session, principal, reference, lot_id):
            criteria = criteria_of(scoring.criteria_set)
            problems = []
            if criteria.sha256 != scoring.criteria_sha256:
                problems.append({"path": "criteria.sha256", "stored": scoring.criteria_sha256,
                                 "recomputed": criteria.sha256, "problem": "valeur"})
            fresh = evaluate_inputs(criteria, scoring.inputs)
            stored_model = _model_version(scoring.result) or scoring.model_version
            current_model = fresh.review.model_version
            if stored_model != current_model:
                problems.append({"path": "review.model_version", "stored": stored_model,
                                 "recomputed": current_model,
                                 "problem": "modèle de revue différent"})
            problems.extend(differences(scoring.result, fresh.document()))
            if audit.content_hash(scoring.result) != scoring.result_sha256:
                problems.append({"path": "", "stored": scoring.result_sha256,
                                 "recomputed": audit.content_hash(scoring.result),
                                 "problem": "résultat stocké modifié après écriture"})
            reports.append({
                "scoring": scoring.public_id, "lot": lot.lot_id,
                "created_at": scoring.created_at.isoformat(),
                "engine_version": scoring.engine_version,
                "reproduced": not problems, "differences": problems[:200],
                "same_model": stored_model == current_model,
                "model_version": {"stored": stored_model, "recomputed": current_model},
            })
        audit.record(uow, principal, "audit.rescore", target=f"consultation:{reference}",
                     consultation=reference,
                     details={"scorings": len(reports),
                              "reproduced": sum(r["reproduced"] for r in reports)})
        uow.commit()
    return reports


def _model_version(doc: dict[str, Any]) -> str | None:
    for entry in doc.get("offers", []):
        version = entry.get("review", {}).get("model_version")
        if version:
            return version
    return None
