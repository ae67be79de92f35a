"""A supplier's indicative score for one draft offer, and what would gain the most points.

Nothing here is stored or shown to a buyer. Relative methods need the competition:
the supplier may state assumptions about it (the best competing price, say); a
relative criterion without one is scored as if this offer were the best, and the
result says so plainly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Mapping, Sequence

import numpy as np

from . import VERSION
from .answers import Lot, lot_from_offers
from .columns import LabelsColumn, answer_at, missing_mask
from .criteria import PILLARS, CriteriaSet, Leaf
from .errors import AnswerValueError, AssumptionsError
from .explain import method_value
from .parsing import parse_number
from .methods import get_method
from .scoring import Weights, _eliminated, _irregular
from .what_if import smallest_changes
from .what_if.search import change_text, points_text

OFFER_ID = "auto-évaluation"
#: Criteria sets whose weights are kept between calls (suppliers assess the same few sets).
PLAN_LIMIT = 64


@dataclass(frozen=True)
class _LeafPlan:
    """What scoring one leaf of one offer needs that no answer changes."""

    leaf: Leaf
    method: ModuleType
    kind: str
    relative: bool
    max_points: float
    # whether the method scores one answer in plain floats (``score_one``), bit for bit
    # as its column score: a few hundred numpy calls on one-row arrays were most of a
    # self-assessment's time. Otherwise (labels summed) a one-row column is scored.
    alone: bool


@dataclass(frozen=True)
class _Plan:
    """What scoring one offer on a criteria set needs, computed once per set."""

    criteria: CriteriaSet  # held, so that its id cannot name another set while cached
    weights: Weights
    max_points: np.ndarray
    relative_inputs: frozenset[str]
    buyer_marked: tuple[str, ...]  # labels of the criteria the buyer marks
    leaves: tuple[_LeafPlan, ...]  # in the order of ``weights.leaves``


_PLANS: dict[int, _Plan] = {}
_PLANS_LOCK = threading.Lock()


def _plan(criteria: CriteriaSet) -> _Plan:
    """The plan of ``criteria`` (the very object: criteria sets are immutable)."""
    plan = _PLANS.get(id(criteria))
    if plan is not None and plan.criteria is criteria:
        return plan
    weights = Weights.of(criteria)
    max_points = criteria.points * weights.leaf_share
    leaves = []
    for j, leaf in enumerate(weights.leaves):
        method = get_method(leaf.method)
        leaves.append(_LeafPlan(leaf, method, method.KIND, bool(method.RELATIVE),
                                float(max_points[j]),
                                getattr(method, "alone", lambda params: True)(leaf.params)))
    leaves = tuple(leaves)
    plan = _Plan(criteria, weights, max_points,
                 frozenset(lp.leaf.input for lp in leaves if lp.relative),
                 tuple(leaf.label for leaf in weights.leaves if leaf.assessed_by == "buyer"),
                 leaves)
    with _PLANS_LOCK:
        if len(_PLANS) >= PLAN_LIMIT:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[id(criteria)] = plan
    return plan


@dataclass
class SelfAssessment:
    """The indicative result of one draft offer."""

    criteria: CriteriaSet
    status: str
    total: float
    pillars: dict[str, float]
    reasons: list[dict[str, Any]]
    breakdown: list[dict[str, Any]]
    assumed_best: list[str]
    notes: list[str]
    hints: list[dict[str, Any]] = field(default_factory=list)
    what_if: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "criteria": self.criteria.identity,
            "engine": VERSION,
            "points": float(self.criteria.points),
            "status": self.status,
            "total": self.total,
            "pillars": self.pillars,
            "reasons": self.reasons,
            "breakdown": self.breakdown,
            "assumed_best": self.assumed_best,
            "notes": self.notes,
            "hints": self.hints,
            "what_if": self.what_if,
        }


def _assumed_values(plan: _Plan, assumptions: Mapping[str, Any] | None
                    ) -> dict[str, np.ndarray]:
    """Input → competing values the supplier expects; AssumptionsError names what is wrong."""
    relative_inputs = plan.relative_inputs
    out: dict[str, np.ndarray] = {}
    for name, raw in (assumptions or {}).items():
        if name not in relative_inputs:
            known = ", ".join(sorted(relative_inputs)) or "aucune"
            raise AssumptionsError(f"hypothèse « {name} » : aucun critère relatif ne lit cette "
                                   f"réponse (réponses relatives : {known})")
        if isinstance(raw, Mapping):
            unknown = set(raw) - {"best", "worst"}
            if unknown or not raw:
                raise AssumptionsError(f"hypothèse « {name} » : seules les clés best et worst "
                                       "sont acceptées")
            items = list(raw.values())
        elif isinstance(raw, (list, tuple)):
            items = list(raw)
        else:
            items = [raw]
        try:
            out[name] = np.array([parse_number(x) for x in items], dtype=np.float64)
        except AnswerValueError as exc:
            raise AssumptionsError(f"hypothèse « {name} » : {exc}") from None
    return out


def _own_answer(column, kind: str) -> tuple[Any, bool]:
    """The offer's answer as ``score_one`` reads it (what its one-row column holds), and
    whether it is missing — read from the answer, not by a numpy call on the column."""
    answer = answer_at(column, 0)
    if kind == "labels":
        return answer, not column.present[0]
    return answer, answer is None or answer != answer  # None: a choice; NaN: a number


def _as_answer(target: Any, kind: str) -> Any:
    """A hint's target as ``score_one`` reads it (as a column would hold it)."""
    if kind == "labels":
        return target
    if kind == "choice":
        return str(target)
    return float(target)


