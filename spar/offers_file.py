"""Offers files (SPEC §3): JSON, CSV and XLSX → the checked :class:`~spar.engine.answers.Lot`
of one lot.

JSON is ``{"offers": [...]}`` (or a bare list). CSV and XLSX have one row per offer
with the columns ``id``, ``supplier``, ``siret``, ``lot`` (optional), one per input
(``|`` between the items of a list) and ``evidence.<input>``; an empty cell is a
missing answer, except in a labels column, where it claims no label (as ``[]`` does in
JSON). A CSV may come from a French spreadsheet: ``;`` separator, decimal comma (a
number whose dot may separate thousands, ``79.800``, is refused as ambiguous), UTF-8
with or without BOM, or Windows-1252 from an old Excel (read, with a note).

Every problem of a file is collected before anything is refused: unknown columns,
malformed answers (each naming the offer, the input and why), invalid SIRET…
Numeric columns of a CSV are parsed by pandas' C reader and handed to the engine as
float arrays; only the other columns are parsed cell by cell.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .engine.answers import Lot, input_kinds, lot_from_columns
from .engine.criteria import CriteriaSet
from .engine.errors import AnswersError

#: Columns of an offers table that are not answers (SPEC §3).
BASE_COLUMNS = ("id", "supplier", "siret", "lot")
EVIDENCE_PREFIX = "evidence."
#: Keys of one offer in a JSON file.
OFFER_KEYS = ("id", "lot", "supplier", "answers", "evidence")
SUPPLIER_KEYS = ("name", "siret")
#: What a JSON offer's answers and evidence may name.
READABLE = {"answers": "réponses lues par les critères",
            "evidence": "justificatifs lus (réponses à labels)"}
#: Kinds of answer pandas may parse as numbers; the others are read as text.
NUMERIC_KINDS = frozenset({"number", "mark"})
DELIMITERS = (";", ",", "\t")
#: A number whose dots may all be thousands separators: ``79.800``, ``1.234.567``.
THOUSANDS_DOTS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")
SPACES = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class OffersProblem:
    """One problem of an offers file, located as precisely as the format allows."""

    message: str
    line: int | None = None
    column: int | None = None
    offer: str | None = None
    input: str | None = None

    def where(self) -> str:
        """``LINE:COL`` or ``LINE`` when known, else ``""``."""
        if self.line is None:
            return ""
        return f"{self.line}:{self.column}" if self.column is not None else str(self.line)

    def describe(self, file: str) -> str:
        """The problem as one line, prefixed with the file and its location."""
        head = file + (f":{self.where()}" if self.line is not None else "")
        who = []
        if self.offer is not None:
            who.append(f"offre {self.offer}")
        if self.input is not None:
            what = "colonne" if self.input in BASE_COLUMNS else "réponse"
            who.append(f"{what} « {self.input} »")
        return f"{head}: " + (", ".join(who) + " : " if who else "") + self.message


class OffersFileError(Exception):
    """An offers file cannot be scored; ``problems`` lists every reason found."""

    def __init__(self, file: str, problems: Sequence[OffersProblem]):
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Every problem as ``FILE[:LINE[:COL]]: message``."""
        return [p.describe(self.file) for p in self.problems]


@dataclass
class Offers:
    """The offers of the selected lot, and notes on how the file was read."""

    lot: Lot
    notes: list[str] = field(default_factory=list)


@dataclass
class _Table:
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


# --------------------------------------------------------------------------- entry point
def read_offers(path: str | Path, criteria: CriteriaSet, lot: str | None = None,
                estimate: float | None = None) -> Offers:
    """The offers of ``lot`` in a JSON, CSV or XLSX file, checked against ``criteria``.

    Without ``lot``, the file must hold a single lot (or say nothing of lots).
    Raises :class:`OffersFileError` with every problem of the file.
    """
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OffersFileError(file, [OffersProblem("fichier introuvable")]) from None
    except IsADirectoryError:
        raise OffersFileError(file, [OffersProblem("c'est un dossier, pas un fichier")]) from None
    except OSError as exc:
        raise OffersFileError(file, [OffersProblem(f"lecture impossible : {exc.strerror}")]
                              ) from None
    kind = _format_of(path, data)
    notes: list[str] = []
    if kind == "json":
        return Offers(_lot_from_json(data, criteria, lot, estimate, file), notes)
    table = _read_csv(data, criteria, notes, file) if kind == "csv" else _read_xlsx(data, file)
    return Offers(_lot_from_table(table, criteria, lot, estimate, file), notes)


