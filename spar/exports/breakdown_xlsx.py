"""Score breakdown as an XLSX workbook, streamed sheet by sheet (:mod:`.xlsx_stream`).

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

from spar.engine.criteria import PILLAR_LABELS, PILLARS, CriteriaSet, Group
from spar.engine.scoring import IRREGULAR

from .breakdown_csv import PROGRESS_EVERY
from .bundle import ConsultationExport, Entry, LotExport, abnormally_low, flagged, notes
from .detail_rows import COLUMNS, OFFER_KEYS, detail_rows, justification
from .french import (CATEGORY_LABELS, NOT_SCORED, STATUS_LABELS, answer_text, decision_text,
                     method_text, paris, requirement_text)
from .xlsx_stream import StreamingWorkbook

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


def _naive_paris(value: Any):
    """Excel has no time zones: the Paris wall-clock time."""
    dt = paris(value)
    return None if dt is None else dt.replace(tzinfo=None)


def _identity_sheet(wb: StreamingWorkbook, title: str,
                    rows: list[tuple[str, Any, str | None]]) -> None:
    sheet = wb.sheet(title, ("rubrique", "valeur"), (34, 80))
    for label, value, fmt in rows:
        sheet.append([label, value], (None, fmt))


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


_SUMMARY_FORMATS = (None,) * 7 + (POINTS,) * (1 + len(PILLARS)) + (None,) * 5


def _summary_row(sheet, lot: LotExport, entry: Entry | None) -> None:
    """The offer's row of *Classement*; for an unscored lot (no entry), a row saying so."""
    if entry is None:
        sheet.append([lot.lot_id, None, None, None, None, None, NOT_SCORED])
        return
    supplier = lot.supplier(entry)
    irregular = entry["status"] == IRREGULAR
    decision = lot.decision(entry)
    low = bool(abnormally_low(entry))
    reasons = [r["message"] for r in entry.get("reasons") or []]
    observed = [r["message"] for r in notes(entry)]
    sme = supplier["sme"]
    pillars = entry.get("pillars") or {}
    sheet.append([
        lot.lot_id, entry["rank"], entry["id"], supplier["name"], supplier["siret"],
        None if sme is None else ("oui" if sme else "non"),
        STATUS_LABELS[entry["status"]],
        None if irregular else entry["total"],
        *(None if irregular else pillars.get(p) for p in PILLARS),
        "oui" if flagged(entry) else None, "oui" if low else None,
        decision_text(decision["decision"], low) if decision else None,
        " ; ".join(reasons) if reasons else None,
        " ; ".join(observed) if observed else None,
    ], _SUMMARY_FORMATS)


_CRITERIA_FORMATS = (None,) * 4 + (SHARE,) + (None,) * 4 + (SHARE,)


def _write_criteria(wb: StreamingWorkbook, crit: CriteriaSet) -> None:
    headers = ("chemin", "libellé", "pilier", "poids", "part effective", "méthode", "donnée",
               "unité", "exigences", "seuil éliminatoire")
    sheet = wb.sheet("Critères", headers, (20, 40, 18, 8, 14, 60, 16, 10, 28, 16))
    shares = crit.shares()
    for node in crit.nodes():
        depth = node.path.count(".")
        is_group = isinstance(node, Group)
        sheet.append([
            node.path, "    " * depth + node.label,
            PILLAR_LABELS.get(node.pillar, "") if node.pillar else None,
            float(node.weight), shares[node.path],
            "groupe (moyenne pondérée)" if is_group else method_text(node),
            None if is_group else node.input,
            None if is_group else node.unit,
            None if is_group else requirement_text(node) or None,
            node.eliminatory_below,
        ], _CRITERIA_FORMATS)
    sheet.append([])
    for pillar, share in crit.pillar_shares().items():
        sheet.append(["", f"Pilier {PILLAR_LABELS[pillar]}", PILLAR_LABELS[pillar], None,
                      share], _CRITERIA_FORMATS)


