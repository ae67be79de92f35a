"""The stored records. Offers, marks, scorings, reviews and audit entries are only
ever appended: a replaced offer or a changed mark keeps its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import Document, UTCDateTime


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Token(Base):
    """An access token; only the SHA-256 of its secret is kept."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    siret: Mapped[str | None] = mapped_column(String(14))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A personal token acts as this person (their role, organisation and SIRET).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (Index("ix_tokens_prefix", "prefix"),)


class Person(Base):
    """Someone who signs in with an e-mail address and a password (SPEC §7)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stored lower-cased: one address, one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    company_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()


class Invitation(Base):
    """A single-use link for a buyer, auditor or admin to choose a password; only the
    SHA-256 of its secret is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    siret: Mapped[str | None] = mapped_column(String(14))
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()


class WebSession(Base):
    """A signed-in browser. Kept in the database so that every instance sees a sign-out
    or an expiry at once; the cookie holds only the secret, whose SHA-256 is kept."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


class CriteriaSetRecord(Base):
    """A published criteria set version: immutable, identified by id, version and SHA-256."""

    __tablename__ = "criteria_sets"
    __table_args__ = (UniqueConstraint("set_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    source: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_sets.id"))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    criteria_set: Mapped[CriteriaSetRecord] = relationship()
    lots: Mapped[list["Lot"]] = relationship(back_populates="consultation",
                                             order_by="Lot.position")


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("consultation_id", "lot_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    lot_id: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    estimate: Mapped[float | None] = mapped_column(Float)

    consultation: Mapped[Consultation] = relationship(back_populates="lots")


class Offer(Base):
    """One submission; a later one from the same supplier for the same lot supersedes it."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("siret", "idempotency_key"),
        Index("ix_offers_lot_siret", "lot_id", "siret"),
        # one current offer per supplier and lot, whatever races the service loses
        Index("ux_offers_current", "lot_id", "siret", unique=True,
              sqlite_where=text("superseded_at IS NULL"),
              postgresql_where=text("superseded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    siret: Mapped[str] = mapped_column(String(14))
    supplier_name: Mapped[str] = mapped_column(String(200))
    sme: Mapped[bool | None] = mapped_column(Boolean)
    answers: Mapped[dict[str, Any]] = mapped_column(Document)
    evidence: Mapped[dict[str, Any]] = mapped_column(Document)
    content_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))

    lot: Mapped[Lot] = relationship()


class Mark(Base):
    """A buyer's mark on a buyer-assessed criterion; a change appends a new row."""

    __tablename__ = "marks"
    __table_args__ = (Index("ix_marks_offer_criterion", "offer_id", "criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    criterion: Mapped[str] = mapped_column(String(200))
    mark: Mapped[float] = mapped_column(Float)
    justification: Mapped[str] = mapped_column(Text)
    given_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Scoring(Base):
    """A scoring run, stored with everything needed to reproduce it."""

    __tablename__ = "scorings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_sets.id"))
    criteria_sha256: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]] = mapped_column(Document)
    result: Mapped[dict[str, Any]] = mapped_column(Document)
    result_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lot: Mapped[Lot] = relationship()
    criteria_set: Mapped[CriteriaSetRecord] = relationship()