def _score_alone(lp: _LeafPlan, answer: Any, competition: Sequence[float]
                 ) -> tuple[float, dict[str, float]]:
    """The leaf's score of ``answer`` and its statistics, ``answer`` being the only offer
    beside the ``competition``: the few values a supplier assumes (plain floats), or the
    many profiles of a matching (an array, for numpy's pass over them)."""
    params = lp.leaf.params
    if not lp.relative:
        stats = {}
    elif isinstance(competition, np.ndarray):
        values = np.concatenate(([answer], competition))
        stats = lp.method.statistics(values, np.ones(len(values), dtype=bool), params)
    else:
        stats = lp.method.statistics_one([answer, *competition], params)
    return lp.method.score_one(answer, params, stats), stats


def _labels_with(column: LabelsColumn, targets: Sequence[Any]) -> LabelsColumn:
    """A column of one row per target, each holding it in place of the current answer."""
    names = tuple(dict.fromkeys(list(column.names) + [n for claimed, evidenced in targets
                                                      for n in (*claimed, *evidenced)]))
    return LabelsColumn(names, np.array([[n in t[0] for n in names] for t in targets]),
                        np.array([[n in t[1] for n in names] for t in targets]),
                        np.ones(len(targets), dtype=bool))


def _target_scores(lp: _LeafPlan, column, targets: Sequence[Any],
                   competition: Sequence[float]) -> list[float]:
    """The leaf's score for each target answer, exactly as if it were the only answer."""
    if not lp.alone:  # labels summed, and absolute: all targets as one column, one call
        return lp.method.score(_labels_with(column, targets), lp.leaf.params, {}).tolist()
    # a relative target moves the competition's statistics too
    return [_score_alone(lp, _as_answer(t, lp.kind), competition)[0] for t in targets]


def _answered(lp: _LeafPlan, column, competition: Sequence[float],
              score: float | None = None) -> _Answered:
    """The leaf's facts for the offer: its answer, its score (``score`` when the offer
    was scored in a lot) and the statistics it was scored with."""
    answer, missing = _own_answer(column, lp.kind)
    if lp.alone:
        own, stats = _score_alone(lp, answer, competition)
    else:
        own, stats = float(lp.method.score(column, lp.leaf.params, {})[0]), {}
    return _Answered(lp, column, bool(missing), method_value(column, 0, lp.kind),
                     own if score is None else score, stats)


