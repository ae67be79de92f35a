"""``spar criteria check|show|schema``: validate criteria files, show their weights, the schema."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

CATEGORY_LABELS = {"supplies": "fournitures", "services": "services", "works": "travaux"}
#: Files a folder given to ``check`` stands for.
CRITERIA_SUFFIXES = (".yaml", ".yml")
WIDTH = 100
#: Widest criterion column of ``show``, so method and answer keep room on the line.
NAME_WIDTH = 40
#: Stands for a space that wrapping must not break at (never in criteria text).
KEEP = "\0"


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
    from ..engine.criteria import PILLAR_LABELS, PILLARS, Group
    from ..engine.text import fr_percent, fr_short

    crit, warnings = load_or_fail(path)
    shares = crit.shares()
    pillar_shares = crit.pillar_shares()
    click.echo(_cut(f"{crit.title} — {crit.id} v{crit.version} "
                    f"({CATEGORY_LABELS.get(crit.category, crit.category)}, total sur "
                    f"{fr_short(crit.points)} points)"))
    click.echo(f"sha256 {crit.sha256}\n")

    rows = []
    for node, prefix in _tree(crit.root):
        share = fr_percent(shares[node.path])
        notes = []
        if node.eliminatory_below is not None:
            notes.append(f"éliminatoire sous {fr_percent(node.eliminatory_below, 0)}")
        if isinstance(node, Group):
            rows.append((prefix, node, share, "", [], notes))
            continue
        if node.required:
            notes.append("obligatoire")
        if node.minimum is not None:
            notes.append(f"min {fr_short(node.minimum)}")
        if node.maximum is not None:
            notes.append(f"max {fr_short(node.maximum)}")
        if node.assessed_by == "buyer":
            notes.append("noté par l'acheteur")
        unit = [f"({node.unit})"] if node.unit else []
        rows.append((prefix, node, share, node.method, [node.input] + unit, notes))
    name_w = min(max(len("Critère"), *(len(_name(p, n)) for p, n, *_ in rows)), NAME_WIDTH)
    method_w = max(len("Méthode"), *(len(r[3]) for r in rows))
    answer_at = name_w + 2 + 7 + 2 + method_w + 2
    click.echo(f"{'Critère':<{name_w}}  {'Part':>7}  {'Méthode':<{method_w}}  Réponse")
    for prefix, node, share, method, answer, notes in rows:
        head = f"{_name(prefix, node, name_w):<{name_w}}  {share:>7}  {method:<{method_w}}  "
        # the answer's name is never cut (offers files must use it); the unit and notes
        # wrap under it, each kept whole when it fits on a line
        room = WIDTH - answer_at
        chunks = answer + [f"[{note}]" for note in notes]
        text = " ".join(c.replace(" ", KEEP) if len(c) <= room else c for c in chunks)
        lines = [line.replace(KEEP, " ") for line in textwrap.wrap(
            text, room, break_long_words=False, break_on_hyphens=False)] or [""]
        click.echo((head + lines[0]).rstrip())
        for more in lines[1:]:
            click.echo(" " * answer_at + more)

    click.echo("\nPart de chaque pilier")
    policy = crit.policy
    limits = {"environmental": ("minimum", policy.environmental_min_share),
              "social": ("minimum", policy.social_min_share)}
    for pillar in PILLARS:
        line = f"  {PILLAR_LABELS[pillar]:<20} {fr_percent(pillar_shares[pillar]):>7}"
        word, limit = limits.get(pillar, ("", None))
        if limit is not None:
            line += f"   ({word} de la politique : {fr_short(limit)} %)"
        click.echo(line)
    if policy.price_max_share is not None:
        click.echo(f"  (prix : maximum de la politique {fr_short(policy.price_max_share)} %)")
    if crit.tie_break:
        click.echo(f"\nDépartage des ex æquo : {', '.join(crit.tie_break)}")
    if crit.low_price_rules:
        rules = "; ".join(rule.method + "".join(f", {k} {fr_short(v)}"
                                                for k, v in sorted(rule.params.items()))
                          for rule in crit.low_price_rules)
        click.echo(_cut(f"Offres anormalement basses ({crit.low_price_input}) : {rules}"))
    if warnings:
        click.echo("\nAvertissements", err=True)
        for problem in warnings:
            click.echo(str(problem), err=True)


def _tree(group, prefix: str = "", top: bool = True):
    """(node, prefix) in file order, with box-drawing prefixes below the top level."""
    from ..engine.criteria import Group

    children = group.children
    for k, child in enumerate(children):
        last = k == len(children) - 1
        yield child, ("" if top else prefix + ("└─ " if last else "├─ "))
        if isinstance(child, Group):
            yield from _tree(child, "" if top else prefix + ("   " if last else "│  "), False)


def _name(prefix: str, node, width: int | None = None) -> str:
    """``label (id)`` after the tree prefix; cut in the label, never in the id."""
    if width is None or len(prefix) + len(node.label) + len(node.id) + 3 <= width:
        return f"{prefix}{node.label} ({node.id})"
    return f"{prefix}{_fit(node.label, max(width - len(prefix) - len(node.id) - 3, 1))} " \
           f"({node.id})"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _cut(line: str) -> str:
    return _fit(line, WIDTH)


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
