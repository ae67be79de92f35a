"""The always-on review rules: no training, each a code, a sentence, a value and a threshold.

The abnormally-low price reasons of SPEC §2.4 come from the engine (the lot's own
rules) and are the only rules that flag an offer for a decision. This module finds
the rest — observations such as a label claimed without evidence or a near tie,
which need no decision and become the offer's *notes* — for a whole batch at once
(:func:`evaluate_rules`), then words them only for the offers they hit. They also
feed the review model, which may flag an offer they point at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..engine.reasons import by_batch
from ..engine.text import fr_number, fr_numbers, fr_percent, fr_short
from .errors import ReviewInputError
from .features import Features, impossible_shares
from .frame import OfferFrame
from .grouped import Sorted

#: Reasons about the offer itself, in the order a buyer reads them.
OFFER_CODES = ("abnormally_low", "identical_price", "impossible_figure", "outlying_figure",
               "unevidenced_label", "self_assessment_gap")
#: Reasons about the lot's situation rather than the offer (an award to check).
LOT_CODES = ("near_tie", "single_offer")


@dataclass(frozen=True)
class ReviewSettings:
    """Thresholds of the always-on reasons and the model's review budget.

    ``near_tie_margin`` is a share of the lot's maximum points (0.01 = 1 point out
    of 100); ``outlier_z`` the robust z-score beyond which a declared figure is far
    from the others; ``self_assessment_gap`` a share of a scale's score range (0.5 =
    two levels on a five-level scale); ``budget`` the share of offers the model
    may send to review (None: the budget the model was trained for).
    """

    near_tie_margin: float = 0.01
    outlier_z: float = 3.5
    self_assessment_gap: float = 0.5
    budget: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.near_tie_margin <= 1:
            problems.append(f"near_tie_margin doit être entre 0 et 1 (reçu {self.near_tie_margin})")
        if not self.outlier_z > 0:
            problems.append(f"outlier_z doit être positif (reçu {self.outlier_z})")
        if not 0 < self.self_assessment_gap <= 1:
            problems.append("self_assessment_gap doit être dans ]0, 1] "
                            f"(reçu {self.self_assessment_gap})")
        if self.budget is not None and not 0 < self.budget < 1:
            problems.append(f"budget doit être dans ]0, 1[ (reçu {self.budget})")
        if problems:
            raise ReviewInputError("Réglages de revue invalides : " + " ; ".join(problems))


@dataclass(frozen=True)
class RuleHits:
    """Which offers each always-on reason hits, with what the sentences need."""

    low_price: np.ndarray  # (n,) from the lot's abnormally-low rules
    identical_price: np.ndarray  # (n,)
    impossible: np.ndarray  # (n, k)
    outlying: np.ndarray  # (n, k)
    unevidenced: np.ndarray  # (n,)
    self_gap: np.ndarray  # (n, q)
    near_tie: np.ndarray  # (n,)
    near_tie_gap: np.ndarray  # (n,) gap between the lot's two best totals
    single_offer: np.ndarray  # (n,)

    def matrix(self) -> np.ndarray:
        """(n, len(OFFER_CODES + LOT_CODES)) bool, one column per code."""
        return np.column_stack([
            self.low_price, self.identical_price, self.impossible.any(axis=1),
            self.outlying.any(axis=1), self.unevidenced, self.self_gap.any(axis=1),
            self.near_tie, self.single_offer,
        ])

    def score(self) -> np.ndarray:
        """How strongly the rules alone point at each offer, to rank them under a budget.

        One per reason about the offer; a lot-level notice adds only 0.1, so it is
        reviewed after every offer-level one.
        """
        m = self.matrix()
        k = len(OFFER_CODES)
        return m[:, :k].sum(axis=1) + 0.1 * m[:, k:].sum(axis=1)


def evaluate_rules(frame: OfferFrame, features: Features,
                   settings: ReviewSettings = ReviewSettings()) -> RuleHits:
    """Every always-on reason for every offer of the frame, vectorised over lots."""
    c = frame.considered
    codes, n_lots = frame.lot, frame.n_lots
    count = np.bincount(codes[c], minlength=n_lots)

    # the two best totals of the ranked offers of each lot (negated to sort descending)
    best = Sorted(np.where(frame.ranked, -frame.total, np.nan), codes, n_lots)
    first, second = -best.kth(0), -best.kth(1)
    lot_points = np.zeros(n_lots)
    lot_points[codes] = frame.points
    gap = first - second
    close = ~np.isnan(gap) & (gap < settings.near_tie_margin * lot_points)
    with np.errstate(invalid="ignore"):
        top_two = frame.ranked & (frame.total >= second[codes])

    gaps = np.abs(frame.self_scores - frame.buyer_scores)
    impossible = impossible_shares(frame)
    with np.errstate(invalid="ignore"):
        outlying = (features.favourable_z >= settings.outlier_z) & c[:, None] & ~impossible
        self_gap = (gaps >= settings.self_assessment_gap - 1e-9) & c[:, None]
    return RuleHits(
        low_price=frame.low_price_flagged & c,
        identical_price=(features.same_price_others > 0) & c,
        impossible=impossible,
        outlying=outlying,
        unevidenced=frame.unevidenced.any(axis=1) & c if frame.unevidenced.shape[1]
        else np.zeros(len(frame), dtype=bool),
        self_gap=self_gap,
        near_tie=top_two & close[codes],
        near_tie_gap=gap[codes],
        single_offer=c & (count[codes] == 1),
    )


def row_sets(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean (n, m) matrix and, per row, the index of its own.

    Rows read as bit codes when they fit an integer: ``np.unique(axis=0)`` sorts rows
    as records, a hundred times slower on 100,000 offers."""
    if matrix.shape[1] < 63:
        codes = matrix @ (1 << np.arange(matrix.shape[1], dtype=np.int64))
        _, first, which = np.unique(codes, return_index=True, return_inverse=True)
        return matrix[first], which.ravel()
    sets, which = np.unique(matrix, axis=0, return_inverse=True)
    return sets, which.ravel()


