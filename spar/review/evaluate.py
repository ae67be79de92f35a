"""``spar model evaluate``: the model against the rules and the price alone, on data it never saw.

Three tests:

- lots simulated by the training generator from another seed (same mechanisms);
- lots from the second, independent generator (:mod:`spar.review.market`), with
  criteria sets, distributions, lot sizes and mechanism strengths of its own;
- for each mechanism, a model retrained without any lot where it occurs, then
  measured on lots where it is the only one — how well the review copes with a
  kind of anomaly nobody labelled yet.

On both generators the *review queue* is measured as the service builds it: an
offer is flagged (needs a decision before the award) when the lot's
abnormally-low rules flag it, when the model scores it above the budget's
threshold, or when the random audit draws it among the others; the queue is
ranked by the model's score. What a buyer gets through at a 10 % budget is
compared with ranking the offers by price alone (cheapest against its lot
first).

Seeds: the defaults were never looked at while the model and the generators were
designed (development used seeds 2001–2099 of the second generator).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..engine.text import fr_number, fr_percent
from .errors import ReviewInputError
from .features import FEATURE_NAMES
from .market import MarketConfig, generate_market
from .metrics import BUDGETS, budget_metrics, select_within_budget
from .model import ReviewModel, TrainingParams
from .sampling import DEFAULT_RATE
from .synth import MECHANISMS, SynthConfig, generate, table_sha256, to_table
from .training import model_report, rules_report, train_on_table, without_mechanism

#: Progress units a retraining counts for (generation counts one per lot).
FIT_STEPS = 100
#: The evaluation seeds: the training seed plus this for the training generator, and
#: a fixed seed for the second generator.
SEED_OFFSET = 5000
MARKET_SEED = 4242
#: The review budget the queue targets of issue 12 are stated at.
QUEUE_BUDGET = 0.10

Progress = Callable[[int], None]


def synthetic_config(meta: Mapping[str, Any]) -> SynthConfig:
    """The generator settings a synthetic model was trained with."""
    source = meta["training"]["source"]
    if source.get("kind") != "synthetic":
        raise ReviewInputError("Ce modèle n'a pas été entraîné sur des données synthétiques "
                               "générées par spar : fournir sa table d'entraînement (--data).")
    return SynthConfig(lots=int(source["lots"]), seed=int(source["seed"]),
                       mechanisms=tuple(source["mechanisms"]))


def check_seed(meta: Mapping[str, Any], seed: int) -> None:
    """Refuse to test on the lots the model was trained on."""
    train_seed = int(meta["training"]["seed"])
    if seed == train_seed:
        raise ReviewInputError(f"La graine d'évaluation doit différer de celle de "
                               f"l'entraînement ({train_seed}).")


def only_mechanism(table, mechanism: str):
    """The offers of the lots where no other mechanism was injected."""
    others = [m for m in MECHANISMS if m != mechanism]
    touched = table.loc[table["cause"].isin(others), "lot"].unique()
    return table[~table["lot"].isin(touched)]


def price_only_score(table) -> np.ndarray:
    """The ranking by price alone: the cheaper against the median of its lot, the higher."""
    return -table["price_to_others_median"].to_numpy(dtype=np.float64)


def queue_report(model: ReviewModel, table, seed: int, *, budget: float = QUEUE_BUDGET,
                 audit_rate: float = DEFAULT_RATE) -> dict[str, Any]:
    """The review queue on ``table``: what is flagged, and what a budget of it finds.

    Flagged = the lot's abnormally-low rules ∪ the model at or above the budget's
    threshold ∪ the random audit (``audit_rate`` of the others, seeded). Recall is
    the share of the injected offers among the ``budget`` highest-ranked, for the
    model's ranking and for the price alone.
    """
    y = table["label"].to_numpy().astype(bool)
    score = model.score(table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64))
    price = price_only_score(table)
    low = table["rules"].str.split("|").apply(lambda codes: "abnormally_low" in codes).to_numpy()
    over = score >= model.threshold_for(budget)
    audit = ~(low | over) & (np.random.default_rng(seed).random(len(y)) < audit_rate)
    taken_model = select_within_budget(score, budget, seed=seed)
    taken_price = select_within_budget(price, budget, seed=seed)
    by_cause = {}
    for cause in sorted(set(table["cause"])):
        rows = (table["cause"] == cause).to_numpy()
        by_cause[str(cause)] = {"offers": int(rows.sum()),
                                "model": float(taken_model[rows].mean()),
                                "price": float(taken_price[rows].mean())}
    recall = budget_metrics(y, score, budget, seed=seed)["recall"]
    price_recall = budget_metrics(y, price, budget, seed=seed)["recall"]
    return {
        "budget": budget, "offers": int(len(y)), "positives": int(y.sum()),
        "flagged_share": float((low | over | audit).mean()),
        "rules_share": float(low.mean()), "model_share": float(over.mean()),
        "audit_share": float(audit.mean()),
        "recall": recall, "price_recall": price_recall,
        "ratio": recall / price_recall if price_recall else None,
        "by_cause": by_cause,
    }


def market_report(model: ReviewModel, *, seed: int, lots: int,
                  progress: Progress | None = None) -> dict[str, Any]:
    """The model on lots of the second generator: queue, and model beside rules and price."""
    table = to_table(generate_market(MarketConfig(lots=lots, seed=seed), progress))
    price = price_only_score(table)
    y = table["label"].to_numpy()
    return {"seed": seed, "lots": lots, "queue": queue_report(model, table, seed),
            "model": model_report(model, table, seed), "rules": rules_report(table, seed),
            "price": {"at_budget": [budget_metrics(y, price, b, seed=seed) for b in BUDGETS]}}


def evaluate_model(model: ReviewModel, training_table, *, seed: int, lots: int,
                   market_seed: int = MARKET_SEED, market_lots: int | None = None,
                   mechanisms: Sequence[str] = MECHANISMS,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Figures on a held-out seed, on the second generator and on each held-out mechanism."""
    meta = model.metadata
    check_seed(meta, seed)
    train_seed = int(meta["training"]["seed"])
    unknown = [m for m in mechanisms if m not in MECHANISMS]
    if unknown:
        raise ReviewInputError(f"Mécanisme inconnu : {', '.join(unknown)}.")
    test = to_table(generate(SynthConfig(lots=lots, seed=seed), progress))
    report: dict[str, Any] = {
        "seeds": {"seed": seed, "lots": lots, "model": model_report(model, test, seed),
                  "rules": rules_report(test, seed), "queue": queue_report(model, test, seed)},
        "market": market_report(model, seed=market_seed, lots=market_lots or lots,
                                progress=progress),
        "mechanisms": {},
    }
    params = TrainingParams(**meta["training"]["params"])
    for mechanism in mechanisms:
        retrained = train_on_table(without_mechanism(training_table, mechanism), seed=train_seed,
                                   budget=model.budget, source={"kind": "held-out"},
                                   params=params)
        subset = only_mechanism(test, mechanism)
        report["mechanisms"][mechanism] = {"model": model_report(retrained, subset, seed),
                                           "rules": rules_report(subset, seed)}
        if progress:
            progress(FIT_STEPS)
    return report


