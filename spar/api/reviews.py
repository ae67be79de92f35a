"""The review of an offer: reasons and model score, and the buyer's decision."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import review_queue, reviews
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .pagination import PageQuerySchema, page_response, page_schema

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


class QueueReasonSchema(Schema):
    code = fields.String(required=True)
    source = fields.String(required=True, metadata={
        "description": "rule (une règle du lot), model (le modèle de revue) ou sample (le "
                       "tirage au sort de contrôle)"})
    title = fields.String(required=True, metadata={"description": "le motif, en clair"})
    explanation = fields.String(required=True, metadata={
        "description": "ce qu'il signifie et ce que l'acheteur doit faire"})
    message = fields.String(required=True, metadata={
        "description": "le motif conservé avec la notation (seuil, valeur)"})
    method = fields.String()
    threshold = fields.Float(allow_none=True)
    value = fields.Float(allow_none=True)
    budget = fields.Float()
    model_version = fields.String()
    top_features = fields.List(fields.Dict(), metadata={
        "description": "les facteurs qui ont le plus pesé dans le score du modèle"})


class QueueDecisionSchema(Schema):
    decision = fields.String(required=True)
    comment = fields.String(required=True)
    decided_at = fields.String(required=True)


class ReviewQueueItemSchema(Schema):
    priority = fields.Integer(required=True, metadata={"description": "1 : à traiter d'abord"})
    offer = fields.String(required=True)
    ground = fields.String(required=True, metadata={
        "description": "abnormally_low, model ou audit_sample : le motif qui fixe la priorité"})
    supplier = fields.Dict(required=True)
    status = fields.String(required=True)
    rank = fields.Integer(allow_none=True)
    total = fields.Float(allow_none=True)
    reasons = fields.List(fields.Nested(QueueReasonSchema), required=True)
    notes = fields.List(fields.Dict(), required=True)
    model_score = fields.Float(allow_none=True)
    sampled = fields.Boolean(required=True)
    decisions = fields.List(fields.Nested(QueueDecisionSchema), required=True)
    decision = fields.Nested(QueueDecisionSchema, allow_none=True, required=True,
                             metadata={"description": "la dernière décision, ou null"})
    scoring = fields.String(required=True)


@blp.route("/consultations/<reference>/lots/<lot_id>/review-queue")
class ReviewQueue(MethodView):
    @requires("buyer", "auditor")
    @blp.doc(security=SECURED)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_schema(ReviewQueueItemSchema))
    def get(self, query, reference: str, lot_id: str):
        """Les offres à examiner pour la dernière notation, la plus urgente d'abord :
        offres anormalement basses (la loi impose d'interroger l'entreprise), puis score du
        modèle de revue au-dessus du seuil, puis tirage au sort de contrôle ; chacune avec
        ses motifs en clair et les décisions déjà prises."""
        found = review_queue.review_queue(uow(), principal(), reference, lot_id,
                                          page=query["page"], per_page=query["per_page"])
        return page_response(found)
