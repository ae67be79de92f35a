"""Where an export's bytes go: a file written aside and renamed once complete (an
interrupted export never leaves a truncated file behind), or the standard output."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .errors import ExportError


class OutputError(ExportError):
    """The export cannot be written where it was asked to go."""


@contextmanager
def opened(output: str | None, stdout: IO[bytes], binary: bool, spool: bool = False
           ) -> Iterator[Any]:
    """The stream to write: the file ``output``, or ``stdout`` (a binary stream) when it is
    None; text streams are UTF-8 without newline translation. ``spool``: on ``stdout``,
    assemble the bytes in a temporary file first (a workbook). OutputError when the file
    cannot be written."""
    if output is None:
        if binary and not spool:
            yield stdout
            stdout.flush()
            return
        if binary:
            # a workbook is assembled in a file, then copied: a zip archive closing on a
            # pipe its reader has left would spill errors instead of stopping quietly
            with tempfile.TemporaryFile() as spooled:
                yield spooled
                spooled.seek(0)
                shutil.copyfileobj(spooled, stdout)
            stdout.flush()
            return
        stream = io.TextIOWrapper(stdout, encoding="utf-8", newline="", write_through=False)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    target = Path(output)
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partiel",
                                       dir=target.absolute().parent)
        # mkstemp makes the file private; the export gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(partial, 0o666 & ~umask)
    except OSError as exc:
        raise OutputError(f"écriture impossible dans {output} : {exc.strerror}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else
              open(fd, "w", encoding="utf-8", newline="")) as stream:
            yield stream
        os.replace(partial, target)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise OutputError(f"écriture impossible dans {output} : {exc.strerror}") from None
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def write_chunks(chunks: Iterable[bytes], output: str | None, stdout: IO[bytes]) -> None:
    """Every chunk to ``output`` (written aside, then renamed) or to ``stdout``."""
    with opened(output, stdout, binary=True) as stream:
        for chunk in chunks:
            stream.write(chunk)
