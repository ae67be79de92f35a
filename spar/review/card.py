"""``MODEL_CARD.md``: what the review model is for, what it was trained on, how well it does."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.text import fr_number, fr_percent
from .features import FEATURES
from .synth import BENIGN, MECHANISMS

_CAUSES = {
    "abnormally_low": "prix sous le coût de revient (offre anormalement basse)",
    "cover_bidding": "offres de couverture : entente, les autres offres juste au-dessus du gagnant",
    "identical_price": "prix identiques d'entreprises différentes",
    "unevidenced_claim": "labels revendiqués sans être détenus ni justifiés",
    "implausible_claim": "valeur déclarée impossible ou invraisemblable",
    "inflated_self_assessment": "auto-évaluation gonflée",
    "benign_cheap": "offre bon marché d'une entreprise efficace, tout est justifié (négatif)",
    "benign_missing_evidence": "label détenu mais justificatif oublié (négatif)",
    "benign_excellent_figure": "valeur réellement excellente, label justifié (négatif)",
}


def _pct(x: float | None) -> str:
    return "—" if x is None else fr_percent(x, 1)


def _num(x: float | None, decimals: int = 3) -> str:
    return "—" if x is None else fr_number(x, decimals)


def _int(n: int) -> str:
    return fr_number(n, 0)


def metrics_table(model: Mapping[str, Any], other: Mapping[str, Any] | None,
                  other_name: str = "règles") -> str:
    """The model and a reference (the rules alone, or the champion) side by side, per budget."""
    if other is None:
        lines = ["| budget | précision modèle | rappel modèle |", "|---|---|---|"]
        lines += [f"| {_pct(m['budget'])} | {_pct(m['precision'])} | {_pct(m['recall'])} |"
                  for m in model["at_budget"]]
        lines.append(f"\nPR-AUC {_num(model['pr_auc'])}, score de Brier {_num(model['brier'])} ; "
                     f"{_int(model['offers'])} offres dont {_int(model['positives'])} à revoir.")
        return "\n".join(lines)
    lines = [f"| budget | précision modèle | rappel modèle | précision {other_name} "
             f"| rappel {other_name} | part revue ({other_name}) |", "|---|---|---|---|---|---|"]
    for m, r in zip(model["at_budget"], other["at_budget"]):
        lines.append(f"| {_pct(m['budget'])} | {_pct(m['precision'])} | {_pct(m['recall'])} | "
                     f"{_pct(r['precision'])} | {_pct(r['recall'])} | "
                     f"{_pct(r['reviewed_share'])} |")
    note = " (verdict binaire des règles)" if other_name == "règles" else ""
    lines.append(f"\nPR-AUC : modèle {_num(model['pr_auc'])}, {other_name} "
                 f"{_num(other['pr_auc'])}. "
                 f"Score de Brier : modèle {_num(model['brier'])}, {other_name} "
                 f"{_num(other['brier'])}{note}. "
                 f"{_int(model['offers'])} offres dont {_int(model['positives'])} à revoir.")
    return "\n".join(lines)


def _validation_table(validation: Mapping[str, Any]) -> str:
    if validation.get("rules") is not None:
        return metrics_table(validation["model"], validation["rules"])
    return metrics_table(validation["model"], validation.get("champion"), "champion")


def render_card(meta: Mapping[str, Any]) -> str:
    """The model card of an artifact, from its metadata."""
    training = meta["training"]
    source = training["source"]
    synthetic = source.get("kind") == "synthetic"
    validation = meta["metrics"]["validation"]
    held_out = meta["metrics"].get("held_out")
    parts = [
        f"# Modèle de revue des offres — {meta['model_version']}",
        "",
        "Carte générée par `spar model train` (et complétée par `spar model evaluate --save`) ; "
        "ne pas modifier à la main.",
        "",
        "## Usage prévu",
        "Désigner, avant l'attribution d'un lot, les quelques offres qui méritent un regard "
        "humain. Une offre est signalée pour une décision avant l'attribution par les règles "
        "d'offre anormalement basse du lot, par ce modèle ou par le tirage au sort de "
        "contrôle ; les autres constats des règles (label sans justificatif, valeur impossible "
        "ou invraisemblable, quasi-égalité, offre unique, prix identiques, écart "
        "d'auto-évaluation) sont des observations qui n'appellent pas de décision, et des "
        "caractéristiques du modèle. Le score est une probabilité calibrée qu'une offre doive "
        "être revue ; au-dessus du seuil "
        f"({_num(meta['threshold'])}, soit un budget de revue de "
        f"{fr_percent(meta['budget'], 0)} des "
        "offres), l'offre est signalée avec les caractéristiques qui pèsent le plus.",
        "",
        "**Un signalement n'exclut jamais une offre.** Le droit de la commande publique impose "
        "de demander des précisions à l'entreprise avant de rejeter une offre anormalement "
        "basse ; le modèle ne décide de rien, il ordonne le travail de l'acheteur.",
        "",
        "## Limites",
    ]
    if synthetic:
        parts.append(
            "- **Les données d'entraînement sont synthétiques.** Aucun historique réel de revues "
            "n'existait : les lots sont simulés (voir ci-dessous) et les anomalies injectées par "
            "leur mécanisme. Les chiffres mesurent l'aptitude à retrouver ces mécanismes-là, pas "
            "la performance sur des marchés réels. Réentraîner sur les décisions des acheteurs "
            "(tirage aléatoire d'offres non signalées, pondération par l'inverse de la "
            "probabilité de tirage) dès qu'elles sont assez nombreuses.")
    parts += [
        "- Les caractéristiques sont relatives au lot : un lot d'une seule offre ne dit presque "
        "rien sur le prix ; les indicateurs de lot (dispersion, asymétrie, distance relative) "
        "signalent un lot entier plutôt qu'une offre.",
        "- Face à un mécanisme absent de l'entraînement, le modèle seul retrouve surtout ce qui "
        "est inhabituel (prix très bas, labels sans justificatif) et rate ce qui ressemble à des "
        "offres ordinaires (prix identiques, valeurs plausibles, entente) : les règles restent "
        "appliquées à côté du modèle, en signalement (offre anormalement basse) ou en "
        "observation (voir « Mécanisme jamais vu »).",
        "- Une entente qui imite parfaitement la concurrence, ou une fraude sans trace dans les "
        "réponses, échappe au modèle comme aux règles.",
        "- Le modèle ne voit ni le texte des mémoires techniques ni l'historique des entreprises.",
        "",
        "## Données d'entraînement",
        f"- Source : {source.get('description', source.get('kind', '?'))}",
        f"- Graine : {training['seed']} ; empreinte SHA-256 de la table : "
        f"`{training['data_sha256']}`",
        f"- {_int(training['lots'])} lots, {_int(training['offers'])} offres en concurrence, "
        f"{_int(training['positives'])} à revoir ; "
        f"{fr_percent(training['validation_share'], 0)} des "
        "lots mis de côté pour la validation et le seuil.",
    ]
    if synthetic:
        parts += ["- Causes injectées (offres) :", ""]
        parts += [f"  - `{c}` — {_CAUSES[c]} : {_int(training['causes'].get(c, 0))}"
                  for c in MECHANISMS + BENIGN]
        parts += ["", "Générateur : `spar.review.synth` (sa documentation décrit les lois "
                  "utilisées : nombre d'offres 1 + NegBin(2 ; 0,35), coûts et marges log-normaux, "
                  "notation sur les critères de l'exemple de la spécification)."]
    parts += [
        "",
        "## Modèle",
        "`Pipeline` scikit-learn : `novelty` (IsolationForest : score de nouveauté non supervisé, "
        "ajouté aux caractéristiques) puis `classifier` (`NoveltyFloorClassifier` : un "
        "HistGradientBoostingClassifier calibré par régression isotone, `CalibratedClassifierCV` ; "
        "le score final est le plus grand de sa probabilité et de celle du seul score de "
        "nouveauté, calibré lui aussi, pour qu'une anomalie d'un genre jamais vu ne passe pas "
        "sous les offres ordinaires). Paramètres : "
        + ", ".join(f"{k} = {v}" for k, v in training["params"].items()) + ".",
        "",
        "Caractéristiques (dans cet ordre) :",
        "",
        *[f"- `{f.name}` — {f.label}" for f in FEATURES],
        "",
        "## Évaluation",
        "### Validation (lots mis de côté, même graine)" if synthetic
        else "### Validation (validation croisée par lot)",
        _validation_table(validation),
    ]
    if held_out:
        seeds = held_out["seeds"]
        parts += ["", f"### Graines jamais vues (graine {seeds['seed']}, "
                      f"{_int(seeds['lots'])} lots)",
                  metrics_table(seeds["model"], seeds["rules"]), "",
                  "### Mécanisme jamais vu",
                  "Pour chaque mécanisme, un modèle entraîné sans aucun lot où il apparaît, "
                  "évalué sur des lots où seul ce mécanisme est présent (rappel à 10 % ; ces "
                  "offres sont rares, la précision à 10 % est donc faible pour tous) :", "",
                  "| mécanisme tenu à l'écart | rappel modèle | rappel règles | PR-AUC modèle "
                  "| PR-AUC règles |", "|---|---|---|---|---|"]
        for name, rep in held_out["mechanisms"].items():
            m10 = next(b for b in rep["model"]["at_budget"] if abs(b["budget"] - 0.1) < 1e-9)
            r10 = next(b for b in rep["rules"]["at_budget"] if abs(b["budget"] - 0.1) < 1e-9)
            parts.append(f"| `{name}` | {_pct(m10['recall'])} | {_pct(r10['recall'])} | "
                         f"{_num(rep['model']['pr_auc'])} | {_num(rep['rules']['pr_auc'])} |")
    libs = meta["libraries"]
    parts += [
        "",
        "## Fichiers et chargement",
        "- `model.skops` : le pipeline au format skops (jamais pickle), chargé avec une liste "
        "explicite de types approuvés (`spar.review.artifact.TRUSTED_TYPES`).",
        "- `metadata.json` : version de format, noms des caractéristiques, versions des "
        "bibliothèques, graine, empreinte des données, métriques, seuil et quantiles du score.",
        f"- Entraîné avec Python {libs['python']}, scikit-learn {libs['scikit-learn']}, numpy "
        f"{libs['numpy']}, skops {libs['skops']} ; le chargement refuse une autre version "
        "mineure de scikit-learn, d'autres caractéristiques ou un fichier modifié, et spar "
        "revient alors aux seules règles avec un avertissement.",
        "",
    ]
    return "\n".join(parts)