def _format_of(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv", ".xlsx"):
        return suffix[1:]
    # an unusual extension: trust the content (XLSX is a ZIP archive)
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "csv"


# --------------------------------------------------------------------------- JSON
def _lot_from_json(data: bytes, criteria: CriteriaSet, lot: str | None,
                   estimate: float | None, file: str) -> Lot:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise OffersFileError(file, [OffersProblem("le fichier n'est pas en UTF-8", line)]
                              ) from None
    except json.JSONDecodeError as exc:
        raise OffersFileError(file, [OffersProblem(f"JSON invalide : {_json_reason(exc.msg)}",
                                                   exc.lineno, exc.colno)]) from None
    offers = document.get("offers") if isinstance(document, dict) else document
    if not isinstance(offers, list):
        raise OffersFileError(file, [OffersProblem(
            'un objet {"offers": [...]} ou une liste d\'offres est attendu')])
    problems = [OffersProblem(f"clé inconnue « {key} » ; seule « offers » est lue")
                for key in (document if isinstance(document, dict) else ()) if key != "offers"]
    readable = {"answers": list(criteria.inputs()), "evidence": evidence_inputs(criteria)}
    rows: list[dict[str, Any]] = []
    for k, offer in enumerate(offers, 1):
        where = f"offre n° {k}"
        if not isinstance(offer, dict):
            problems.append(OffersProblem(f"{where} : un objet est attendu"))
            continue
        problems.extend(OffersProblem(f"{where} : clé inconnue « {key} »"
                                      f"{_suggest(key, OFFER_KEYS)} ; clés possibles : "
                                      + ", ".join(OFFER_KEYS))
                        for key in offer if key not in OFFER_KEYS)
        row: dict[str, Any] = {}
        for key in ("id", "lot"):
            value = offer.get(key)
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (str, int))):
                problems.append(OffersProblem(f"{where} : « {key} » doit être un texte"))
            else:
                row[key] = value
        supplier = offer.get("supplier")
        if isinstance(supplier, str):
            row["supplier"] = supplier
        elif isinstance(supplier, dict):
            problems.extend(OffersProblem(f"{where} : clé inconnue « {key} » dans « supplier » "
                                          "; clés possibles : " + ", ".join(SUPPLIER_KEYS))
                            for key in supplier if key not in SUPPLIER_KEYS)
            row["supplier"], row["siret"] = supplier.get("name"), supplier.get("siret")
        elif supplier is not None:
            problems.append(OffersProblem(f"{where} : « supplier » doit être un objet "
                                          "{name, siret}"))
        for key, prefix in (("answers", ""), ("evidence", EVIDENCE_PREFIX)):
            values = offer.get(key)
            if values is None:
                continue
            if not isinstance(values, dict):
                problems.append(OffersProblem(f"{where} : « {key} » doit être un objet "
                                              "(réponse: valeur)"))
                continue
            known = readable[key]
            for name, value in values.items():
                if name in known:
                    row[prefix + name] = value
                else:
                    problems.append(OffersProblem(
                        f"{where} : {key} : réponse inconnue « {name} »{_suggest(name, known)}"
                        f" ; {READABLE[key]} : " + (", ".join(known) or "aucune")))
        rows.append(row)
    if problems:
        raise OffersFileError(file, problems)
    names = list(dict.fromkeys(["id"] + [key for row in rows for key in row]))
    if all(row.get("lot") is None for row in rows):
        names = [n for n in names if n != "lot"]  # offers that say nothing of lots
    columns = {name: [row.get(name) for row in rows] for name in names}
    table = _Table(names, [f"clé « {n} »" for n in names], None, columns, len(rows),
                   first_line=1, numbered="offre n°")
    return _lot_from_table(table, criteria, lot, estimate, file)


