"""Score breakdown as an XLSX workbook, written with openpyxl's write-only mode.

Sheets: *Consultation* (identity of the consultation, the criteria and each
scoring; *Notation* for a lot ``spar score`` scored, with no consultation),
*Classement* (one row per offer: rank, status, total and pillar points, whether it is
to be examined or abnormally low, the buyer's decision, reasons and notes),
*Critères* (the tree with weights and effective shares) and *Détail* (one row per
offer × criterion, split over *Détail 2*, *Détail 3*… past Excel's 1,048,576 rows).
Numbers stay numbers with a number format, which Excel and LibreOffice show in
the reader's locale (``12 345,67`` in French). Rows are written as they come and
the file is assembled on disk, so memory stays flat for 100,000 offers.
"""

from __future__ import annotations

import tempfile
from typing import Any, Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from spar.engine.criteria import PILLAR_LABELS, PILLARS, CriteriaSet, Group
from spar.engine.scoring import IRREGULAR

from .breakdown_csv import FORMULA_START, PROGRESS_EVERY
from .bundle import ConsultationExport, LotExport, abnormally_low, flagged, notes
from .detail_rows import COLUMNS, OFFER_KEYS, detail_rows, justification
from .french import (CATEGORY_LABELS, NOT_SCORED, STATUS_LABELS, answer_text, decision_text,
                     method_text, paris, requirement_text)

POINTS = "#,##0.00"
SCORE = "0.0000"
SHARE = "0.0%"
MONEY = '#,##0.00 "€"'
DATE = "dd/mm/yyyy hh:mm"
#: Excel's last row; a sheet holds its header and this many rows minus one.
MAX_ROWS = 1_048_576
_CHUNK = 1 << 16

_DETAIL_FORMATS = {"score": SCORE, "max_points": POINTS, "points": POINTS, "total": POINTS}
_DETAIL_WIDTHS = {"consultation": 16, "supplier": 28, "siret": 16, "criterion": 18,
                  "label": 30, "pillar": 18, "input": 16, "value": 16, "explanation": 50,
                  "justification": 40}


class _Sheet:
    """A write-only sheet with a bold header and cells typed on the way in."""

    def __init__(self, workbook: Workbook, title: str, headers: Iterable[str],
                 widths: Iterable[float]):
        self.ws = workbook.create_sheet(title)
        for k, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(k)].width = width
        self.ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in headers:
            cell = WriteOnlyCell(self.ws, text)
            cell.font = bold
            header.append(cell)
        self.ws.append(header)
        self.rows = 1

    def cell(self, value: Any, number_format: str | None = None) -> Any:
        """A value ready to append: text kept as text, numbers with their format."""
        if isinstance(value, str):
            if value.startswith(FORMULA_START):
                # openpyxl would write "=…" as a formula: force a text cell
                cell = WriteOnlyCell(self.ws, value)
                cell.data_type = "s"
                return cell
            return value
        if number_format is not None and value is not None:
            cell = WriteOnlyCell(self.ws, value)
            cell.number_format = number_format
            return cell
        return value

    def append(self, values: list[Any]) -> None:
        self.ws.append(values)
        self.rows += 1


def _naive_paris(value: Any):
    """Excel has no time zones: the Paris wall-clock time."""
    dt = paris(value)
    return None if dt is None else dt.replace(tzinfo=None)


def _identity_sheet(wb: Workbook, title: str, rows: list[tuple[str, Any, str | None]]) -> None:
    sheet = _Sheet(wb, title, ("rubrique", "valeur"), (34, 80))
    for label, value, fmt in rows:
        sheet.append([sheet.cell(label), sheet.cell(value, fmt)])


def _criteria_rows(crit) -> list[tuple[str, Any, str | None]]:
    return [("Critères", f"{crit.title} ({crit.id} v{crit.version})", None),
            ("SHA-256 des critères", crit.sha256, None),
            ("Points d'une offre parfaite", crit.points, POINTS)]


def _lot_rows(lot: LotExport) -> list[tuple[str, Any, str | None]]:
    name = f"Lot {lot.lot_id}" if lot.lot_id else "Lot"  # offline, the file may name none
    rows: list[tuple[str, Any, str | None]] = []
    if lot.title:
        rows.append((name, lot.title, None))
    rows.append((f"{name} : estimation", lot.estimate, MONEY))
    if not lot.scored:
        return rows + [(f"{name} : notation", NOT_SCORED, None)]
    if lot.scoring_id is not None:
        rows.append((f"{name} : notation", str(lot.scoring_id), None))
    if lot.scored_at is not None:
        rows.append((f"{name} : notée le (Paris)", _naive_paris(lot.scored_at), DATE))
    rows.append((f"{name} : moteur", lot.engine, None))
    rows += [(f"{name} : avertissement", w, None) for w in lot.warnings]
    return rows


def _consultation_rows(c: ConsultationExport) -> list[tuple[str, Any, str | None]]:
    rows: list[tuple[str, Any, str | None]] = [
        ("Référence", c.reference, None),
        ("Intitulé", c.title, None),
        ("Acheteur", c.buyer, None),
        ("Catégorie", CATEGORY_LABELS[c.category], None),
        ("Date limite de remise des offres (Paris)", _naive_paris(c.deadline), DATE),
        ("Publication (Paris)", _naive_paris(c.published_at), DATE),
        *_criteria_rows(c.criteria),
    ]
    for lot in c.lots:
        rows += _lot_rows(lot)
    return rows


_SUMMARY = ("lot", "rang", "offre", "fournisseur", "SIRET", "PME", "statut", "total",
            *(PILLAR_LABELS[p] for p in PILLARS), "à examiner", "offre anormalement basse",
            "décision de l'acheteur", "motifs", "observations")


