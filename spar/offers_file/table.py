"""An offers file read into columns of raw cells (:class:`Table`), whatever its format,
then checked: the header, the chosen lot, the ids and SIRETs, and the answers by the
engine — every problem collected before anything is refused."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.answers import Lot, input_kinds, lot_from_columns
from ..engine.criteria import CriteriaSet
from ..engine.errors import AnswersError
from .cells import blank, siret_texts, text, texts
from .layout import EVIDENCE_PREFIX, NUMERIC_KINDS, evidence_inputs, known_columns
from .problems import OffersFileError, OffersProblem
from .siret import siret_valid

#: A number whose dots may all be thousands separators: ``79.800``, ``1.234.567``.
THOUSANDS_DOTS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")
SPACES = str.maketrans("", "", " \u00a0\u202f")


@dataclass
class Table:
    """An offers file as columns of raw cells, before any answer is checked."""

    header: list[str]  # column names in file order, stripped ("" when unnamed)
    places: list[str]  # how to point at each column ("colonne C", "colonne n° 3")
    header_line: int | None  # where the header is, for located problems
    columns: dict[str, Any]  # name → ndarray (numeric) or list of cells
    rows: int
    first_line: int  # the line (CSV) or row (XLSX) of the first offer
    numbered: str = "ligne"  # what first_line counts: lines, rows or offers
    problems: list[OffersProblem] = field(default_factory=list)
    decimal_comma: bool = False  # a French CSV: a dot in a number is ambiguous


def unnamed_filled(header, places, line, unnamed_cells) -> list[OffersProblem]:
    """Unnamed columns are tolerated only empty (spreadsheets leave them behind)."""
    unnamed = [k for k, name in enumerate(header) if not name]
    return [OffersProblem(f"{places[k]} sans nom mais remplie : donnez-lui un nom ou "
                          "supprimez-la", line)
            for k, cells in zip(unnamed, unnamed_cells)
            if any(not blank(v) for v in cells)]


def _check_header(table: Table, criteria: CriteriaSet) -> list[OffersProblem]:
    known = known_columns(criteria)
    seen: dict[str, int] = {}
    problems = []
    for k, name in enumerate(table.header):
        if not name:
            continue
        if name in seen:
            problems.append(OffersProblem(f"{table.places[k]} : colonne « {name} » en double "
                                          f"({table.places[seen[name]]})", table.header_line))
        elif name not in known:
            problems.append(OffersProblem(
                f"{table.places[k]} : colonne inconnue « {name} »{suggest(name, known)} ; "
                "colonnes possibles : " + ", ".join(known), table.header_line))
        seen.setdefault(name, k)
    if "id" not in seen:
        problems.insert(0, OffersProblem("colonne « id » manquante : chaque offre doit avoir "
                                         "un identifiant", table.header_line))
    return problems


def suggest(name: str, known: Sequence[str]) -> str:
    """`` (vouliez-vous dire « price_eur » ?)`` for a name close to a known one, else ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def lot_from_table(table: Table, criteria: CriteriaSet, lot: str | None,
                   estimate: float | None, file: str) -> Lot:
    """Select the lot's rows, check ids and SIRETs, and let the engine check the answers."""
    problems = _check_header(table, criteria) + table.problems
    if "id" not in table.columns:
        raise OffersFileError(file, problems)
    ids = texts(table.columns["id"])
    rows, lot_id, lot_problems = _select_lot(table, lot, ids)
    if lot_problems:
        raise OffersFileError(file, problems + lot_problems)
    if not len(rows):
        raise OffersFileError(file, problems + [OffersProblem("aucune offre dans le fichier")])
    for k in rows:
        if ids[k] is None:
            problems.append(OffersProblem(f"{table.numbered} {k + table.first_line} : "
                                          "identifiant d'offre manquant"))
    ids = [ids[k] or f"{table.numbered} {k + table.first_line}" for k in rows]
    everything = len(rows) == table.rows

    def pick(name: str) -> Any:
        column = table.columns[name]
        if everything:
            return column
        return column[rows] if isinstance(column, np.ndarray) else [column[k] for k in rows]

    suppliers, siret_problems = _suppliers(table, pick, ids)
    problems.extend(siret_problems)
    inputs = criteria.inputs()
    raw = {name: pick(name) for name in inputs if name in table.columns}
    if table.decimal_comma:
        problems.extend(_dotted_numbers(raw, criteria, ids))
    for name in evidence_inputs(criteria):
        if name in raw:
            # a spreadsheet has no other way to say "no label": an empty cell of a labels
            # column is the empty list a JSON file writes, so both give the same result
            # (a non-blank text first: nearly every cell, and a call per cell cost more
            # than the rest of the reading of a labels column)
            raw[name] = [cell if type(cell) is str and not cell.isspace() and cell
                         else [] if blank(cell) else cell for cell in raw[name]]
    evidence = {name: pick(EVIDENCE_PREFIX + name) for name in evidence_inputs(criteria)
                if EVIDENCE_PREFIX + name in table.columns}
    try:
        result = lot_from_columns(criteria, ids, raw, evidence, estimate=estimate,
                                  lot_id=lot_id, suppliers=suppliers)
    except AnswersError as exc:
        problems.extend(OffersProblem(p.reason, offer=p.offer, input=p.input)
                        for p in exc.problems)
    if problems:
        raise OffersFileError(file, problems)
    return result


