"""A second generator of labelled lots, written apart from :mod:`spar.review.synth`.

The review model is trained on :mod:`spar.review.synth`; figures measured on the
same generator say little about lots that arise otherwise. This generator shares
no distribution, no criteria set and no injection code with it, so the model card
can report how the review does on lots it was never shaped for:

- **Criteria sets** are drawn at random (a pool of ``criteria_sets`` per seed): 4
  to 15 leaves besides the price, every scoring method but the price ones spread
  over the environmental, social and technical pillars (shares in %, physical
  figures where lower is better, steps, yes/no, choices, labels with or without
  required evidence, marks given by the buyer), a price method among the three,
  and one or two abnormally-low rules among the five of SPEC §2.4 with drawn
  parameters.
- **Lots**: a quarter with 1 to 3 offers, half with 4 to 9, a quarter with 10 to
  30; the estimate log-uniform between 10 k€ and 2 M€. Each lot has its own price
  dispersion (σ uniform in [0.04, 0.20]); a firm's cost is the estimate times a
  log-normal efficiency of that σ, its price the cost times 1 + Gamma(4, 0.03) (a
  12 % margin on average). Answers follow a latent quality drawn from Beta(2, 2);
  2 % of optional answers are missing; half the firms say which mark they expect
  from the buyer, mostly the one they get.
- **Mechanisms** (positives): *dumping* (3 % of offers in lots of 2 or more: priced
  at 45–85 % of cost, half of them with a thinner offer), *cover bidding* (7 % of
  lots of 3 or more: a cartel of two or more firms, the winner 3–30 % above the
  estimate, the others 1–10 % above the winner with poorer answers), *identical
  prices* (3 % of lots of 2 or more: two or three firms at the very same price),
  *unevidenced claims* (2.5 % of offers where a label criterion exists: one or two
  labels claimed without being held or proven) and *implausible claims* (2 % of
  offers: a share above 100 %, or a figure 4 to 20 times better than the lot's).
- **Look-alikes** (negatives): efficient firms pricing 60–80 % of the usual cost
  with strong, proven answers (4 % of offers), and genuinely excellent figures
  (1.5 to 2.5 times better than usual, the firm strong overall; 2 %).

Every lot is scored by the real engine, then goes through the same features and
rules as real lots; the output has the shape of :class:`spar.review.synth.SyntheticData`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..criteria_file import load_criteria_document
from ..engine.answers import lot_from_columns
from ..engine.scoring import score_lot
from .errors import ReviewInputError
from .frame import OfferFrame, frame_from_result
from .synth import NONE, SyntheticData, collect

#: The mechanisms this generator injects (the positives), named as the model card names them.
MECHANISMS = ("abnormally_low", "cover_bidding", "identical_price", "unevidenced_claim",
              "implausible_claim")
#: Its look-alikes (negatives).
BENIGN = ("benign_cheap", "benign_excellent_figure")

_OFFER_RATES = {"abnormally_low": 0.03, "unevidenced_claim": 0.025, "implausible_claim": 0.02,
                "benign_cheap": 0.04, "benign_excellent_figure": 0.02}
_COVER_RATE, _IDENTICAL_RATE = 0.07, 0.03
_LABEL_POOL = ("EU Ecolabel", "NF Environnement", "Blauer Engel", "Ecocert", "FSC", "PEFC",
               "Label bas carbone", "HVE", "ISO 14001", "Imprim'Vert")
_LEVELS = ("Absent", "Insuffisant", "Moyen", "Satisfaisant", "Très satisfaisant")
_KINDS = ("share", "physical", "relative", "min_max", "steps", "boolean", "choice", "labels",
          "scale")
_KIND_WEIGHTS = np.array([0.16, 0.14, 0.09, 0.07, 0.12, 0.1, 0.08, 0.12, 0.12])


@dataclass(frozen=True)
class MarketConfig:
    """How many lots, from which seed, over how many random criteria sets."""

    lots: int = 6000
    seed: int = 2001
    criteria_sets: int = 40

    def __post_init__(self) -> None:
        if self.lots < 1 or self.criteria_sets < 1:
            raise ReviewInputError("Il faut au moins un lot et un jeu de critères "
                                   f"(reçu {self.lots} et {self.criteria_sets}).")


@dataclass(frozen=True)
class _Answer:
    """How one leaf's answer is drawn: its input, kind and what the drawing needs."""

    input: str
    kind: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class _Market:
    """A random criteria set and the recipe of its answers."""

    criteria: Any
    price_input: str
    answers: tuple[_Answer, ...]


