"""Liveness and database reachability."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..services.health import database_reachable
from .auth import OPTIONAL_AUTH, uow

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="État du service")


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(security=OPTIONAL_AUTH)
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="base de données injoignable")
    def get(self):
        """Le service répond-il, et sa base de données ?"""
        if not database_reachable(uow()):
            return {"status": "degraded", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}
