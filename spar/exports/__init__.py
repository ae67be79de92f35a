"""Exports of a consultation: score breakdowns, the RAO, JSON, OCDS and supplier letters.

Every export is a pure function of a :class:`~spar.exports.bundle.ConsultationExport`.
:data:`EXPORTS` maps each ``format`` of ``GET /consultations/{ref}/export`` and
``spar export`` to an :class:`Export`; calling it gives an iterator of byte chunks
to stream as they come, whatever the format::

    export = get_export("ocds")
    chunks = export(consultation, ocid_prefix=config["OCDS_PREFIX"])
    # Response(chunks, mimetype=export.media_type), export.filename(reference)

The supplier's letter (``letter``, ``letter-json``) needs ``supplier=`` (an offer id
or a SIRET): it is the supplier's view, to serve to that supplier or its buyer.
The yearly indicators are not consultation exports: see
:func:`~spar.exports.indicators.indicators_json` and
:func:`~spar.exports.indicators_pdf.indicators_pdf`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Iterable, Iterator

from .bundle import ConsultationExport, LotExport
from .errors import ExportError

__all__ = ["EXPORTS", "Export", "ExportError", "ConsultationExport", "LotExport",
           "get_export"]


@dataclass(frozen=True)
class Export:
    """One export format: how to render it and how to serve it."""

    format: str
    #: ``module:function`` of the render, imported when first used: ``spar score`` writing
    #: a CSV must not pay for loading the PDF and workbook libraries
    target: str
    media_type: str
    extension: str
    #: what the downloaded file is called after the consultation reference
    stem: str
    description: str
    #: keyword options the render needs (the letter needs ``supplier``)
    required: tuple[str, ...] = ()
    #: keyword options it accepts besides (None means the default)
    optional: tuple[str, ...] = ()
    #: the render goes over each lot's offers once, in order: they may be read from the
    #: stored text one at a time (:mod:`.stored_document`), so the memory does not grow
    #: with the lot. A render that goes over them several times (the RAO, OCDS's
    #: statistics, a letter looking for its offer) gets them decoded whole, as each pass
    #: from the text would cost about as much as decoding them all.
    offers_read_once: bool = False

    @property
    def render(self) -> Callable[..., bytes | Iterable[bytes]]:
        module, function = self.target.split(":")
        return getattr(import_module(f"{__name__}.{module}"), function)

    def __call__(self, consultation: ConsultationExport, **options: Any) -> Iterator[bytes]:
        """The export as byte chunks; ExportError for a missing or unknown option
        (an option given as None is left to its default)."""
        options = {k: v for k, v in options.items() if v is not None}
        missing = [o for o in self.required if options.get(o) in (None, "")]
        unknown = [o for o in options if o not in self.required + self.optional]
        if missing or unknown:
            raise ExportError(f"format {self.format} : "
                              + "; ".join([f"option « {o} » requise" for o in missing]
                                          + [f"option « {o} » inconnue" for o in unknown]))
        out = self.render(consultation, **options)
        return iter((out,)) if isinstance(out, bytes) else iter(out)

    def filename(self, reference: str) -> str:
        """A safe download name, e.g. ``MET-2026-017-rao.pdf``."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", reference).strip("._") or "consultation"
        return f"{safe}-{self.stem}.{self.extension}"


EXPORTS: dict[str, Export] = {e.format: e for e in (
    Export("csv", "breakdown_csv:breakdown_csv", "text/csv; charset=utf-8", "csv",
           "detail-notes", "détail des notes, une ligne par offre et par critère",
           offers_read_once=True),
    Export("xlsx", "breakdown_xlsx:breakdown_xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "notes",
           "classeur : classement, critères et détail des notes", offers_read_once=True),
    Export("pdf", "rao_pdf:rao_pdf", "application/pdf", "pdf", "rao",
           "rapport d'analyse des offres (RAO)"),
    Export("json", "scoring_json:scoring_json", "application/json", "json", "notation",
           "résultats de notation enregistrés (SPEC §4) avec les critères",
           offers_read_once=True),
    Export("ocds", "ocds:ocds_release_package", "application/json", "json", "ocds",
           "paquet de publication OCDS 1.1 (lots, offres, critères d'attribution)",
           optional=("ocid_prefix", "package_uri")),
    Export("letter", "letter:letter_pdf", "application/pdf", "pdf", "lettre",
           "lettre d'un candidat : ses notes et celles de l'attributaire",
           required=("supplier",)),
    Export("letter-json", "letter:letter_json", "application/json", "json", "lettre",
           "lettre d'un candidat, forme JSON", required=("supplier",)),
)}


def get_export(fmt: str) -> Export:
    """The export registered as ``fmt``; ExportError listing the formats otherwise."""
    try:
        return EXPORTS[fmt]
    except KeyError:
        raise ExportError(f"format d'export inconnu « {fmt} » ; formats : "
                          + ", ".join(EXPORTS)) from None