# --------------------------------------------------------------------------- criteria sets
def _leaf(rng: np.random.Generator, market: int, k: int, kind: str
          ) -> tuple[dict[str, Any], _Answer]:
    # inputs are named per criteria set: lots of different sets are stacked into one
    # frame, whose columns are matched by input name
    name = f"m{market}_r{k}"
    node: dict[str, Any] = {"id": f"c{k}", "label": f"Critère {k}", "input": name,
                            "weight": int(rng.integers(5, 40))}
    spec: dict[str, Any] = {}
    if kind == "share":
        worst = float(rng.choice([0, 10, 20, 50]))
        node.update(method="linear", best=100, worst=worst, unit="%")
        spec = {"low": worst, "high": 100.0}
    elif kind == "physical":
        typical = float(np.exp(rng.uniform(np.log(0.5), np.log(5000))))
        node.update(method="linear", best=round(typical * 0.3, 3), worst=round(typical * 2.5, 3),
                    unit=str(rng.choice(["kgCO2e", "kWh", "km", "L", "g"])))
        spec = {"typical": typical, "lower_better": True}
    elif kind in ("relative", "min_max"):
        lower = bool(rng.random() < 0.5)
        node.update(method=kind, direction="lower" if lower else "higher")
        spec = {"typical": float(np.exp(rng.uniform(0, np.log(2000)))), "lower_better": lower}
    elif kind == "steps":
        lower = bool(rng.random() < 0.3)
        typical = float(np.exp(rng.uniform(np.log(5), np.log(3000))))
        ats = sorted({round(typical * f, 1) for f in rng.uniform(0.5, 2.0, int(rng.integers(2, 5)))})
        scores = np.sort(rng.uniform(0.2, 1.0, len(ats)))
        scores[-1] = 1.0
        if lower:
            steps = [{"at": a, "score": round(float(s), 2)} for a, s in zip(ats, scores[::-1])]
        else:
            steps = [{"at": a, "score": round(float(s), 2)} for a, s in zip(ats, scores)]
        node.update(method="steps", steps=steps, direction="lower" if lower else "higher")
        spec = {"typical": typical, "lower_better": lower}
    elif kind == "boolean":
        node.update(method="boolean")
    elif kind == "choice":
        options = {f"option {j}": round(float(s), 2)
                   for j, s in enumerate(np.sort(rng.uniform(0, 1, int(rng.integers(3, 6)))))}
        node.update(method="choice", options=options)
        spec = {"options": list(options), "scores": np.array(list(options.values()))}
    elif kind == "labels":
        names = list(rng.choice(_LABEL_POOL, int(rng.integers(2, 6)), replace=False))
        labels = {n: float(rng.choice([0.5, 1.0])) for n in names}
        required = bool(rng.random() < 0.7)
        node.update(method="labels", labels=labels,
                    evidence="required" if required else "optional")
        spec = {"names": names, "held": rng.uniform(0.05, 0.35, len(names))}
    else:  # scale, marked by the buyer
        top = int(rng.choice([3, 4]))
        node.update(method="scale", levels=[
            {"mark": m, "label": _LEVELS[m if top == 4 else min(m + 1, 4)], "score": m / top}
            for m in range(top + 1)])
        spec = {"top": top}
    return node, _Answer(name, kind, spec)


