"""The review of an offer: reasons and model score, and the buyer's decision."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..services import reviews
from .auth import SECURED, principal, requires, uow

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Revue des offres")


class DecisionInputSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(reviews.DECISIONS))
    comment = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class ReviewViewSchema(Schema):
    offer = fields.String(required=True)
    lot = fields.String(required=True)
    scoring = fields.String(required=True)
    status = fields.String(required=True)
    rank = fields.Integer(allow_none=True)
    total = fields.Float(allow_none=True)
    flagged = fields.Boolean(required=True)
    sampled = fields.Boolean(required=True)
    to_review = fields.Boolean(required=True)
    sampling_probability = fields.Float(allow_none=True)
    reasons = fields.List(fields.Dict(), required=True)
    notes = fields.List(fields.Dict(), required=True)
    model_score = fields.Float(allow_none=True)
    model_version = fields.String(allow_none=True)
    top_features = fields.List(fields.Raw(), allow_none=True)
    decisions = fields.List(fields.Dict(), required=True)


@blp.route("/offers/<offer_id>/review")
class Review(MethodView):
    @requires("review.read")
    @blp.doc(security=SECURED)
    @blp.response(200, ReviewViewSchema)
    def get(self, offer_id: str):
        """Pourquoi l'offre est signalée, son score de revue et les décisions déjà prises."""
        return reviews.get(uow(), principal(), offer_id)

    @requires("review.decide")
    @blp.doc(security=SECURED)
    @blp.arguments(DecisionInputSchema)
    @blp.response(201, ReviewViewSchema)
    def post(self, data, offer_id: str):
        """Décider : cleared (levée), rejected (écartée après justification) ou
        needs_information (demande de précisions), avec un commentaire obligatoire."""
        return reviews.decide(uow(), principal(), offer_id, data["decision"], data["comment"])