class ReviewDecision(Base):
    """A buyer's decision on an offer put up for review, with what the buyer was shown."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    scoring_id: Mapped[int] = mapped_column(ForeignKey("scorings.id"))
    decision: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[Any]] = mapped_column(Document)
    features: Mapped[dict[str, Any]] = mapped_column(Document)
    model_version: Mapped[str | None] = mapped_column(String(64))
    model_score: Mapped[float | None] = mapped_column(Float)
    sampling_probability: Mapped[float] = mapped_column(Float)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One entry of the hash-chained audit log. ``signature`` signs the log's head as it
    stood once this entry was written (a signed tree head: size, hash, time)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_consultation", "consultation"),
                      Index("ix_audit_target", "target"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    token_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    consultation: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(Document)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str | None] = mapped_column(String(16))
    signature: Mapped[str | None] = mapped_column(String(128))


# --- the SME portal (SPEC §8) ----------------------------------------------------------


class ProgrammeItem(Base):
    """A planned purchase a buyer publishes ahead of its consultation. Never deleted: a
    withdrawn one is cancelled, so what firms were shown stays on record."""

    __tablename__ = "programme_items"
    __table_args__ = (Index("ix_programme_items_month", "status", "expected_publication"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    expected_publication: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    estimate_min: Mapped[float | None] = mapped_column(Float)
    estimate_max: Mapped[float | None] = mapped_column(Float)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_sets.id"))
    status: Mapped[str] = mapped_column(String(16))  # planned | published | cancelled
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    criteria_set: Mapped[CriteriaSetRecord] = relationship()
    consultation: Mapped[Consultation | None] = relationship()


class ProgrammeInterest(Base):
    """A firm's interest in a planned purchase; withdrawing or rewording it closes the row
    and (for a rewording) appends a new one."""

    __tablename__ = "programme_interests"
    __table_args__ = (Index("ix_programme_interests_item_siret", "item_id", "siret"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id"))
    siret: Mapped[str] = mapped_column(String(14))
    company_name: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CompanyProfile(Base):
    """A firm's current profile, one per SIRET; every saved state is also appended to
    ``company_profile_versions``."""

    __tablename__ = "company_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    size: Mapped[str] = mapped_column(String(16), index=True)
    departement: Mapped[str | None] = mapped_column(String(3), index=True)
    categories: Mapped[list[str]] = mapped_column(Document)
    skills: Mapped[list[str]] = mapped_column(Document)
    standing_answers: Mapped[dict[str, Any]] = mapped_column(Document)
    standing_evidence: Mapped[dict[str, Any]] = mapped_column(Document)
    visibility: Mapped[str] = mapped_column(String(16), index=True)  # private | visible
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))


class CompanyProfileVersion(Base):
    """One saved state of a profile (append-only: the profile's history)."""

    __tablename__ = "company_profile_versions"
    __table_args__ = (UniqueConstraint("profile_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("company_profiles.id"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))


class CompanyProfileTerm(Base):
    """What the directory search filters on (a category, a skill, a label claimed),
    folded (lower case, no accents), one row each, kept in step with the profile."""

    __tablename__ = "company_profile_terms"
    __table_args__ = (Index("ix_company_profile_terms_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("company_profiles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # category | skill | label
    value: Mapped[str] = mapped_column(String(200))


class Notice(Base):
    """A notice to a firm (its consultation opened, a planned purchase was cancelled):
    read on its page in any case, e-mailed when SMTP is configured. The e-mail is sent
    after the transaction that wrote the notice commits; a failure is recorded and
    retried, the notice itself is never lost."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_siret", "siret", "id"),
                      Index("ix_notices_email_status", "email_status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    siret: Mapped[str] = mapped_column(String(14))
    kind: Mapped[str] = mapped_column(String(32))
    programme_item_id: Mapped[int | None] = mapped_column(ForeignKey("programme_items.id"))
    consultation: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_to: Mapped[str | None] = mapped_column(String(254))
    # none (no address or no SMTP) | pending | sending | sent | failed (gave up)
    email_status: Mapped[str] = mapped_column(String(16))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_last_error: Mapped[str | None] = mapped_column(Text)
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
class Job(Base):
    """A background job (scoring a large lot, exporting a consultation, retraining): the
    state every instance and worker reads, whichever queue carries it."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(Document)
    state: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    progress: Mapped[float] = mapped_column(Float)
    size: Mapped[int] = mapped_column(Integer)  # units of work, for the progress estimate
    attempts: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid running it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"))
    #: The person who started it through the pages (no token then): they alone follow it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(Document)
    error: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))


class JobChunk(Base):
    """A piece of a job's file (an export), in order: every instance can stream it."""

    __tablename__ = "job_chunks"
    __table_args__ = (UniqueConstraint("job_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
