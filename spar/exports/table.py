"""The ranking of a scored lot as a table for a terminal (``spar score``'s default output).

For people: ranked offers first, then the eliminated and the irregular with their
reasons, the offers to examine before the award with what flagged them, the review's
notes that need no decision (the first :data:`LISTED` of each, unless asked for all),
French labels, points rounded to 2 decimals (SPEC §2.1), at most 100 columns wide. The
lines of the ranked offers are assembled as arrays of characters, so a lot of 100,000
offers costs a few numpy operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any, Callable, Iterator, Sequence

import numpy as np

from spar.engine.criteria import PILLARS
from spar.engine.scoring import ELIMINATED, IRREGULAR, RANKED, LotResult
from spar.engine.text import fr_number, fr_numbers

WIDTH = 100
STATUS_LABELS = {RANKED: "classée", ELIMINATED: "éliminée", IRREGULAR: "irrégulière"}
#: Short pillar headings that fit a column of the table.
PILLAR_HEADINGS = {"economic": "Prix", "environmental": "Environ.", "social": "Social",
                   "technical": "Techn."}
#: Offers listed with their reasons in each section, by default. A terminal shows the
#: first (the best ranked: those the award turns on) and says how many more there are;
#: a lot of 100,000 offers has some 90,000 with reasons, 25 MB that nobody reads there.
#: All are in ``--format csv``, ``xlsx`` and ``json``, and listed with ``--list-all``.
LISTED = 100
FLAG = "⚑ OAB"  # abnormally low (offre anormalement basse)
FLAG_REVIEW = "⚑ revue"  # flagged by the review model or the audit sample
#: Signs a line must not start with (French spaces them from the word before).
NO_BREAK_BEFORE = frozenset("%:;!?»")


def write_table(evaluation, stream: IO[str], listed: int | None = LISTED) -> None:
    """The ranking of an :class:`spar.pipeline.Evaluation` as a table for a terminal, with
    reasons, flags, notes and warnings; the first ``listed`` offers of each section with
    their reasons (every one when None)."""
    result, review = evaluation.result, evaluation.review
    crit = result.criteria
    n = len(result.lot)
    counts = {s: int((result.status == s).sum()) for s in STATUS_LABELS}
    flagged = review.flagged
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
    low = result.flagged
    for lines in _ranked_lines(result, ranked, layout, flagged, low, names):
        out(lines)
    if not len(ranked):
        out("  (aucune offre classée)\n")
    if low.any():
        out(f"\n{FLAG} : offre anormalement basse, à examiner avant toute décision "
            "(elle n'est pas exclue).\n")
    if (flagged & ~low).any():
        out(f"{'' if low.any() else chr(10)}{FLAG_REVIEW} : offre signalée pour examen par le "
            "modèle de revue ou le tirage au sort (motifs ci-dessous) ; le signalement "
            "n'exclut pas l'offre.\n")

    # tens of thousands of offers may come with reasons: read each from plain lists, not
    # from numpy scalars (a third of the time of these lines)
    heads = _Heads(result, names)
    for status, title in ((ELIMINATED, "Offres éliminées"), (IRREGULAR, "Offres irrégulières")):
        _section(out, title, heads, order[result.status[order] == status].tolist(),
                 result.reasons.lists, listed)
    _section(out, "Offres signalées pour examen", heads, order[flagged[order]].tolist(),
             review.decision_lists, listed)
    _section(out, "Observations, sans décision requise", heads,
             order[review.notes.any()[order]].tolist(), review.notes.lists, listed)
    if evaluation.warnings:
        out("\nAvertissements\n")
        for text in evaluation.warnings:
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


class _Heads:
    """The first line of an offer listed with its reasons: its id, supplier and total."""

    def __init__(self, result: LotResult, names: list[str]):
        self._ids, self._names = result.lot.offer_ids, names
        self._totals = result.totals.tolist()
        self._irregular = (result.status == IRREGULAR).tolist()

    def many(self, rows: list[int]) -> list[str]:
        """The first lines of the offers ``rows``, in that order (totals formatted at once)."""
        totals, irregular = self._totals, self._irregular
        # one line each, whatever line breaks a supplier typed in its name
        ids = _one_lines([self._ids[i] for i in rows])
        names = _one_lines([self._names[i] for i in rows])
        shown = [not irregular[i] and totals[i] == totals[i] for i in rows]  # not NaN
        texts = iter(fr_numbers([totals[i] for i, s in zip(rows, shown) if s]))
        return [offer + (" — " + name if name else "") + (" — total " + next(texts) if s else "")
                for offer, name, s in zip(ids, names, shown)]


def _one_lines(texts: list[str]) -> list[str]:
    """:func:`_one_line` of each text: all at once when none needs it, the common case."""
    joined = "\x00".join(texts)
    if ("".join(texts).isprintable() and "  " not in joined and "\x00 " not in joined
            and " \x00" not in joined and joined[:1] != " " and joined[-1:] != " "):
        return texts
    return [_one_line(text) for text in texts]


def _one_line(text: str) -> str:
    """``text`` with every run of spaces and line breaks made one space."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # the common case, and ten times cheaper than splitting
    return " ".join(text.split())


def _section(out, title: str, heads: _Heads, rows: list[int],
             reasons_of: Callable[[list[int]], list[list[dict[str, Any]]]],
             listed: int | None) -> None:
    """A section of offers with their reasons, its first ``listed`` offers (all when
    None), then how many more it has; nothing when it has none."""
    if not rows:
        return
    out(f"\n{title} ({len(rows)})\n")
    shown = rows if listed is None else rows[:listed]
    _offers_with_reasons(out, heads, shown, reasons_of(shown))
    rest = len(rows) - len(shown)
    if rest:
        out(_wrap(f"… et {fr_number(rest, 0)} autre{_s(rest)}, non listée{_s(rest)} ici : "
                  "toutes avec --list-all, ou dans --format csv, xlsx ou json", "  ", "    "))


def _offers_with_reasons(out, heads: _Heads, rows: list[int],
                         reasons: list[list[dict[str, Any]]]) -> None:
    """Each offer's first line, then its reasons, a section written in one piece."""
    lines: list[str] = []
    add = lines.append
    for head, offer_reasons in zip(heads.many(rows), reasons):
        add("  " + _clip(head, 2) + "\n")
        for reason in offer_reasons:
            add(_wrap(reason["message"], "      · ", "        "))
    out("".join(lines))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _clip(text: str, indent: int = 0) -> str:
    return _fit(text, WIDTH - indent)


def _wrap(text: str, first: str, rest: str) -> str:
    """``text`` wrapped at spaces to :data:`WIDTH` columns (textwrap is too slow for
    thousands of reasons); a word longer than a line is left whole."""
    if len(first) + len(text) <= WIDTH:  # most reasons fit on one line
        return first + text + "\n"
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
