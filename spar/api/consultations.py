"""Consultations: created and published by buyers, read by their auditors and, once
published, by suppliers."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..engine.criteria import CATEGORIES
from ..services import consultations
from ..services.clock import PARIS
from .auth import OPTIONAL_AUTH, SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_response, page_schema
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
                          metadata={"enum": list(consultations.STATES)})
    published_at = fields.String(allow_none=True)
    lots = fields.List(fields.Nested(LotSchema), required=True)


class ConsultationQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(consultations.STATES),
                          metadata={"description": "draft (brouillon), open (publiée, avant la "
                                                   "date limite), closed (après), scored "
                                                   "(un lot noté)"})
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "texte cherché dans la référence et le titre"})


class NoticeLotSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    estimate = fields.Float(allow_none=True)


class NoticeSchema(Schema):
    """The public notice of a consultation (SPEC §6.1)."""

    reference = fields.String(required=True)
    title = fields.String(required=True)
    buyer = fields.Dict(required=True, metadata={"description": "{slug, name}"})
    category = fields.String(required=True)
    deadline = fields.String(required=True)
    deadline_paris = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(consultations.STATES)})
    published_at = fields.String(allow_none=True)
    criteria_set = fields.Dict(required=True,
                               metadata={"description": "{id, version, sha256, title}"})
    lots = fields.List(fields.Nested(NoticeLotSchema), required=True)


@blp.route("")
class Consultations(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.arguments(ConsultationQuerySchema, location="query")
    @blp.response(200, page_schema(NoticeSchema))
    def get(self, query):
        """Les consultations publiées (avis public), par pages ; acheteurs et contrôleurs
        voient aussi les brouillons de leur organisation. Les ouvertes par date limite la
        plus proche, les autres de la plus récente à la plus ancienne."""
        return page_response(consultations.list_consultations(uow(), principal(), **query))

    @requires("consultation.create")
    @blp.doc(security=SECURED)
    @blp.arguments(ConsultationInputSchema)
    @blp.response(201, ConsultationSchema)
    def post(self, data):
        """Ouvrir une consultation (brouillon) avec ses lots et sa date limite."""
        return consultations.create(uow(), principal(), data)


@blp.route("/<reference>")
class ConsultationResource(MethodView):
    @requires("consultation.read")
    @blp.doc(security=SECURED)
    @blp.response(200, ConsultationSchema)
    def get(self, reference: str):
        """Une consultation : acheteurs et contrôleurs de l'organisation ; entreprises une
        fois publiée."""
        return consultations.get(uow(), principal(), reference)


@blp.route("/<reference>/publish")
class Publish(MethodView):
    @requires("consultation.manage")
    @blp.doc(security=SECURED)
    @blp.response(200, ConsultationSchema)
    def post(self, reference: str):
        """Publier : la consultation reçoit des offres, ses critères sont figés."""
        return consultations.publish(uow(), principal(), reference)
