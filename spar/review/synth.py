"""Synthetic tender lots with known causes, for training and testing the review model.

No labelled history exists yet, so lots are simulated the way offers arise, and
anomalies are injected through their *mechanism* — a price below cost, a cartel
placing cover bids, a copied price, a label claimed but not held — never by
asking the rules. Benign look-alikes (an efficient supplier's cheap offer with
everything proven, a forgotten certificate, a genuinely excellent figure) are
injected too and labelled negative, so the model cannot just relearn the rules.

Per lot: the number of offers is 1 + NegBin(2, 0.35) (about 12 % single-offer
lots, 4.7 offers on average, at most 25); the lot's estimate is log-normal
(median 50 k€, σ = 1); each supplier's cost is the estimate times a log-normal
efficiency (σ = 0.10) and its price that cost times a log-normal markup (median
+10 %, σ = 0.05). Quality drives the buyer's technical mark; 70 % of suppliers
self-assess, mostly within one level. Every lot is scored by the real engine on
the criteria of SPEC §2 (with its abnormally-low rule ``mean_ratio 0.8``), then
goes through the same features and rules as real lots.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from ..criteria_file import load_criteria_document
from ..engine.answers import lot_from_columns
from ..engine.scoring import score_lot
from .errors import ReviewInputError
from .features import FEATURE_NAMES, Features, compute_features
from .frame import OfferFrame, frame_from_result
from .rules import LOT_CODES, OFFER_CODES, ReviewSettings, RuleHits, evaluate_rules

#: Injected causes of an offer needing a human look (positives).
MECHANISMS = ("abnormally_low", "cover_bidding", "identical_price", "unevidenced_claim",
              "implausible_claim", "inflated_self_assessment")
#: Injected look-alikes that need no look (negatives).
BENIGN = ("benign_cheap", "benign_missing_evidence", "benign_excellent_figure")
NONE = "none"

#: How often each cause is injected: per lot for the lot-level ones (cover bidding
#: in lots of 3 offers or more, identical prices in lots of 2 or more), per offer
#: for the others.
DEFAULT_RATES: Mapping[str, float] = {
    "abnormally_low": 0.02, "cover_bidding": 0.05, "identical_price": 0.015,
    "unevidenced_claim": 0.015, "implausible_claim": 0.012, "inflated_self_assessment": 0.02,
    "benign_cheap": 0.03, "benign_missing_evidence": 0.01, "benign_excellent_figure": 0.02,
}
OFFER_LEVEL = ("abnormally_low", "unevidenced_claim", "implausible_claim",
               "inflated_self_assessment", "benign_cheap", "benign_missing_evidence",
               "benign_excellent_figure")

#: The criteria set every synthetic lot is scored with: the example of SPEC §2.
CRITERIA_DOCUMENT = {
    "spar": 1, "id": "synthetique-fournitures", "version": 1,
    "title": "Lots synthétiques (exemple de la spécification)", "category": "supplies",
    "points": 100,
    "criteria": [
        {"id": "price", "label": "Prix", "pillar": "economic", "weight": 40,
         "input": "price_eur", "unit": "EUR HT", "method": "price_lowest_ratio"},
        {"id": "env", "label": "Performance environnementale", "pillar": "environmental",
         "weight": 30, "eliminatory_below": 0.25, "criteria": [
             {"id": "co2", "label": "Empreinte carbone", "weight": 50, "input": "co2e_kg",
              "unit": "kgCO2e", "method": "linear", "best": 0.5, "worst": 5.0},
             {"id": "recycled", "label": "Matière recyclée", "weight": 30,
              "input": "recycled_pct", "unit": "%", "method": "linear", "best": 100, "worst": 0},
             {"id": "ecolabel", "label": "Écolabel", "weight": 20, "input": "labels",
              "method": "labels", "evidence": "required",
              "labels": {"EU Ecolabel": 1, "NF Environnement": 1, "Blauer Engel": 1, "FSC": 0.5}},
         ]},
        {"id": "social", "label": "Performance sociale", "pillar": "social", "weight": 20,
         "criteria": [
             {"id": "insertion", "label": "Heures d'insertion", "weight": 60,
              "input": "insertion_hours", "method": "steps",
              "steps": [{"at": 100, "score": 0.5}, {"at": 300, "score": 1}]},
             {"id": "equality", "label": "Index égalité professionnelle", "weight": 40,
              "input": "egapro_index", "method": "linear", "worst": 75, "best": 100,
              "minimum": 75},
         ]},
        {"id": "technical", "label": "Valeur technique", "pillar": "technical", "weight": 10,
         "input": "technical_mark", "method": "scale", "levels": [
             {"mark": 0, "label": "Absent", "score": 0},
             {"mark": 1, "label": "Insuffisant", "score": 0.25},
             {"mark": 2, "label": "Moyen", "score": 0.5},
             {"mark": 3, "label": "Satisfaisant", "score": 0.75},
             {"mark": 4, "label": "Très satisfaisant", "score": 1}]},
    ],
    "review": {"abnormally_low": {"input": "price_eur", "method": "mean_ratio", "ratio": 0.8}},
}
LABELS = ("EU Ecolabel", "NF Environnement", "Blauer Engel", "FSC")
LABEL_HELD = np.array([0.25, 0.15, 0.10, 0.20])
OPTIONAL_INPUTS = ("co2e_kg", "recycled_pct", "labels", "insertion_hours", "egapro_index")


@dataclass(frozen=True)
class SynthConfig:
    """What to generate: how many lots, from which seed, with which causes enabled."""

    lots: int = 6000
    seed: int = 1
    mechanisms: tuple[str, ...] = MECHANISMS
    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))

    def __post_init__(self) -> None:
        if self.lots < 1:
            raise ReviewInputError(f"Le nombre de lots doit être au moins 1 (reçu {self.lots}).")
        unknown = [m for m in self.mechanisms if m not in MECHANISMS]
        if unknown:
            raise ReviewInputError(f"Mécanisme inconnu : {', '.join(unknown)} ; connus : "
                                   f"{', '.join(MECHANISMS)}.")


@dataclass
class SyntheticData:
    """Generated offers: the frame, its features and rules, and each offer's true cause."""

    frame: OfferFrame
    features: Features
    hits: RuleHits
    causes: np.ndarray  # object: a mechanism, a benign look-alike or "none"

    @property
    def labels(self) -> np.ndarray:
        return np.isin(self.causes, MECHANISMS)


