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
        from ..exports.audit_text import verification_lines

        for line, problem in verification_lines(report):
            click.echo(line, err=problem)
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
        from ..exports.audit_text import rescore_lines

        for line in rescore_lines(reference, reports):
            click.echo(line)
    if any(not r["reproduced"] for r in reports):
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(audit)