def _unit(u: str) -> str:
    return f" {u}" if u else ""


def _plural(n: float) -> str:
    return "s" if n >= 2 else ""


#: A batch of reasons: the offers it hits, and how to word the reason of one of them.
ReasonBatch = tuple[np.ndarray, Callable[[int], dict[str, Any]]]


def reason_batches(frame: OfferFrame, features: Features, hits: RuleHits,
                   settings: ReviewSettings = ReviewSettings()) -> list[ReasonBatch]:
    """Every always-on note (the engine's abnormally-low reasons aside), batch by batch.

    Sentences are only written for the offers someone reads (see
    :class:`spar.engine.reasons.OfferReasons`), so a batch of 100,000 offers does
    not pay for thousands of French sentences.
    """
    batches: list[ReasonBatch] = []

    def identical(i: int) -> dict[str, Any]:
        others = int(features.same_price_others[i])
        return {"code": "identical_price", "value": others, "threshold": 0,
                "price": float(frame.price[i]),
                "message": (f"Prix identique ({fr_number(frame.price[i])}) à celui de {others} "
                            f"offre{_plural(others)} d'une autre entreprise du lot")}
    batches.append((hits.identical_price, identical))

    for k in range(frame.figures.shape[1]):
        def impossible(i: int, k: int = k) -> dict[str, Any]:
            v = float(frame.figures[i, k])
            return {"code": "impossible_figure", "input": frame.figure_inputs[k], "value": v,
                    "threshold": 100.0 if v > 100 else 0.0,
                    "message": (f"Valeur impossible : {frame.figure_labels[k]} = {fr_short(v)} % "
                                "(une part est comprise entre 0 et 100 %)")}

        def outlying(i: int, k: int = k) -> dict[str, Any]:
            z = float(features.favourable_z[i, k])
            return {"code": "outlying_figure", "input": frame.figure_inputs[k], "value": z,
                    "threshold": settings.outlier_z, "figure": float(frame.figures[i, k]),
                    "message": (f"Valeur déclarée bien meilleure que celles des autres offres : "
                                f"{frame.figure_labels[k]} = {fr_short(frame.figures[i, k])}"
                                f"{_unit(frame.figure_units[k])}, à {fr_number(z, 1)} écarts "
                                f"robustes de la médiane du lot (seuil "
                                f"{fr_number(settings.outlier_z, 1)})")}
        batches += [(hits.impossible[:, k], impossible), (hits.outlying[:, k], outlying)]

    # read once for every offer, on the first reason worded: an offer may be worded alone
    # (exports read offer by offer) and a numpy call per offer cost 10 µs each. Tens of
    # thousands of offers may claim a label without its evidence, but a lot has few sets
    # of such labels: each set is named and worded once, not per offer
    unproven: dict[str, Any] = {}

    def unevidenced(rows: list[int]) -> list[dict[str, Any]]:
        if not unproven:
            sets, which = row_sets(frame.unevidenced)
            names = [[frame.label_names[c] for c in np.flatnonzero(labels).tolist()]
                     for labels in sets]
            unproven.update(
                which=which.tolist(), names=names,
                heads=[f"Label{_plural(len(n))} revendiqué{_plural(len(n))} sans justificatif "
                       f": {', '.join(n)} (" for n in names],
                stakes=(frame.unevidenced_share * frame.points).tolist())
        which, names, heads = unproven["which"], unproven["names"], unproven["heads"]
        stakes = [unproven["stakes"][i] for i in rows]
        sets = [which[i] for i in rows]
        return [{"code": "unevidenced_label", "value": len(names[k]), "threshold": 0,
                 "labels": list(names[k]), "points_at_stake": stake,
                 "message": f"{heads[k]}{stake_text} point{_plural(stake)} en jeu)"}
                for k, stake, stake_text in zip(sets, stakes, fr_numbers(stakes))]
    batches.append((hits.unevidenced, by_batch(unevidenced)))

    for k in range(frame.self_scores.shape[1]):
        def self_gap(i: int, k: int = k) -> dict[str, Any]:
            own, buyer = float(frame.self_marks[i, k]), float(frame.buyer_marks[i, k])
            gap = abs(float(frame.self_scores[i, k] - frame.buyer_scores[i, k]))
            return {"code": "self_assessment_gap", "input": frame.assessed_inputs[k],
                    "value": gap, "threshold": settings.self_assessment_gap,
                    "self_mark": own, "buyer_mark": buyer,
                    "message": (f"Écart d'auto-évaluation sur {frame.assessed_labels[k]} : note "
                                f"attendue par l'entreprise {fr_short(own)}, note de l'acheteur "
                                f"{fr_short(buyer)} (écart de {fr_percent(gap, 0)} de l'échelle, "
                                f"seuil {fr_percent(settings.self_assessment_gap, 0)})")}
        batches.append((hits.self_gap[:, k], self_gap))

    def near_tie(i: int) -> dict[str, Any]:
        gap = float(hits.near_tie_gap[i])
        margin = settings.near_tie_margin * float(frame.points[i])
        return {"code": "near_tie", "value": gap, "threshold": margin,
                "message": (f"Quasi-égalité : les deux meilleures offres du lot sont à "
                            f"{fr_number(gap)} point{_plural(gap)} d'écart (marge "
                            f"{fr_number(margin)} point{_plural(margin)})")}
    batches.append((hits.near_tie, near_tie))

    def single(i: int) -> dict[str, Any]:
        return {"code": "single_offer", "value": 1, "threshold": 2,
                "message": "Offre unique dans le lot : aucune autre offre pour comparer le prix"}
    batches.append((hits.single_offer, single))
    return [(mask, word) for mask, word in batches if mask.any()]