class _Lot:
    """One simulated lot's answers, mutated by the injected mechanisms."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.n = n
        self.estimate = float(np.exp(rng.normal(np.log(50_000), 1.0)))
        # every lot its own market: how much firms' costs and margins differ
        self.cost = self.estimate * np.exp(rng.normal(0, rng.uniform(0.03, 0.22), n))
        self.markup = np.exp(rng.normal(np.log(rng.uniform(1.04, 1.18)),
                                        rng.uniform(0.02, 0.08), n))
        self.price = self.cost * self.markup
        self.quality = rng.beta(5, 2.5, n)
        self.co2 = np.exp(rng.normal(np.log(2.5), 0.3)) * np.exp(rng.normal(0, 0.25, n))
        self.recycled = 100 * rng.beta(2, 3, n)
        self.insertion = np.where(rng.random(n) < 0.3, 0.0, np.exp(rng.normal(np.log(150), 0.6, n)))
        self.egapro = np.clip(np.round(rng.normal(87, 6, n)), 40, 100)
        self.held = rng.random((n, len(LABELS))) < LABEL_HELD
        self.claimed = self.held.copy()
        self.evidenced = self.held & (rng.random((n, len(LABELS))) < 0.995)
        self.missing = rng.random((n, len(OPTIONAL_INPUTS))) < 0.02
        self.causes = np.full(n, NONE, dtype=object)


def _inject_lot_level(lot: _Lot, rng: np.random.Generator, config: SynthConfig) -> None:
    n, rates = lot.n, config.rates
    if "cover_bidding" in config.mechanisms and n >= 3 and rng.random() < rates["cover_bidding"]:
        # the cartel picks a winner at an inflated price; the others bid above it, some
        # cartels careless (covers within 1 %), some careful (up to 15 % above)
        size = n if rng.random() < 0.6 else int(rng.integers(2, n))
        members = rng.choice(n, size, replace=False)
        win = lot.estimate * rng.uniform(1.0, 1.4)
        lot.price[members[0]] = win
        lot.price[members[1:]] = win * (1 + rng.uniform(0.003, rng.uniform(0.02, 0.15),
                                                        size - 1))
        if rng.random() < 0.5:  # covers meant to lose often answer the rest carelessly too
            lot.quality[members[1:]] *= rng.uniform(0.5, 0.95, size - 1)
        lot.causes[members] = "cover_bidding"
    free = np.flatnonzero(lot.causes == NONE)
    if "identical_price" in config.mechanisms and len(free) >= 2 \
            and rng.random() < rates["identical_price"]:
        a, b = rng.choice(free, 2, replace=False)
        lot.price[b] = lot.price[a]
        lot.causes[[a, b]] = "identical_price"


def _inject_offer_level(lot: _Lot, rng: np.random.Generator, config: SynthConfig) -> None:
    enabled = [c for c in OFFER_LEVEL if c in config.mechanisms or c in BENIGN]
    p = np.array([config.rates[c] for c in enabled])
    draw = rng.random(lot.n)
    edges = np.cumsum(p)
    for i in np.flatnonzero(lot.causes == NONE):
        k = int(np.searchsorted(edges, draw[i], side="right"))
        if k >= len(enabled):
            continue
        cause = enabled[k]
        if cause in ("abnormally_low", "benign_cheap") and lot.n < 2:
            continue
        if cause == "abnormally_low":
            # priced below cost to win, half the time with a thinner offer behind it
            lot.price[i] = lot.cost[i] * rng.uniform(0.4, 0.9)
            if rng.random() < 0.5:
                lot.quality[i] *= rng.uniform(0.5, 0.85)
                lot.missing[i] |= rng.random(len(OPTIONAL_INPUTS)) < 0.15
                lot.evidenced[i] &= rng.random(len(LABELS)) > 0.3
        elif cause == "benign_cheap":
            # a genuinely efficient supplier: lower cost, normal margin, everything proven;
            # no more than efficiency explains — a price far under the others must be
            # questioned whoever offers it (the law), so it is no look-alike
            lot.cost[i] *= rng.uniform(0.75, 0.9)
            lot.price[i] = lot.cost[i] * lot.markup[i]
            lot.quality[i] = max(lot.quality[i], rng.beta(6, 2))
            lot.held[i, rng.integers(len(LABELS))] = True
            lot.claimed[i] = lot.evidenced[i] = lot.held[i]
            lot.missing[i] = False
        elif cause == "unevidenced_claim":
            not_held = np.flatnonzero(~lot.held[i])
            k = min(len(not_held), int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25])))
            if k == 0:
                continue
            lot.claimed[i, rng.choice(not_held, k, replace=False)] = True
            lot.missing[i, OPTIONAL_INPUTS.index("labels")] = False
        elif cause == "benign_missing_evidence":
            j = int(rng.integers(len(LABELS)))
            lot.held[i, j] = lot.claimed[i, j] = True
            lot.evidenced[i, j] = False
            lot.missing[i, OPTIONAL_INPUTS.index("labels")] = False
        elif cause == "implausible_claim":
            if rng.random() < 0.4:
                lot.recycled[i] = rng.uniform(101, 180)
                lot.missing[i, OPTIONAL_INPUTS.index("recycled_pct")] = False
            else:
                lot.co2[i] *= rng.uniform(0.03, 0.15)
                lot.missing[i, OPTIONAL_INPUTS.index("co2e_kg")] = False
        elif cause == "benign_excellent_figure":
            lot.co2[i] *= rng.uniform(0.3, 0.5)
            lot.held[i, 0] = lot.claimed[i, 0] = lot.evidenced[i, 0] = True
            lot.missing[i, OPTIONAL_INPUTS.index("co2e_kg")] = False
        elif cause == "inflated_self_assessment":
            pass  # needs the marks; applied after them
        lot.causes[i] = cause


def _marks(lot: _Lot, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The buyer's marks and the self-assessed ones (NaN where the supplier gave none)."""
    n = lot.n
    buyer = np.clip(np.round(4 * lot.quality + rng.normal(0, 0.5, n)), 0, 4)
    own = np.clip(buyer + rng.choice([-1, 0, 1, 2], n, p=[0.15, 0.62, 0.20, 0.03]), 0, 4)
    own = np.where(rng.random(n) < 0.7, own, np.nan)
    inflated = np.flatnonzero(lot.causes == "inflated_self_assessment")
    for i in inflated:
        if buyer[i] > 2:
            lot.causes[i] = NONE
            continue
        own[i] = min(4.0, buyer[i] + rng.choice([2, 3, 4]))
    return buyer, own


