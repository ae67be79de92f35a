"""Anonymous self-assessment of a draft offer: nothing is stored, calls are rate-limited.

Suppliers call it at every change of a draft, so it is kept cheap: the criteria set
is read once per process (:class:`spar.services.self_assessment.PublishedCriteria`),
the input schema is built once, and the result — already in the shape of
:class:`SelfAssessmentSchema`, which documents it (a test holds the two equal) — is
written as JSON without a second pass through marshmallow.
"""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import self_assessment
from .auth import OPTIONAL_AUTH, principal, uow
from .body import Blueprint
from .schemas import DB_INTEGER_MAX, BreakdownEntrySchema, CriteriaIdentitySchema

blp = Blueprint("self_assessment", __name__, url_prefix="/api/v1",
                description="Auto-évaluation d'une offre (rien n'est conservé)")


class SelfAssessmentInputSchema(Schema):
    criteria_set = fields.String(required=True, validate=validate.Length(min=1, max=100))
    version = fields.Integer(required=True, strict=True,
                             validate=validate.Range(min=1, max=DB_INTEGER_MAX))
    # JSON object keys are always strings and the values are read by the engine, which
    # names every bad one: no per-item fields (they cost a third of the request)
    answers = fields.Dict(required=True)
    evidence = fields.Dict()
    assumptions = fields.Dict(metadata={"description": "valeurs attendues de la concurrence, "
                                                       "par réponse : un nombre (la meilleure), "
                                                       "{best, worst} ou une liste"})
    gain = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=1e6),
                        metadata={"description": "points à gagner : le plus petit changement "
                                                 "de chaque réponse qui les rapporte"})


class HintSchema(Schema):
    criterion = fields.String(required=True)
    label = fields.String(required=True)
    input = fields.String(required=True)
    to = fields.Raw(allow_none=True)
    gain = fields.Float(required=True)
    message = fields.String(required=True)

    class Meta:
        include = {"from": fields.Raw(allow_none=True)}


class SelfAssessmentSchema(Schema):
    criteria = fields.Nested(CriteriaIdentitySchema, required=True)
    engine = fields.String(required=True)
    points = fields.Float(required=True)
    status = fields.String(required=True)
    total = fields.Float(required=True)
    pillars = fields.Dict(keys=fields.String(), values=fields.Float())
    reasons = fields.List(fields.Dict())
    breakdown = fields.List(fields.Nested(BreakdownEntrySchema))
    assumed_best = fields.List(fields.String())
    notes = fields.List(fields.String())
    hints = fields.List(fields.Nested(HintSchema))
    what_if = fields.List(fields.Dict(), allow_none=True)


def published_criteria() -> self_assessment.PublishedCriteria:
    """This app's cache of published criteria sets (one per app, so one per database)."""
    return current_app.extensions.setdefault("spar.published_criteria",
                                             self_assessment.PublishedCriteria())


@blp.route("/self-assessment")
class SelfAssessment(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    # an instance: given the class, webargs would build the schema again at every request
    @blp.arguments(SelfAssessmentInputSchema())
    @blp.response(200, SelfAssessmentSchema)
    @blp.alt_response(429, description="trop de demandes")
    def post(self, data):
        """Score indicatif d'un projet d'offre et les changements qui rapportent le plus."""
        principal()
        current_app.extensions["spar.rate_limiter"].check(f"self-assessment:{request.remote_addr}")
        return current_app.json.response(
            self_assessment.assess(uow(), data, published_criteria()))
