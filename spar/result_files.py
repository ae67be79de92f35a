"""Writers of a scoring result: the terminal table, the breakdown as CSV or XLSX, JSON.

The table is for people: ranked offers first, then the eliminated and the irregular
with their reasons, French labels, points rounded to 2 decimals (SPEC §2.1), at
most 100 columns wide.

The CSV and XLSX are the auditor's breakdown: one row per offer × leaf, in rank
order, with full precision. The CSV is written for French spreadsheets: UTF-8 with
a BOM (so Excel detects the encoding), ``;`` between fields and a decimal comma;
headers, statuses and pillars are in French. Both stream the rows from
:func:`spar.engine.explain.breakdown_rows`, so millions of rows go out with flat
memory; the XLSX continues on a new sheet past a sheet's 1,048,576 rows.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterator, Sequence

import numpy as np

from .engine.criteria import PILLAR_LABELS, PILLARS
from .engine.explain import breakdown_rows, offer_entry, result_to_dict
from .engine.scoring import ELIMINATED, IRREGULAR, RANKED, LotResult
from .engine.text import fr_number

WIDTH = 100
STATUS_LABELS = {RANKED: "classée", ELIMINATED: "éliminée", IRREGULAR: "irrégulière"}
#: Short pillar headings that fit a column of the table.
PILLAR_HEADINGS = {"economic": "Prix", "environmental": "Environ.", "social": "Social",
                   "technical": "Techn."}
FLAG = "⚑ OAB"  # abnormally low (offre anormalement basse)
FLAG_REVIEW = "⚑ revue"  # flagged for another reason
#: Signs a line must not start with (French spaces them from the word before).
NO_BREAK_BEFORE = frozenset("%:;!?»")

#: Breakdown columns: (key of the row, French heading).
BREAKDOWN_COLUMNS = (
    ("lot", "lot"), ("offer", "offre"), ("supplier", "fournisseur"), ("siret", "siret"),
    ("criterion", "critère"), ("label", "libellé"), ("pillar", "pilier"),
    ("input", "réponse"), ("value", "valeur"), ("score", "score"),
    ("max_points", "points max"), ("points", "points"), ("explanation", "explication"),
    ("status", "statut"), ("rank", "rang"), ("total", "total"),
)
#: Rows between two calls of a writer's ``progress`` callback.
PROGRESS_EVERY = 10_000
#: Data rows of an XLSX sheet (1,048,576 rows, less the header).
XLSX_SHEET_ROWS = 1_048_575
#: A spreadsheet runs a cell starting with these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None] | None


# --------------------------------------------------------------------------- table
def write_table(result: LotResult, stream: IO[str]) -> None:
    """The ranking as a table for a terminal, with reasons, flags and warnings."""
    crit = result.criteria
    n = len(result.lot)
    counts = {s: int((result.status == s).sum()) for s in STATUS_LABELS}
    flagged = result.flagged
    lot = f" — lot {result.lot.lot_id}" if result.lot.lot_id is not None else ""
    out = stream.write
    out(_clip(f"Classement{lot} — {crit.title}") + "\n")
    out(f"Critères {crit.id} v{crit.version}, sha256 {crit.sha256[:16]}… · moteur "
        f"{result.engine} · total sur {fr_number(crit.points, 0)} points\n")
    out(f"{n} offre{_s(n)} : {counts[RANKED]} classée{_s(counts[RANKED])}, "
        f"{counts[ELIMINATED]} éliminée{_s(counts[ELIMINATED])}, {counts[IRREGULAR]} "
        f"irrégulière{_s(counts[IRREGULAR])} ; {int(flagged.sum())} signalée"
        f"{_s(int(flagged.sum()))} pour examen\n")
    out("Points arrondis à 2 décimales ; le classement utilise les valeurs exactes.\n\n")

    names = [(s or {}).get("name") or "" for s in result.lot.suppliers] \
        if result.lot.suppliers else [""] * n
    order = result.order
    ranked = order[result.status[order] == RANKED]
    layout = _Layout.of(result, ranked, names)
    out(layout.heading())
    low = abnormally_low(result)
    for lines in _ranked_lines(result, ranked, layout, flagged, low, names):
        out(lines)
    if not len(ranked):
        out("  (aucune offre classée)\n")
    if low.any():
        out(f"\n{FLAG} : offre anormalement basse, à examiner avant toute décision "
            "(elle n'est pas exclue).\n")
    if (flagged & ~low).any():
        out(f"{'' if low.any() else chr(10)}{FLAG_REVIEW} : offre signalée pour examen "
            "(motifs ci-dessous) ; le signalement n'exclut pas l'offre.\n")

    for status, title in ((ELIMINATED, "Offres éliminées"), (IRREGULAR, "Offres irrégulières")):
        members = order[result.status[order] == status].tolist()
        if members:
            out(f"\n{title} ({len(members)})\n")
            for i in members:
                _offer_with_reasons(out, result, i, names[i], result.reasons[i])
    flagged_order = order[flagged[order]].tolist()
    if flagged_order:
        out(f"\nOffres signalées pour examen ({len(flagged_order)})\n")
        for i in flagged_order:
            _offer_with_reasons(out, result, i, names[i], result.flags[i])
    if result.warnings:
        out("\nAvertissements\n")
        for text in result.warnings:
            out(_wrap(text, "  - ", "    "))


def _s(count: int) -> str:
    return "s" if count > 1 else ""


@dataclass(frozen=True)
class _Layout:
    """Column widths of the ranking: offer and supplier sized to the lot, numbers to the
    largest total."""

    rank: int
    offer: int
    supplier: int
    number: int
    pillars: tuple[int, ...]  # indexes into PILLARS of the pillars the criteria weigh

    @classmethod
    def of(cls, result: LotResult, ranked: np.ndarray, names: list[str]) -> "_Layout":
        pillars = tuple(k for k, p in enumerate(PILLARS)
                        if result.criteria.pillar_shares()[p] > 0)
        rank = max(4, len(str(int(result.rank.max(initial=0)))))
        number = max(9, len(fr_number(result.totals[ranked].max(initial=0))) + 1)
        offer = max(min(max(map(len, result.lot.offer_ids), default=0), 16), 5)
        room = WIDTH - (rank + 2 + offer + 2 + number * (1 + len(pillars)) + 2
                        + max(len(FLAG), len(FLAG_REVIEW), len("Alerte")))
        supplier = max(min(max(map(len, names), default=0), room), 11)
        return cls(rank, offer, supplier, number, pillars)

    def heading(self) -> str:
        cells = "".join(f"{PILLAR_HEADINGS[PILLARS[k]]:>{self.number}}" for k in self.pillars)
        text = (f"{'Rang':>{self.rank}}  {'Offre':<{self.offer}}  "
                f"{'Fournisseur':<{self.supplier}}{'Total':>{self.number}}{cells}  Alerte")
        return text + "\n" + "─" * min(len(text) + 1, WIDTH) + "\n"


def abnormally_low(result: LotResult) -> np.ndarray:
    """True for the offers flagged by the set's abnormally-low rules."""
    if hasattr(result.flags, "with_code"):
        return result.flags.with_code("abnormally_low")
    return np.array([any(r.get("code") == "abnormally_low" for r in f) for f in result.flags],
                    dtype=bool)