def _simulate(criteria, rng: np.random.Generator, config: SynthConfig, index: int):
    # mostly small lots, one in ten a large one, so that no lot size is foreign to the model
    n = 1 + min(int(rng.negative_binomial(2, 0.35)), 24) if rng.random() < 0.9 \
        else int(rng.integers(10, 41))
    lot = _Lot(rng, n)
    _inject_lot_level(lot, rng, config)
    _inject_offer_level(lot, rng, config)
    buyer, own = _marks(lot, rng)
    lot_id = f"S{config.seed}-L{index + 1:05d}"
    ids = [f"{lot_id}-{k + 1}" for k in range(n)]
    miss = {name: lot.missing[:, c] for c, name in enumerate(OPTIONAL_INPUTS)}

    def number(values, name):
        return np.where(miss[name], np.nan, values)

    raw = {
        "price_eur": np.round(lot.price, 2),
        "co2e_kg": number(np.round(lot.co2, 3), "co2e_kg"),
        "recycled_pct": number(np.round(lot.recycled, 1), "recycled_pct"),
        "labels": [None if miss["labels"][i]
                   else [LABELS[j] for j in np.flatnonzero(lot.claimed[i])] for i in range(n)],
        "insertion_hours": number(np.round(lot.insertion), "insertion_hours"),
        "egapro_index": number(lot.egapro, "egapro_index"),
        "technical_mark": buyer,
    }
    evidence = {"labels": [[LABELS[j] for j in np.flatnonzero(lot.evidenced[i])] for i in range(n)]}
    suppliers = [{"name": f"Entreprise {lot_id}-{k + 1}"} for k in range(n)]
    scored = score_lot(criteria, lot_from_columns(criteria, ids, raw, evidence,
                                                  estimate=round(lot.estimate, 2),
                                                  lot_id=lot_id, suppliers=suppliers))
    self_marks = {ids[i]: {"technical_mark": float(own[i])}
                  for i in range(n) if not np.isnan(own[i])}
    return frame_from_result(scored, self_marks), lot.causes


