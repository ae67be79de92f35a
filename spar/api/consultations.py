"""Consultations: created and published by buyers, read by their auditors and, once
published, by suppliers."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..services import consultations
from ..services.clock import PARIS
from .auth import SECURED, principal, requires, uow
from .schemas import DB_INTEGER_MAX, within_calendar

blp = Blueprint("consultations", __name__, url_prefix="/api/v1/consultations",
                description="Consultations et lots")


class LotInputSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    title = fields.String(validate=validate.Length(max=300))
    estimate = fields.Float(allow_none=True, validate=validate.Range(min=0, min_inclusive=False),
                            metadata={"description": "estimation du lot, € HT"})


class ConsultationInputSchema(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    criteria_set = fields.String(required=True, validate=validate.Length(min=1, max=100))
    criteria_version = fields.Integer(required=True, strict=True,
                                      validate=validate.Range(min=1, max=DB_INTEGER_MAX))
    deadline = fields.AwareDateTime(
        required=True, default_timezone=PARIS, validate=within_calendar,
        metadata={"description": "ISO 8601 ; sans fuseau, l'heure de Paris est retenue"})
    lots = fields.List(fields.Nested(LotInputSchema), required=True,
                       validate=validate.Length(min=1, max=200))
    programme_item = fields.Integer(
        allow_none=True, strict=True, validate=validate.Range(min=1, max=DB_INTEGER_MAX),
        metadata={"description": "l'achat prévu (programmation) que cette consultation "
                                 "réalise : à sa publication, les entreprises intéressées "
                                 "sont prévenues"})


class LotSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    estimate = fields.Float(allow_none=True)
    offers = fields.Integer(metadata={"description": "offres en vigueur, après la date limite"})


class ConsultationSchema(Schema):
    reference = fields.String(required=True)
    title = fields.String(required=True)
    organisation = fields.String(allow_none=True)
    criteria_set = fields.Dict(required=True)
    deadline = fields.String(required=True)
    deadline_paris = fields.String(required=True)
    state = fields.String(required=True,
                          metadata={"enum": ["draft", "published", "closed", "scored"]})
    published_at = fields.String(allow_none=True)
    lots = fields.List(fields.Nested(LotSchema), required=True)


@blp.route("")
class Consultations(MethodView):
    @requires("buyer")
    @blp.doc(security=SECURED)
    @blp.arguments(ConsultationInputSchema)
    @blp.response(201, ConsultationSchema)
    def post(self, data):
        """Ouvrir une consultation (brouillon) avec ses lots et sa date limite."""
        return consultations.create(uow(), principal(), data)


@blp.route("/<reference>")
class ConsultationResource(MethodView):
    @requires("buyer", "auditor", "supplier")
    @blp.doc(security=SECURED)
    @blp.response(200, ConsultationSchema)
    def get(self, reference: str):
        """Une consultation : acheteurs et contrôleurs de l'organisation ; entreprises une
        fois publiée."""
        return consultations.get(uow(), principal(), reference)


@blp.route("/<reference>/publish")
class Publish(MethodView):
    @requires("buyer")
    @blp.doc(security=SECURED)
    @blp.response(200, ConsultationSchema)
    def post(self, reference: str):
        """Publier : la consultation reçoit des offres, ses critères sont figés."""
        return consultations.publish(uow(), principal(), reference)