def self_assess(criteria: CriteriaSet, answers: Mapping[str, Any],
                evidence: Mapping[str, Any] | None = None,
                assumptions: Mapping[str, Any] | None = None,
                gain: float | None = None) -> SelfAssessment:
    """Score one draft offer alone; raises AnswersError (answers), AssumptionsError or
    GainSearchError (``gain``).

    With ``gain`` (points), also the smallest change of each answer that would gain
    that many points on its criterion, within the criterion's bounds (``what_if``).
    """
    lot: Lot = lot_from_offers(criteria, [{"id": OFFER_ID, "answers": answers,
                                           "evidence": evidence or {}}])
    plan = _plan(criteria)
    assumed = _assumed_values(plan, assumptions)
    competitions = _competitions(assumed)
    weights, max_points = plan.weights, plan.max_points

    scores = np.zeros((1, len(plan.leaves)))
    answered: list[_Answered] = []
    assumed_best: list[Leaf] = []  # relative leaves scored as if this offer were the best
    for j, lp in enumerate(plan.leaves):
        column = lot.columns[lp.leaf.input]
        facts = _answered(lp, column, competitions.get(lp.leaf.input, ()))
        scores[0, j] = facts.score
        answered.append(facts)
        if lp.relative and lp.leaf.input not in assumed and not facts.missing:
            assumed_best.append(lp.leaf)

    irregular, reasons = _irregular(criteria, lot)
    eliminated = _eliminated(criteria, weights, scores, ~irregular, reasons)
    status = "irregular" if irregular[0] else "eliminated" if eliminated[0] else "ranked"
    points = scores[0] * max_points
    pillar_points = points @ weights.pillar_matrix

    breakdown = []
    for a, leaf_points in zip(answered, points.tolist()):
        leaf = a.plan.leaf
        breakdown.append({
            "criterion": leaf.path, "label": leaf.label, "pillar": leaf.pillar,
            "input": leaf.input, "value": None if a.missing else _plain(a.value),
            "score": a.score, "max_points": a.plan.max_points, "points": leaf_points,
            "explanation": ("pas de réponse : 0.0000" if a.missing else
                            a.plan.method.explain(a.value, a.score, leaf.params, a.stats)),
        })

    notes = []
    if assumed_best:
        labels = ", ".join(f"{leaf.label} ({leaf.path})" for leaf in assumed_best)
        notes.append("Critères notés comme si votre offre était la meilleure, faute "
                     f"d'hypothèse sur la concurrence : {labels}. Indiquez par exemple le "
                     "meilleur prix attendu (assumptions) pour une estimation plus prudente.")
    if plan.buyer_marked:
        notes.append("Critères notés par l'acheteur, ici selon la note que vous visez : "
                     + ", ".join(plan.buyer_marked) + ".")
    return SelfAssessment(
        criteria=criteria, status=status, total=float(points.sum()),
        pillars={p: float(pillar_points[k]) for k, p in enumerate(PILLARS)},
        reasons=reasons[0], breakdown=breakdown,
        assumed_best=[leaf.path for leaf in assumed_best], notes=notes,
        hints=_hints(answered, competitions),
        what_if=None if gain is None else what_if(criteria, lot, weights, assumed, gain),
    )


def what_if(criteria: CriteriaSet, lot: Lot, weights: Weights, assumed: dict[str, np.ndarray],
            gain: float) -> list[dict[str, Any]]:
    """Per criterion, the smallest change of the answer gaining ``gain`` points (see
    :func:`spar.engine.what_if.smallest_changes`), the criteria where it is possible first."""
    out = []
    for leaf in weights.leaves:
        method = get_method(leaf.method)
        column = lot.columns[leaf.input]
        missing = bool(missing_mask(column)[0])
        value = None if missing else method_value(column, 0, method.KIND)
        evidence: list[str] = []
        if isinstance(value, tuple):  # labels: (claimed, evidenced)
            value, evidence = value
        competition = assumed.get(leaf.input)
        search = smallest_changes(criteria, leaf, value, gain,
                                  None if competition is None else competition.tolist(),
                                  evidence=evidence)
        out.append(search.to_dict())
    out.sort(key=lambda s: (s["status"] != "found", -s["max_gain"]))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):  # labels: (claimed, evidenced)
        return value[0]
    return value