def _dotted_numbers(raw: dict[str, Any], criteria: CriteriaSet, ids: list[str]
                    ) -> list[OffersProblem]:
    """Numbers with a dot in a CSV that writes them the French way (``;``, decimal comma).

    There, ``79.800`` may be 79,8 or 79 800: read as 79,8 it silently moved an offer
    from rank 5 to rank 1. A number whose dots could all separate thousands (groups of
    three digits) is refused, naming the offer, the column and the value, as one with
    both a dot and a comma (``84.500,00``) already is; ``1.5`` can only mean 1,5.
    """
    kinds = input_kinds(criteria)
    out = []
    for name, cells in list(raw.items()):
        if kinds.get(name) not in NUMERIC_KINDS or isinstance(cells, np.ndarray):
            continue  # pandas read the whole column as numbers: no dot in it
        # the refused cells are left out, so that nothing else is said of them
        raw[name] = cells = list(cells)
        for k, cell in enumerate(cells):
            if isinstance(cell, str) and THOUSANDS_DOTS.fullmatch(cell.strip().translate(SPACES)):
                text = cell.strip()
                readings = [f"{text.replace('.', '')} (sans séparateur de milliers)"]
                if text.count(".") == 1:
                    readings.insert(0, f"{text.replace('.', ',')} (virgule décimale)")
                out.append(OffersProblem(
                    f"nombre ambigu « {text} » : ce fichier écrit les nombres à la française "
                    "(séparateur « ; », virgule décimale), où un point peut séparer les "
                    "milliers ; écrivez " + " ou ".join(readings), offer=ids[k], input=name))
                cells[k] = None
    return out


def _select_lot(table: Table, lot: str | None, ids: list[str | None]
                ) -> tuple[np.ndarray, str | None, list[OffersProblem]]:
    """Indexes of the rows of the chosen lot, its id, and why it could not be chosen."""
    everything = np.arange(table.rows)
    if "lot" not in table.columns:
        # a file that says nothing of lots holds one lot: the one the buyer names
        return everything, lot, []
    cells = table.columns["lot"]
    cells = cells.tolist() if isinstance(cells, np.ndarray) else cells
    # a lot column repeats a few values: normalise each distinct cell once
    normal = {cell: text(cell) for cell in set(cells)}
    present = sorted({v for v in normal.values() if v is not None}, key=_natural)
    if lot is None:
        if len(present) > 1:
            return everything, None, [OffersProblem(
                f"le fichier contient plusieurs lots ({', '.join(present)}) : choisissez-en "
                "un avec --lot")]
        if not present:
            return everything, None, []
        lot = present[0]
    elif lot not in present:
        listed = ", ".join(present) if present else "aucun"
        return everything, lot, [OffersProblem(f"lot « {lot} » absent du fichier ; lots "
                                               f"présents : {listed}")]
    if None in normal.values():
        without = [ids[k] or f"{table.numbered} {k + table.first_line}"
                   for k, cell in enumerate(cells) if normal[cell] is None]
        return everything, lot, [OffersProblem(
            "offre(s) sans lot dans un fichier qui en a : " + ", ".join(without[:20])
            + (" …" if len(without) > 20 else ""))]
    if len(present) == 1:
        return everything, lot, []
    return np.flatnonzero(np.fromiter((normal[cell] == lot for cell in cells), dtype=bool,
                                      count=len(cells))), lot, []


def _natural(text: str) -> tuple:
    """Lot 2 before lot 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def _suppliers(table: Table, pick, ids: list[str]
               ) -> tuple[list[Mapping[str, Any] | None], list[OffersProblem]]:
    """``{name, siret}`` per offer (None when the file says nothing) and invalid SIRETs."""
    if "supplier" not in table.columns and "siret" not in table.columns:
        return [], []
    nothing = [None] * len(ids)
    names = texts(pick("supplier")) if "supplier" in table.columns else nothing
    sirets = siret_texts(pick("siret")) if "siret" in table.columns else nothing
    problems = [OffersProblem(f"SIRET « {sirets[k]} » invalide : 14 chiffres dont une clé de "
                              "contrôle (Luhn) sont attendus", offer=ids[k], input="siret")
                for k in np.flatnonzero(~siret_valid(sirets))]
    return [None if name is None and siret is None else {"name": name, "siret": siret}
            for name, siret in zip(names, sirets)], problems