def _low_price_rules(rng: np.random.Generator, price: str) -> list[dict[str, Any]]:
    makers = [
        lambda: {"method": "mean_ratio", "ratio": round(float(rng.uniform(0.7, 0.85)), 2)},
        lambda: {"method": "mean_minus_std", "k": round(float(rng.uniform(1.0, 2.0)), 1)},
        lambda: {"method": "two_pass_mean", "high": 0.2, "low": round(float(rng.uniform(0.1, 0.2)), 2)},
        lambda: {"method": "next_offer_gap", "mean_gap": round(float(rng.uniform(0.25, 0.4)), 2),
                 "next_gap": round(float(rng.uniform(0.2, 0.3)), 2)},
        lambda: {"method": "estimate_ratio", "ratio": round(float(rng.uniform(0.6, 0.8)), 2)},
    ]
    chosen = rng.choice(len(makers), int(rng.integers(1, 3)), replace=False)
    return [{"input": price, **makers[int(c)]()} for c in chosen]


def random_market(rng: np.random.Generator, index: int) -> _Market:
    """A valid random criteria set (at least one environmental criterion) and its answers."""
    n = int(rng.integers(4, 16))
    kinds = list(rng.choice(_KINDS, n, p=_KIND_WEIGHTS / _KIND_WEIGHTS.sum()))
    pillars = ["environmental"] + list(rng.choice(["environmental", "social", "technical"], n - 1))
    groups: dict[str, list[dict[str, Any]]] = {}
    answers = []
    for k, (kind, pillar) in enumerate(zip(kinds, pillars)):
        node, answer = _leaf(rng, index, k, str(kind))
        groups.setdefault(str(pillar), []).append(node)
        answers.append(answer)
    price = "prix"
    criteria: list[dict[str, Any]] = [{
        "id": "prix", "label": "Prix", "pillar": "economic", "input": price, "unit": "EUR HT",
        "weight": int(rng.integers(25, 65)),
        "method": str(rng.choice(["price_lowest_ratio", "price_linear_gap", "price_min_max"],
                                 p=[0.6, 0.25, 0.15]))}]
    for pillar, children in groups.items():
        group: dict[str, Any] = {"id": f"g-{pillar}", "label": f"Groupe {pillar}",
                                 "pillar": pillar, "weight": int(rng.integers(10, 40)),
                                 "criteria": children}
        if len(children) == 1:
            group = {**children[0], "pillar": pillar, "weight": group["weight"]}
        criteria.append(group)
    document = {"spar": 1, "id": f"marche-{index}", "version": 1, "title": f"Marché {index}",
                "category": str(rng.choice(["supplies", "services", "works"])),
                "criteria": criteria,
                "review": {"abnormally_low": _low_price_rules(rng, price)}}
    return _Market(load_criteria_document(document), price, tuple(answers))


# --------------------------------------------------------------------------- lots
def _lot_size(rng: np.random.Generator) -> int:
    u = rng.random()
    if u < 0.25:
        return int(rng.integers(1, 4))
    if u < 0.75:
        return int(rng.integers(4, 10))
    return int(rng.integers(10, 31))


def _draw(answer: _Answer, quality: np.ndarray, rng: np.random.Generator) -> list[Any] | np.ndarray:
    """Every firm's answer to one leaf, from its latent quality."""
    n, spec = len(quality), answer.spec
    noise = rng.normal(0, 0.12, n)
    if answer.kind == "share":
        q = np.clip(quality + noise, 0, 1)
        return np.round(spec["low"] * 0.6 + (100 - spec["low"] * 0.6) * q, 1)
    if answer.kind in ("physical", "relative", "min_max", "steps"):
        sign = -1.0 if spec["lower_better"] else 1.0
        return np.round(spec["typical"] * np.exp(sign * 0.6 * (quality - 0.5) + rng.normal(0, 0.25, n)), 2)
    if answer.kind == "boolean":
        return rng.random(n) < 0.2 + 0.6 * quality
    if answer.kind == "choice":
        weights = np.exp(3 * np.outer(quality, spec["scores"]))
        weights /= weights.sum(axis=1, keepdims=True)
        picks = [rng.choice(len(spec["options"]), p=w) for w in weights]
        return [spec["options"][p] for p in picks]
    if answer.kind == "scale":
        return np.clip(np.round(spec["top"] * quality + rng.normal(0, 0.5, n)), 0, spec["top"])
    raise AssertionError(answer.kind)


