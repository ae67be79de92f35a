"""Scoring runs and rankings of lots."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..services import scorings
from .auth import SECURED, principal, requires, uow
from .schemas import ScoringResultSchema

blp = Blueprint("scoring", __name__, url_prefix="/api/v1/consultations",
                description="Notation et classement des lots")


@blp.route("/<reference>/lots/<lot_id>/scoring")
class Scoring(MethodView):
    @requires("buyer")
    @blp.doc(security=SECURED)
    @blp.response(201, ScoringResultSchema)
    def post(self, reference: str, lot_id: str):
        """Noter le lot (après la date limite) ; la notation est conservée telle quelle."""
        return scorings.run(uow(), principal(), reference, lot_id)


@blp.route("/<reference>/lots/<lot_id>/ranking")
class Ranking(MethodView):
    @requires("buyer", "auditor", "supplier")
    @blp.doc(security=SECURED)
    @blp.response(200, ScoringResultSchema)
    def get(self, reference: str, lot_id: str):
        """Le classement de la dernière notation ; une entreprise voit ses lignes et celles
        de l'attributaire."""
        return scorings.ranking(uow(), principal(), reference, lot_id)