def _json_reason(msg: str) -> str:
    """The French for the messages of :class:`json.JSONDecodeError` people meet most."""
    known = {
        "Expecting value": "valeur attendue",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendu",
        "Expecting property name enclosed in double quotes": "nom de clé entre guillemets "
                                                             "droits attendu",
        "Extra data": "texte en trop après la fin du document",
        "Unterminated string starting at": "texte non terminé",
        "Invalid control character at": "caractère de contrôle dans un texte",
        "Illegal trailing comma before end of object": "virgule en trop avant }",
        "Illegal trailing comma before end of array": "virgule en trop avant ]",
    }
    return known.get(msg, msg)


# --------------------------------------------------------------------------- CSV
def _decode(data: bytes, notes: list[str], file: str) -> tuple[str, str]:
    """The text of a CSV and the encoding pandas must read it with."""
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise OffersFileError(file, [OffersProblem(
            "encodage illisible : ni UTF-8 ni Windows-1252", line)]) from None
    notes.append(f"{file} : fichier lu en Windows-1252 (ancien Excel) car il n'est pas en "
                 "UTF-8 ; vérifiez les accents, et enregistrez-le de préférence en "
                 "« CSV UTF-8 ».")
    return text, "cp1252"


def _header_line(text: str) -> tuple[int, str | None]:
    """The first line that is not blank, and its number (without splitting the whole file)."""
    start, number = (1 if text.startswith("\ufeff") else 0), 1
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].rstrip("\r")
        if line.strip():
            return number, line
        start, number = end + 1, number + 1
    return number, None


def _delimiter(header: str) -> str:
    """The separator the header line uses most, quoted text aside."""
    outside = re.sub(r'"[^"]*"', "", header)
    best = max(DELIMITERS, key=outside.count)
    return best if outside.count(best) else ","


def _read_csv(data: bytes, criteria: CriteriaSet, notes: list[str], file: str) -> _Table:
    import pandas as pd

    text, encoding = _decode(data, notes, file)
    header_no, header_line = _header_line(text)
    if header_line is None:
        raise OffersFileError(file, [OffersProblem(
            "fichier vide : une ligne d'en-tête (id, supplier, siret, lot, réponses…) "
            "est attendue")])
    delimiter = _delimiter(header_line)
    header = [n.strip() for n in next(csv.reader([header_line], delimiter=delimiter))]
    kinds = input_kinds(criteria)
    # columns by position: header cells may be blank, repeated or padded with spaces
    positions = [f"c{k}" for k in range(len(header))]
    # answers that are not numbers stay text: "01" is a choice, not the number 1
    as_text = {position: str for position, name in zip(positions, header)
               if kinds.get(name) not in NUMERIC_KINDS}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                io.BytesIO(data), sep=delimiter, decimal="," if delimiter == ";" else ".",
                encoding=encoding, names=positions, header=0, dtype=as_text,
                keep_default_na=False, na_values=[""], index_col=False, skip_blank_lines=True,
                engine="c")
    except pd.errors.ParserError as exc:
        raise OffersFileError(file, _ragged_lines(text, delimiter, len(header))
                              or [OffersProblem(f"CSV illisible : {exc}")]) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        # pandas drops the fields past the header; a file must not lose answers silently
        raise OffersFileError(file, _ragged_lines(text, delimiter, len(header)))
    columns: dict[str, Any] = {}
    unnamed: list[Any] = []
    for k, name in enumerate(header):
        series = frame.iloc[:, k]
        if not name:
            unnamed.append(series.dropna().tolist())
        elif series.dtype.kind in "fiu":
            columns[name] = series.to_numpy(dtype=np.float64)
        else:
            columns[name] = series.tolist()
    places = [f"colonne n° {k + 1}" for k in range(len(header))]
    return _Table(header, places, header_no, columns, len(frame), first_line=header_no + 1,
                  problems=_unnamed_filled(header, places, header_no, unnamed),
                  decimal_comma=delimiter == ";")


