"""``spar criteria check|show|schema``: validate criteria files, show their weights, the schema."""

from __future__ import annotations

from pathlib import Path

import click

#: Files a folder given to ``check`` stands for.
CRITERIA_SUFFIXES = (".yaml", ".yml")


def register(group: click.Group) -> None:
    """Add the ``criteria`` subgroup to the ``spar`` group."""
    group.add_command(criteria)


@click.group("criteria")
def criteria() -> None:
    """Fichiers de critères : vérification, arbre des poids, schéma JSON."""


# --------------------------------------------------------------------------- check
@criteria.command("check")
@click.argument("paths", metavar="FILE…", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Échouer aussi sur les avertissements.")
def check(paths: tuple[str, ...], strict: bool) -> None:
    """Vérifie des fichiers de critères (ou les .yaml d'un dossier) : chaque problème
    s'affiche FICHIER:LIGNE:COLONNE: error|warning: message ; code de sortie 1 s'il y a
    une erreur (--strict : ou un avertissement)."""
    from ..criteria_file import Problem

    files = _expand(paths)
    found: list[tuple[int, Problem]] = []
    for k, path in enumerate(files):
        found.extend((k, p) for p in _problems_of(path))
    for _, problem in sorted(found):
        click.echo(str(problem))
    errors = sum(1 for _, p in found if p.severity == "error")
    warnings = len(found) - errors
    counted = (f"{_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')}"
               if found else "aucun problème")
    click.echo(f"{_plural(len(files), 'fichier')} vérifié{'s' if len(files) > 1 else ''} : "
               f"{counted}")
    if errors or (strict and warnings):
        click.get_current_context().exit(1)


def _expand(paths: tuple[str, ...]) -> list[Path]:
    """The files to check: a folder stands for its criteria files, in name order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in CRITERIA_SUFFIXES)
            if not inside:
                raise click.UsageError(f"{path} : aucun fichier de critères (.yaml, .yml) "
                                       "dans ce dossier")
            out.extend(inside)
        else:
            out.append(path)
    return out


def _problems_of(path: Path) -> list:
    from ..criteria_file import CriteriaFileError, Problem, check_criteria_text, read_text

    if not path.exists():
        return [Problem(1, 1, "error", "fichier introuvable", str(path))]
    try:
        text = read_text(path)
    except CriteriaFileError as exc:
        return exc.problems
    return check_criteria_text(text, str(path))[1]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


# --------------------------------------------------------------------------- show
@criteria.command("show")
@click.argument("path", metavar="FILE")
def show(path: str) -> None:
    """L'arbre des critères : part effective de chaque critère dans le total, méthode et
    réponse lue par chaque feuille, part de chaque pilier."""
    from ..exports.criteria_text import criteria_tree_text

    crit, warnings = load_or_fail(path)
    for line in criteria_tree_text(crit):
        click.echo(line)
    if warnings:
        click.echo("\nAvertissements", err=True)
        for problem in warnings:
            click.echo(str(problem), err=True)


def load_or_fail(path: str):
    """A criteria set and its warnings; its located problems then exit 1 if it is refused."""
    from ..criteria_file import CriteriaFileError, check_criteria_text, read_text

    if not Path(path).is_file():
        what = "est un dossier" if Path(path).is_dir() else "introuvable"
        raise click.ClickException(f"fichier de critères {what} : {path}")
    try:
        crit, problems = check_criteria_text(read_text(path), path)
    except CriteriaFileError as exc:
        crit, problems = None, exc.problems
    if crit is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in problems if p.severity == "error")
        raise click.ClickException(f"fichier de critères refusé ({_plural(errors, 'erreur')}) "
                                   f": {path}")
    return crit, problems


# --------------------------------------------------------------------------- schema
@criteria.command("schema")
def schema() -> None:
    """Le schéma JSON du format des critères (pour les éditeurs ; cf. criteria/schema.json)."""
    from ..criteria_file import schema_text

    click.echo(schema_text(), nl=False)