@dataclass(slots=True)  # not frozen: built for every leaf of every request, and never changed
class _Answered:
    """One leaf of one offer: its answer (``value`` as the method's ``explain`` reads it),
    its score and the statistics it was scored with."""

    plan: _LeafPlan
    column: Any
    missing: bool
    value: Any
    score: float
    stats: dict[str, float]


def hints(criteria: CriteriaSet, lot: Lot, scores: np.ndarray,
          assumed: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """For each criterion, the answers that would gain points, the biggest gains first.

    Per criterion at most two: the nearest improvement and the best one. Gains are
    exact for this criterion alone (the other criteria keep their scores). ``lot``
    holds one offer, ``scores`` its leaf scores.
    """
    answered = []
    for j, lp in enumerate(_plan(criteria).leaves):
        column = lot.columns[lp.leaf.input]
        answered.append(_answered(lp, column, assumed.get(lp.leaf.input, ()),
                                  float(scores[j])))
    return _hints(answered, assumed)


def _competitions(assumed: dict[str, np.ndarray]) -> dict[str, list[float]]:
    """The assumed competing values as plain floats, what ``statistics_one`` reads."""
    return {name: values.tolist() for name, values in assumed.items()}


def _hints(answered: Sequence[_Answered],
           competitions: Mapping[str, Sequence[float]]) -> list[dict[str, Any]]:
    out = []
    for a in answered:
        lp, missing, value = a.plan, a.missing, a.value
        leaf, method, kind = lp.leaf, lp.method, lp.kind
        if missing and kind == "labels":
            value = ([], [])
        targets = method.targets(_target_base(value, kind, missing), leaf.params, a.stats)
        if not targets:
            continue
        candidates = []
        for target, new_score in zip(targets, _target_scores(
                lp, a.column, targets, competitions.get(leaf.input, ()))):
            gain = (new_score - a.score) * lp.max_points
            if gain > 1e-9:
                candidates.append((gain, target))
        if not candidates:
            continue
        best = max(candidates, key=lambda c: c[0])
        nearest = min(candidates, key=lambda c: (_distance(value, c[1], kind), -c[0]))
        for gain, target in ([nearest] if nearest is best else [nearest, best]):
            out.append({
                "criterion": leaf.path, "label": leaf.label, "input": leaf.input,
                "from": None if missing else _plain(value), "to": _plain(target),
                "gain": float(gain),
                "message": _message(leaf, kind, None if missing else value, target, gain),
            })
    out.sort(key=lambda h: -h["gain"])
    return out


#: What the methods' ``targets`` read for an unanswered leaf, by kind of answer.
_UNANSWERED = {"number": float("nan"), "mark": float("nan"), "boolean": None, "choice": None,
               "labels": ((), ())}


def _target_base(value, kind, missing):
    return _UNANSWERED[kind] if missing else value


def _distance(value, target, kind) -> float:
    if kind in ("number", "mark") and value is not None and not isinstance(value, tuple):
        try:
            return abs(float(target) - float(value))
        except (TypeError, ValueError):
            return 0.0
    if kind == "labels":
        return len(set(target[0]) - set(value[0])) + len(set(target[1]) - set(value[1]))
    return 0.0


def _message(leaf: Leaf, kind: str, value: Any, target: Any, gain: float) -> str:
    if kind != "labels":
        action = change_text(leaf, kind, value, target)
        if kind == "mark" and value is not None:
            level = {float(lv["mark"]): lv["label"] for lv in leaf.params["levels"]}
            if float(value) in level:
                action += f" au lieu de « {level[float(value)]} »"
    else:
        claimed, evidenced = value if value is not None else ([], [])
        new_claims = [x for x in target[0] if x not in claimed]
        new_evidence = [x for x in target[1] if x not in evidenced]
        if new_claims:
            action = f"obtenir le label « {new_claims[0]} »"
            if new_evidence:
                action += " et joindre son justificatif"
        else:
            action = f"joindre le justificatif du label « {new_evidence[0]} »"
    return f"{leaf.label} : {action} : +{points_text(gain)}"
