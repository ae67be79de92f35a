"""What-if for buyers: how the ranking and the pillar shares move when a weight or a
method changes, scored again through the engine.

A variant is built from the criteria set's own document with the loader, so it
is validated exactly like a file the buyer would write; unlike the closed forms
of :mod:`spar.engine.sensitivity`, nothing is assumed fixed: a nested weight may
change an elimination, a new price formula changes every price score.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .criteria_file import CriteriaFileError, load_criteria_document
from .engine.answers import Lot, check_columns
from .engine.criteria import PILLARS, CriteriaSet, Leaf
from .engine.errors import AnswersError
from .engine.methods import METHODS
from .engine.scoring import IRREGULAR, RANKED, LotResult, score_lot
from .engine.sensitivity import effective_weights
from .engine.text import fr_short


#: The kinds of answer (:data:`spar.engine.columns.KINDS`) as buyers name them.
_KINDS = {"number": "nombre", "boolean": "oui/non", "choice": "choix", "labels": "labels",
          "mark": "note"}


class VariantError(ValueError):
    """A what-if variant cannot be built or scored; the message says which and why."""


@dataclass(frozen=True)
class Variant:
    """One what-if: new weights for some nodes, new methods for some leaves.

    ``weights``: path → the node's new weight, as a criteria file writes it (its
    siblings keep theirs, so the shares renormalise among them). ``methods``:
    path → ``{"method": name, **parameters}``; the leaf's former method
    parameters are dropped.
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    methods: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    label: str = ""

    def describe(self, criteria: CriteriaSet) -> str:
        """The changes in words, e.g. ``price : poids 40 → 30``."""
        if self.label:
            return self.label
        parts = []
        for path, weight in self.weights.items():
            parts.append(f"{path} : poids {fr_short(_node(criteria, path).weight)} → "
                         f"{fr_short(weight)}")
        for path, spec in self.methods.items():
            old = _node(criteria, path)
            old_name = old.method if isinstance(old, Leaf) else "?"
            parts.append(f"{path} : méthode {old_name} → {spec.get('method')}")
        return " ; ".join(parts) or "sans changement"


