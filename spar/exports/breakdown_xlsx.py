"""Score breakdown as an XLSX workbook, written with openpyxl's write-only mode.

Sheets: *Consultation* (identity of the consultation, the criteria and each
scoring), *Classement* (one row per offer: rank, status, total and pillar points),
*Critères* (the tree with weights and effective shares) and *Détail* (one row per
offer × criterion, split over *Détail 2*, *Détail 3*… past Excel's 1,048,576 rows).
Numbers stay numbers with a number format, which Excel and LibreOffice show in
the reader's locale (``12 345,67`` in French). Rows are written as they come and
the file is assembled on disk, so memory stays flat for 100,000 offers.
"""

from __future__ import annotations

import tempfile
from typing import Any, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from spar.engine.criteria import PILLAR_LABELS, PILLARS, Group
from spar.engine.scoring import IRREGULAR

from .breakdown_csv import FORMULA_START
from .bundle import ConsultationExport, LotExport
from .detail_rows import COLUMNS, detail_rows
from .french import (CATEGORY_LABELS, DECISION_LABELS, NOT_SCORED, STATUS_LABELS, answer_text,
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


def _write_consultation(wb: Workbook, c: ConsultationExport) -> None:
    sheet = _Sheet(wb, "Consultation", ("rubrique", "valeur"), (34, 80))
    crit = c.criteria
    rows: list[tuple[str, Any, str | None]] = [
        ("Référence", c.reference, None),
        ("Intitulé", c.title, None),
        ("Acheteur", c.buyer, None),
        ("Catégorie", CATEGORY_LABELS[c.category], None),
        ("Date limite de remise des offres (Paris)", _naive_paris(c.deadline), DATE),
        ("Publication (Paris)", _naive_paris(c.published_at), DATE),
        ("Critères", f"{crit.title} ({crit.id} v{crit.version})", None),
        ("SHA-256 des critères", crit.sha256, None),
        ("Points d'une offre parfaite", crit.points, POINTS),
    ]
    for lot in c.lots:
        rows.append((f"Lot {lot.lot_id}", lot.title, None))
        rows.append((f"Lot {lot.lot_id} : estimation", lot.estimate, MONEY))
        if lot.scored:
            rows.append((f"Lot {lot.lot_id} : notation", str(lot.scoring_id), None))
            rows.append((f"Lot {lot.lot_id} : notée le (Paris)", _naive_paris(lot.scored_at),
                         DATE))
            rows.append((f"Lot {lot.lot_id} : moteur", lot.result.engine, None))
        else:
            rows.append((f"Lot {lot.lot_id} : notation", NOT_SCORED, None))
    for label, value, fmt in rows:
        sheet.append([sheet.cell(label), sheet.cell(value, fmt)])


_SUMMARY = ("lot", "rang", "offre", "fournisseur", "SIRET", "PME", "statut", "total",
            *(PILLAR_LABELS[p] for p in PILLARS), "offre anormalement basse",
            "décision de l'acheteur", "motifs")


def _summary_rows(sheet: _Sheet, lot: LotExport) -> None:
    result = lot.result
    if result is None:
        sheet.append([lot.lot_id, None, None, None, None, None, NOT_SCORED])
        return
    totals, pillars = result.totals, result.pillar_points
    for i in result.order:
        i = int(i)
        supplier = lot.supplier(i)
        irregular = result.status[i] == IRREGULAR
        review = lot.review(i)
        reasons = [r["message"] for r in lot.reasons(i) + lot.flags(i)]
        sme = supplier["sme"]
        sheet.append([
            sheet.cell(lot.lot_id), int(result.rank[i]) or None, sheet.cell(lot.offer_id(i)),
            sheet.cell(supplier["name"]), supplier["siret"],
            None if sme is None else ("oui" if sme else "non"),
            STATUS_LABELS[result.status[i]],
            None if irregular else sheet.cell(float(totals[i]), POINTS),
            *(None if irregular else sheet.cell(float(x), POINTS) for x in pillars[i]),
            "oui" if lot.flagged[i] else None,
            DECISION_LABELS[review["decision"]] if review else None,
            sheet.cell(" ; ".join(reasons)) if reasons else None,
        ])


def _write_criteria(wb: Workbook, c: ConsultationExport) -> None:
    headers = ("chemin", "libellé", "pilier", "poids", "part effective", "méthode", "donnée",
               "unité", "exigences", "seuil éliminatoire")
    sheet = _Sheet(wb, "Critères", headers, (20, 40, 18, 8, 14, 60, 16, 10, 28, 16))
    crit = c.criteria
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


def _write_detail(wb: Workbook, c: ConsultationExport) -> None:
    widths = [_DETAIL_WIDTHS.get(k, 12) for k in COLUMNS]
    sheet = None
    part = 0
    for row in detail_rows(c):
        if sheet is None or sheet.rows >= MAX_ROWS:
            part += 1
            sheet = _Sheet(wb, "Détail" if part == 1 else f"Détail {part}", COLUMNS.values(),
                           widths)
        values = []
        for key in COLUMNS:
            value = row.get(key)
            if key == "status" and value is not None:
                value = STATUS_LABELS[value]
            elif key == "pillar" and value is not None:
                value = PILLAR_LABELS[value]
            elif key == "value" and (isinstance(value, bool) or not isinstance(value, (int, float))):
                value = answer_text(value) or None
            values.append(sheet.cell(value, _DETAIL_FORMATS.get(key)))
        sheet.append(values)


def breakdown_xlsx(consultation: ConsultationExport) -> Iterator[bytes]:
    """The workbook as chunks; it is built in a temporary file when the first is asked."""
    wb = Workbook(write_only=True)
    wb.properties.language = "fr-FR"
    wb.properties.title = f"{consultation.reference} : détail des notes"
    _write_consultation(wb, consultation)
    summary = _Sheet(wb, "Classement", _SUMMARY, (6, 6, 10, 28, 16, 6, 12, 10, 12, 12, 12, 12,
                                                 10, 30, 60))
    for lot in consultation.lots:
        _summary_rows(summary, lot)
    _write_criteria(wb, consultation)
    _write_detail(wb, consultation)
    with tempfile.TemporaryFile() as out:
        wb.save(out)
        out.seek(0)
        while chunk := out.read(_CHUNK):
            yield chunk