def _ragged_lines(text: str, delimiter: str, width: int) -> list[OffersProblem]:
    """The lines with more fields than the header (read again, in the error path only)."""
    out = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    for row in reader:
        if len(row) > width:
            sep = "tabulation" if delimiter == "\t" else f"« {delimiter} »"
            out.append(OffersProblem(f"{len(row)} champs au lieu des {width} de l'en-tête "
                                     f"(séparateur {sep})", reader.line_num))
    return out


def _unnamed_filled(header, places, line, unnamed_cells) -> list[OffersProblem]:
    """Unnamed columns are tolerated only empty (spreadsheets leave them behind)."""
    unnamed = [k for k, name in enumerate(header) if not name]
    return [OffersProblem(f"{places[k]} sans nom mais remplie : donnez-lui un nom ou "
                          "supprimez-la", line)
            for k, cells in zip(unnamed, unnamed_cells)
            if any(not _blank(v) for v in cells)]


# --------------------------------------------------------------------------- XLSX
def _read_xlsx(data: bytes, file: str) -> _Table:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise OffersFileError(file, [OffersProblem(
            f"classeur XLSX illisible ({type(exc).__name__}) : enregistrez-le à nouveau "
            "au format .xlsx")]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or all(_blank(v) for v in first):
            raise OffersFileError(file, [OffersProblem(
                "première feuille vide : une ligne d'en-tête (id, supplier, siret, lot, "
                "réponses…) est attendue en ligne 1", 1)])
        header = ["" if _blank(v) else str(v).strip() for v in first]
        cells: list[list[Any]] = [[] for _ in header]
        problems = []
        for r, row in enumerate(rows, 2):
            if all(_blank(v) for v in row):
                continue
            for k in range(len(header)):
                cells[k].append(row[k] if k < len(row) else None)
            if any(not _blank(v) for v in row[len(header):]):
                problems.append(OffersProblem("cellules remplies à droite de la dernière "
                                              "colonne nommée", r))
    finally:
        workbook.close()
    places = [f"colonne {get_column_letter(k + 1)}" for k in range(len(header))]
    unnamed = [cells[k] for k, name in enumerate(header) if not name]
    columns = {name: _xlsx_column(cells[k]) for k, name in enumerate(header) if name}
    return _Table(header, places, 1, columns, len(cells[0]), first_line=2,
                  problems=problems + _unnamed_filled(header, places, 1, unnamed))


def _xlsx_column(cells: list[Any]) -> Any:
    """Cells of a column; a float array when every cell is a number or empty."""
    if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
           for v in cells):
        return np.array([np.nan if v is None else v for v in cells], dtype=np.float64)
    return [None if _blank(v) else v for v in cells]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------- header
def evidence_inputs(criteria: CriteriaSet) -> list[str]:
    """Inputs whose evidence counts: those of ``labels`` leaves (SPEC §2)."""
    return [name for name, kind in input_kinds(criteria).items() if kind == "labels"]


def known_columns(criteria: CriteriaSet) -> list[str]:
    """The columns an offers table may have for ``criteria``, in a readable order."""
    return [*BASE_COLUMNS, *criteria.inputs(),
            *(EVIDENCE_PREFIX + name for name in evidence_inputs(criteria))]


def _check_header(table: _Table, criteria: CriteriaSet) -> list[OffersProblem]:
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
                f"{table.places[k]} : colonne inconnue « {name} »{_suggest(name, known)} ; "
                "colonnes possibles : " + ", ".join(known), table.header_line))
        seen.setdefault(name, k)
    if "id" not in seen:
        problems.insert(0, OffersProblem("colonne « id » manquante : chaque offre doit avoir "
                                         "un identifiant", table.header_line))
    return problems


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


# --------------------------------------------------------------------------- table → lot
def _lot_from_table(table: _Table, criteria: CriteriaSet, lot: str | None,
                    estimate: float | None, file: str) -> Lot:
    """Select the lot's rows, check ids and SIRETs, and let the engine check the answers."""
    problems = _check_header(table, criteria) + table.problems
    if "id" not in table.columns:
        raise OffersFileError(file, problems)
    ids = _texts(table.columns["id"])
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
            raw[name] = [[] if _blank(cell) else cell for cell in raw[name]]
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


