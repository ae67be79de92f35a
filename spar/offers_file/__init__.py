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

One module per job: :mod:`.from_json`, :mod:`.from_csv` and :mod:`.from_xlsx` read a
file into a :class:`~.table.Table` of raw cells; :mod:`.table` checks it into a lot;
:mod:`.layout`, :mod:`.cells`, :mod:`.siret` and :mod:`.problems` are what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..engine.answers import Lot
from ..engine.criteria import CriteriaSet
from .from_csv import read_csv
from .from_json import lot_from_json
from .from_xlsx import read_xlsx
from .layout import evidence_inputs, known_columns
from .problems import OffersFileError, OffersProblem
from .siret import siret_valid
from .table import lot_from_table

__all__ = ["Offers", "OffersFileError", "OffersProblem", "evidence_inputs", "known_columns",
           "read_offers", "siret_valid"]


@dataclass
class Offers:
    """The offers of the selected lot, and notes on how the file was read."""

    lot: Lot
    notes: list[str] = field(default_factory=list)


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
    kind = format_of(path, data)
    notes: list[str] = []
    if kind == "json":
        return Offers(lot_from_json(data, criteria, lot, estimate, file), notes)
    table = read_csv(data, criteria, notes, file) if kind == "csv" else read_xlsx(data, file)
    return Offers(lot_from_table(table, criteria, lot, estimate, file), notes)


def format_of(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv", ".xlsx"):
        return suffix[1:]
    # an unusual extension: trust the content (XLSX is a ZIP archive)
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "csv"
