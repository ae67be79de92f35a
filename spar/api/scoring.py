"""Scoring runs and rankings of lots."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from ..jobs import start
from ..services import jobs, reproducibility, scorings
from ..services.pagination import page_of_list
from .auth import SECURED, principal, requires, uow
from .body import Blueprint
from .jobs import JobSchema, accepted, prefers_async
from .pagination import PageQuerySchema, page_response, page_schema
from .schemas import ScoringResultSchema

blp = Blueprint("scoring", __name__, url_prefix="/api/v1/consultations",
                description="Notation et classement des lots")


@blp.route("/<reference>/lots/<lot_id>/scoring")
class Scoring(MethodView):
    @requires("consultation.manage")
    @blp.doc(security=SECURED)
    @blp.response(201, ScoringResultSchema)
    @blp.alt_response(202, schema=JobSchema, description=(
        "lot de plus de SPAR_JOB_SCORING_THRESHOLD offres, ou « Prefer: respond-async » : la "
        "notation est un travail de fond, à suivre à l'adresse de l'en-tête Location"))
    def post(self, reference: str, lot_id: str):
        """Noter le lot (après la date limite) ; la notation est conservée telle quelle."""
        who = principal()
        size = jobs.scoring_size(uow(), who, reference, lot_id)
        if size > current_app.config["JOB_SCORING_THRESHOLD"] or prefers_async():
            return accepted(start(current_app, who, "scoring",
                                  {"reference": reference, "lot": lot_id}, size))
        return scorings.run(uow(), who, reference, lot_id)


@blp.route("/<reference>/lots/<lot_id>/ranking")
class Ranking(MethodView):
    @requires("scoring.read")
    @blp.doc(security=SECURED)
    @blp.response(200, ScoringResultSchema)
    def get(self, reference: str, lot_id: str):
        """Le classement de la dernière notation ; une entreprise voit ses lignes et celles
        de l'attributaire, sans le calcul des critères relatifs (il cite les valeurs des
        autres offres)."""
        return scorings.ranking(uow(), principal(), reference, lot_id)


class SensitivityQuerySchema(Schema):
    pairs = fields.Boolean(load_default=False,
                           metadata={"description": "aussi chaque paire de rangs voisins"})


class SensitivitySchema(Schema):
    criteria = fields.Dict(required=True)
    engine = fields.String(required=True)
    lot = fields.String(allow_none=True)
    points = fields.Float(required=True)
    factor = fields.Float(required=True)
    fragile_points = fields.Float(required=True)
    ranked_offers = fields.Integer(required=True)
    assumptions = fields.List(fields.String())
    effective_weights = fields.Dict(required=True)
    stability = fields.Dict(required=True)
    pairs = fields.List(fields.Dict())
    warnings = fields.List(fields.String())
    scoring = fields.Dict(required=True)


@blp.route("/<reference>/lots/<lot_id>/sensitivity")
class Sensitivity(MethodView):
    @requires("scoring.sensitivity")
    @blp.doc(security=SECURED)
    @blp.arguments(SensitivityQuerySchema, location="query")
    @blp.response(200, SensitivitySchema)
    def get(self, query, reference: str, lot_id: str):
        """Poids effectifs et stabilité de l'attributaire pour la dernière notation."""
        return scorings.sensitivity(uow(), principal(), reference, lot_id, pairs=query["pairs"])


class RescoreQuerySchema(PageQuerySchema):
    lot = fields.String(metadata={"description": "un seul lot"})


class RescoreReportSchema(Schema):
    scoring = fields.String(required=True)
    lot = fields.String(required=True)
    created_at = fields.String(required=True)
    engine_version = fields.String(required=True)
    reproduced = fields.Boolean(required=True)
    differences = fields.List(fields.Dict(), required=True)
    same_model = fields.Boolean(required=True, metadata={
        "description": "le modèle de revue d'aujourd'hui est celui de la notation"})
    model_version = fields.Dict(required=True, metadata={
        "description": "versions du modèle de revue : {stored, recomputed}"})


@blp.route("/<reference>/rescore")
class Rescore(MethodView):
    @requires("auditor", "buyer")
    @blp.doc(security=SECURED)
    @blp.arguments(RescoreQuerySchema, location="query")
    @blp.response(200, page_schema(RescoreReportSchema))
    def get(self, query, reference: str):
        """Recalculer chaque notation conservée et la comparer, champ par champ (un
        rapport par notation, par pages)."""
        reports = reproducibility.rescore(uow(), principal(), reference, query.get("lot"))
        return page_response(page_of_list(reports, query["page"], query["per_page"]))
