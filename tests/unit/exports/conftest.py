"""Fixtures of the export tests: the SPEC example consultation and PDF reading helpers."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from . import builders


@pytest.fixture
def consultation():
    """SPEC §2's criteria, lot 1 scored with six offers, lot 2 not scored yet."""
    return builders.consultation()


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of every page of a PDF."""
    pdf = pdfium.PdfDocument(data)
    return [pdf[k].get_textpage().get_text_range() for k in range(len(pdf))]


def ink_share(data: bytes, page: int = 0) -> float:
    """Share of non-white pixels of a page rendered as an image."""
    pdf = pdfium.PdfDocument(data)
    pixels = pdf[page].render(scale=1).to_numpy()
    return float((pixels[:, :, :3] < 245).any(axis=2).mean())