def _summary_rows(sheet: _Sheet, lot: LotExport) -> None:
    if not lot.scored:
        sheet.append([lot.lot_id, None, None, None, None, None, NOT_SCORED])
        return
    for entry in lot.entries:
        supplier = lot.supplier(entry)
        irregular = entry["status"] == IRREGULAR
        decision = lot.decision(entry)
        low = bool(abnormally_low(entry))
        reasons = [r["message"] for r in entry.get("reasons") or []]
        observed = [r["message"] for r in notes(entry)]
        sme = supplier["sme"]
        pillars = entry.get("pillars") or {}
        sheet.append([
            sheet.cell(lot.lot_id), entry["rank"], sheet.cell(entry["id"]),
            sheet.cell(supplier["name"]), supplier["siret"],
            None if sme is None else ("oui" if sme else "non"),
            STATUS_LABELS[entry["status"]],
            None if irregular else sheet.cell(entry["total"], POINTS),
            *(None if irregular else sheet.cell(pillars.get(p), POINTS) for p in PILLARS),
            "oui" if flagged(entry) else None, "oui" if low else None,
            decision_text(decision["decision"], low) if decision else None,
            sheet.cell(" ; ".join(reasons)) if reasons else None,
            sheet.cell(" ; ".join(observed)) if observed else None,
        ])


def _write_criteria(wb: Workbook, crit: CriteriaSet) -> None:
    headers = ("chemin", "libellé", "pilier", "poids", "part effective", "méthode", "donnée",
               "unité", "exigences", "seuil éliminatoire")
    sheet = _Sheet(wb, "Critères", headers, (20, 40, 18, 8, 14, 60, 16, 10, 28, 16))
    shares = crit.shares()
    for node in crit.nodes():
        depth = node.path.count(".")
        is_group = isinstance(node, Group)
        sheet.append([
            node.path, sheet.cell("    " * depth + node.label),
            PILLAR_LABELS.get(node.pillar, "") if node.pillar else None,
            float(node.weight), sheet.cell(shares[node.path], SHARE),
            "groupe (moyenne pondérée)" if is_group else sheet.cell(method_text(node)),
            None if is_group else node.input,
            None if is_group else node.unit,
            None if is_group else requirement_text(node) or None,
            sheet.cell(node.eliminatory_below, SHARE),
        ])
    sheet.append([])
    for pillar, share in crit.pillar_shares().items():
        sheet.append(["", f"Pilier {PILLAR_LABELS[pillar]}", PILLAR_LABELS[pillar], None,
                      sheet.cell(share, SHARE)])


def _write_detail(wb: Workbook, reference: str | None, lots: Iterable[LotExport],
                  progress: Callable[[int], None] | None) -> None:
    widths = [_DETAIL_WIDTHS.get(k, 12) for k in COLUMNS]
    sheet = None
    part = count = 0
    for offer, leaves, marks in detail_rows(reference, lots):
        head = {k: offer.get(k) for k in OFFER_KEYS}
        if head["status"] is not None:
            head["status"] = STATUS_LABELS[head["status"]]
        for leaf in leaves:
            row = {**leaf, "justification": justification(marks, leaf)}
            if sheet is None or sheet.rows >= MAX_ROWS:
                part += 1
                sheet = _Sheet(wb, "Détail" if part == 1 else f"Détail {part}", COLUMNS.values(),
                               widths)
            values = []
            for key in COLUMNS:
                value = head[key] if key in head else row.get(key)
                if key == "pillar" and value is not None:
                    value = PILLAR_LABELS[value]
                elif key == "value" and (isinstance(value, bool)
                                         or not isinstance(value, (int, float))):
                    value = answer_text(value) or None
                values.append(sheet.cell(value, _DETAIL_FORMATS.get(key)))
            sheet.append(values)
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
    if sheet is None:  # nothing scored at all: still say what the columns are
        _Sheet(wb, "Détail", COLUMNS.values(), widths)
    if progress is not None and count % PROGRESS_EVERY:
        progress(count % PROGRESS_EVERY)


def workbook_chunks(identity: tuple[str, list[tuple[str, Any, str | None]]],
                    criteria: CriteriaSet, lots: list[LotExport], reference: str | None = None,
                    progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The workbook as chunks: an identity sheet (its title and rows), *Classement*,
    *Critères* and *Détail*; it is built in a temporary file when the first chunk is
    asked. ``reference`` fills the detail's consultation column."""
    wb = Workbook(write_only=True)
    wb.properties.language = "fr-FR"
    wb.properties.title = f"{reference or criteria.title} : détail des notes"
    _identity_sheet(wb, *identity)
    summary = _Sheet(wb, "Classement", _SUMMARY, (6, 6, 10, 28, 16, 6, 12, 10, 12, 12, 12, 12,
                                                 10, 10, 30, 60, 60))
    for lot in lots:
        _summary_rows(summary, lot)
    _write_criteria(wb, criteria)
    _write_detail(wb, reference, lots, progress)
    with tempfile.TemporaryFile() as out:
        wb.save(out)
        out.seek(0)
        while chunk := out.read(_CHUNK):
            yield chunk


def offline_identity(criteria: CriteriaSet, lot: LotExport
                     ) -> tuple[str, list[tuple[str, Any, str | None]]]:
    """The identity sheet of a lot scored offline (``spar score``): no consultation."""
    return "Notation", _criteria_rows(criteria) + _lot_rows(lot)


def breakdown_xlsx(consultation: ConsultationExport) -> Iterator[bytes]:
    """The consultation's workbook as chunks."""
    return workbook_chunks(("Consultation", _consultation_rows(consultation)),
                           consultation.criteria, consultation.lots, consultation.reference)