class _Lot:
    """One lot's firms: latent quality, cost, price, and what was injected where."""

    def __init__(self, rng: np.random.Generator, market: _Market, n: int):
        self.n = n
        self.estimate = float(np.exp(rng.uniform(np.log(10_000), np.log(2_000_000))))
        sigma = rng.uniform(0.04, 0.20)
        self.cost = self.estimate * np.exp(rng.normal(0, sigma, n))
        self.price = self.cost * (1 + rng.gamma(4.0, 0.03, n))
        self.quality = rng.beta(2, 2, n)
        self.causes = np.full(n, NONE, dtype=object)
        self.market = market


def _inject_prices(lot: _Lot, rng: np.random.Generator) -> None:
    n = lot.n
    if n >= 3 and rng.random() < _COVER_RATE:
        size = n if rng.random() < 0.5 else int(rng.integers(2, n))
        members = rng.choice(n, size, replace=False)
        winner = lot.estimate * rng.uniform(1.03, 1.30)
        lot.price[members[0]] = winner
        lot.price[members[1:]] = winner * (1 + rng.uniform(0.01, 0.10, size - 1))
        lot.quality[members[1:]] *= rng.uniform(0.5, 0.9, size - 1)
        lot.causes[members] = "cover_bidding"
    free = np.flatnonzero(lot.causes == NONE)
    if len(free) >= 2 and rng.random() < _IDENTICAL_RATE:
        group = rng.choice(free, min(len(free), 2 if rng.random() < 0.8 else 3), replace=False)
        lot.price[group[1:]] = lot.price[group[0]]
        lot.causes[group] = "identical_price"
    for i in np.flatnonzero(lot.causes == NONE):
        u, edge = rng.random(), 0.0
        for cause, rate in _OFFER_RATES.items():
            edge += rate
            if u < edge:
                break
        else:
            continue
        if cause in ("abnormally_low", "benign_cheap") and n < 2:
            continue
        if cause == "abnormally_low":
            lot.price[i] = lot.cost[i] * rng.uniform(0.45, 0.85)
            if rng.random() < 0.5:
                lot.quality[i] *= rng.uniform(0.4, 0.8)
        elif cause == "benign_cheap":
            lot.cost[i] *= rng.uniform(0.6, 0.8)
            lot.price[i] = lot.cost[i] * (1 + rng.gamma(4.0, 0.03))
            lot.quality[i] = max(lot.quality[i], rng.uniform(0.7, 1.0))
        elif cause == "benign_excellent_figure":
            lot.quality[i] = max(lot.quality[i], rng.uniform(0.75, 1.0))
        lot.causes[i] = cause


