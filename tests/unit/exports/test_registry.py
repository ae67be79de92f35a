import pytest

from spar.exports import EXPORTS, ExportError, get_export


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_every_format_exports_the_example(consultation, fmt):
    options = {"supplier": "B"} if fmt.startswith("letter") else {}
    data = b"".join(EXPORTS[fmt](consultation, **options))
    magic = {"csv": b"\xef\xbb\xbf", "xlsx": b"PK", "pdf": b"%PDF", "letter": b"%PDF"}
    assert data.startswith(magic.get(fmt, b"{"))


def test_media_types_and_file_names():
    assert EXPORTS["xlsx"].media_type.endswith("spreadsheetml.sheet")
    assert EXPORTS["pdf"].filename("MET/2026 017") == "MET_2026_017-rao.pdf"


def test_letter_without_supplier_is_refused(consultation):
    with pytest.raises(ExportError, match="format letter : option « supplier » requise"):
        EXPORTS["letter"](consultation)


def test_unknown_option_is_refused(consultation):
    with pytest.raises(ExportError, match="option « lot » inconnue"):
        EXPORTS["csv"](consultation, lot="1")


def test_unknown_format_lists_the_known_ones():
    with pytest.raises(ExportError, match="format d'export inconnu « docx » ; formats : csv, "):
        get_export("docx")


def test_option_given_as_none_is_left_to_its_default(consultation):
    data = b"".join(EXPORTS["ocds"](consultation, ocid_prefix=None, supplier=None))
    assert b'"ocid":"ocds-spar00-MET-2026-017"' in data