def _ranked_lines(result: LotResult, ranked: np.ndarray, layout: _Layout, flagged: np.ndarray,
                  low: np.ndarray, names: list[str], chunk: int = 10_000) -> Iterator[str]:
    """The ranked offers' lines, in chunks, assembled as arrays of characters: a lot of
    100,000 offers costs a few numpy operations, not 100,000 string formats."""
    ids = _text_codes(result.lot.offer_ids, layout.offer)
    names = _text_codes(names, layout.supplier)
    width = 2 + max(len(FLAG), len(FLAG_REVIEW))
    flag_low = np.array([ord(c) for c in ("  " + FLAG).ljust(width)], dtype=np.uint32)
    flag_review = np.array([ord(c) for c in ("  " + FLAG_REVIEW).ljust(width)], dtype=np.uint32)
    for start in range(0, len(ranked), chunk):
        idx = ranked[start:start + chunk]
        gap = np.full((len(idx), 2), ord(" "), dtype=np.uint32)
        numbers = np.column_stack([result.totals[idx],
                                   result.pillar_points[idx][:, list(layout.pillars)]])
        codes = np.hstack([
            _number_codes(result.rank[idx], layout.rank, decimals=False), gap, ids[idx], gap,
            names[idx], *(_number_codes(numbers[:, k], layout.number)
                          for k in range(numbers.shape[1])),
            np.where(low[idx, None], flag_low,
                     np.where(flagged[idx, None], flag_review, ord(" "))).astype(np.uint32),
        ])
        lines = np.strings.rstrip(codes.view(f"U{codes.shape[1]}")[:, 0])
        yield "\n".join(lines.tolist()) + "\n"


