"""A row the database refused for breaking one of its rules (a unique key, a foreign key,
a NOT NULL): what to tell the caller, and what to log without a single value of the row."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from .errors import DuplicateRecord

MESSAGE = ("enregistrement refusé : il contredit ce que la base contient déjà (sans doute "
           "deux demandes simultanées) ; rien n'a été enregistré, rechargez puis réessayez")


def refused_record(error: BaseException) -> DuplicateRecord | None:
    """The conflict to answer when ``error`` is the database refusing a row, else None:
    a race between two requests deserves a 409 the caller can act on, not a 500."""
    if isinstance(error, sa_exc.IntegrityError):
        return DuplicateRecord(MESSAGE)
    return None


def constraint_of(error: sa_exc.IntegrityError) -> str:
    """The rule broken, for the log: PostgreSQL's constraint name, SQLite's message
    (``UNIQUE constraint failed: table.column``); never the statement's parameters nor
    PostgreSQL's DETAIL line, which quote the values of the row."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return f"{getattr(diag, 'table_name', None)}.{getattr(diag, 'constraint_name', None)}"
    text = str(error.orig).splitlines()[0] if error.orig is not None else ""
    return text if "constraint failed" in text else type(error.orig).__name__