def _answers(lot: _Lot, rng: np.random.Generator) -> tuple[dict, dict, dict[int, dict]]:
    """Raw answers, evidence and expected marks of the lot, mechanisms applied."""
    n, market = lot.n, lot.market
    raw: dict[str, Any] = {market.price_input: np.round(lot.price, 2)}
    evidence: dict[str, Any] = {}
    own: dict[int, dict[str, float]] = {}
    numeric = [a for a in market.answers if a.kind in ("share", "physical", "relative",
                                                       "min_max", "steps")]
    label_leaves = [a for a in market.answers if a.kind == "labels"]
    for answer in market.answers:
        if answer.kind == "labels":
            held = rng.random((n, len(answer.spec["names"]))) < \
                answer.spec["held"] * (0.5 + lot.quality[:, None])
            proven = held & (rng.random(held.shape) < 0.98)
            raw[answer.input] = [[x for x, h in zip(answer.spec["names"], row) if h] for row in held]
            evidence[answer.input] = [[x for x, p in zip(answer.spec["names"], row) if p]
                                      for row in proven]
            continue
        raw[answer.input] = _draw(answer, lot.quality, rng)
        if answer.kind == "scale":
            told = rng.random(n) < 0.5
            shift = rng.choice([-1, 0, 1], n, p=[0.15, 0.7, 0.15])
            for i in np.flatnonzero(told):
                mark = float(np.clip(raw[answer.input][i] + shift[i], 0, answer.spec["top"]))
                own.setdefault(i, {})[answer.input] = mark
    for i in range(n):
        cause = lot.causes[i]
        if cause == "unevidenced_claim":
            if not label_leaves:
                lot.causes[i] = NONE
                continue
            leaf = label_leaves[int(rng.integers(len(label_leaves)))]
            have = raw[leaf.input][i]
            spare = [x for x in leaf.spec["names"] if x not in have]
            if not spare:
                lot.causes[i] = NONE
                continue
            extra = list(rng.choice(spare, min(len(spare), int(rng.integers(1, 3))), replace=False))
            raw[leaf.input][i] = have + [str(x) for x in extra]
        elif cause in ("implausible_claim", "benign_excellent_figure"):
            if not numeric:
                lot.causes[i] = NONE
                continue
            leaf = numeric[int(rng.integers(len(numeric)))]
            values = raw[leaf.input]
            if cause == "implausible_claim" and leaf.kind == "share":
                values[i] = round(float(rng.uniform(105, 250)), 1)
                continue
            if leaf.kind == "share":  # a share cannot be excellent beyond 100 %
                values[i] = 100.0
                continue
            factor = rng.uniform(4, 20) if cause == "implausible_claim" else rng.uniform(1.5, 2.5)
            typical = np.median(values)
            values[i] = round(float(typical / factor if leaf.spec["lower_better"]
                                    else typical * factor), 3)
    for answer in market.answers:  # a few answers left blank (never the price)
        gaps = np.flatnonzero((rng.random(n) < 0.02) & (lot.causes == NONE))
        for i in gaps:
            if answer.kind == "labels":
                raw[answer.input][i] = None
            elif answer.kind == "choice":
                raw[answer.input][i] = None
            else:
                raw[answer.input] = np.asarray(raw[answer.input], dtype=np.float64)
                raw[answer.input][i] = np.nan
    return raw, evidence, own


def _simulate(market: _Market, rng: np.random.Generator, lot_id: str) -> tuple[OfferFrame, np.ndarray]:
    lot = _Lot(rng, market, _lot_size(rng))
    _inject_prices(lot, rng)
    raw, evidence, own = _answers(lot, rng)
    for name, values in raw.items():
        if isinstance(values, np.ndarray) and values.dtype == bool:
            raw[name] = values.tolist()
    ids = [f"{lot_id}-{k + 1}" for k in range(lot.n)]
    suppliers = [{"name": f"Société {lot_id}-{k + 1}"} for k in range(lot.n)]
    scored = score_lot(market.criteria, lot_from_columns(
        market.criteria, ids, raw, evidence, estimate=round(lot.estimate, 2), lot_id=lot_id,
        suppliers=suppliers))
    self_marks = {ids[i]: marks for i, marks in own.items()}
    return frame_from_result(scored, self_marks), lot.causes


def generate_market(config: MarketConfig = MarketConfig(),
                    progress: Callable[[int], None] | None = None) -> SyntheticData:
    """Simulate ``config.lots`` lots; deterministic given the config (seed included)."""
    rng = np.random.default_rng([config.seed, 20260821])
    markets = [random_market(rng, k) for k in range(config.criteria_sets)]

    def simulate(index: int) -> tuple[OfferFrame, np.ndarray]:
        market = markets[int(rng.integers(len(markets)))]
        return _simulate(market, rng, f"M{config.seed}-L{index + 1:05d}")
    return collect(config.lots, simulate, progress)