def _value(value: Any) -> Any:
    """An answer as the detail shows it: numbers stay numbers, the rest becomes text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return answer_text(value) or None
    return value


#: The detail's columns in three runs: the offer's (repeated on each of its rows), the
#: criterion's (repeated for every offer) and the row's own, then the offer's again.
_HEAD, _FIXED, _OWN, _TAIL = (OFFER_KEYS[:5], ("criterion", "label", "pillar", "input"),
                              ("value", "score", "max_points", "points", "explanation",
                               "justification"), OFFER_KEYS[5:])
assert (*_HEAD, *_FIXED, *_OWN, *_TAIL) == tuple(COLUMNS)
#: The first column of each run.
_AT = (0, len(_HEAD), len(_HEAD) + len(_FIXED), len(_HEAD) + len(_FIXED) + len(_OWN))


def _formats(keys: tuple[str, ...]) -> tuple[str | None, ...]:
    return tuple(_DETAIL_FORMATS.get(k) for k in keys)


def _write_detail(wb: StreamingWorkbook, reference: str | None, lots: Iterable[LotExport],
                  progress: Callable[[int], None] | None,
                  each_offer: Callable[[LotExport, Entry | None], None]) -> None:
    widths = [_DETAIL_WIDTHS.get(k, 12) for k in COLUMNS]
    head_formats, tail_formats, own_formats = _formats(_HEAD), _formats(_TAIL), _formats(_OWN)
    sheet = None
    part = count = 0
    fixed: dict[Any, str] = {}  # criterion path → the XML of its cells
    for offer, leaves, marks in detail_rows(reference, lots, each_offer):
        status = offer.get("status")
        head = tail = None
        for leaf in leaves:
            if sheet is None or sheet.rows >= MAX_ROWS:
                part += 1
                sheet = wb.sheet("Détail" if part == 1 else f"Détail {part}", COLUMNS.values(),
                                 widths)
            if head is None:
                head = sheet.cells([offer.get(k) for k in _HEAD], head_formats)
                tail = sheet.cells([None if status is None else STATUS_LABELS[status],
                                    offer.get("rank"), offer.get("total")], tail_formats,
                                   _AT[3])
            path = leaf.get("criterion")
            same = fixed.get(path)
            if same is None:
                pillar = leaf.get("pillar")
                same = fixed[path] = sheet.cells([
                    path, leaf.get("label"), None if pillar is None else PILLAR_LABELS[pillar],
                    leaf.get("input")], None, _AT[1])
            own = sheet.cells([_value(leaf.get("value")), leaf.get("score"),
                               leaf.get("max_points"), leaf.get("points"),
                               leaf.get("explanation"), justification(marks, leaf)],
                              own_formats, _AT[2])
            sheet.append_cells(head + same + own + tail)
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
    if sheet is None:  # nothing scored at all: still say what the columns are
        wb.sheet("Détail", COLUMNS.values(), widths)
    if progress is not None and count % PROGRESS_EVERY:
        progress(count % PROGRESS_EVERY)


def workbook_chunks(identity: tuple[str, list[tuple[str, Any, str | None]]],
                    criteria: CriteriaSet, lots: list[LotExport], reference: str | None = None,
                    progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The workbook as chunks: an identity sheet (its title and rows), *Classement*,
    *Critères* and *Détail*; it is built in a temporary file when the first chunk is
    asked. ``reference`` fills the detail's consultation column."""
    with tempfile.TemporaryFile() as out:
        with StreamingWorkbook(out, title=f"{reference or criteria.title} : détail des notes",
                               language="fr-FR") as wb:
            _identity_sheet(wb, *identity)
            # the ranking is filled in the detail's pass over the offers, set aside until
            # the end: offers read from the stored text are decoded again by each pass
            summary = wb.sheet("Classement", _SUMMARY, (6, 6, 10, 28, 16, 6, 12, 10, 12, 12,
                                                        12, 12, 10, 10, 30, 60, 60), aside=True)
            _write_criteria(wb, criteria)
            _write_detail(wb, reference, lots, progress,
                          lambda lot, entry: _summary_row(summary, lot, entry))
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
