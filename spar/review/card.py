"""``MODEL_CARD.md``: what the review model is for, what it was trained on, how well it does."""

from __future__ import annotations

from typing import Any, Mapping

from ..engine.text import fr_number, fr_percent
from .features import FEATURES
from .market import BENIGN as MARKET_BENIGN
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
    "none": "aucune cause injectée",
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


def queue_table(queue: Mapping[str, Any]) -> str:
    """The review queue of issue 12: flag rate and recall at its budget, beside the price alone."""
    ratio = "—" if queue["ratio"] is None else f"{_num(queue['ratio'], 2)} ×"
    lines = [
        "| offres signalées | dont règles d'offre anormalement basse | dont modèle | dont tirage "
        f"d'audit | rappel à {_pct(queue['budget'])} (modèle) | rappel (prix seul) | rapport |",
        "|---|---|---|---|---|---|---|",
        f"| {_pct(queue['flagged_share'])} | {_pct(queue['rules_share'])} | "
        f"{_pct(queue['model_share'])} | {_pct(queue['audit_share'])} | {_pct(queue['recall'])} | "
        f"{_pct(queue['price_recall'])} | {ratio} |",
        "",
        f"Par cause, part trouvée à {_pct(queue['budget'])} de revue :",
        "",
        "| cause | offres | modèle | prix seul |", "|---|---|---|---|",
    ]
    lines += [f"| `{cause}` | {_int(c['offers'])} | {_pct(c['model'])} | {_pct(c['price'])} |"
              for cause, c in queue["by_cause"].items()]
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
        "humain et classer la file de revue. Une offre est signalée (une décision est due avant "
        "l'attribution) quand les règles d'offre anormalement basse du lot la désignent, quand "
        "le modèle la place au-dessus du seuil de son budget, ou quand le tirage d'audit la "
        "choisit ; les autres constats des règles (label sans justificatif, valeur impossible "
        "ou invraisemblable, quasi-égalité, offre unique, prix identiques, écart "
        "d'auto-évaluation) sont des remarques qui n'appellent pas de décision, et des "
        "caractéristiques du modèle. Le score est une probabilité "
        "calibrée qu'une offre doive être revue ; au-dessus du seuil "
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
        "- Un mécanisme absent de l'entraînement, le modèle seul le retrouve mal (voir « Mécanisme "
        "jamais vu ») : il apprend ce qu'on lui a montré. La file de revue garde à côté de lui "
        "les règles d'offre anormalement basse du lot et le tirage d'audit, et les autres "
        "constats (prix identiques, label sans justificatif, valeur impossible…) restent "
        "affichés.",
        "- Les offres très bon marché ne sont pas toutes en tête du classement : le modèle a "
        "appris que les entreprises efficaces le sont aussi ; les règles d'offre anormalement "
        "basse du lot les signalent de toute façon.",
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
                  "utilisées : nombre d'offres 1 + NegBin(2 ; 0,35) et un lot sur dix de 10 à "
                  "40 offres, coûts et marges log-normaux de dispersion propre à chaque lot, "
                  "forces des mécanismes tirées dans de larges intervalles, notation sur les "
                  "critères de l'exemple de la spécification)."]
    parts += [
        "",
        "## Modèle",
        "`Pipeline` scikit-learn à une étape, `classifier` : un HistGradientBoostingClassifier "
        "aux arbres de profondeur 2 au plus, calibré par régression isotone sur des scores hors "
        "échantillon (`CalibratedClassifierCV`, `ensemble=False`) pour que le score se lise comme "
        "une probabilité. Paramètres : "
        + ", ".join(f"{k} = {v}" for k, v in training["params"].items()) + ".",
        "",
        "Un arbre de profondeur 2 ne lit qu'une ou deux caractéristiques par feuille : la somme "
        "des arbres se réécrit exactement en tables (une par caractéristique ou paire de "
        "caractéristiques" + (f", ici {_int(meta['predictor']['tables'])} tables et "
                              f"{_int(meta['predictor']['cells'])} cases"
                              if "predictor" in meta else "") + "). C'est cette forme compilée "
        "(`predictor.npz`) qui note les offres, sans scikit-learn : 100 000 offres en une "
        "fraction de seconde, et l'explication de chaque signalement est exacte (l'effet d'une "
        "caractéristique est la baisse du score quand elle seule reprend la valeur d'une offre "
        "ordinaire, la médiane de l'entraînement). À l'entraînement, les tables sont vérifiées "
        "contre le pipeline, qui reste la trace du modèle (`model.skops`).",
        "",
        "Un plancher de nouveauté (IsolationForest, qui relevait le score des offres "
        "inhabituelles) a été essayé pendant la mise au point puis écarté : sur les graines de "
        "développement du générateur indépendant, il prenait un marché simplement différent pour "
        "une anomalie et faisait tomber le rappel à 10 % de 55 % à 37 %.",
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
                  metrics_table(seeds["model"], seeds["rules"]), ""]
        if "queue" in seeds:
            parts += ["File de revue telle que le service la construit (signalée = règles "
                      "d'offre anormalement basse du lot, ou modèle au-dessus du seuil du "
                      "budget, ou tirage d'audit de 3 % ; classée par le score du modèle) :", "",
                      queue_table(seeds["queue"]), ""]
        market = held_out.get("market")
        if market:
            parts += [f"### Générateur indépendant (`spar.review.market`, graine "
                      f"{market['seed']}, {_int(market['lots'])} lots)",
                      "Écrit à part du générateur d'entraînement : jeux de critères tirés au "
                      "hasard (4 à 15 critères, toutes les méthodes, une ou deux règles d'offre "
                      "anormalement basse parmi les cinq), lots de 1 à 30 offres, dispersion des "
                      "prix propre à chaque lot, forces des mécanismes différentes (dumping à "
                      "45–85 % du coût, entente de 3 à 30 % au-dessus de l'estimation, prix "
                      "identiques, labels revendiqués sans justificatif, valeurs impossibles ou "
                      "4 à 20 fois meilleures) et ses propres leurres ("
                      + ", ".join(f"`{b}`" for b in MARKET_BENIGN) + "). Le modèle n'a jamais "
                      "vu ces lots.", "",
                      metrics_table(market["model"], market["rules"]), "",
                      queue_table(market["queue"]), ""]
        parts += [
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
        "- `model.skops` : le pipeline au format skops (jamais pickle), la trace du modèle, relu "
        "avec une liste explicite de types approuvés (`spar.review.artifact.TRUSTED_TYPES`) "
        "par `spar model evaluate`, qui vérifie que les tables le reproduisent.",
        "- `predictor.npz` : ses tables compilées (tableaux numpy, lus sans pickle), ce qui note "
        "les offres ; le chargement n'importe ni scikit-learn ni scipy.",
        "- `metadata.json` : version de format, noms des caractéristiques, versions des "
        "bibliothèques, graine, empreinte des données et des deux fichiers, métriques, seuil et "
        "quantiles du score.",
        f"- Entraîné avec Python {libs['python']}, scikit-learn {libs['scikit-learn']}, numpy "
        f"{libs['numpy']}, skops {libs['skops']}. Le chargement refuse d'autres "
        "caractéristiques, un fichier modifié ou un format inconnu (le format 1, antérieur, "
        "demande de réentraîner), et spar revient alors aux seules règles avec un "
        "avertissement ; relire la trace demande la même version mineure de scikit-learn.",
        "",
    ]
    return "\n".join(parts)
