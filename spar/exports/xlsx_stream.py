"""A minimal XLSX writer that streams each sheet's XML straight into the zip archive.

openpyxl's write-only mode builds a cell object per value and writes it through lxml:
about 130 µs per 18-cell row, so the 2,000,000 detail rows of a 100,000-offer lot
took five minutes, past gunicorn's timeout. This writer formats each row as one
string (about a tenth of that) and deflates it into the archive as it goes, so
memory stays flat. It writes only what the breakdown workbook uses: text (inline
strings, always text, so ``=…`` is never a formula), numbers, booleans and naive
datetimes, a number format per cell, a bold header, column widths and a frozen first
row. Values are written as openpyxl wrote them (numbers with ``%.16g``, dates as
Excel serials by openpyxl's own conversion), so a reader sees the same cells.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from functools import lru_cache
from datetime import datetime, timezone
from typing import IO, Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument."
#: Characters XML 1.0 cannot hold at all; a reader would refuse the whole file, so
#: they are dropped (they are invisible anyway).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Deflate level: the XML of a big sheet is very repetitive, level 1 already shrinks it
#: about tenfold and is several times faster than the default 6.
_LEVEL = 1


#: What makes a text need more than ``<t>…</t>``: a character to escape or drop, or a
#: leading or trailing space to preserve.
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r\ufffe\uffff]|^\\s|\\s$")


def _text(value: str) -> str:
    """The ``<is>`` content of a text cell."""
    if _SPECIAL.search(value) is None:
        return f"<is><t>{value}</t></is>"
    value = escape(_ILLEGAL.sub("", value))
    if "\r" in value:  # a literal CR would be read back as LF
        value = value.replace("\r", "&#13;")
    if value != value.strip():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


#: Stands for the row number in a cell's reference until the row is written: cells many
#: rows repeat are formatted once. (U+0000 never reaches the XML otherwise: text drops it.)
ROW = "\x00"


def _cell(ref: str, value: Any, style: str) -> str:
    """One cell at ``ref`` (``B`` + :data:`ROW`); empty for a missing value. ``style``
    (`` s="…"``) applies to numbers and dates."""
    kind = type(value)
    if kind is str:
        # an empty text stays an (empty) text cell, as openpyxl wrote it
        return (f'<c r="{ref}" t="inlineStr">{_text(value)}</c>' if value
                else f'<c r="{ref}" t="inlineStr"/>')
    if kind is float or kind is int:
        return f'<c r="{ref}"{style}><v>{"%.16g" % value}</v></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("XLSX : une date sans fuseau horaire est attendue")
        return f'<c r="{ref}"{style}><v>{"%.16g" % to_excel(value)}</v></c>'
    if isinstance(value, str):  # a subclass of str
        return f'<c r="{ref}" t="inlineStr">{_text(str(value))}</c>'
    if isinstance(value, (int, float)):  # numpy scalars and other number types
        return f'<c r="{ref}"{style}><v>{"%.16g" % float(value)}</v></c>'
    raise TypeError(f"XLSX : valeur non prise en charge ({kind.__name__})")


@lru_cache(maxsize=None)
def _ref(column: int) -> str:
    """The reference of column ``column`` (0 for A) in the row to come."""
    return get_column_letter(column + 1) + ROW


class Sheet:
    """A sheet being written: rows go straight into the archive."""

    def __init__(self, book: "StreamingWorkbook", stream: IO[bytes], headers: Sequence[str],
                 widths: Iterable[float]):
        self._book = book
        self._stream = stream
        self.rows = 0
        cols = "".join(f'<col min="{k}" max="{k}" width="{w}" customWidth="1"/>'
                       for k, w in enumerate(widths, start=1))
        self._write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            'activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")
        self._pending: list[str] = []
        self.append_cells("".join(f'<c r="{_ref(k)}" s="1" t="inlineStr">{_text(h)}</c>'
                                  for k, h in enumerate(headers)))

    def _write(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))

    def cells(self, values: Sequence[Any], formats: Sequence[str | None] | None = None,
              first: int = 0) -> str:
        """The XML of consecutive cells from column ``first`` (0 for A), to give
        :meth:`append_cells` alone or joined with others (a writer may keep the cells
        many rows repeat: their references name the row only when it is written).
        ``formats[k]`` is the number format of ``values[k]`` when it is a number or a
        date (text is never formatted); None keeps the general format."""
        refs, styles = self._book.layout(first, len(values), formats)
        return "".join(map(_cell, refs, values, styles))

    def append(self, values: Sequence[Any], formats: Sequence[str | None] | None = None) -> None:
        """One row of values (see :meth:`cells`)."""
        self.append_cells(self.cells(values, formats))

    def append_cells(self, xml: str) -> None:
        """One row whose cells are already XML (:meth:`cells`)."""
        self.rows += 1
        n = str(self.rows)
        self._pending.append(f'<row r="{n}">{xml.replace(ROW, n)}</row>')
        if len(self._pending) >= 256:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._write("".join(self._pending))
            self._pending.clear()

    def abandon(self) -> None:
        """Stop writing after an error: the rows not yet written are dropped."""
        self._pending.clear()
        self._stream.close()

    def finish(self) -> None:
        """Write what is pending and the end of the sheet."""
        self._flush()
        self._write("</sheetData></worksheet>")

    def close(self) -> None:
        self.finish()
        self._stream.close()


class StreamingWorkbook:
    """A workbook written sheet after sheet into ``out`` (a binary file): open a sheet,
    append its rows, open the next one (which closes the previous), then :meth:`close`
    (or use it as a context manager, which also releases the archive after an error)."""

    def __init__(self, out: IO[bytes], title: str | None = None, language: str | None = None):
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=_LEVEL)
        self._title, self._language = title, language
        self._names: list[str] = []
        self._formats: dict[str, int] = {}  # number format → its cellXfs index
        self._layouts: dict[tuple, tuple] = {}
        self._sheet: Sheet | None = None
        #: sheets written aside (their part name, the sheet, its temporary file)
        self._aside: list[tuple[str, Sheet, IO[bytes]]] = []

    def layout(self, first: int, count: int, formats: Sequence[str | None] | None
               ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The references and `` s="…"`` attributes of ``count`` cells from column
        ``first`` (memoised: rows repeat a few shapes); style 1 is the headers' bold."""
        key = (first, count, None if formats is None else tuple(formats))
        found = self._layouts.get(key)
        if found is None:
            if formats is not None and len(formats) < count:
                raise ValueError(f"XLSX : {count} valeurs pour {len(formats)} formats")
            found = self._layouts[key] = (
                tuple(_ref(k) for k in range(first, first + count)),
                tuple(self._style(f) for f in formats) if formats is not None
                else ("",) * count)
        return found

    def _style(self, number_format: str | None) -> str:
        if number_format is None:
            return ""
        index = self._formats.setdefault(number_format, len(self._formats) + 2)
        return f' s="{index}"'

    def sheet(self, title: str, headers: Sequence[str], widths: Iterable[float],
              aside: bool = False) -> Sheet:
        """A new sheet with a bold header row (frozen) and the given column widths.

        ``aside``: the sheet stays open while the next ones are written, in a temporary
        file that goes into the archive when the workbook closes (the archive takes one
        part at a time), so one pass over rows may fill it and another sheet.
        """
        self._names.append(title)
        part = f"xl/worksheets/sheet{len(self._names)}.xml"
        if aside:
            stream = tempfile.TemporaryFile()
            sheet = Sheet(self, stream, list(headers), widths)
            self._aside.append((part, sheet, stream))
            return sheet
        if self._sheet is not None:
            self._sheet.close()
        self._sheet = Sheet(self, self._zip.open(part, "w", force_zip64=True),
                            list(headers), widths)
        return self._sheet

    def __enter__(self) -> "StreamingWorkbook":
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Finish the archive; after an error, only release it (the file is incomplete)."""
        if kind is None:
            self.close()
            return
        if self._sheet is not None:
            self._sheet.abandon()
            self._sheet = None
        for _, sheet, _ in self._aside:
            sheet.abandon()
        self._zip.close()

    def close(self) -> None:
        """Write the workbook's parts around the sheets and finish the archive."""
        if self._sheet is not None:
            self._sheet.close()
            self._sheet = None
        for part, sheet, stream in self._aside:
            sheet.finish()
            stream.seek(0)
            with self._zip.open(part, "w", force_zip64=True) as target:
                shutil.copyfileobj(stream, target, 1 << 20)
            stream.close()
        self._aside.clear()
        count = len(self._names)
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
                         f'ContentType="{_CT}spreadsheetml.worksheet+xml"/>'
                         for k in range(1, count + 1))
        self._part("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}spreadsheetml.'
                   'sheet.main+xml"/>'
                   f'<Override PartName="/xl/styles.xml" ContentType="{_CT}spreadsheetml.'
                   'styles+xml"/>'
                   '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
                   'openxmlformats-package.core-properties+xml"/>'
                   f'<Override PartName="/docProps/app.xml" ContentType="{_CT}extended-'
                   f'properties+xml"/>{sheets}</Types>')
        self._part("_rels/.rels",
                   f'<Relationships xmlns="{_PKG_REL}">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" '
                   'Target="xl/workbook.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/'
                   '2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                   f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
                   'Target="docProps/app.xml"/></Relationships>')
        self._part("docProps/app.xml",
                   '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'extended-properties"><Application>spar</Application></Properties>')
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._part("docProps/core.xml",
                   '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                   'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                   'xmlns:dcterms="http://purl.org/dc/terms/" '
                   'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>spar'
                   '</dc:creator>'
                   + (f"<dc:title>{escape(self._title)}</dc:title>" if self._title else "")
                   + (f"<dc:language>{escape(self._language)}</dc:language>"
                      if self._language else "")
                   + f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                   f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
                   '</cp:coreProperties>')
        self._part("xl/workbook.xml",
                   f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView '
                   'activeTab="0"/></bookViews><sheets>'
                   + "".join(f'<sheet name={quoteattr(name)} sheetId="{k}" r:id="rId{k}"/>'
                             for k, name in enumerate(self._names, start=1))
                   + "</sheets></workbook>")
        self._part("xl/_rels/workbook.xml.rels",
                   f'<Relationships xmlns="{_PKG_REL}">'
                   + "".join(f'<Relationship Id="rId{k}" Type="{_REL}/worksheet" '
                             f'Target="worksheets/sheet{k}.xml"/>' for k in range(1, count + 1))
                   + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" '
                   'Target="styles.xml"/></Relationships>')
        self._part("xl/styles.xml", self._stylesheet())
        self._zip.close()

    def _stylesheet(self) -> str:
        formats = sorted(self._formats.items(), key=lambda item: item[1])
        num_fmts = "".join(f'<numFmt numFmtId="{162 + index}" formatCode={quoteattr(code)}/>'
                           for code, index in formats)
        xfs = ('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
               '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
               + "".join(f'<xf numFmtId="{162 + index}" fontId="0" fillId="0" borderId="0" '
                         'xfId="0" applyNumberFormat="1"/>' for _, index in formats))
        return (f'<styleSheet xmlns="{_MAIN}">'
                + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
                + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
                '</font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
                '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
                '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
                '<left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                f'</cellStyleXfs><cellXfs count="{len(formats) + 2}">{xfs}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                '</cellStyles></styleSheet>')

    def _part(self, name: str, xml: str) -> None:
        self._zip.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                           + xml)