def _text_codes(texts: Sequence[str], width: int) -> np.ndarray:
    """(n, width) character codes of ``texts``, space-padded, cut with "…" when too long."""
    codes = np.array(texts, dtype=f"U{width + 1}").view(np.uint32).reshape(len(texts),
                                                                           width + 1)
    out = codes[:, :width].copy()
    out[codes[:, width] != 0, width - 1] = ord("…")
    out[out < 32] = ord(" ")  # padding, and line breaks a name must not bring into a table
    return out


def _number_codes(values: np.ndarray, width: int, decimals: bool = True) -> np.ndarray:
    """(n, width) character codes of non-negative numbers written the French way,
    right-aligned: ``12 345,67`` (2 decimals) or ``12345`` (``decimals=False``)."""
    values = np.asarray(values, dtype=np.float64)  # finite and >= 0: points, ranks
    out = np.full((len(values), width), ord(" "), dtype=np.uint32)
    if decimals:
        scaled = values * 100
        cents = np.rint(scaled).astype(np.int64)
        # near a half cent, x * 100 may round the other way than x itself: ask Python
        for k in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6):
            cents[k] = int(f"{values[k]:.2f}".replace(".", ""))
        whole, right = cents // 100, width - 4
        out[:, width - 1] = ord("0") + cents % 10
        out[:, width - 2] = ord("0") + cents // 10 % 10
        out[:, width - 3] = ord(",")
    else:
        whole, right = values.astype(np.int64), width - 1
    k, col = 0, right
    while col >= 0 and (k == 0 or (whole >= 10 ** k).any()):
        if decimals and k and k % 3 == 0:  # a narrow no-break space between thousands
            out[whole >= 10 ** k, col] = 0x202F
            col -= 1
        shown = (whole >= 10 ** k) | (k == 0)
        out[shown, col] = ord("0") + whole[shown] // 10 ** k % 10
        k, col = k + 1, col - 1
    return out


def _offer_with_reasons(out, result: LotResult, i: int, name: str,
                        reasons: list[dict[str, Any]]) -> None:
    total = result.totals[i]
    # one line each, whatever line breaks a supplier typed in its name
    head = " ".join(result.lot.offer_ids[i].split()) + \
        (" — " + " ".join(name.split()) if name else "")
    if result.status[i] != IRREGULAR and not np.isnan(total):
        head += f" — total {fr_number(total)}"
    out("  " + _clip(head, 2) + "\n")
    for reason in reasons:
        out(_wrap(reason["message"], "      · ", "        "))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _clip(text: str, indent: int = 0) -> str:
    return _fit(text, WIDTH - indent)


