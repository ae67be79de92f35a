"""What an auditor's checks found, as text for a terminal: the audit log's verification
(``spar audit verify``) and the scorings scored again (``spar audit rescore``)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

#: Differences listed per scoring; the JSON format lists them all.
DIFFERENCES_SHOWN = 20


def verification_lines(report: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The verification report, line by line, each with whether it tells of a problem
    (the command prints those on the error output)."""
    out: list[tuple[str, bool]] = []
    broken = report["first_broken"]
    if broken is not None:
        out.append((f"Journal altéré : entrée n° {broken['id']} ({broken['action']}, "
                    f"{broken['at']}) — {broken['problem']}. {report['checked']} entrée(s) "
                    "intègre(s) avant elle.", True))
    else:
        head = report["head"]
        anchor = (f"tête signée n° {head['size']} ({head['head'][:16]}…, clé {head['key_id']})"
                  if head else "journal vide")
        out.append((f"Chaîne intègre : {report['checked']} entrée(s) vérifiée(s), {anchor}.",
                    False))
    counts = report["records"]
    out.append((f"Enregistrements comparés au journal : {counts.get('offers', 0)} offre(s), "
                f"{counts.get('marks', 0)} note(s), {counts.get('scorings', 0)} notation(s), "
                f"{counts.get('review_decisions', 0)} décision(s), "
                f"{counts.get('criteria_sets', 0)} jeu(x) de critères.", False))
    for problem in report["record_problems"]:
        entry = f" (entrée n° {problem['entry']})" if problem["entry"] else ""
        out.append((f"Enregistrement altéré : {problem['record']}{entry} — "
                    f"{problem['problem']}.", True))
    hidden = report["record_problem_count"] - len(report["record_problems"])
    if hidden > 0:
        out.append((f"… et {hidden} autre(s) écart(s).", True))
    for kept in report["checkpoints"]:
        if kept["problem"]:
            out.append((f"Point de contrôle n° {kept['size']} : {kept['problem']}.", True))
        else:
            out.append((f"Point de contrôle n° {kept['size']} : toujours contenu dans le "
                        "journal.", False))
    if report["demo_key"]:
        out.append(("Attention : clé de démonstration (SPAR_AUDIT_KEY non défini) ; ses "
                    "signatures ne prouvent rien hors démonstration.", True))
    out.append(("Journal et enregistrements intègres." if report["intact"]
                else "Vérification échouée.", not report["intact"]))
    return out


def rescore_lines(reference: str, reports: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each stored scoring scored again: reproduced or not, a different review model, and
    the first :data:`DIFFERENCES_SHOWN` differences."""
    if not reports:
        return [f"Aucune notation conservée pour {reference}."]
    out = []
    for report in reports:
        verdict = "reproduite à l'identique" if report["reproduced"] else "ÉCARTS"
        out.append(f"Notation {report['scoring']} (lot {report['lot']}, "
                   f"{report['created_at']}) : {verdict}")
        if not report["same_model"]:
            versions = report["model_version"]
            out.append(f"  Modèle de revue différent : notation faite avec "
                       f"{_model_name(versions['stored'])}, recalculée avec "
                       f"{_model_name(versions['recomputed'])} ; ses scores et "
                       "signalements sont comparés comme le reste.")
        for diff in report["differences"][:DIFFERENCES_SHOWN]:
            out.append(f"  {diff['path'] or '(document)'} : conservé {diff['stored']!r}, "
                       f"recalculé {diff['recomputed']!r} ({diff['problem']})")
        hidden = len(report["differences"]) - DIFFERENCES_SHOWN
        if hidden > 0:
            out.append(f"  … et {hidden} autre(s) écart(s) (--format json pour la liste)")
    return out


def _model_name(version: str | None) -> str:
    return f"le modèle « {version} »" if version else "les règles seules (sans modèle)"
