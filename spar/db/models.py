"""The stored records. Offers, marks, scorings, reviews and audit entries are only
ever appended: a replaced offer or a changed mark keeps its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (Boolean, Float, ForeignKey, Index, Integer, String, Text,
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

    organisation: Mapped[Organisation | None] = relationship()


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
