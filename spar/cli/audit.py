"""``spar audit verify|rescore``."""

from __future__ import annotations

import json
import sys

import click

from ._context import fail_on_service_error, service_app, unit_of_work


@click.group("audit")
def audit() -> None:
    """Contrôle : journal chaîné et reproductibilité des notations."""


@audit.command("verify")
def verify() -> None:
    """Vérifier la chaîne du journal d'audit ; code 1 et première entrée altérée sinon."""
    from ..services import audit as audit_log

    app = service_app()
    with unit_of_work(app) as uow:
        checked, broken = audit_log.verify(uow.session)
    if broken is not None:
        click.echo(f"Journal altéré : entrée n° {broken['id']} ({broken['action']}, "
                   f"{broken['at']}) — {broken['problem']}. {checked} entrée(s) intègre(s) "
                   "avant elle.", err=True)
        sys.exit(1)
    click.echo(f"Journal intègre : {checked} entrée(s) vérifiée(s).")


@audit.command("rescore")
@click.argument("reference")
@click.option("--lot", "lot_id", help="Un seul lot.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@fail_on_service_error
def rescore(reference: str, lot_id: str | None, fmt: str) -> None:
    """Recalculer chaque notation conservée et la comparer, champ par champ (code 1 si écart)."""
    from ..services import reproducibility
    from ..services.principal import OPERATOR

    app = service_app()
    reports = reproducibility.rescore(unit_of_work(app), OPERATOR, reference, lot_id)
    if fmt == "json":
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        if not reports:
            click.echo(f"Aucune notation conservée pour {reference}.")
        for report in reports:
            verdict = "reproduite à l'identique" if report["reproduced"] else "ÉCARTS"
            click.echo(f"Notation {report['scoring']} (lot {report['lot']}, "
                       f"{report['created_at']}) : {verdict}")
            if not report["same_model"]:
                versions = report["model_version"]
                click.echo(f"  Modèle de revue différent : notation faite avec "
                           f"{_model_name(versions['stored'])}, recalculée avec "
                           f"{_model_name(versions['recomputed'])} ; ses scores et "
                           "signalements sont comparés comme le reste.")
            for diff in report["differences"][:20]:
                click.echo(f"  {diff['path'] or '(document)'} : conservé {diff['stored']!r}, "
                           f"recalculé {diff['recomputed']!r} ({diff['problem']})")
            hidden = len(report["differences"]) - 20
            if hidden > 0:
                click.echo(f"  … et {hidden} autre(s) écart(s) (--format json pour la liste)")
    if any(not r["reproduced"] for r in reports):
        sys.exit(1)


def _model_name(version: str | None) -> str:
    return f"le modèle « {version} »" if version else "les règles seules (sans modèle)"


def register(group: click.Group) -> None:
    group.add_command(audit)