def training_table_matches(meta: Mapping[str, Any], table) -> bool:
    """Whether ``table`` is the very table the model was trained on."""
    return table_sha256(table) == meta["training"]["data_sha256"]


def _at(report: Mapping[str, Any], budget: float) -> Mapping[str, float]:
    return next(b for b in report["at_budget"] if abs(b["budget"] - budget) < 1e-9)


def budget_lines(model: Mapping[str, Any], rules: Mapping[str, Any]) -> list[str]:
    """Precision and recall of the model and of the rules alone, one line per budget."""
    lines = [f"{'budget':>7}  {'précision':>10} {'rappel':>8}   {'précision':>10} {'rappel':>8} "
             f"{'revues':>7}",
             f"{'':>7}  {'— modèle —':>19}   {'—— règles seules ——':>27}"]
    for b in BUDGETS:
        m, r = _at(model, b), _at(rules, b)
        lines.append(f"{fr_percent(b, 0):>7}  {fr_percent(m['precision']):>10} "
                     f"{fr_percent(m['recall']):>8}   {fr_percent(r['precision']):>10} "
                     f"{fr_percent(r['recall']):>8} {fr_percent(r['reviewed_share']):>7}")

    def auc(x):
        return "—" if x is None else fr_number(x, 3)

    lines.append(f"PR-AUC : modèle {auc(model['pr_auc'])}, règles {auc(rules['pr_auc'])} ; "
                 f"Brier : modèle {fr_number(model['brier'], 4)}, "
                 f"règles {fr_number(rules['brier'], 4)} "
                 "(verdict binaire).")
    m10, r10 = _at(model, 0.10), _at(rules, 0.10)
    verdict = "bat" if m10["recall"] > r10["recall"] else "NE BAT PAS"
    lines.append(f"À 10 % : le modèle {verdict} les règles seules — rappel "
                 f"{fr_percent(m10['recall'])} contre {fr_percent(r10['recall'])} "
                 f"({'+' if m10['recall'] >= r10['recall'] else '−'}"
                 f"{fr_number(abs(m10['recall'] - r10['recall']) * 100, 1)} points), précision "
                 f"{fr_percent(m10['precision'])} contre {fr_percent(r10['precision'])}.")
    return lines