def generate(config: SynthConfig = SynthConfig(),
             progress: Callable[[int], None] | None = None) -> SyntheticData:
    """Simulate ``config.lots`` lots; deterministic given the config (seed included).

    ``progress`` is called with the number of lots done since the last call.
    """
    criteria = load_criteria_document(CRITERIA_DOCUMENT)
    rng = np.random.default_rng(config.seed)
    return collect(config.lots, lambda index: _simulate(criteria, rng, config, index), progress)


def collect(lots: int, simulate: Callable[[int], tuple[OfferFrame, np.ndarray]],
            progress: Callable[[int], None] | None = None) -> SyntheticData:
    """``lots`` simulated lots (``simulate(index)`` → frame, causes) stacked into one batch,
    with their features and rules; ``progress`` hears of every hundred lots."""
    frames, causes = [], []
    for index in range(lots):
        frame, cause = simulate(index)
        frames.append(frame)
        causes.append(cause)
        if progress and (index + 1) % 100 == 0:
            progress(100)
    if progress and lots % 100:
        progress(lots % 100)
    frame = OfferFrame.concat(frames)
    features = compute_features(frame)
    return SyntheticData(frame, features, evaluate_rules(frame, features, ReviewSettings()),
                         np.concatenate(causes))


# --------------------------------------------------------------------------- tables
#: Columns of a training table besides the features.
TABLE_COLUMNS = ("lot", "offer", "cause", "label", "rules", "rules_score")


def to_table(data: SyntheticData):
    """One row per offer in competition: identity, cause, label, features, rules fired."""
    import pandas as pd

    keep = data.frame.considered
    codes = np.array(OFFER_CODES + LOT_CODES)
    fired = data.hits.matrix()
    table = pd.DataFrame({
        "lot": np.array(data.frame.lot_ids, dtype=object)[data.frame.lot],
        "offer": np.array(data.frame.offer_ids, dtype=object),
        "cause": data.causes,
        "label": data.labels.astype(np.int64),
    })
    for k, name in enumerate(FEATURE_NAMES):
        table[name] = data.features.matrix[:, k]
    table["rules"] = ["|".join(codes[row]) for row in fired]
    table["rules_score"] = data.hits.score()
    return table[keep].reset_index(drop=True)


def table_bytes(table) -> bytes:
    """The table as the CSV :func:`write_table` writes, the bytes its hash is taken on."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def table_sha256(table) -> str:
    return hashlib.sha256(table_bytes(table)).hexdigest()


def write_table(table, path: str | Path) -> None:
    Path(path).write_bytes(table_bytes(table))


def read_table(path: str | Path):
    """A training table written by :func:`write_table`; ReviewInputError says what is wrong."""
    import pandas as pd

    path = Path(path)
    try:
        table = pd.read_csv(path, keep_default_na=False,
                            na_values=[""], dtype={"lot": str, "offer": str, "cause": str,
                                                   "rules": str})
    except FileNotFoundError:
        raise ReviewInputError(f"{path} : fichier introuvable.") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ReviewInputError(f"{path} : lecture impossible ({exc}).") from None
    missing = [c for c in TABLE_COLUMNS + FEATURE_NAMES if c not in table.columns]
    if missing:
        raise ReviewInputError(f"{path} : colonnes manquantes : {', '.join(missing)}.")
    table["rules"] = table["rules"].fillna("")
    numeric = list(FEATURE_NAMES) + ["label", "rules_score"]
    bad = [c for c in numeric if table[c].dtype.kind not in "fi" or not np.isfinite(table[c]).all()]
    if bad:
        raise ReviewInputError(f"{path} : valeurs non numériques ou manquantes dans : "
                               f"{', '.join(bad)}.")
    if not table["label"].isin([0, 1]).all():
        raise ReviewInputError(f"{path} : la colonne « label » ne doit contenir que 0 ou 1.")
    return table
