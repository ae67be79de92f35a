"""A located problem of an offers file, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .layout import BASE_COLUMNS


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
