"""Offers from CSV, as spreadsheets write it: ``,``, ``;`` or tabulations, decimal comma
in a French file, UTF-8 with or without BOM or Windows-1252; numeric columns parsed by
pandas' C reader into float arrays, the others kept as text."""

from __future__ import annotations

import csv
import io
import re
import warnings
from typing import Any

import numpy as np

from ..engine.answers import input_kinds
from ..engine.criteria import CriteriaSet
from .layout import NUMERIC_KINDS
from .problems import OffersFileError, OffersProblem
from .table import Table, unnamed_filled

DELIMITERS = (";", ",", "\t")


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


def read_csv(data: bytes, criteria: CriteriaSet, notes: list[str], file: str) -> Table:
    """The table of a CSV file; how it was read (an old encoding) is added to ``notes``."""
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
    return Table(header, places, header_no, columns, len(frame), first_line=header_no + 1,
                  problems=unnamed_filled(header, places, header_no, unnamed),
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
