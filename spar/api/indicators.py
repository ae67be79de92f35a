"""The organisation's yearly SPAR indicators (JSON, or a one-page PDF)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..services import indicators
from .auth import SECURED, principal, requires, uow
from .body import Blueprint

blp = Blueprint("indicators", __name__, url_prefix="/api/v1", description="Indicateurs SPAR")


class IndicatorsQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf"]))


class IndicatorsSchema(Schema):
    year = fields.Integer(required=True)
    organisation = fields.String(required=True)
    consultations = fields.Integer(required=True)
    with_environmental_share = fields.Float(allow_none=True)
    with_social_share = fields.Float(allow_none=True)
    pillar_weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    insertion_hours = fields.Float(required=True)
    awards = fields.Integer(required=True)
    sme_award_share = fields.Float(allow_none=True)
    sme_known_awards = fields.Integer(required=True)
    # the SME portal (SPEC §8); shapes in spar.exports.indicators_portal
    sme = fields.Dict(metadata={"description": "parts des PME : offres, attributions, "
                                               "montants estimés attribués"})
    programme = fields.Dict(metadata={"description": "entreprises intéressées par achat "
                                                     "prévu"})
    deadline_to_scoring = fields.Dict(metadata={"description": "jours de la date limite à "
                                                               "la notation, par lot"})


@blp.route("/indicators")
class Indicators(MethodView):
    @requires("buyer", "auditor")
    @blp.doc(security=SECURED)
    @blp.arguments(IndicatorsQuerySchema, location="query")
    @blp.response(200, IndicatorsSchema, content_type="application/json")
    @blp.alt_response(200, schema={"type": "string", "format": "binary"},
                      content_type="application/pdf", success=True,
                      description="format=pdf : une page avec graphiques")
    def get(self, query):
        """Les chiffres SPAR de l'année pour l'organisation de l'appelant."""
        figures = indicators.compute(uow(), principal(), query["year"])
        if query["format"] == "pdf":
            from ..exports.indicators_pdf import indicators_pdf

            return Response(indicators_pdf(figures), mimetype="application/pdf", headers={
                "Content-Disposition": f'attachment; filename="indicateurs-{query["year"]}.pdf"'})
        return figures