def _wrap(text: str, first: str, rest: str) -> str:
    """``text`` wrapped at spaces to :data:`WIDTH` columns (textwrap is too slow for
    thousands of reasons); a word longer than a line is left whole."""
    lines, indent = [], first
    while len(indent) + len(text) > WIDTH:
        room = WIDTH - len(indent)
        cut = text.rfind(" ", 0, room + 1)
        while cut > 0 and text[cut + 1:cut + 2] in NO_BREAK_BEFORE:
            cut = text.rfind(" ", 0, cut)  # French puts a space before "%" or ":"
        if cut <= 0:
            cut = text.find(" ", room)
            if cut < 0:
                break
        lines.append(indent + text[:cut].rstrip())
        text, indent = text[cut + 1:].lstrip(), rest
    lines.append(indent + text)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- breakdown
def _suppliers_by_offer(result: LotResult) -> dict[str, tuple[str | None, str | None]]:
    suppliers = result.lot.suppliers or (None,) * len(result.lot)
    return {oid: ((s or {}).get("name"), (s or {}).get("siret"))
            for oid, s in zip(result.lot.offer_ids, suppliers)}


def _safe_text(value: str) -> str:
    """Text a spreadsheet will show as typed, never run as a formula."""
    return "'" + value if value and value[0] in FORMULA_START else value


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(value).replace(".", ",")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return repr(value).replace(".", ",")
    if isinstance(value, (list, tuple)):
        return _safe_text("|".join(value))
    return _safe_text(str(value))


def write_breakdown_csv(result: LotResult, stream: IO[str], progress: Progress = None) -> int:
    """The breakdown as a French spreadsheet CSV (BOM, ``;``, decimal comma); rows written.

    ``stream`` is a text stream in UTF-8, opened with ``newline=""``; the BOM is
    written here. ``progress`` is called with the number of rows written since its
    last call.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow([heading for _, heading in BREAKDOWN_COLUMNS])
    suppliers = _suppliers_by_offer(result)
    # cells that only depend on the leaf, or on the offer, are formatted once
    leaves = {leaf.path: (leaf.path, _safe_text(leaf.label), PILLAR_LABELS[leaf.pillar],
                          leaf.input)
              for leaf in result.weights.leaves}
    max_points = {leaf.path: _csv_number(float(m))
                  for leaf, m in zip(result.weights.leaves, result.max_points)}
    offer, head, tail, count = None, (), (), 0
    for row in breakdown_rows(result):
        if row["offer"] != offer:
            offer = row["offer"]
            name, siret = suppliers[offer]
            head = (row["lot"] or "", _safe_text(offer), _safe_text(name or ""), siret or "")
            tail = (STATUS_LABELS[row["status"]], row["rank"] or "", _csv_number(row["total"]))
        path = row["criterion"]
        writer.writerow((*head, *leaves[path], _csv_value(row["value"]),
                         _csv_number(row["score"]), max_points[path],
                         _csv_number(row["points"]), row["explanation"], *tail))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None and count % PROGRESS_EVERY:
        progress(count % PROGRESS_EVERY)
    return count


def write_breakdown_xlsx(result: LotResult, stream: IO[bytes], progress: Progress = None) -> int:
    """A workbook: the ranking, then the breakdown (continued on new sheets if needed).

    Written in openpyxl's write-only mode, row by row. Returns the breakdown rows written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)

    def text(sheet, value: Any) -> Any:
        return as_string(sheet, ILLEGAL_CHARACTERS_RE.sub("", value)) \
            if isinstance(value, str) else value

    def as_string(sheet, value: Any) -> Any:
        """A fresh cell each time: openpyxl does not let a cell be written twice."""
        if not isinstance(value, str) or not value or value[0] not in FORMULA_START:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # typed by a supplier: a string, never a formula
        return cell

    _ranking_sheet(workbook, result, text)
    headings = [heading for _, heading in BREAKDOWN_COLUMNS]
    suppliers = _suppliers_by_offer(result)
    sheet, in_sheet, count, sheets = None, XLSX_SHEET_ROWS, 0, 0
    offer = None
    for row in breakdown_rows(result):
        if in_sheet == XLSX_SHEET_ROWS:
            sheets += 1
            sheet = workbook.create_sheet("Détail" if sheets == 1 else f"Détail ({sheets})")
            _layout(sheet, (12, 14, 28, 16, 18, 30, 18, 16, 16, 10, 10, 10, 60, 12, 6, 10))
            sheet.append(headings)
            in_sheet, offer = 0, None
        if row["offer"] != offer:
            offer = row["offer"]
            name, siret = suppliers[offer]
            lot = row["lot"]
            clean_offer, clean_name = (ILLEGAL_CHARACTERS_RE.sub("", v) if v else v
                                       for v in (offer, name))
            tail = [STATUS_LABELS[row["status"]], row["rank"], row["total"]]
        value = row["value"]
        if isinstance(value, (list, tuple)):
            value = "|".join(value)
        sheet.append([
            lot, as_string(sheet, clean_offer), as_string(sheet, clean_name), siret,
            row["criterion"], text(sheet, row["label"]), PILLAR_LABELS[row["pillar"]],
            row["input"], text(sheet, value), row["score"], row["max_points"], row["points"],
            text(sheet, row["explanation"]), *tail,
        ])
        in_sheet += 1
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if sheet is None:  # no leaf rows at all: still say what the columns would be
        sheet = workbook.create_sheet("Détail")
        sheet.append(headings)
    workbook.save(stream)
    if progress is not None and count % PROGRESS_EVERY:
        progress(count % PROGRESS_EVERY)
    return count