def _select_lot(table: _Table, lot: str | None, ids: list[str | None]
                ) -> tuple[np.ndarray, str | None, list[OffersProblem]]:
    """Indexes of the rows of the chosen lot, its id, and why it could not be chosen."""
    everything = np.arange(table.rows)
    if "lot" not in table.columns:
        # a file that says nothing of lots holds one lot: the one the buyer names
        return everything, lot, []
    cells = table.columns["lot"]
    cells = cells.tolist() if isinstance(cells, np.ndarray) else cells
    # a lot column repeats a few values: normalise each distinct cell once
    normal = {cell: _text(cell) for cell in set(cells)}
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


def _suppliers(table: _Table, pick, ids: list[str]
               ) -> tuple[list[Mapping[str, Any] | None], list[OffersProblem]]:
    """``{name, siret}`` per offer (None when the file says nothing) and invalid SIRETs."""
    if "supplier" not in table.columns and "siret" not in table.columns:
        return [], []
    nothing = [None] * len(ids)
    names = _texts(pick("supplier")) if "supplier" in table.columns else nothing
    sirets = _sirets(pick("siret")) if "siret" in table.columns else nothing
    problems = [OffersProblem(f"SIRET « {sirets[k]} » invalide : 14 chiffres dont une clé de "
                              "contrôle (Luhn) sont attendus", offer=ids[k], input="siret")
                for k in np.flatnonzero(~siret_valid(sirets))]
    return [None if name is None and siret is None else {"name": name, "siret": siret}
            for name, siret in zip(names, sirets)], problems


def siret_valid(sirets: Sequence[str | None]) -> np.ndarray:
    """Whether each SIRET is valid (a missing one is); vectorised Luhn, stdnum for the rest."""
    from stdnum.fr import siret as stdnum_siret

    ok = np.array([s is None or (len(s) == 14 and s.isdigit()) for s in sirets], dtype=bool)
    shaped = [k for k, s in enumerate(sirets) if s is not None and ok[k]]
    if shaped:
        digits = np.frombuffer("".join(sirets[k] for k in shaped).encode("ascii"),
                               dtype=np.uint8).reshape(-1, 14).astype(np.int64) - ord("0")
        # both the SIRET and its SIREN (first 9 digits) carry a Luhn key
        good = (_luhn(digits) == 0) & (_luhn(digits[:, :9]) == 0)
        for k in np.asarray(shaped)[~good]:
            # stdnum knows the exception to Luhn (La Poste's establishments)
            ok[k] = stdnum_siret.is_valid(sirets[k])
    return ok


def _luhn(digits: np.ndarray) -> np.ndarray:
    """The Luhn sum modulo 10 of each row of digits (0 when the key is right)."""
    doubled = digits[:, -2::-2] * 2  # every second digit from the right, key excluded
    return (digits[:, ::-2].sum(axis=1) + (doubled // 10 + doubled % 10).sum(axis=1)) % 10


def _texts(cells: Sequence[Any]) -> list[str | None]:
    """:func:`_text` of every cell, in one fast pass when they are all text (a CSV's)."""
    if isinstance(cells, np.ndarray):
        cells = cells.tolist()
    try:
        return [cell.strip() or None for cell in cells]
    except AttributeError:  # empty cells (NaN) or numbers from a spreadsheet
        return [_text(cell) for cell in cells]


def _text(value: Any) -> str | None:
    """A cell as text: None when empty, ``1`` rather than ``1.0`` for whole numbers."""
    if isinstance(value, str):  # first: nearly every cell of a CSV
        return value.strip() or None
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _sirets(cells: Sequence[Any]) -> list[str | None]:
    """SIRETs without the spaces or dots people type between groups of digits."""
    return [text if text is None or text.isdigit() else re.sub(r"[\s\u00a0\u202f.]", "", text)
            for text in _texts(cells)]
