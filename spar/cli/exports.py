"""``spar export`` and ``spar report indicators`` — the service's exports without a server."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

import click

from ._context import fail_on_service_error, service_app, unit_of_work

FORMATS = ("csv", "xlsx", "pdf", "json", "ocds", "letter", "letter-json")
BINARY = ("xlsx", "pdf", "letter")


def _write(chunks, output: str | None, binary: bool) -> None:
    """Stream to ``output`` (written aside, then renamed: never a half file) or stdout."""
    from ..exports.output import OutputError, write_chunks

    if output is None and binary and sys.stdout.isatty():
        raise click.UsageError("format binaire : précisez --output FICHIER")
    try:
        write_chunks(chunks, output, sys.stdout.buffer)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("export")
@click.argument("reference")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv/xlsx : détail des notes ; pdf : rapport d'analyse des offres ; json : "
                   "notations enregistrées ; ocds : paquet OCDS 1.1 ; letter : lettre d'un "
                   "candidat (--supplier).")
@click.option("--output", "-o", metavar="F", help="Fichier à écrire (obligatoire pour les "
                                                   "formats binaires dans un terminal).")
@click.option("--supplier", metavar="OFFRE|SIRET", help="Pour une lettre : le candidat.")
@fail_on_service_error
def export(reference: str, fmt: str, output: str | None, supplier: str | None) -> None:
    """Exporter une consultation de la base (SPAR_DATABASE_URL), sans serveur."""
    from ..services import exports
    from ..services.principal import OPERATOR

    app = service_app()
    chunks, _, filename = exports.export(unit_of_work(app), OPERATOR, reference, fmt,
                                         supplier=supplier)
    _write(chunks, output, fmt in BINARY)
    if output:
        click.echo(f"Écrit : {output} ({filename})", err=True)


@click.group("report")
def report() -> None:
    """Rapports de l'organisation."""


@report.command("indicators")
@click.option("--org", "organisation", required=True, help="Organisation (identifiant).")
@click.option("--year", type=click.IntRange(2000, 2100),
              default=lambda: datetime.now(timezone.utc).year, show_default="année en cours")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "pdf"]), default="table",
              show_default=True)
@click.option("--output", "-o", metavar="F")
@fail_on_service_error
def indicators(organisation: str, year: int, fmt: str, output: str | None) -> None:
    """Les indicateurs SPAR de l'année : consultations, parts environnementale et sociale,
    poids moyens par pilier, heures d'insertion et part des PME attributaires."""
    from ..exports.indicators import indicators_text
    from ..services import indicators as service
    from ..services.principal import OPERATOR

    app = service_app()
    figures = service.compute(unit_of_work(app), OPERATOR, year, organisation)
    if fmt == "pdf":
        from ..exports.indicators_pdf import indicators_pdf

        _write(iter((indicators_pdf(figures),)), output, True)
        return
    if fmt == "json":
        _write(iter((json.dumps(figures, ensure_ascii=False, indent=2).encode() + b"\n",)),
               output, False)
        return

    _write(iter((indicators_text(figures).encode(),)), output, False)


def register(group: click.Group) -> None:
    group.add_command(export)
    group.add_command(report)
