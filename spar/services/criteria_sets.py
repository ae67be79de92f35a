"""Published criteria sets: stored by id and version, immutable once uploaded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import select

from ..criteria_file import CriteriaFileError, canonical_json, check_criteria_text, check_document
from ..db.models import CriteriaSetRecord
from ..engine.criteria import CriteriaSet
from . import audit
from .errors import Conflict, Invalid, NotFound
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .principal import Principal
from .repositories import CriteriaSets


def _problems_payload(problems) -> dict[str, Any]:
    return {"criteria": [p.to_dict() for p in problems]}


def parse_upload(text: str | None = None, document: Any = None) -> tuple[CriteriaSet, list]:
    """A criteria set and its warnings from YAML text or a JSON document; Invalid lists
    every located problem."""
    if text is not None:
        criteria, problems = check_criteria_text(text, "<upload>")
    else:
        criteria, problems = check_document(document, None, "<upload>")
    if criteria is None:
        errors = [p for p in problems if p.severity == "error"]
        summary = "; ".join(str(p).removeprefix("<upload>:") for p in errors[:5])
        raise Invalid(f"fichier de critères refusé ({len(errors)} erreur(s)) : {summary}",
                      _problems_payload(problems))
    return criteria, [p.to_dict() for p in problems if p.severity == "warning"]


def upload(uow, principal: Principal, *, text: str | None = None, document: Any = None
           ) -> tuple[CriteriaSetRecord, bool, list]:
    """Store a new criteria set version: (record, created, warnings).

    The same id and version with identical content is accepted again (a retried
    upload); with different content it is refused: a published version never changes.
    """
    criteria, warnings = parse_upload(text, document)
    with uow:
        existing = uow.session.execute(
            select(CriteriaSetRecord).where(CriteriaSetRecord.set_id == criteria.id,
                                            CriteriaSetRecord.version == criteria.version)
        ).scalar_one_or_none()
        if existing is not None:
            if existing.sha256 == criteria.sha256:
                return existing, False, warnings
            raise Conflict(f"le jeu de critères {criteria.id} version {criteria.version} existe "
                           "déjà avec un autre contenu ; une version publiée ne change pas, "
                           "publiez une nouvelle version",
                           {"version": [f"déjà publiée (sha256 {existing.sha256[:12]}…)"]})
        record = CriteriaSetRecord(
            set_id=criteria.id, version=criteria.version, sha256=criteria.sha256,
            title=criteria.title, category=criteria.category,
            document=dict(criteria.document), source=text, uploaded_by=principal.token_id,
            created_at=uow.now())
        uow.session.add(record)
        uow.session.flush()
        audit.record(uow, principal, "criteria_set.upload",
                     target=f"criteria:{criteria.id}@{criteria.version}",
                     content=dict(criteria.document), details={"sha256": criteria.sha256})
        uow.commit()
        return record, True, warnings


_BY_ID_AND_VERSION = (CriteriaSetRecord.set_id, CriteriaSetRecord.version)


def list_sets(uow) -> list[CriteriaSetRecord]:
    """Every published version, by id then version (for choosing one in a form)."""
    with uow:
        return list(uow.session.execute(
            select(CriteriaSetRecord).order_by(*_BY_ID_AND_VERSION)).scalars())


def page_of_sets(uow, page: int = 1, per_page: int = DEFAULT_PER_PAGE
                 ) -> Page[CriteriaSetRecord]:
    """One page of the published versions, by id then version."""
    with uow:
        return page_of_query(uow.session, select(CriteriaSetRecord).order_by(
            *_BY_ID_AND_VERSION), page, per_page)


def get_record(session, set_id: str, version: int) -> CriteriaSetRecord:
    return _known(CriteriaSets(session).get(set_id, version), set_id, version)


def record_of(uow, set_id: str, version: int) -> CriteriaSetRecord:
    """The stored version through the unit of work's repository; NotFound if none."""
    return _known(uow.criteria_sets.get(set_id, version), set_id, version)


def _known(record: CriteriaSetRecord | None, set_id: str, version: int) -> CriteriaSetRecord:
    if record is None:
        raise NotFound(f"jeu de critères {set_id} version {version} inconnu")
    return record


def get(uow, set_id: str, version: int) -> CriteriaSetRecord:
    with uow:
        return get_record(uow.session, set_id, version)


def file_text(record: CriteriaSetRecord) -> str:
    """The criteria file to download: the YAML as uploaded, or, for a set uploaded as
    JSON, the same document written as YAML."""
    if record.source is not None:
        return record.source
    import yaml

    return yaml.safe_dump(record.document, allow_unicode=True, sort_keys=False)


def criteria_of(record: CriteriaSetRecord) -> CriteriaSet:
    """The criteria tree of a stored record (cached by content hash: it never changes)."""
    return _build(canonical_json(record.document), record.sha256)


@lru_cache(maxsize=64)
def _build(canonical: str, sha256: str) -> CriteriaSet:
    import json

    criteria, problems = check_document(json.loads(canonical))
    if criteria is None:  # stored sets were valid when uploaded; the format changed since
        raise CriteriaFileError(problems)
    if criteria.sha256 != sha256:
        raise RuntimeError(f"criteria set content does not match its stored SHA-256 {sha256}")
    return criteria
