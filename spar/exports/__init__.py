"""Exports of a consultation: score breakdowns, the RAO, JSON, OCDS and supplier letters.

Every export is a pure function of a :class:`~spar.exports.bundle.ConsultationExport`.
:data:`EXPORTS` maps each ``format`` of ``GET /consultations/{ref}/export`` and
``spar export`` to an :class:`Export`; calling it gives an iterator of byte chunks
to stream as they come, whatever the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .breakdown_csv import breakdown_csv
from .breakdown_xlsx import breakdown_xlsx
from .bundle import ConsultationExport, LotExport
from .errors import ExportError
from .rao_pdf import rao_pdf
from .scoring_json import scoring_json

__all__ = ["EXPORTS", "Export", "ExportError", "ConsultationExport", "LotExport",
           "get_export"]


@dataclass(frozen=True)
class Export:
    """One export format: how to render it and how to serve it."""

    format: str
    render: Callable[..., bytes | Iterable[bytes]]
    media_type: str
    extension: str
    description: str
    #: keyword options the render takes (the letter needs ``supplier``)
    options: tuple[str, ...] = ()

    def __call__(self, consultation: ConsultationExport, **options: Any) -> Iterator[bytes]:
        """The export as byte chunks; ExportError for a missing or unknown option."""
        missing = [o for o in self.options if options.get(o) in (None, "")]
        unknown = [o for o in options if o not in self.options]
        if missing or unknown:
            raise ExportError(f"format {self.format} : "
                              + "; ".join([f"option « {o} » requise" for o in missing]
                                          + [f"option « {o} » inconnue" for o in unknown]))
        out = self.render(consultation, **options)
        return iter((out,)) if isinstance(out, bytes) else iter(out)

    def filename(self, reference: str) -> str:
        """A safe download name, e.g. ``MET-2026-017-rao.pdf``."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", reference).strip("._") or "consultation"
        return f"{stem}-{self.format}.{self.extension}"


EXPORTS: dict[str, Export] = {e.format: e for e in (
    Export("csv", breakdown_csv, "text/csv; charset=utf-8", "csv",
           "détail des notes, une ligne par offre et par critère"),
    Export("xlsx", breakdown_xlsx,
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
           "classeur : classement, critères et détail des notes"),
    Export("pdf", rao_pdf, "application/pdf", "pdf",
           "rapport d'analyse des offres (RAO)"),
    Export("json", scoring_json, "application/json", "json",
           "résultats de notation enregistrés (SPEC §4) avec les critères"),
)}


def get_export(fmt: str) -> Export:
    """The export registered as ``fmt``; ExportError listing the formats otherwise."""
    try:
        return EXPORTS[fmt]
    except KeyError:
        raise ExportError(f"format d'export inconnu « {fmt} » ; formats : "
                          + ", ".join(EXPORTS)) from None