def _ranking_sheet(workbook, result: LotResult, text) -> None:
    sheet = workbook.create_sheet("Classement")
    pillars = [k for k, p in enumerate(PILLARS) if result.criteria.pillar_shares()[p] > 0]
    _layout(sheet, (6, 14, 28, 16, 12, 10, *(12,) * len(pillars), 12, 80))
    sheet.append(["rang", "offre", "fournisseur", "siret", "statut", "total",
                  *(PILLAR_LABELS[PILLARS[k]] for k in pillars), "signalée", "motifs"])
    suppliers = _suppliers_by_offer(result)
    flagged = result.flagged
    for i in result.order.tolist():
        oid = result.lot.offer_ids[i]
        irregular = result.status[i] == IRREGULAR
        # a ranked offer that is not flagged has no reason: do not have them worded
        reasons = None if result.status[i] == RANKED and not flagged[i] else \
            " ; ".join(r["message"] for r in [*result.reasons[i], *result.flags[i]])
        sheet.append([
            int(result.rank[i]) or None, text(sheet, oid), text(sheet, suppliers[oid][0]),
            suppliers[oid][1], STATUS_LABELS[result.status[i]],
            None if irregular else float(result.totals[i]),
            *(None if irregular else float(result.pillar_points[i, k]) for k in pillars),
            "oui" if flagged[i] else "non", text(sheet, reasons),
        ])


def _layout(sheet, widths: tuple[int, ...]) -> None:
    from openpyxl.utils import get_column_letter

    for k, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(k)].width = width
    sheet.freeze_panes = "A2"


# --------------------------------------------------------------------------- JSON
def write_json(result: LotResult, stream: IO[str], progress: Progress = None) -> None:
    """SPEC §4's JSON object, exactly as :func:`spar.engine.explain.result_to_dict`
    gives it, written one offer at a time so a big lot's breakdown never sits in memory."""
    placeholder = "\0offers\0"
    envelope = result_to_dict(dataclasses.replace(result, order=result.order[:0]))
    envelope["offers"] = placeholder
    head, tail = json.dumps(envelope, ensure_ascii=False, indent=2).split(
        json.dumps(placeholder))
    stream.write(head + "[")
    for k, i in enumerate(result.order.tolist()):
        entry = json.dumps(offer_entry(result, i), ensure_ascii=False, indent=2)
        stream.write(("," if k else "") + "\n    " + entry.replace("\n", "\n    "))
        if progress is not None:
            progress(len(result.weights.leaves))
    stream.write(("\n  ]" if len(result.order) else "]") + tail + "\n")
