"""Features of every offer relative to the other offers of its lot — pure numpy.

Each feature is invariant to the order of the offers and to scaling all prices
(ratios, logarithms and rank statistics only). An offer out of competition
(irregular) has a row of NaN; otherwise every value is finite, with a neutral
value when the lot cannot tell (a single offer has a price ratio of 1, say).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import OfferFrame
from .grouped import Sorted, robust_z


@dataclass(frozen=True)
class Feature:
    """A feature's name (fixed: the model and its metadata use it) and its French wording."""

    name: str
    label: str


FEATURES: tuple[Feature, ...] = (
    Feature("price_to_others_median", "prix rapporté à la médiane des autres offres"),
    Feature("gap_to_next_price", "écart avec le prix immédiatement supérieur"),
    Feature("gap_from_previous_price", "écart avec le prix immédiatement inférieur"),
    Feature("price_rank_share", "rang du prix dans le lot (0 = le moins cher)"),
    Feature("price_robust_z", "score z robuste du prix dans le lot"),
    Feature("same_price_other_suppliers", "offres d'autres entreprises au même prix"),
    Feature("lot_offers", "nombre d'offres du lot"),
    Feature("lot_price_cv", "dispersion des prix du lot (coefficient de variation)"),
    Feature("lot_price_spread", "étendue des prix du lot rapportée à leur médiane"),
    Feature("lot_price_skewness", "asymétrie des prix du lot"),
    Feature("lot_relative_distance",
            "écart entre les deux prix les plus bas rapporté à la dispersion des autres"),
    Feature("figure_max_favourable_z",
            "valeur déclarée bien meilleure que celles des autres offres (z robuste)"),
    Feature("impossible_figures", "pourcentages déclarés hors de 0–100 %"),
    Feature("unevidenced_claim_share", "part des points reposant sur des labels sans justificatif"),
    Feature("unevidenced_labels", "labels revendiqués sans justificatif"),
    Feature("missing_answer_share", "part des réponses manquantes"),
    Feature("nonprice_score_gap", "écart de note hors prix à la médiane du lot"),
    Feature("self_assessment_gap", "écart entre l'auto-évaluation et la note de l'acheteur"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
FEATURE_LABELS: dict[str, str] = {f.name: f.label for f in FEATURES}

#: Fewer values than this and a robust z-score says nothing (the MAD of 3 values is
#: one of the distances itself); the z is then 0.
MIN_OFFERS_FOR_Z = 4
#: The least spread a robust z assumes: 10 % of the typical value for a declared
#: figure, 0.1 on the log scale (about 10 %) for prices.
FIGURE_SCALE_FLOOR = 0.10
PRICE_LOG_SCALE_FLOOR = 0.10
#: Caps keep the features finite where a denominator vanishes.
MAX_RELATIVE_DISTANCE = 10.0
MAX_ABS_Z = 50.0


@dataclass(frozen=True)
class Features:
    """The feature matrix and the per-figure detail the rules reuse."""

    matrix: np.ndarray  # (n, len(FEATURE_NAMES)), NaN rows out of competition
    figure_z: np.ndarray  # (n, k) robust z of every declared figure, NaN when missing
    favourable_z: np.ndarray  # (n, k) the same, positive when the figure is better for the offer
    same_price_others: np.ndarray  # (n,) offers of other suppliers at exactly this price
    names: tuple[str, ...] = FEATURE_NAMES

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, self.names.index(name)]

    def snapshot(self, i: int) -> dict[str, float] | None:
        """Offer ``i``'s features by name, to store with a decision (None out of competition)."""
        row = self.matrix[i]
        if np.isnan(row).all():
            return None
        return dict(zip(self.names, map(float, row)))


def _neutral(x: np.ndarray, value: float) -> np.ndarray:
    return np.where(np.isnan(x), value, x)


def _row_max(matrix: np.ndarray) -> np.ndarray:
    """Largest known value of every row; 0 for a row with none."""
    if not matrix.shape[1]:
        return np.zeros(len(matrix))
    known = ~np.isnan(matrix)
    best = np.max(matrix, axis=1, initial=-np.inf, where=known)
    return np.where(known.any(axis=1), best, 0.0)


def _same_price_other_suppliers(price: np.ndarray, supplier: np.ndarray, lot: np.ndarray
                                ) -> np.ndarray:
    """Offers of the same lot at exactly the same price from another supplier."""
    n = len(price)
    out = np.zeros(n)
    rows = np.flatnonzero(~np.isnan(price))
    if not len(rows):
        return out
    order = rows[np.lexsort((supplier[rows], price[rows], lot[rows]))]
    p, s, g = price[order], supplier[order], lot[order]

    def run_sizes(new: np.ndarray) -> np.ndarray:
        run = np.cumsum(new) - 1
        return np.bincount(run)[run]

    same_price = run_sizes(np.concatenate([[True], (g[1:] != g[:-1]) | (p[1:] != p[:-1])]))
    same_supplier = run_sizes(np.concatenate([[True], (g[1:] != g[:-1]) | (p[1:] != p[:-1])
                                              | (s[1:] != s[:-1])]))
    out[order] = same_price - same_supplier
    return out


def _price_features(frame: OfferFrame) -> dict[str, np.ndarray]:
    codes, n_lots = frame.lot, frame.n_lots
    with np.errstate(invalid="ignore"):
        usable = frame.considered & (frame.price > 0)
    price = np.where(usable, frame.price, np.nan)
    s = Sorted(price, codes, n_lots)
    count = s.count()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = price / s.median_of_others()
        gap_next = 1 - price / s.next_distinct(above=True)
        gap_prev = price / s.next_distinct(above=False) - 1
        cv = np.sqrt(s.central_moment(2)) / s.mean()
        spread = (s.maximum() - s.minimum()) / s.median()
        m2 = s.central_moment(2)
        # equal prices leave rounding noise in m2; skewness of noise is not a signal
        spread_out = np.sqrt(m2) > 1e-9 * s.mean()
        skew = np.where((count >= 3) & spread_out, s.central_moment(3) / m2 ** 1.5, 0.0)
        # Imhof's relative distance: the gap between the two lowest bids over the
        # spread of the losing ones — cover bids sit close together above the winner
        losers = Sorted(s.scatter(np.where(s.position == 0, np.nan, s.values)), codes, n_lots)
        losers_sd = np.sqrt(losers.central_moment(2))
        gap12 = s.kth(1) - s.kth(0)
        rd = np.where(losers_sd > 0, gap12 / losers_sd,
                      np.where(gap12 > 0, MAX_RELATIVE_DISTANCE, 0.0))
    rd = np.where(count >= 3, np.clip(rd, 0, MAX_RELATIVE_DISTANCE), 0.0)
    return {
        "price_to_others_median": _neutral(ratio, 1.0),
        "gap_to_next_price": _neutral(gap_next, 0.0),
        "gap_from_previous_price": _neutral(gap_prev, 0.0),
        "price_rank_share": _neutral(s.rank_share(), 0.5),
        "price_robust_z": np.clip(_neutral(robust_z(np.log(price), codes, n_lots, MIN_OFFERS_FOR_Z,
                                                    floor=PRICE_LOG_SCALE_FLOOR), 0.0),
                                  -MAX_ABS_Z, MAX_ABS_Z),
        "same_price_other_suppliers": _same_price_other_suppliers(price, frame.supplier, codes),
        "lot_price_cv": _neutral(np.where(count >= 2, cv, 0.0), 0.0)[codes],
        "lot_price_spread": _neutral(np.where(count >= 2, spread, 0.0), 0.0)[codes],
        "lot_price_skewness": skew[codes],
        "lot_relative_distance": rd[codes],
    }


def figure_z_scores(frame: OfferFrame) -> np.ndarray:
    """(n, k) robust z of each declared figure against the competing offers of the lot."""
    z = np.full(frame.figures.shape, np.nan)
    for c in range(frame.figures.shape[1]):
        values = np.where(frame.considered, frame.figures[:, c], np.nan)
        z[:, c] = robust_z(values, frame.lot, frame.n_lots, MIN_OFFERS_FOR_Z,
                           relative_floor=FIGURE_SCALE_FLOOR)
    return z


def favourable(frame: OfferFrame, z: np.ndarray) -> np.ndarray:
    """Robust z turned so that positive means better for the offer.

    Only a figure that favours the offer needs proof; when the criterion has no
    direction, a deviation either way counts.
    """
    d = frame.figure_direction[None, :]
    return np.where(d == 0, np.abs(z), z * d)


def impossible_shares(frame: OfferFrame) -> np.ndarray:
    """(n, k) True where a percentage lies outside [0, 100]."""
    with np.errstate(invalid="ignore"):
        bad = (frame.figures > 100) | (frame.figures < 0)
    return bad & frame.figure_is_share[None, :] & frame.considered[:, None]


def compute_features(frame: OfferFrame) -> Features:
    """Every feature of :data:`FEATURE_NAMES` for every offer of the frame."""
    codes, n_lots = frame.lot, frame.n_lots
    considered = frame.considered
    z = figure_z_scores(frame)
    good_z = favourable(frame, z)

    nonprice = np.where(considered, frame.nonprice_score, np.nan)
    nonprice_median = Sorted(nonprice, codes, n_lots).median()


    values = _price_features(frame)
    values.update({
        "lot_offers": np.bincount(codes[considered], minlength=n_lots)[codes].astype(np.float64),
        "figure_max_favourable_z": np.clip(_row_max(good_z), 0.0, MAX_ABS_Z),
        "impossible_figures": impossible_shares(frame).sum(axis=1).astype(np.float64),
        "unevidenced_claim_share": frame.unevidenced_share,
        "unevidenced_labels": frame.unevidenced.sum(axis=1).astype(np.float64),
        "missing_answer_share": frame.missing_share,
        "nonprice_score_gap": frame.nonprice_score - nonprice_median[codes],
        "self_assessment_gap": _row_max(frame.self_scores - frame.buyer_scores),
    })
    matrix = np.column_stack([values[name] for name in FEATURE_NAMES]).astype(np.float64)
    matrix[~considered] = np.nan
    return Features(matrix, z, good_z, values["same_price_other_suppliers"])