def queue_lines(queue: Mapping[str, Any]) -> list[str]:
    """The review queue's flag rate and what its budget finds, beside the price alone."""
    ratio = queue["ratio"]
    times = "—" if ratio is None else f"{fr_number(ratio, 2)} fois"
    return [
        f"File de revue : {fr_percent(queue['flagged_share'])} des offres signalées "
        f"(règles d'offre anormalement basse {fr_percent(queue['rules_share'])}, modèle "
        f"{fr_percent(queue['model_share'])}, tirage d'audit {fr_percent(queue['audit_share'])}) "
        "— cible ≤ 20 %.",
        f"À {fr_percent(queue['budget'], 0)} de revue, le classement du modèle trouve "
        f"{fr_percent(queue['recall'])} des offres à revoir, le prix seul "
        f"{fr_percent(queue['price_recall'])} : {times} mieux (cible ≥ 2 fois).",
        "Par cause (part trouvée à ce budget, modèle / prix seul) : " + " ; ".join(
            f"{cause} {fr_percent(c['model'], 0)} / {fr_percent(c['price'], 0)}"
            for cause, c in queue["by_cause"].items() if cause != "none") + ".",
    ]


def format_report(report: Mapping[str, Any], version: str) -> str:
    """The evaluation as a French text report."""
    seeds = report["seeds"]
    model = seeds["model"]
    lines = [f"Évaluation du modèle de revue {version}",
             f"Graine jamais vue {seeds['seed']} : {seeds['lots']} lots, {model['offers']} offres "
             f"en concurrence, dont {model['positives']} à revoir "
             f"({fr_percent(model['positives'] / max(model['offers'], 1))}).", "",
             *budget_lines(model, seeds["rules"]), *queue_lines(seeds["queue"])]
    market = report.get("market")
    if market:
        m = market["model"]
        lines += ["", f"Générateur indépendant (spar.review.market), graine {market['seed']} : "
                  f"{market['lots']} lots, {m['offers']} offres en concurrence, dont "
                  f"{m['positives']} à revoir ({fr_percent(m['positives'] / max(m['offers'], 1))}).",
                  "", *budget_lines(m, market["rules"]), *queue_lines(market["queue"])]
    if report["mechanisms"]:
        lines += ["", "Mécanisme jamais vu (modèle réentraîné sans lui, testé sur les lots où "
                  "il est seul) — rappel et précision à 10 % :",
                  f"{'mécanisme':<26} {'rappel modèle':>14} {'règles':>8} {'précision modèle':>17} "
                  f"{'règles':>8} {'offres à revoir':>16}"]
        for name, rep in report["mechanisms"].items():
            m, r = _at(rep["model"], 0.10), _at(rep["rules"], 0.10)
            lines.append(f"{name:<26} {fr_percent(m['recall']):>14} {fr_percent(r['recall']):>8} "
                         f"{fr_percent(m['precision']):>17} {fr_percent(r['precision']):>8} "
                         f"{rep['model']['positives']:>16}")
    return "\n".join(lines)
