"""``spar model evaluate``: the model against the rules alone, on data it never saw.

Two tests: lots simulated from another seed (same mechanisms), and, for each
mechanism, a model retrained without any lot where it occurs, then measured on
lots where it is the only one — how well the review copes with a kind of
anomaly nobody labelled yet.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from ..engine.text import fr_number, fr_percent
from .errors import ReviewInputError
from .metrics import BUDGETS
from .model import ReviewModel, TrainingParams
from .synth import MECHANISMS, SynthConfig, generate, table_sha256, to_table
from .training import model_report, rules_report, train_on_table, without_mechanism

#: Progress units a retraining counts for (generation counts one per lot).
FIT_STEPS = 100

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


def evaluate_model(model: ReviewModel, training_table, *, seed: int, lots: int,
                   mechanisms: Sequence[str] = MECHANISMS,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Figures on held-out seeds and on each held-out mechanism, model beside rules."""
    meta = model.metadata
    check_seed(meta, seed)
    train_seed = int(meta["training"]["seed"])
    unknown = [m for m in mechanisms if m not in MECHANISMS]
    if unknown:
        raise ReviewInputError(f"Mécanisme inconnu : {', '.join(unknown)}.")
    test = to_table(generate(SynthConfig(lots=lots, seed=seed), progress))
    report: dict[str, Any] = {
        "seeds": {"seed": seed, "lots": lots, "model": model_report(model, test, seed),
                  "rules": rules_report(test, seed)},
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


def format_report(report: Mapping[str, Any], version: str) -> str:
    """The evaluation as a French text report."""
    seeds = report["seeds"]
    model = seeds["model"]
    lines = [f"Évaluation du modèle de revue {version}",
             f"Graine jamais vue {seeds['seed']} : {seeds['lots']} lots, {model['offers']} offres "
             f"en concurrence, dont {model['positives']} à revoir "
             f"({fr_percent(model['positives'] / max(model['offers'], 1))}).", "",
             *budget_lines(model, seeds["rules"])]
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
