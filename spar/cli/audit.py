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
@click.option("--checkpoint", "kept_files", multiple=True, type=click.Path(dir_okay=False),
              help="Tête signée conservée (fichier JSON de « spar audit checkpoint ») : "
                   "vérifier que le journal la contient toujours. Répétable.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@fail_on_service_error
def verify(kept_files: tuple[str, ...], fmt: str) -> None:
    """Vérifier le journal d'audit : sa chaîne et ses signatures, chaque offre, note,
    notation et décision contre l'empreinte enregistrée, et les têtes conservées ; code 1
    au premier écart."""
    from ..services import audit_views
    from ..services.principal import OPERATOR

    kept = [_read_checkpoint(path) for path in kept_files]
    app = service_app()
    report = audit_views.verification(unit_of_work(app), OPERATOR, kept)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if not report["intact"]:
        sys.exit(1)


def _read_checkpoint(path: str) -> dict:
    from ..services.audit_views import kept_head
    from ..services.errors import Invalid

    try:
        with open(path, encoding="utf-8") as handle:
            return kept_head(json.load(handle))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path} : point de contrôle illisible ({exc})") from None
    except Invalid as exc:
        raise click.ClickException(f"{path} : {exc.message}") from None


def _print_report(report: dict) -> None:
    broken = report["first_broken"]
    if broken is not None:
        click.echo(f"Journal altéré : entrée n° {broken['id']} ({broken['action']}, "
                   f"{broken['at']}) — {broken['problem']}. {report['checked']} entrée(s) "
                   "intègre(s) avant elle.", err=True)
    else:
        head = report["head"]
        anchor = (f"tête signée n° {head['size']} ({head['head'][:16]}…, clé {head['key_id']})"
                  if head else "journal vide")
        click.echo(f"Chaîne intègre : {report['checked']} entrée(s) vérifiée(s), {anchor}.")
    counts = report["records"]
    click.echo(f"Enregistrements comparés au journal : {counts.get('offers', 0)} offre(s), "
               f"{counts.get('marks', 0)} note(s), {counts.get('scorings', 0)} notation(s), "
               f"{counts.get('review_decisions', 0)} décision(s), "
               f"{counts.get('criteria_sets', 0)} jeu(x) de critères.")
    for problem in report["record_problems"]:
        entry = f" (entrée n° {problem['entry']})" if problem["entry"] else ""
        click.echo(f"Enregistrement altéré : {problem['record']}{entry} — "
                   f"{problem['problem']}.", err=True)
    hidden = report["record_problem_count"] - len(report["record_problems"])
    if hidden > 0:
        click.echo(f"… et {hidden} autre(s) écart(s).", err=True)
    for kept in report["checkpoints"]:
        if kept["problem"]:
            click.echo(f"Point de contrôle n° {kept['size']} : {kept['problem']}.", err=True)
        else:
            click.echo(f"Point de contrôle n° {kept['size']} : toujours contenu dans le "
                       "journal.")
    if report["demo_key"]:
        click.echo("Attention : clé de démonstration (SPAR_AUDIT_KEY non défini) ; ses "
                   "signatures ne prouvent rien hors démonstration.", err=True)
    click.echo("Journal et enregistrements intègres." if report["intact"]
               else "Vérification échouée.", err=not report["intact"])


@audit.command("checkpoint")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Fichier où l'écrire (par défaut : la sortie standard).")
@fail_on_service_error
def checkpoint(output: str | None) -> None:
    """Exporter la dernière tête signée du journal, à conserver hors de spar."""
    from ..services import audit_views
    from ..services.principal import OPERATOR

    app = service_app()
    head = audit_views.checkpoint(unit_of_work(app), OPERATOR)
    text = json.dumps(head, ensure_ascii=False, indent=2) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Tête n° {head['size']} écrite dans {output}.", err=True)
    else:
        click.echo(text, nl=False)


@audit.command("keygen")
def keygen() -> None:
    """Créer une clé de signature du journal (à mettre dans SPAR_AUDIT_KEY)."""
    from ..services.audit_signing import key_id_of, new_key

    private, public = new_key()
    click.echo(f"# clé publique (à donner aux contrôleurs) : {public}")
    click.echo(f"# identifiant : {key_id_of(public)}")
    click.echo(f"SPAR_AUDIT_KEY={private}")


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