def parse_weight(text: str) -> tuple[str, float]:
    """``PATH=W`` (``price=30``, ``env.co2=2,5``) → (path, weight); VariantError otherwise."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip() or not raw.strip():
        raise VariantError(f"« {text} » : la forme attendue est CHEMIN=POIDS, par exemple "
                           "price=30")
    try:
        weight = float(raw.strip().replace(",", "."))
    except ValueError:
        raise VariantError(f"« {text} » : le poids « {raw} » n'est pas un nombre") from None
    return path.strip(), weight


def parse_method(text: str) -> tuple[str, dict[str, Any]]:
    """``PATH=METHOD`` or ``PATH=METHOD:{json parameters}`` → (path, method spec).

    For example ``price=price_min_max`` or ``env.co2=linear:{"best": 0.5, "worst": 4}``.
    """
    path, sep, rest = text.partition("=")
    name, colon, params_text = rest.partition(":")
    if not sep or not path.strip() or not name.strip():
        raise VariantError(f"« {text} » : la forme attendue est CHEMIN=MÉTHODE ou "
                           "CHEMIN=MÉTHODE:{paramètres JSON}, par exemple price=price_min_max")
    params: Any = {}
    if colon:
        try:
            params = json.loads(params_text)
        except json.JSONDecodeError as exc:
            raise VariantError(f"« {text} » : paramètres JSON invalides ({exc.msg}, "
                               f"colonne {exc.colno})") from None
        if not isinstance(params, dict):
            raise VariantError(f"« {text} » : les paramètres doivent être un objet JSON "
                               "{\"clé\": valeur}")
        if "method" in params:
            raise VariantError(f"« {text} » : la méthode se donne avant les deux-points, pas "
                               "dans les paramètres")
    return path.strip(), {"method": name.strip(), **params}


def variant_criteria(criteria: CriteriaSet, variant: Variant) -> CriteriaSet:
    """The criteria set with the variant's changes, validated by the loader.

    VariantError, in French, naming the variant and what is wrong: an unknown
    path, a method on a group, a method reading another kind of answer than the
    former one (the offers were read for that kind), or the loader's problems.
    """
    name = variant.describe(criteria)
    document = copy.deepcopy(dict(criteria.document))
    for path, weight in variant.weights.items():
        _raw_node(document, criteria, path, name)["weight"] = weight
    for path, spec in variant.methods.items():
        node = _node(criteria, path, name)
        if not isinstance(node, Leaf):
            raise VariantError(f"variante « {name} » : « {path} » est un groupe ; seule la "
                               "méthode d'un critère qui lit une réponse peut changer")
        new = METHODS.get(spec.get("method"))
        if new is None:
            raise VariantError(f"variante « {name} » : méthode « {spec.get('method')} » "
                               "inconnue ; méthodes possibles : " + ", ".join(sorted(METHODS)))
        old = METHODS[node.method]
        if new.KIND != old.KIND:
            raise VariantError(f"variante « {name} » : {spec['method']} lit une réponse de type "
                               f"« {_KINDS[new.KIND]} », or « {node.input} » est de type "
                               f"« {_KINDS[old.KIND]} »")
        raw = _raw_node(document, criteria, path, name)
        for param in old.PARAMETERS:
            raw.pop(param.name, None)
        raw.update(spec)
    try:
        return load_criteria_document(document)
    except CriteriaFileError as exc:
        problems = "; ".join(f"{p.path or 'document'} : {p.message}" for p in exc.errors)
        raise VariantError(f"variante « {name} » refusée : {problems}") from None


def compare_variants(criteria: CriteriaSet, lot: Lot, variants: Sequence[Variant], *,
                     baseline: LotResult | None = None) -> dict[str, Any]:
    """Score the lot under each variant and say what moved, as a JSON-ready dict.

    For the baseline and each variant: the winner, every offer's status, rank and
    total, and the pillars' declared and effective shares (see
    :func:`spar.engine.sensitivity.effective_weights`); for a variant also each
    offer's former rank and total, its move (positive: up) and whether the winner
    changed. ``baseline``: the result of ``score_lot(criteria, lot)`` if already
    computed. VariantError when a variant cannot be built or the offers cannot
    be scored by it.
    """
    base = baseline if baseline is not None else score_lot(criteria, lot)
    before = _summary(base)
    out: dict[str, Any] = {"criteria": criteria.identity, "lot": lot.lot_id,
                           "baseline": before, "variants": []}
    previous = {o["id"]: o for o in before["offers"]}
    for variant in variants:
        changed = variant_criteria(criteria, variant)
        problems = check_columns(changed, lot)
        if problems:
            raise VariantError(f"variante « {variant.describe(criteria)} » : "
                               + str(AnswersError(problems)))
        after = _summary(score_lot(changed, lot))
        for offer in after["offers"]:
            old = previous[offer["id"]]
            offer["previous_status"] = old["status"]
            offer["previous_rank"] = old["rank"]
            offer["previous_total"] = old["total"]
            offer["move"] = (old["rank"] - offer["rank"]
                             if old["rank"] is not None and offer["rank"] is not None else None)
        out["variants"].append({
            "label": variant.describe(criteria),
            "weights": dict(variant.weights),
            "methods": {p: dict(s) for p, s in variant.methods.items()},
            "criteria": changed.identity,
            "winner_changed": after["winner"] != before["winner"],
            **after,
        })
    return out


def _summary(result: LotResult) -> dict[str, Any]:
    effective = {row["pillar"]: row["effective_share"]
                 for row in effective_weights(result)["pillars"]}
    declared = result.criteria.pillar_shares()
    offers = []
    for i in result.order:
        i = int(i)
        ranked = result.status[i] == RANKED
        offers.append({"id": result.lot.offer_ids[i], "status": str(result.status[i]),
                       "rank": int(result.rank[i]) if ranked else None,
                       "total": float(result.totals[i]) if result.status[i] != IRREGULAR
                       else None})
    return {
        "winner": [o["id"] for o in offers if o["rank"] == 1],
        "offers": offers,
        "pillars": [{"pillar": p, "declared_share": declared[p],
                     "effective_share": effective.get(p)} for p in PILLARS if declared[p] > 0],
    }


def _node(criteria: CriteriaSet, path: str, variant: str | None = None):
    try:
        return criteria.node(path)
    except KeyError:
        where = f"variante « {variant} » : " if variant else ""
        known = ", ".join(n.path for n in criteria.nodes())
        raise VariantError(f"{where}critère « {path} » inconnu ; chemins possibles : "
                           f"{known}") from None


def _raw_node(document: dict, criteria: CriteriaSet, path: str, variant: str) -> dict:
    """The node's mapping inside the document, found by ids along its path."""
    _node(criteria, path, variant)
    children = document["criteria"]
    node: dict = {}
    for part in path.split("."):
        node = next(c for c in children if c.get("id") == part)
        children = node.get("criteria", [])
    return node
