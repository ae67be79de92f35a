"""Schemas shared by several resources: criteria identity and scoring results (SPEC §4)."""

from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields

#: The largest id or version the database holds (INTEGER columns, 32-bit in PostgreSQL):
#: inputs above it are refused before they reach a query.
DB_INTEGER_MAX = 2**31 - 1

_EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def within_calendar(value: datetime) -> None:
    """Refuse instants near the ends of the calendar: converting them to UTC or to Paris
    time (storage, messages) would overflow."""
    if not _EARLIEST <= value <= _LATEST:
        raise ValidationError("date hors de la plage acceptée (de 1900 à 9000)")


class CriteriaIdentitySchema(Schema):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class ReasonSchema(Schema):
    """Why an offer is irregular, eliminated or flagged; extra keys depend on the code."""

    class Meta:
        unknown = "include"

    code = fields.String(required=True)
    message = fields.String(required=True)


class ReviewSchema(Schema):
    flagged = fields.Boolean(required=True)
    reasons = fields.List(fields.Dict(), required=True)
    notes = fields.List(fields.Dict())
    model_score = fields.Float(allow_none=True)
    model_version = fields.String(allow_none=True)
    top_features = fields.List(fields.Raw(), allow_none=True)
    sampled = fields.Boolean()
    sampling_probability = fields.Float()
    to_review = fields.Boolean()


class BreakdownEntrySchema(Schema):
    criterion = fields.String(required=True)
    label = fields.String()
    pillar = fields.String()
    input = fields.String(required=True)
    value = fields.Raw(allow_none=True)
    score = fields.Float(allow_none=True)
    max_points = fields.Float(required=True)
    points = fields.Float(allow_none=True)
    explanation = fields.String(required=True)


class OfferResultSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    rank = fields.Integer(allow_none=True)
    total = fields.Float(allow_none=True)
    pillars = fields.Dict(keys=fields.String(), values=fields.Float())
    reasons = fields.List(fields.Dict())
    review = fields.Nested(ReviewSchema)
    supplier = fields.Dict()
    breakdown = fields.List(fields.Nested(BreakdownEntrySchema))


class ScoringMetaSchema(Schema):
    id = fields.String(required=True)
    created_at = fields.String(required=True)
    model_version = fields.String(allow_none=True)


class ScoringResultSchema(Schema):
    criteria = fields.Nested(CriteriaIdentitySchema, required=True)
    engine = fields.String(required=True)
    lot = fields.String(allow_none=True)
    points = fields.Float()
    warnings = fields.List(fields.String())
    offers = fields.List(fields.Nested(OfferResultSchema), required=True)
    scoring = fields.Nested(ScoringMetaSchema)
    sensitivity = fields.Dict(allow_none=True)
